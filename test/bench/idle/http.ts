// What every simulated agent protocol needs: a JSON call to the API with the host's bearer token.
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function call<T>(url: string, init: RequestInit & { token: string }): Promise<T> {
  const res = await fetch(url, {
    ...init,
    headers: { authorization: `Bearer ${init.token}`, ...(init.body ? { 'content-type': 'application/json' } : {}) },
  });
  const body = await res.json().catch(() => ({}));
  if (!res.ok) throw new Error(`${init.method ?? 'GET'} ${url}: ${res.status} ${(body as { detail?: string }).detail ?? ''}`);
  return body as T;
}

/** Enrolls a simulated host through the real route. */
export const enroll = (apiUrl: string, enrollmentToken: string, host: object) =>
  call<{ hostId: string; hostToken: string }>(`${apiUrl}/v1/agent/enroll`, { method: 'POST', token: enrollmentToken, body: JSON.stringify({ ...host, zone: null, rack: null }) });

/**
 * What every agent protocol does between reports: GET the assignments, then long-poll for a
 * change (`waitMs`), again and again until `stopped()`; a failed call is retried after a pause.
 */
export function longPollAssignments(opts: { apiUrl: string; token: string; signal: AbortSignal; waitMs: number; retryMs: number; stopped: () => boolean; track: <T>(label: string, p: Promise<T>) => Promise<T> }): Promise<void> {
  return (async () => {
    let version: string | undefined;
    while (!opts.stopped()) {
      try {
        const query = version ? `?since=${version}&waitMs=${opts.waitMs}` : '';
        const assignments = await opts.track('GET /v1/agent/assignments', call<{ version: string }>(`${opts.apiUrl}/v1/agent/assignments${query}`, { token: opts.token, signal: opts.signal }));
        if (opts.stopped()) break;
        version = assignments.version;
      } catch {
        if (opts.stopped()) break;
        await sleep(opts.retryMs);
      }
    }
  })();
}
