import type { SlotplaneEvent } from './types.ts';

const KEY_ITEM = 'slotplane.adminKey';
/** Every request gives up after this long: an unreachable API is shown, not waited on. */
const REQUEST_TIMEOUT_MS = 10_000;
/** A dropped event stream is reopened after this long, from the last event it delivered. */
const RECONNECT_MS = 1000;

// The key lives in sessionStorage only: gone when the tab closes, never written to disk by us.
export const savedKey = (): string | null => sessionStorage.getItem(KEY_ITEM);
export const saveKey = (key: string): void => sessionStorage.setItem(KEY_ITEM, key);
export const forgetKey = (): void => sessionStorage.removeItem(KEY_ITEM);

/** One offending field of a problem+json answer, e.g. { field: 'body.name', message: 'is already taken' }. */
export interface FieldError {
  field: string;
  message: string;
}

export class ApiError extends Error {
  constructor(readonly status: number, message: string, readonly errors: FieldError[] = []) {
    super(message);
  }
}

/** One API call with the admin key; a problem+json answer becomes an ApiError with its detail. */
export async function call<T>(key: string, method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(path, {
    method,
    headers: { authorization: `Bearer ${key}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
  });
  const text = await res.text();
  const json = text ? (JSON.parse(text) as unknown) : undefined;
  if (!res.ok) {
    const problem = json as { detail?: string; title?: string; errors?: FieldError[] } | undefined;
    throw new ApiError(res.status, problem?.detail ?? problem?.title ?? `${method} ${path}: HTTP ${res.status}`, problem?.errors ?? []);
  }
  return json as T;
}

export type StreamState = 'connecting' | 'live' | 'retrying' | 'refused';

export interface SseMessage {
  id?: string;
  event?: string;
  data?: string;
}

/** The fields of one Server-Sent Events message (its lines, without the blank line that ends it). */
export function parseSseMessage(block: string): SseMessage {
  const out: SseMessage = {};
  for (const line of block.split('\n')) {
    if (line.startsWith(':') || !line) continue;
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
    if (field === 'id') out.id = value;
    else if (field === 'event') out.event = value;
    else if (field === 'data') out.data = out.data === undefined ? value : `${out.data}\n${value}`;
  }
  return out;
}

/** Splits a text/event-stream body, fed as it arrives in chunks of any size, into whole messages. */
export function sseSplitter(): (chunk: string) => SseMessage[] {
  let buffer = '';
  return (chunk) => {
    buffer += chunk;
    // A CR LF may be cut between two chunks: only a CR that is not the buffer's last character is normalized.
    const tail = buffer.endsWith('\r') ? '\r' : '';
    buffer = buffer.slice(0, buffer.length - tail.length).replace(/\r\n?/g, '\n');
    const messages: SseMessage[] = [];
    let end: number;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      messages.push(parseSseMessage(buffer.slice(0, end)));
      buffer = buffer.slice(end + 2);
    }
    buffer += tail;
    return messages;
  };
}

/**
 * GET /v1/events/stream with the key in a header, which EventSource cannot send: fetch and read
 * the body as it arrives. Reconnects with Last-Event-ID until `signal` aborts; a refused key stops it.
 */
export async function followEvents(key: string, onEvent: (e: SlotplaneEvent) => void, onState: (s: StreamState) => void, signal: AbortSignal): Promise<void> {
  let lastId: string | undefined;
  for (let attempt = 0; !signal.aborted; attempt++) {
    onState(attempt === 0 ? 'connecting' : 'retrying');
    try {
      const res = await fetch(lastId ? '/v1/events/stream' : '/v1/events/stream?cursor=now', {
        headers: { authorization: `Bearer ${key}`, accept: 'text/event-stream', ...(lastId ? { 'last-event-id': lastId } : {}) },
        signal,
      });
      if (res.status === 401 || res.status === 403) return onState('refused');
      if (!res.ok || !res.body) throw new Error(`HTTP ${res.status}`);
      onState('live');
      const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
      const split = sseSplitter();
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        for (const message of split(value)) {
          if (message.id) lastId = message.id;
          if (message.data) onEvent(JSON.parse(message.data) as SlotplaneEvent);
        }
      }
    } catch {
      if (signal.aborted) return;
    }
    await new Promise((r) => setTimeout(r, RECONNECT_MS));
  }
}
