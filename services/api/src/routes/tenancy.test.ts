import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, clusters, eq, isNull } from '@slotplane/db';
import { startApiHarness, type ApiHarness } from '@slotplane/testkit';

let h: ApiHarness;
let admin: { authorization: string };
let writer: { authorization: string; tenantId: string };

beforeAll(async () => {
  h = await startApiHarness({ quotas: { clusters: 5, nodes: 40, memoryMb: 100_000 } });
  admin = (await h.tenant('operator', 'admin')).auth;
  const w = await h.tenant('writer');
  writer = { ...w.auth, tenantId: w.tenantId };
});
afterAll(() => h?.close());

const call = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, headers: { authorization: string }, payload?: object) =>
  h.app.inject({ method, url, headers: { authorization: headers.authorization }, ...(payload ? { payload } : {}) });
const bearer = (key: string) => ({ authorization: `Bearer ${key}` });

describe('API key scopes', () => {
  it('a read key reads but cannot change anything', async () => {
    const read = (await call('POST', '/v1/api-keys', writer, { scope: 'read', name: 'dashboard' })).json();
    expect(read).toMatchObject({ scope: 'read', name: 'dashboard', tenantId: writer.tenantId });
    expect((await call('GET', '/v1/clusters', bearer(read.key))).statusCode).toBe(200);
    const refused = await call('POST', '/v1/clusters', bearer(read.key), { name: 'nope', shards: 1, replicasPerShard: 0 });
    expect(refused.statusCode).toBe(403);
    expect(refused.json()).toMatchObject({ code: 'forbidden', detail: expect.stringContaining('scope "write"') });
  });

  it('fleet routes need an admin key', async () => {
    for (const url of ['/v1/hosts', '/v1/tenants', '/metrics']) {
      expect((await call('GET', url, writer)).statusCode, url).toBe(403);
      expect((await call('GET', url, admin)).statusCode, url).toBe(200);
    }
  });

  it('a key cannot make a key above its own scope', async () => {
    const res = await call('POST', '/v1/api-keys', writer, { scope: 'admin' });
    expect(res.statusCode).toBe(403);
    expect(res.json().errors).toEqual([{ field: 'body.scope', message: 'is above the scope of your key' }]);
  });

  it('lists keys by prefix, scope and last use, never the key', async () => {
    const made = (await call('POST', '/v1/api-keys', writer, { name: 'ci deploy' })).json();
    await call('GET', '/v1/clusters', bearer(made.key));
    const { items } = (await call('GET', '/v1/api-keys?limit=100', writer)).json();
    const listed = items.find((k: { id: string }) => k.id === made.id);
    expect(listed).toMatchObject({ prefix: made.key.slice(0, 8), scope: 'write', name: 'ci deploy', revokedAt: null });
    expect(listed.lastUsedAt).not.toBeNull();
    expect(JSON.stringify(items)).not.toContain(made.key);
  });

  it('a revoked key gets 401 at once', async () => {
    const made = (await call('POST', '/v1/api-keys', writer, {})).json();
    expect((await call('GET', '/v1/clusters', bearer(made.key))).statusCode).toBe(200);
    const revoked = await call('DELETE', `/v1/api-keys/${made.id}`, writer);
    expect(revoked.statusCode).toBe(200);
    expect(revoked.json().revokedAt).not.toBeNull();
    const after = await call('GET', '/v1/clusters', bearer(made.key));
    expect(after.statusCode).toBe(401);
    expect(after.json().detail).toContain('revoked');
  });

  it("another tenant's key is not found, not revocable", async () => {
    const other = await h.tenant();
    const made = (await call('POST', '/v1/api-keys', other.auth, {})).json();
    expect((await call('DELETE', `/v1/api-keys/${made.id}`, writer)).statusCode).toBe(404);
    expect((await call('GET', '/v1/clusters', bearer(made.key))).statusCode).toBe(200);
  });
});

