import { errorOf } from './errors.ts';
import type { components } from './schema.ts';
import type { Transport } from './transport.ts';

export type Event = components['schemas']['Event'];
export type EventType = Event['type'];

export interface StreamOptions {
  clusterId?: string;
  /** Only events of this type, or of any of these. */
  type?: EventType | EventType[];
  /** Start after this event id (or a page's nextCursor); `now` for only what comes next; absent: every kept event. */
  cursor?: string;
  /** Wait before reconnecting after the connection drops (default 1000). */
  reconnectDelayMs?: number;
  signal?: AbortSignal;
}

interface Message {
  id?: string;
  event?: string;
  data: string;
}

/** Splits a text/event-stream body into messages; comments (keep-alives) are skipped. */
async function* messagesOf(body: ReadableStream<Uint8Array>): AsyncGenerator<Message> {
  let buffer = '';
  let message: Message = { data: '' };
  let hasData = false;
  for await (const chunk of body.pipeThrough(new TextDecoderStream())) {
    buffer += chunk;
    let newline: number;
    while ((newline = buffer.search(/\r\n|\r|\n/)) >= 0) {
      const line = buffer.slice(0, newline);
      buffer = buffer.slice(newline + (buffer.startsWith('\r\n', newline) ? 2 : 1));
      if (line === '') {
        if (hasData) yield message;
        message = { data: '' };
        hasData = false;
        continue;
      }
      if (line.startsWith(':')) continue;
      const colon = line.indexOf(':');
      const field = colon < 0 ? line : line.slice(0, colon);
      const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
      if (field === 'data') {
        message.data = hasData ? `${message.data}\n${value}` : value;
        hasData = true;
      } else if (field === 'id') message.id = value;
      else if (field === 'event') message.event = value;
    }
  }
}

/**
 * The event log live (GET /v1/events/stream), each event once and in order. A dropped connection is
 * reopened from the last event seen (Last-Event-ID); an error answer (401, 400...) is thrown as a
 * SlotplaneError. Ends when `signal` aborts or the loop breaks.
 */
export async function* streamEvents(send: Transport, baseUrl: string, headers: Record<string, string>, opts: StreamOptions = {}): AsyncGenerator<Event> {
  const base = new URL('v1/events/stream', baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`);
  if (opts.clusterId) base.searchParams.set('clusterId', opts.clusterId);
  if (opts.type) base.searchParams.set('type', [opts.type].flat().join(','));
  let lastId: string | undefined;
  let connected = false;
  const stop = new AbortController();
  const signal = opts.signal ? AbortSignal.any([opts.signal, stop.signal]) : stop.signal;
  try {
    while (!signal.aborted) {
      // The first connection starts at the caller's cursor; a reconnection after the last event seen.
      const url = new URL(base);
      if (lastId === undefined && opts.cursor !== undefined) url.searchParams.set('cursor', opts.cursor);
      const request = new Request(url, { headers: { ...headers, accept: 'text/event-stream', ...(lastId !== undefined ? { 'last-event-id': lastId } : {}) }, signal });
      let response: Response;
      try {
        response = await send(request, { timeoutMs: null });
      } catch (err) {
        if (signal.aborted) return;
        // An API that cannot be reached at all is the caller's to know; a lost one is waited for.
        if (!connected) throw err;
        await delay(opts.reconnectDelayMs ?? 1000, signal);
        continue;
      }
      if (!response.ok || !response.body) throw await errorOf(response);
      connected = true;
      try {
        for await (const message of messagesOf(response.body)) {
          if (message.id !== undefined) lastId = message.id;
          yield JSON.parse(message.data) as Event;
        }
      } catch {
        if (signal.aborted) return;
      }
      await delay(opts.reconnectDelayMs ?? 1000, signal);
    }
  } finally {
    stop.abort();
  }
}

const delay = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => (clearTimeout(timer), resolve()), { once: true });
  });
