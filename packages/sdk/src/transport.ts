// What every request goes through: an Idempotency-Key on writes, a timeout, and bounded retries
// of 429 and 503 that honour Retry-After, and of connections that failed.

export interface RetryOptions {
  /** Retries after the first attempt (default 3); 0 turns retrying off. */
  max?: number;
  /** A Retry-After longer than this is not waited for: the error is thrown (default 60 000). */
  maxDelayMs?: number;
  /** The wait when the answer names none (default 1000, doubling). */
  baseDelayMs?: number;
}

export interface TransportOptions {
  retry?: RetryOptions;
  /** Per attempt, headers and body (default 30 000); event streams have none. */
  timeoutMs?: number;
  /** The fetch to use (default globalThis.fetch). */
  fetch?: typeof fetch;
}

const WRITES = new Set(['POST', 'PATCH', 'PUT', 'DELETE']);
const RETRIED = new Set([429, 503]);

/** Seconds or an HTTP date, as Retry-After allows; undefined when absent or unreadable. */
export function retryAfterMs(header: string | null, now = Date.now()): number | undefined {
  if (!header) return undefined;
  if (/^\d+$/.test(header.trim())) return Number(header.trim()) * 1000;
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

const sleep = (ms: number, signal?: AbortSignal | null) =>
  new Promise<void>((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => (clearTimeout(timer), reject(signal.reason)), { once: true });
  });

/**
 * A random UUID. `crypto.randomUUID` exists only in secure contexts: a page served over plain HTTP
 * from a host that is not loopback (the console on a private network) has getRandomValues alone.
 */
function randomKey(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6]! & 0x0f) | 0x40;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const hex = Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** A fetch for openapi-fetch (and the event stream) that adds idempotency keys, timeouts and retries. */
export function transport(opts: TransportOptions = {}) {
  const doFetch = opts.fetch ?? globalThis.fetch;
  const max = opts.retry?.max ?? 3;
  const maxDelayMs = opts.retry?.maxDelayMs ?? 60_000;
  const baseDelayMs = opts.retry?.baseDelayMs ?? 1000;
  return async (input: Request, { timeoutMs = opts.timeoutMs ?? 30_000 }: { timeoutMs?: number | null } = {}): Promise<Response> => {
    let request = input;
    // One key for every attempt: a retried write is applied once and answered with the first result.
    if (WRITES.has(request.method) && !request.headers.has('idempotency-key')) {
      const headers = new Headers(request.headers);
      headers.set('idempotency-key', randomKey());
      request = new Request(request, { headers });
    }
    for (let attempt = 0; ; attempt++) {
      const signal = timeoutMs === null ? request.signal : AbortSignal.any([request.signal, AbortSignal.timeout(timeoutMs)]);
      let response: Response;
      try {
        response = await doFetch(request.clone(), { signal });
      } catch (err) {
        // A connection reset or refused (not a timeout, not the caller's abort) is tried again: safe
        // for a write too, since it carries the same Idempotency-Key.
        if (attempt >= max || signal.aborted || !(err instanceof TypeError)) throw err;
        await sleep((baseDelayMs / 4) * 2 ** attempt, request.signal);
        continue;
      }
      if (!RETRIED.has(response.status) || attempt >= max) return response;
      const delay = retryAfterMs(response.headers.get('retry-after')) ?? baseDelayMs * 2 ** attempt;
      if (delay > maxDelayMs) return response;
      await response.body?.cancel();
      await sleep(delay, request.signal);
    }
  };
}

export type Transport = ReturnType<typeof transport>;
