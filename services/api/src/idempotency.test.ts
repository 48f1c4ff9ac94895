import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiKeys, clusters, eq, idempotencyKeys, operations } from '@slotplane/db';
import { startApiHarness, type ApiHarness } from '@slotplane/testkit';

let h: ApiHarness;
let alice: { authorization: string; tenantId: string };

beforeAll(async () => {
  h = await startApiHarness();
  const t = await h.tenant();
  alice = { ...t.auth, tenantId: t.tenantId };
});
afterAll(() => h?.close());

const request = (method: 'POST' | 'PATCH' | 'DELETE' | 'GET', url: string, headers: Record<string, string> = {}, payload?: object) =>
  h.app.inject({ method, url, headers: { authorization: alice.authorization, ...headers }, ...(payload ? { payload } : {}) });
const clustersNamed = async (name: string) => (await h.database.db.select().from(clusters).where(eq(clusters.tenantId, alice.tenantId))).filter((c) => c.name === name);

describe('Idempotency-Key', () => {
  it('a retried create gets the first response back and makes one cluster', async () => {
    const key = randomUUID();
    const body = { name: 'retried', shards: 1, replicasPerShard: 0 };
    const first = await request('POST', '/v1/clusters', { 'idempotency-key': key }, body);
    const again = await request('POST', '/v1/clusters', { 'idempotency-key': key }, body);
    expect(first.statusCode).toBe(202);
    expect(again.statusCode).toBe(202);
    expect(again.json()).toEqual(first.json());
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.headers.location).toBe(first.headers.location);
    expect(await clustersNamed('retried')).toHaveLength(1);
  });

  it('the same key with another body is refused with 422 and changes nothing', async () => {
    const key = randomUUID();
    await request('POST', '/v1/clusters', { 'idempotency-key': key }, { name: 'keyed', shards: 1, replicasPerShard: 0 });
    const other = await request('POST', '/v1/clusters', { 'idempotency-key': key }, { name: 'keyed-2', shards: 1, replicasPerShard: 0 });
    expect(other.statusCode).toBe(422);
    expect(other.json().code).toBe('idempotency_key_reused');
    expect(await clustersNamed('keyed-2')).toHaveLength(0);
  });

  it('concurrent requests with one key make one change and all get its response', async () => {
    const key = randomUUID();
    const body = { name: 'stampede', shards: 1, replicasPerShard: 0 };
    const all = await Promise.all(Array.from({ length: 8 }, () => request('POST', '/v1/clusters', { 'idempotency-key': key }, body)));
    expect(new Set(all.map((r) => r.json().operation.id)).size).toBe(1);
    expect(await clustersNamed('stampede')).toHaveLength(1);
  });

  it('an error is not kept: the same key can be retried once the request is fixed', async () => {
    const { cluster } = (await request('POST', '/v1/clusters', {}, { name: 'fixed', shards: 1, replicasPerShard: 0 })).json();
    const key = randomUUID();
    const stale = await request('PATCH', `/v1/clusters/${cluster.id}`, { 'idempotency-key': key, 'if-match': '"9"' }, { maxMemoryMb: 512 });
    expect(stale.statusCode).toBe(412);
    const fixed = await request('PATCH', `/v1/clusters/${cluster.id}`, { 'idempotency-key': key, 'if-match': '"1"' }, { maxMemoryMb: 512 });
    expect(fixed.statusCode).toBe(202);
  });

  it('a retried PATCH starts one operation', async () => {
    const { cluster } = (await request('POST', '/v1/clusters', {}, { name: 'patched', shards: 1, replicasPerShard: 0 })).json();
    const key = randomUUID();
    const a = await request('PATCH', `/v1/clusters/${cluster.id}`, { 'idempotency-key': key }, { maxMemoryMb: 512 });
    const b = await request('PATCH', `/v1/clusters/${cluster.id}`, { 'idempotency-key': key }, { maxMemoryMb: 512 });
    expect(b.json().operation.id).toBe(a.json().operation.id);
    const ops = await h.database.db.select().from(operations).where(eq(operations.clusterId, cluster.id));
    expect(ops.map((o) => o.kind).sort()).toEqual(['create', 'update']);
  });

  it('a retried key creation gets the same key back, kept encrypted, and makes one key', async () => {
    const key = randomUUID();
    const first = await request('POST', '/v1/api-keys', { 'idempotency-key': key }, { name: 'retried' });
    const again = await request('POST', '/v1/api-keys', { 'idempotency-key': key }, { name: 'retried' });
    expect(first.statusCode).toBe(201);
    expect(again.json()).toEqual(first.json());
    const made = (await h.database.db.select().from(apiKeys).where(eq(apiKeys.tenantId, alice.tenantId))).filter((k) => k.name === 'retried');
    expect(made).toHaveLength(1);
    const kept = await h.database.db.select().from(idempotencyKeys).where(eq(idempotencyKeys.key, key));
    expect(JSON.stringify(kept)).not.toContain(first.json().key);
  });

  it('refuses a key that is not visible ASCII, naming the header', async () => {
    const res = await request('POST', '/v1/clusters', { 'idempotency-key': 'has space' }, { name: 'x', shards: 1, replicasPerShard: 0 });
    expect(res.statusCode).toBe(400);
    expect(res.json().errors[0].field).toBe('header.idempotency-key');
  });
});

describe('ETag and If-Match', () => {
  it('GET gives the generation as ETag; a PATCH with a stale one is 412 and changes nothing', async () => {
    const { cluster } = (await request('POST', '/v1/clusters', {}, { name: 'guarded', shards: 1, replicasPerShard: 0 })).json();
    const got = await request('GET', `/v1/clusters/${cluster.id}`);
    expect(got.headers.etag).toBe('"1"');
    const ok = await request('PATCH', `/v1/clusters/${cluster.id}`, { 'if-match': '"1"' }, { maxMemoryMb: 300 });
    expect(ok.statusCode).toBe(202);
    expect(ok.headers.etag).toBe('"2"');
    const stale = await request('PATCH', `/v1/clusters/${cluster.id}`, { 'if-match': '"1"' }, { maxMemoryMb: 400 });
    expect(stale.statusCode).toBe(412);
    expect(stale.json()).toMatchObject({ code: 'precondition_failed', detail: expect.stringContaining('generation 2') });
    expect((await request('GET', `/v1/clusters/${cluster.id}`)).json().spec.maxMemoryMb).toBe(300);
  });

  it('DELETE honours If-Match; a malformed one is 400 naming the header', async () => {
    const { cluster } = (await request('POST', '/v1/clusters', {}, { name: 'guarded-delete', shards: 1, replicasPerShard: 0 })).json();
    expect((await request('DELETE', `/v1/clusters/${cluster.id}`, { 'if-match': '"7"' })).statusCode).toBe(412);
    const bad = await request('DELETE', `/v1/clusters/${cluster.id}`, { 'if-match': 'W/"1"' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors[0].field).toBe('header.if-match');
    expect((await request('DELETE', `/v1/clusters/${cluster.id}`, { 'if-match': '"1"' })).statusCode).toBe(202);
  });
});
