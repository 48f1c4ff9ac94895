import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loseShardData, startApiHarness, type ApiHarness } from '@slotplane/testkit';
import { parseNetworkPolicy } from '@slotplane/webhooks';
import { documentedRoutes, type Route } from './documented-routes.ts';

// Every documented route that names a resource, called with another tenant's read and write keys:
// the resource does not exist for them (404), or the route is refused whatever the id (the same 403
// as for a random id). An admin key (the operator's) reaches every tenant's clusters on every route
// that names one. Generated from the OpenAPI document, so a new route is walked without being listed.
let h: ApiHarness;
let alice: { authorization: string };
let mallory: { authorization: string };
let malloryRead: { authorization: string };
let operator: { authorization: string };
const aliceIds: Record<string, string> = {};
/** Another cluster of alice's, for the admin key's walk (the first walk deletes `secret`). */
const watchedIds: Record<string, string> = {};

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
  malloryRead = { authorization: `Bearer ${(await h.app.inject({ method: 'POST', url: '/v1/api-keys', headers: mallory, payload: { scope: 'read' } })).json().key}` };
  operator = (await h.tenant('operator', 'admin')).auth;
  const created = (await h.app.inject({ method: 'POST', url: '/v1/clusters', headers: alice, payload: { name: 'secret', shards: 1, replicasPerShard: 1 } })).json();
  aliceIds.clusterId = created.cluster.id;
  aliceIds.operationId = created.operation.id;
  aliceIds.tenantId = a.tenantId;
  aliceIds.index = '0';
  aliceIds.lossId = (await loseShardData(h.database.db, created.cluster.id)).lossId;
  // Hosts are the operator's, no tenant's: any id will do (the routes are admin-only).
  aliceIds.hostId = randomUUID();
  aliceIds.webhookId = (await h.app.inject({ method: 'POST', url: '/v1/webhooks', headers: alice, payload: { url: 'http://127.0.0.1:9/hook' } })).json().id;
  aliceIds.keyId = (await h.app.inject({ method: 'POST', url: '/v1/api-keys', headers: alice, payload: { scope: 'read' } })).json().id;
  const watched = (await h.app.inject({ method: 'POST', url: '/v1/clusters', headers: alice, payload: { name: 'watched', shards: 1, replicasPerShard: 0 } })).json();
  Object.assign(watchedIds, { clusterId: watched.cluster.id, operationId: watched.operation.id, index: '0', lossId: (await loseShardData(h.database.db, watched.cluster.id)).lossId });
});
afterAll(() => h?.close());

const call = (method: string, url: string, headers: { authorization: string }, body: object | undefined) =>
  h.app.inject({ method: method as 'GET', url, headers, ...(body ? { payload: body } : {}) });
/** DELETEs last: the resource must still be there for the calls after. */
const deletesLast = (a: Route, b: Route) => Number(a.method === 'DELETE') - Number(b.method === 'DELETE');

describe("another tenant's read and write keys", () => {
  it('find none of the resources on any route', async () => {
    // The owner's DELETE goes through: the resource must still be there for the others.
    const routes = documentedRoutes(await h.app.swagger())
      .filter((r) => r.pathParams.length > 0)
      .sort(deletesLast);
    expect(routes.length).toBeGreaterThan(10);
    for (const route of routes) {
      const fill = (ids: Record<string, string>) => route.pathParams.reduce((url, p) => url.replace(`{${p}}`, ids[p] ?? 'missing-fixture'), route.path);
      const url = fill(aliceIds);
      expect(url, `${route.operationId}: a path parameter without a fixture here`).not.toContain('missing-fixture');
      const body = route.bodyFields ? (VALID_BODY[route.operationId] ?? {}) : undefined;
      let walked = false;
      for (const [scope, key] of [['write', mallory], ['read', malloryRead]] as const) {
        const res = await call(route.method, url, key, body);
        if (res.statusCode === 403) {
          // Refused for the route, not for the resource: a random id gets the same answer.
          const random = await call(route.method, fill(Object.fromEntries(Object.keys(aliceIds).map((k) => [k, k === 'index' ? '0' : randomUUID()]))), key, body);
          expect(random.statusCode, `${route.method} ${route.path} (${scope} key)`).toBe(403);
          continue;
        }
        expect(res.statusCode, `${route.method} ${route.path} (${scope} key): ${res.body.slice(0, 200)}`).toBe(404);
        walked = true;
      }
      if (!walked) continue;
      // The owner gets past the ownership check on the same request.
      expect((await call(route.method, url, alice, body)).statusCode, `${route.method} ${route.path} as the owner`).not.toBe(404);
    }
  });

  it('see none of them in any list', async () => {
    const lists = documentedRoutes(await h.app.swagger()).filter((r) => r.method === 'GET' && r.pathParams.length === 0 && r.path !== '/v1/events/stream');
    for (const route of lists) {
      for (const key of [mallory, malloryRead]) {
        const res = await call('GET', route.path, key, undefined);
        for (const id of [...Object.values(aliceIds), ...Object.values(watchedIds)].filter((v) => v.length > 1)) expect(res.body, `${route.path} shows ${id}`).not.toContain(id);
      }
    }
  });
});

describe('an admin key', () => {
  it("reaches another tenant's cluster and its operations on every route that names them", async () => {
    const routes = documentedRoutes(await h.app.swagger())
      .filter((r) => r.pathParams.length > 0 && r.pathParams.every((p) => p in watchedIds))
      .sort(deletesLast);
    expect(routes.map((r) => r.operationId)).toEqual(
      expect.arrayContaining(['getCluster', 'updateCluster', 'deleteCluster', 'getClusterCredentials', 'rotateClusterPassword', 'getClusterSkew', 'rebalanceCluster', 'switchoverShard', 'acknowledgeDataLoss', 'getOperation', 'listClusterOperations']),
    );
    for (const route of routes) {
      const url = route.pathParams.reduce((u, p) => u.replace(`{${p}}`, watchedIds[p]!), route.path);
      const res = await call(route.method, url, operator, route.bodyFields ? (VALID_BODY[route.operationId] ?? {}) : undefined);
      // Past the ownership check: the answer the owner would get. The cluster is still being
      // created (no worker here), so a rebalance, a switchover or a rotation is a 409 that says so.
      const what = `${route.method} ${route.path}: ${res.body.slice(0, 200)}`;
      expect([200, 202, 409], what).toContain(res.statusCode);
      if (res.statusCode === 409) expect(res.json().detail, what).toContain('being created');
    }
    const cluster = (await call('GET', `/v1/clusters/${watchedIds.clusterId}`, operator, undefined)).json();
    expect(cluster).toMatchObject({ name: 'watched', tenantId: aliceIds.tenantId, status: 'deleting' });
  });

  it("reads another tenant's cluster's events, where that tenant's other keys read none", async () => {
    const url = `/v1/events?limit=100&clusterId=${watchedIds.clusterId}`;
    const seen = (await call('GET', url, operator, undefined)).json().items as Array<{ type: string; clusterId: string; tenantId: string }>;
    expect(seen.map((e) => e.type)).toEqual(expect.arrayContaining(['cluster.created', 'cluster.updated', 'cluster.delete_requested']));
    expect(seen.every((e) => e.clusterId === watchedIds.clusterId && e.tenantId === aliceIds.tenantId)).toBe(true);
    expect((await call('GET', url, mallory, undefined)).json().items).toEqual([]);
  });
});
