import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clusters, count, eq, events, operations } from '@slotplane/db';
import { startApiHarness, type ApiHarness } from '@slotplane/testkit';

let h: ApiHarness;
let alice: { authorization: string };
let bob: { authorization: string };

beforeAll(async () => {
  h = await startApiHarness();
  alice = (await h.tenant()).auth;
  bob = (await h.tenant()).auth;
});
afterAll(() => h?.close());

const create = (body: unknown, headers = alice) => h.app.inject({ method: 'POST', url: '/v1/clusters', headers, payload: body as object });
const valid = (name: string) => ({ name, shards: 3, replicasPerShard: 1 });

describe('POST /v1/clusters', () => {
  it('accepts a cluster with defaults applied and points at its operation', async () => {
    const res = await create(valid('orders'));
    expect(res.statusCode).toBe(202);
    const body = res.json();
    expect(res.headers.location).toBe(`/v1/operations/${body.operation.id}`);
    expect(body.cluster).toMatchObject({
      name: 'orders',
      generation: 1,
      status: 'creating',
      observedGeneration: 0,
      spec: { shards: 3, replicasPerShard: 1, maxMemoryMb: 256, persistence: 'none', redisConfig: {} },
    });
    expect(body.operation).toMatchObject({ kind: 'create', status: 'pending', targetGeneration: 1, clusterId: body.cluster.id });
  });

  it('writes the operation and an event with the cluster, and puts the cluster\'s reconcile job on the queue', async () => {
    const { cluster } = (await create(valid('ledger'))).json();
    const [ops] = await h.database.db.select({ n: count() }).from(operations).where(eq(operations.clusterId, cluster.id));
    const evs = await h.database.db.select().from(events).where(eq(events.clusterId, cluster.id));
    expect(ops!.n).toBe(1);
    expect(evs.map((e) => e.type)).toEqual(['cluster.created']);
    const job = await h.queue.queue.getJob(`reconcile-${cluster.id}`);
    expect(job?.data).toEqual({ clusterId: cluster.id, failures: 0 });
  });

  it('keeps every optional setting it is given', async () => {
    const res = await create({ ...valid('sessions'), maxMemoryMb: 1024, persistence: 'aof', redisConfig: { 'maxmemory-policy': 'allkeys-lru', timeout: 300 } });
    expect(res.statusCode).toBe(202);
    expect(res.json().cluster.spec).toMatchObject({ maxMemoryMb: 1024, persistence: 'aof', redisConfig: { 'maxmemory-policy': 'allkeys-lru', timeout: 300 } });
  });

  it('makes a cluster with replicas strict and one without relaxed, unless told; stores what it was told only', async () => {
    const replicated = (await create(valid('durable'))).json().cluster;
    expect(replicated.spec.durability).toBe('strict');
    expect((await create({ ...valid('lone'), replicasPerShard: 0 })).json().cluster.spec.durability).toBe('relaxed');
    expect((await create({ ...valid('loose'), durability: 'relaxed' })).json().cluster.spec.durability).toBe('relaxed');
    const [row] = await h.database.db.select().from(clusters).where(eq(clusters.id, replicated.id));
    expect(row!.spec).not.toHaveProperty('durability');
  });

  it('refuses strict without replicas, naming body.durability', async () => {
    const res = await create({ ...valid('strict-alone'), replicasPerShard: 0, durability: 'strict' });
    expect(res.statusCode).toBe(400);
    expect(res.json().errors).toEqual([{ field: 'body.durability', message: expect.stringMatching(/replicasPerShard >= 1/) }]);
  });

  it('names every offending field in one problem+json, and stores nothing', async () => {
    const before = await h.app.inject({ method: 'GET', url: '/v1/clusters?limit=100', headers: alice });
    const res = await create({ name: 'Bad_Name', shards: 65, replicasPerShard: -1, persistence: 'sometimes', redisConfig: { port: 1 }, extra: true });
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    const problem = res.json();
    expect(problem).toMatchObject({ status: 400, code: 'validation_failed', title: expect.any(String), type: expect.any(String) });
    expect(problem.requestId).toBe(res.headers['x-request-id']);
    expect(problem.errors.map((e: { field: string }) => e.field).sort()).toEqual(
      ['body.extra', 'body.name', 'body.persistence', 'body.redisConfig.port', 'body.replicasPerShard', 'body.shards'].sort(),
    );
    const after = await h.app.inject({ method: 'GET', url: '/v1/clusters?limit=100', headers: alice });
    expect(after.json().items).toHaveLength(before.json().items.length);
  });

  it('refuses a maxclients that would lock the control plane out (1 did: the PATCH undoing it could not reach the nodes), on create and on PATCH', async () => {
    const res = await create({ ...valid('locked-out'), redisConfig: { maxclients: 1 } });
    expect(res.statusCode).toBe(400);
    expect(res.json().errors).toEqual([{ field: 'body.redisConfig.maxclients', message: expect.stringMatching(/at least 128: room for the control plane/) }]);
    const made = (await create(valid('roomy'))).json();
    const patched = await h.app.inject({ method: 'PATCH', url: `/v1/clusters/${made.cluster.id}`, headers: alice, payload: { redisConfig: { maxclients: 127 } } });
    expect(patched.statusCode).toBe(400);
    expect(patched.json().errors[0].field).toBe('body.redisConfig.maxclients');
    const kept = (await h.app.inject({ method: 'GET', url: `/v1/clusters/${made.cluster.id}`, headers: alice })).json();
    expect(kept.spec.redisConfig).toEqual({});
    expect(kept.generation).toBe(1);
    const ok = await h.app.inject({ method: 'PATCH', url: `/v1/clusters/${made.cluster.id}`, headers: alice, payload: { redisConfig: { maxclients: 128 } } });
    expect(ok.statusCode).toBe(202);
  });

  it('says a missing field is required', async () => {
    const res = await create({ name: 'x' });
    expect(res.json().errors).toEqual(
      expect.arrayContaining([
        { field: 'body.shards', message: 'is required' },
        { field: 'body.replicasPerShard', message: 'is required' },
      ]),
    );
  });

  it('rejects a body that is not JSON', async () => {
    const res = await h.app.inject({ method: 'POST', url: '/v1/clusters', headers: { ...alice, 'content-type': 'application/json' }, payload: '{"name":' });
    expect(res.statusCode).toBe(400);
    expect(res.json().code).toBe('validation_failed');
  });

  it('refuses a second cluster of the same name with 409, but another tenant may use it', async () => {
    expect((await create(valid('cache'))).statusCode).toBe(202);
    const dup = await create(valid('cache'));
    expect(dup.statusCode).toBe(409);
    expect(dup.json()).toMatchObject({ code: 'name_taken', errors: [{ field: 'body.name' }] });
    expect((await create(valid('cache'), bob)).statusCode).toBe(202);
  });

  it('needs an API key', async () => {
    const none = await h.app.inject({ method: 'POST', url: '/v1/clusters', payload: valid('nokey') });
    expect(none.statusCode).toBe(401);
    expect(none.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(none.json().code).toBe('unauthorized');
    const wrong = await create(valid('nokey'), { authorization: 'Bearer sp_not_a_real_key' });
    expect(wrong.statusCode).toBe(401);
  });
});

describe('GET /v1/clusters', () => {
  it('pages through the tenant’s clusters, oldest first, without repeats', async () => {
    const t = await h.tenant();
    const names = ['a1', 'a2', 'a3', 'a4', 'a5'];
    for (const name of names) await create(valid(name), t.auth);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const url: string = `/v1/clusters?limit=2${cursor ? `&cursor=${cursor}` : ''}`;
      const res = await h.app.inject({ method: 'GET', url, headers: t.auth });
      expect(res.statusCode).toBe(200);
      const body = res.json();
      expect(body.items.length).toBeLessThanOrEqual(2);
      seen.push(...body.items.map((c: { name: string }) => c.name));
      cursor = body.nextCursor;
    } while (cursor);
    expect(seen).toEqual(names);
  });

  it('never shows another tenant’s clusters', async () => {
    const t = await h.tenant();
    const res = await h.app.inject({ method: 'GET', url: '/v1/clusters', headers: t.auth });
    expect(res.json()).toEqual({ items: [], nextCursor: null });
  });

  it('rejects a bad limit or cursor naming the parameter', async () => {
    const res = await h.app.inject({ method: 'GET', url: '/v1/clusters?limit=0', headers: alice });
    expect(res.statusCode).toBe(400);
    expect(res.json().errors[0].field).toBe('query.limit');
    const cur = await h.app.inject({ method: 'GET', url: '/v1/clusters?cursor=garbage', headers: alice });
    expect(cur.statusCode).toBe(400);
    expect(cur.json().errors[0].field).toBe('query.cursor');
  });

  it('needs an API key', async () => {
    expect((await h.app.inject({ method: 'GET', url: '/v1/clusters' })).statusCode).toBe(401);
  });
});

