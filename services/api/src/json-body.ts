import { AppError } from './errors.ts';

/** Keys that could reach an object's prototype if code ever copied the body with assignment. */
const RESERVED = new Set(['__proto__', 'constructor', 'prototype']);

/** Where in the body the first reserved key is, as a field path ("body.redisConfig.__proto__"). */
function reservedKey(value: unknown, at: string): string | undefined {
  if (Array.isArray(value)) {
    for (const [i, v] of value.entries()) {
      const found = reservedKey(v, `${at}.${i}`);
      if (found) return found;
    }
  } else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (RESERVED.has(k)) return `${at}.${k}`;
      const found = reservedKey(v, `${at}.${k}`);
      if (found) return found;
    }
  }
  return undefined;
}

/**
 * The body of an application/json request: undefined when empty (a DELETE sent with the header
 * and no body is common), 400 when it is not JSON, 400 naming the field when it holds a key
 * named __proto__, constructor or prototype (valid JSON, but no field of ours has that name).
 */
export function parseJsonBody(text: string): unknown {
  if (text === '') return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new AppError('validation_failed', `body: is not valid JSON (${(err as Error).message})`, [{ field: 'body', message: 'is not valid JSON' }]);
  }
  const field = reservedKey(value, 'body');
  if (field) throw new AppError('validation_failed', `${field}: is a reserved name, not a field of this API`, [{ field, message: 'is a reserved name, not a field of this API' }]);
  return value;
}
