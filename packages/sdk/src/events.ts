import { errorOf } from './errors.ts';
import type { components } from './schema.ts';
import { sseSplitter, type SseMessage } from './sse.ts';
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
  /**
   * Keep trying when the API cannot be reached at first, as after a drop (default false: the
   * first connection's failure is thrown). An error answer (401, 400...) is thrown either way.
   */
  waitForApi?: boolean;
  /** Told where the connection is: `connecting` (first), `live` (each time it opens), `retrying` (after a drop). */
  onState?: (state: StreamState) => void;
  signal?: AbortSignal;
}

export type StreamState = 'connecting' | 'live' | 'retrying';

/** The messages of a text/event-stream body that carry data (keep-alives are skipped). */
async function* messagesOf(body: ReadableStream<Uint8Array>): AsyncGenerator<SseMessage & { data: string }> {
  const split = sseSplitter();
  // A reader rather than `for await` over the stream: browsers' streams are not all async iterable.
  const reader = body.getReader();
  const decoder = new TextDecoder();
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      for (const { data, ...message } of split(decoder.decode(value, { stream: true }))) if (data !== undefined) yield { ...message, data };
    }
  } finally {
    await reader.cancel().catch(() => {});
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
  let tried = false;
  const stop = new AbortController();
  const signal = opts.signal ? AbortSignal.any([opts.signal, stop.signal]) : stop.signal;
  try {
    while (!signal.aborted) {
      // The first connection starts at the caller's cursor; a reconnection after the last event seen.
      const url = new URL(base);
      if (lastId === undefined && opts.cursor !== undefined) url.searchParams.set('cursor', opts.cursor);
      const request = new Request(url, { headers: { ...headers, accept: 'text/event-stream', ...(lastId !== undefined ? { 'last-event-id': lastId } : {}) }, signal });
      let response: Response;
      opts.onState?.(tried ? 'retrying' : 'connecting');
      tried = true;
      try {
        response = await send(request, { timeoutMs: null });
      } catch (err) {
        if (signal.aborted) return;
        // An API that cannot be reached at all is the caller's to know (unless told to wait); a lost one is waited for.
        if (!connected && !opts.waitForApi) throw err;
        await delay(opts.reconnectDelayMs ?? 1000, signal);
        continue;
      }
      if (!response.ok || !response.body) throw await errorOf(response);
      connected = true;
      opts.onState?.('live');
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
