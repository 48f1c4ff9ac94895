import { AppError } from './errors.ts';

/** Keys that could reach an object's prototype if code ever copied the body with assignment. */
const RESERVED = new Set(['__proto__', 'constructor', 'prototype']);
/** No body of this API nests deeper than a few levels; a bound keeps every walk over a body shallow. */
export const MAX_JSON_DEPTH = 32;

const refuse = (field: string, message: string) => new AppError('validation_failed', `${field}: ${message}`, [{ field, message }]);

/**
 * How deep `text`'s arrays and objects nest, counted over the text itself (brackets outside
 * strings), stopping as soon as it passes `max`: no recursion, whatever the body.
 */
function nestsDeeperThan(text: string, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // a backslash escapes the next character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > max) return true;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return false;
}

/**
 * The first field (as a path: "body.redisConfig.__proto__") with a reserved name, or a string
 * holding a NUL (Postgres text cannot store one, and no field of ours needs it). Walked with a
 * stack, not recursion.
 */
function badField(body: unknown): { field: string; message: string } | undefined {
  const stack: Array<[unknown, string]> = [[body, 'body']];
  while (stack.length) {
    const [value, at] = stack.pop()!;
    if (typeof value === 'string') {
      if (value.includes('\0')) return { field: at, message: 'must not contain a NUL character' };
    } else if (Array.isArray(value)) {
      for (let i = value.length - 1; i >= 0; i--) stack.push([value[i], `${at}.${i}`]);
    } else if (value && typeof value === 'object') {
      const entries = Object.entries(value);
      for (const [k] of entries) {
        if (RESERVED.has(k)) return { field: `${at}.${k}`, message: 'is a reserved name, not a field of this API' };
        if (k.includes('\0')) return { field: at, message: 'has a field name with a NUL character' };
      }
      for (let i = entries.length - 1; i >= 0; i--) stack.push([entries[i]![1], `${at}.${entries[i]![0]}`]);
    }
  }
  return undefined;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * The body of an application/json request: undefined when empty (a DELETE sent with the header
 * and no body is common). 400, naming the field where there is one, when it is not UTF-8, not
 * JSON, nests deeper than MAX_JSON_DEPTH, holds a NUL character, or a key named __proto__,
 * constructor or prototype (valid JSON, but no field of ours has that name).
 */
export function parseJsonBody(raw: Buffer | string): unknown {
  let text: string;
  try {
    text = typeof raw === 'string' ? raw : utf8.decode(raw);
  } catch {
    throw refuse('body', 'is not valid UTF-8');
  }
  if (text === '') return undefined;
  if (nestsDeeperThan(text, MAX_JSON_DEPTH)) throw refuse('body', `nests deeper than ${MAX_JSON_DEPTH} levels`);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new AppError('validation_failed', `body: is not valid JSON (${(err as Error).message})`, [{ field: 'body', message: 'is not valid JSON' }]);
  }
  const bad = badField(value);
  if (bad) throw refuse(bad.field, bad.message);
  return value;
}

/**
 * The request target (path and query) decoded: 400 when a percent-escape is not UTF-8 or stands
 * for a NUL (a name with one would reach Postgres, which cannot store it). The part named is
 * `query` or `path`.
 */
export function checkRequestTarget(url: string): void {
  const q = url.indexOf('?');
  const parts: Array<[string, string]> = q < 0 ? [['path', url]] : [['path', url.slice(0, q)], ['query', url.slice(q + 1)]];
  for (const [field, part] of parts) {
    if (!part.includes('%')) continue;
    let decoded: string;
    try {
      decoded = decodeURIComponent(part.replace(/\+/g, ' '));
    } catch {
      throw refuse(field, 'has a percent-escape that is not UTF-8');
    }
    if (decoded.includes('\0')) throw refuse(field, 'must not contain a NUL character (%00)');
  }
}