describe('tenants (admin)', () => {
  it('creates a tenant with quotas, refuses a bad or taken name, and gives it keys', async () => {
    const bad = await call('POST', '/v1/tenants', admin, { name: 'Bad Name!' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors[0].field).toBe('body.name');
    const acme = await call('POST', '/v1/tenants', admin, { name: 'acme', maxClusters: 1 });
    expect(acme.statusCode).toBe(201);
    expect(acme.json()).toMatchObject({ name: 'acme', quotas: { clusters: 1, nodes: 40, memoryMb: 100_000 }, usage: { clusters: 0, nodes: 0, memoryMb: 0 } });
    expect((await call('POST', '/v1/tenants', admin, { name: 'acme' })).json()).toMatchObject({ status: 409, errors: [{ field: 'body.name' }] });

    const key = (await call('POST', '/v1/api-keys', admin, { tenantId: acme.json().id })).json();
    expect(key.tenantId).toBe(acme.json().id);
    const mine = await call('GET', `/v1/tenants/${acme.json().id}`, bearer(key.key));
    expect(mine.json().name).toBe('acme');
    expect((await call('GET', `/v1/tenants/${acme.json().id}`, writer)).statusCode).toBe(404);
  });

  it('a write key cannot make keys for another tenant', async () => {
    const other = await h.tenant();
    const res = await call('POST', '/v1/api-keys', writer, { tenantId: other.tenantId });
    expect(res.statusCode).toBe(403);
    expect(res.json().errors[0].field).toBe('body.tenantId');
  });
});

describe('quotas', () => {
  it('refuses a create over quota with 403 naming the quota, its limit and use, and writes nothing', async () => {
    const t = (await call('POST', '/v1/tenants', admin, { name: 'small', maxNodes: 6 })).json();
    const key = bearer((await call('POST', '/v1/api-keys', admin, { tenantId: t.id })).json().key);
    expect((await call('POST', '/v1/clusters', key, { name: 'first', shards: 2, replicasPerShard: 1 })).statusCode).toBe(202);
    const over = await call('POST', '/v1/clusters', key, { name: 'second', shards: 2, replicasPerShard: 1 });
    expect(over.statusCode).toBe(403);
    expect(over.headers['content-type']).toContain('application/problem+json');
    expect(over.json()).toMatchObject({ code: 'quota_exceeded', quota: { name: 'nodes', limit: 6, used: 4, requested: 4 } });
    const rows = await h.database.db.select().from(clusters).where(eq(clusters.tenantId, t.id));
    expect(rows.map((r) => r.name)).toEqual(['first']);
    expect((await call('GET', `/v1/tenants/${t.id}`, key)).json().usage).toEqual({ clusters: 1, nodes: 4, memoryMb: 1024 });
  });

  it('counts a PATCH that grows a cluster, and always lets it shrink', async () => {
    const t = (await call('POST', '/v1/tenants', admin, { name: 'grower', maxNodes: 4 })).json();
    const key = bearer((await call('POST', '/v1/api-keys', admin, { tenantId: t.id })).json().key);
    const { cluster } = (await call('POST', '/v1/clusters', key, { name: 'c', shards: 2, replicasPerShard: 1 })).json();
    const grow = await call('PATCH', `/v1/clusters/${cluster.id}`, key, { shards: 3 });
    expect(grow.json()).toMatchObject({ status: 403, quota: { name: 'nodes', limit: 4, used: 4, requested: 2 } });
    await call('PATCH', `/v1/tenants/${t.id}`, admin, { maxNodes: 2 });
    expect((await call('PATCH', `/v1/clusters/${cluster.id}`, key, { replicasPerShard: 0 })).statusCode).toBe(202);
  });

  it('200 concurrent creates over 10 tenants never exceed a quota and never make a duplicate', async () => {
    const tenants = await Promise.all(
      Array.from({ length: 10 }, async (_, i) => {
        const t = (await call('POST', '/v1/tenants', admin, { name: `race-${i}`, maxClusters: 3, maxNodes: 5 })).json();
        return { id: t.id, key: bearer((await call('POST', '/v1/api-keys', admin, { tenantId: t.id })).json().key) };
      }),
    );
    // 20 requests per tenant, a few of them for one same name; 1-2 nodes each, so either quota can bind.
    const results = await Promise.all(
      Array.from({ length: 200 }, (_, i) => {
        const t = tenants[i % 10]!;
        return call('POST', '/v1/clusters', t.key, { name: i % 7 === 0 ? 'same' : `c${i}`, shards: 1, replicasPerShard: i % 2 });
      }),
    );
    expect(results.every((r) => [202, 403, 409].includes(r.statusCode))).toBe(true);
    for (const t of tenants) {
      const live = await h.database.db.select().from(clusters).where(and(eq(clusters.tenantId, t.id), isNull(clusters.deletionRequestedAt)));
      const nodes = live.reduce((n, c) => n + c.spec.shards * (1 + c.spec.replicasPerShard), 0);
      expect(live.length).toBeLessThanOrEqual(3);
      expect(nodes).toBeLessThanOrEqual(5);
      expect(new Set(live.map((c) => c.name)).size).toBe(live.length);
      expect(live.length).toBeGreaterThan(0);
    }
  });
});
