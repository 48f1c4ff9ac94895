import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiHarness, type ApiHarness } from '@slotplane/testkit';

let h: ApiHarness;
let alice: { authorization: string };
let bob: { authorization: string };
let clusterId: string;
let createOpId: string;

beforeAll(async () => {
  h = await startApiHarness();
  alice = (await h.tenant()).auth;
  bob = (await h.tenant()).auth;
  const res = await h.app.inject({ method: 'POST', url: '/v1/clusters', headers: alice, payload: { name: 'ops', shards: 1, replicasPerShard: 0 } });
  clusterId = res.json().cluster.id;
  createOpId = res.json().operation.id;
});
afterAll(() => h?.close());

describe('GET /v1/operations/{id}', () => {
  it('returns the operation to its tenant', async () => {
    const res = await h.app.inject({ method: 'GET', url: `/v1/operations/${createOpId}`, headers: alice });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ id: createOpId, clusterId, kind: 'create', status: 'pending', progress: 0, error: null, warnings: [] });
  });

  it('is 404 for another tenant, 401 without a key, 400 for a malformed id', async () => {
    expect((await h.app.inject({ method: 'GET', url: `/v1/operations/${createOpId}`, headers: bob })).statusCode).toBe(404);
    expect((await h.app.inject({ method: 'GET', url: `/v1/operations/${createOpId}` })).statusCode).toBe(401);
    const bad = await h.app.inject({ method: 'GET', url: '/v1/operations/zzz', headers: alice });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors[0].field).toBe('path.operationId');
  });
});

describe('GET /v1/clusters/{id}/operations', () => {
  it('lists the cluster’s operations in order, paged', async () => {
    await h.app.inject({ method: 'PATCH', url: `/v1/clusters/${clusterId}`, headers: alice, payload: { replicasPerShard: 1 } });
    await h.app.inject({ method: 'DELETE', url: `/v1/clusters/${clusterId}`, headers: alice });
    const first = (await h.app.inject({ method: 'GET', url: `/v1/clusters/${clusterId}/operations?limit=2`, headers: alice })).json();
    expect(first.items.map((o: { kind: string }) => o.kind)).toEqual(['create', 'update']);
    const second = (await h.app.inject({ method: 'GET', url: `/v1/clusters/${clusterId}/operations?cursor=${first.nextCursor}`, headers: alice })).json();
    expect(second.items.map((o: { kind: string }) => o.kind)).toEqual(['delete']);
    expect(second.nextCursor).toBeNull();
  });

  it('is 404 for another tenant and 401 without a key', async () => {
    expect((await h.app.inject({ method: 'GET', url: `/v1/clusters/${clusterId}/operations`, headers: bob })).statusCode).toBe(404);
    expect((await h.app.inject({ method: 'GET', url: `/v1/clusters/${clusterId}/operations` })).statusCode).toBe(401);
  });

  it('rejects a bad limit', async () => {
    const res = await h.app.inject({ method: 'GET', url: `/v1/clusters/${clusterId}/operations?limit=1000`, headers: alice });
    expect(res.statusCode).toBe(400);
    expect(res.json().errors[0].field).toBe('query.limit');
  });
});
