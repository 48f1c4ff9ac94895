import { waitFor } from '@slotplane/embedded';
import type { Api } from '@slotplane/api';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests check bodies with assertions
type Body = any;

/** A tenant's view of the API under test: JSON calls and waiting for operations. */
export function tenantClient(app: Api, auth: { authorization: string }) {
  const call = async (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, body?: object): Promise<Body> =>
    (await app.inject({ method, url, headers: auth, ...(body ? { payload: body } : {}) })).json();
  /** Resolves with the operation once it is no longer pending or running. */
  const settled = (operationId: string, timeoutMs = 90_000): Promise<Body> =>
    waitFor(`operation ${operationId} to settle`, async () => {
      const op = await call('GET', `/v1/operations/${operationId}`);
      return ['succeeded', 'failed', 'cancelled'].includes(op.status) ? op : undefined;
    }, { timeoutMs, intervalMs: 50 });
  return { call, settled };
}