describe('GET /v1/clusters/{id}', () => {
  it('returns the cluster to its tenant and 404 to anyone else', async () => {
    const { cluster } = (await create(valid('getme'))).json();
    const mine = await h.app.inject({ method: 'GET', url: `/v1/clusters/${cluster.id}`, headers: alice });
    expect(mine.statusCode).toBe(200);
    expect(mine.json()).toMatchObject({ id: cluster.id, name: 'getme', shards: [] });
    const theirs = await h.app.inject({ method: 'GET', url: `/v1/clusters/${cluster.id}`, headers: bob });
    expect(theirs.statusCode).toBe(404);
    expect(theirs.json().code).toBe('not_found');
  });

  it('rejects an id that is not a UUID, naming the path parameter', async () => {
    const res = await h.app.inject({ method: 'GET', url: '/v1/clusters/nope', headers: alice });
    expect(res.statusCode).toBe(400);
    expect(res.json().errors[0].field).toBe('path.clusterId');
  });

  it('needs an API key', async () => {
    const { cluster } = (await create(valid('getme-auth'))).json();
    expect((await h.app.inject({ method: 'GET', url: `/v1/clusters/${cluster.id}` })).statusCode).toBe(401);
  });
});

describe('PATCH /v1/clusters/{id}', () => {
  it('merges the change into the spec, bumps the generation and starts an update', async () => {
    const { cluster } = (await create({ ...valid('grow'), redisConfig: { timeout: 10 } })).json();
    const res = await h.app.inject({ method: 'PATCH', url: `/v1/clusters/${cluster.id}`, headers: alice, payload: { shards: cluster.spec.shards, replicasPerShard: 2, redisConfig: { hz: 20 } } });
    expect(res.statusCode).toBe(202);
    const body = res.json();
    expect(res.headers.location).toBe(`/v1/operations/${body.operation.id}`);
    expect(body.cluster.generation).toBe(2);
    expect(body.cluster.spec).toMatchObject({ shards: cluster.spec.shards, replicasPerShard: 2, redisConfig: { hz: 20 } });
    expect(body.cluster.spec.redisConfig).not.toHaveProperty('timeout');
    expect(body.operation).toMatchObject({ kind: 'update', targetGeneration: 2 });
  });

  it('cancels an open update whose field a later PATCH sets again (superseded), and keeps one that changed other fields', async () => {
    const { cluster } = (await create(valid('reshape'))).json();
    const patch = async (payload: object) => (await h.app.inject({ method: 'PATCH', url: `/v1/clusters/${cluster.id}`, headers: alice, payload })).json().operation;
    const memory = await patch({ maxMemoryMb: 512 });
    const shrink = await patch({ shards: 2 });
    const back = await patch({ shards: 4 });
    const get = async (id: string) => (await h.app.inject({ method: 'GET', url: `/v1/operations/${id}`, headers: alice })).json();
    expect(await get(shrink.id)).toMatchObject({ status: 'cancelled', error: { code: 'superseded', message: expect.stringMatching(/generation 4, which sets shards again/) } });
    expect((await get(memory.id)).status).toBe('pending');
    expect((await get(back.id)).status).toBe('pending');
    const cancelled = await h.database.db.select().from(events).where(eq(events.operationId, shrink.id));
    expect(cancelled.map((e) => e.type)).toContain('operation.cancelled');
  });

  it('refuses a rebalance or switchover of a cluster still being created (409), and names bad fields (400), changing nothing', async () => {
    const { cluster } = (await create(valid('young'))).json();
    const rebalance = await h.app.inject({ method: 'POST', url: `/v1/clusters/${cluster.id}/rebalance`, headers: alice, payload: {} });
    expect(rebalance.statusCode).toBe(409);
    expect(rebalance.json()).toMatchObject({ code: 'conflict', detail: expect.stringMatching(/still being created/) });
    const bad = await h.app.inject({ method: 'POST', url: `/v1/clusters/${cluster.id}/rebalance`, headers: alice, payload: { by: 'luck', threshold: 101 } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors.map((e: { field: string }) => e.field).sort()).toEqual(['body.by', 'body.threshold']);
    const badShard = await h.app.inject({ method: 'POST', url: `/v1/clusters/${cluster.id}/shards/x/switchover`, headers: alice, payload: {} });
    expect(badShard.statusCode).toBe(400);
    expect(badShard.json().errors.map((e: { field: string }) => e.field)).toEqual(['path.index']);
    const switchover = await h.app.inject({ method: 'POST', url: `/v1/clusters/${cluster.id}/shards/0/switchover`, headers: alice, payload: {} });
    expect(switchover.statusCode).toBe(409);
    const ops = (await h.app.inject({ method: 'GET', url: `/v1/clusters/${cluster.id}/operations`, headers: alice })).json();
    expect(ops.items.map((o: { kind: string }) => o.kind)).toEqual(['create']);
  });

  it('changes durability online; going to no replicas follows a default durability, and an asked-for strict must be given up in the same PATCH', async () => {
    const patch = (id: string, payload: object) => h.app.inject({ method: 'PATCH', url: `/v1/clusters/${id}`, headers: alice, payload });
    const byDefault = (await create(valid('follows'))).json().cluster;
    const shrunk = await patch(byDefault.id, { replicasPerShard: 0 });
    expect(shrunk.statusCode).toBe(202);
    expect(shrunk.json().cluster.spec).toMatchObject({ replicasPerShard: 0, durability: 'relaxed' });

    const asked = (await create({ ...valid('asked'), durability: 'strict' })).json().cluster;
    const refused = await patch(asked.id, { replicasPerShard: 0 });
    expect(refused.statusCode).toBe(400);
    expect(refused.json().errors.map((e: { field: string }) => e.field)).toEqual(['body.durability']);
    expect((await patch(asked.id, { durability: 'strict', replicasPerShard: 0 })).statusCode).toBe(400);
    const relaxed = await patch(asked.id, { replicasPerShard: 0, durability: 'relaxed' });
    expect(relaxed.statusCode).toBe(202);
    expect(relaxed.json().cluster.spec).toMatchObject({ replicasPerShard: 0, durability: 'relaxed' });
    expect(relaxed.json().operation).toMatchObject({ kind: 'update', targetGeneration: 2 });
  });

  it('rejects an empty or invalid change and leaves the cluster as it was', async () => {
    const { cluster } = (await create(valid('stay'))).json();
    const empty = await h.app.inject({ method: 'PATCH', url: `/v1/clusters/${cluster.id}`, headers: alice, payload: {} });
    expect(empty.statusCode).toBe(400);
    const bad = await h.app.inject({ method: 'PATCH', url: `/v1/clusters/${cluster.id}`, headers: alice, payload: { shards: 0, name: 'rename' } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors.map((e: { field: string }) => e.field).sort()).toEqual(['body.name', 'body.shards']);
    const now = (await h.app.inject({ method: 'GET', url: `/v1/clusters/${cluster.id}`, headers: alice })).json();
    expect(now.generation).toBe(1);
    expect(now.spec.shards).toBe(3);
  });

  it('is 404 for another tenant and 401 without a key', async () => {
    const { cluster } = (await create(valid('guarded'))).json();
    expect((await h.app.inject({ method: 'PATCH', url: `/v1/clusters/${cluster.id}`, headers: bob, payload: { shards: 2 } })).statusCode).toBe(404);
    expect((await h.app.inject({ method: 'PATCH', url: `/v1/clusters/${cluster.id}`, payload: { shards: 2 } })).statusCode).toBe(401);
  });

  it('refuses to change a cluster that is being deleted', async () => {
    const { cluster } = (await create(valid('doomed'))).json();
    await h.app.inject({ method: 'DELETE', url: `/v1/clusters/${cluster.id}`, headers: alice });
    const res = await h.app.inject({ method: 'PATCH', url: `/v1/clusters/${cluster.id}`, headers: alice, payload: { shards: 2 } });
    expect(res.statusCode).toBe(409);
    expect(res.json().code).toBe('conflict');
  });
});

describe('DELETE /v1/clusters/{id}', () => {
  it('starts a delete operation; asking again returns the same one', async () => {
    const { cluster } = (await create(valid('bye'))).json();
    const first = await h.app.inject({ method: 'DELETE', url: `/v1/clusters/${cluster.id}`, headers: alice });
    expect(first.statusCode).toBe(202);
    expect(first.json().cluster.status).toBe('deleting');
    expect(first.json().operation).toMatchObject({ kind: 'delete', targetGeneration: 2 });
    const again = await h.app.inject({ method: 'DELETE', url: `/v1/clusters/${cluster.id}`, headers: alice });
    expect(again.statusCode).toBe(202);
    expect(again.json().operation.id).toBe(first.json().operation.id);
  });

  it('is 404 for another tenant and 401 without a key', async () => {
    const { cluster } = (await create(valid('keep'))).json();
    expect((await h.app.inject({ method: 'DELETE', url: `/v1/clusters/${cluster.id}`, headers: bob })).statusCode).toBe(404);
    expect((await h.app.inject({ method: 'DELETE', url: `/v1/clusters/${cluster.id}` })).statusCode).toBe(401);
    const still = await h.app.inject({ method: 'GET', url: `/v1/clusters/${cluster.id}`, headers: alice });
    expect(still.json().status).toBe('creating');
  });

  it('rejects an id that is not a UUID', async () => {
    expect((await h.app.inject({ method: 'DELETE', url: '/v1/clusters/123', headers: alice })).statusCode).toBe(400);
  });
});

describe('unknown routes', () => {
  it('answer 404 problem+json', async () => {
    const res = await h.app.inject({ method: 'GET', url: '/v1/nothing', headers: alice });
    expect(res.statusCode).toBe(404);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  });
});
