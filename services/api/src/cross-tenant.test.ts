import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiHarness, type ApiHarness } from '@slotplane/testkit';
import { parseNetworkPolicy } from '@slotplane/webhooks';
import { documentedRoutes } from './documented-routes.ts';

// Every documented route that names a resource, called with another tenant's key: the resource
// does not exist for it (404), or the route is refused whatever the id (the same 403 as for a
// random id). Generated from the OpenAPI document, so a new route is walked without being listed.
let h: ApiHarness;
let alice: { authorization: string };
let mallory: { authorization: string };
const aliceIds: Record<string, string> = {};

/** Bodies that pass validation, so the walk reaches the ownership check; {} for a route not listed. */
const VALID_BODY: Record<string, object> = {
  updateCluster: { maxMemoryMb: 300 },
  updateTenant: { maxClusters: 3 },
};

beforeAll(async () => {
  h = await startApiHarness({ webhookNetworks: parseNetworkPolicy('127.0.0.0/8') });
  const a = await h.tenant('alice');
  alice = a.auth;
  mallory = (await h.tenant('mallory')).auth;
  const created = (await h.app.inject({ method: 'POST', url: '/v1/clusters', headers: alice, payload: { name: 'secret', shards: 1, replicasPerShard: 1 } })).json();
  aliceIds.clusterId = created.cluster.id;
  aliceIds.operationId = created.operation.id;
  aliceIds.tenantId = a.tenantId;
  aliceIds.index = '0';
  // Hosts are the operator's, no tenant's: any id will do (the routes are admin-only).
  aliceIds.hostId = randomUUID();
  aliceIds.webhookId = (await h.app.inject({ method: 'POST', url: '/v1/webhooks', headers: alice, payload: { url: 'http://127.0.0.1:9/hook' } })).json().id;
  aliceIds.keyId = (await h.app.inject({ method: 'POST', url: '/v1/api-keys', headers: alice, payload: { scope: 'read' } })).json().id;
});
afterAll(() => h?.close());

const call = (method: string, url: string, headers: { authorization: string }, body: object | undefined) =>
  h.app.inject({ method: method as 'GET', url, headers, ...(body ? { payload: body } : {}) });

describe("another tenant's key", () => {
  it('finds none of the resources on any route', async () => {
    // DELETEs last: the owner's call goes through, and the resource must still be there for the others.
    const routes = documentedRoutes(await h.app.swagger())
      .filter((r) => r.pathParams.length > 0)
      .sort((a, b) => Number(a.method === 'DELETE') - Number(b.method === 'DELETE'));
    expect(routes.length).toBeGreaterThan(10);
    for (const route of routes) {
      const fill = (ids: Record<string, string>) => route.pathParams.reduce((url, p) => url.replace(`{${p}}`, ids[p] ?? 'missing-fixture'), route.path);
      const url = fill(aliceIds);
      expect(url, `${route.operationId}: a path parameter without a fixture here`).not.toContain('missing-fixture');
      const body = route.bodyFields ? (VALID_BODY[route.operationId] ?? {}) : undefined;
      const res = await call(route.method, url, mallory, body);
      if (res.statusCode === 403) {
        // Refused for the route, not for the resource: a random id gets the same answer.
        const random = await call(route.method, fill(Object.fromEntries(Object.keys(aliceIds).map((k) => [k, k === 'index' ? '0' : randomUUID()]))), mallory, body);
        expect(random.statusCode, `${route.method} ${route.path}`).toBe(403);
        continue;
      }
      expect(res.statusCode, `${route.method} ${route.path}: ${res.body.slice(0, 200)}`).toBe(404);
      // The owner gets past the ownership check on the same request.
      expect((await call(route.method, url, alice, body)).statusCode, `${route.method} ${route.path} as the owner`).not.toBe(404);
    }
  });

  it("sees none of them in any list", async () => {
    const lists = documentedRoutes(await h.app.swagger()).filter((r) => r.method === 'GET' && r.pathParams.length === 0 && r.path !== '/v1/events/stream');
    for (const route of lists) {
      const res = await call('GET', route.path, mallory, undefined);
      for (const id of Object.values(aliceIds).filter((v) => v.length > 1)) expect(res.body, `${route.path} shows ${id}`).not.toContain(id);
    }
  });
});
