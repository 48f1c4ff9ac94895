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
