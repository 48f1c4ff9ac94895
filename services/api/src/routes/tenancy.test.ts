import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, clusters, eq, isNull } from '@slotplane/db';
import { startApiHarness, type ApiHarness } from '@slotplane/testkit';

let h: ApiHarness;
let admin: { authorization: string; tenantId: string };
let writer: { authorization: string; tenantId: string };

beforeAll(async () => {
  h = await startApiHarness({ quotas: { clusters: 5, nodes: 40, memoryMb: 100_000 } });
  const a = await h.tenant('operator', 'admin');
  admin = { ...a.auth, tenantId: a.tenantId };
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

describe("an admin key and every tenant's clusters", () => {
  const oneNode = (name: string) => ({ name, shards: 1, replicasPerShard: 0 });
  /** Every cluster a key lists, page after page. */
  const listAll = async (key: { authorization: string }, query = '') => {
    const all: Array<{ id: string; tenantId: string }> = [];
    for (let cursor: string | null = ''; cursor !== null; ) {
      const page: { items: typeof all; nextCursor: string | null } = (await call('GET', `/v1/clusters?limit=2${query}${cursor ? `&cursor=${cursor}` : ''}`, key)).json();
      all.push(...page.items);
      cursor = page.nextCursor;
    }
    return all;
  };

  it("lists every tenant's clusters, each naming its tenant, page after page; ?tenantId= keeps to one tenant", async () => {
    const [t1, t2] = [await h.tenant(), await h.tenant()];
    const c1 = (await call('POST', '/v1/clusters', t1.auth, oneNode('one'))).json().cluster;
    const c2 = (await call('POST', '/v1/clusters', t2.auth, oneNode('two'))).json().cluster;
    expect(c1.tenantId).toBe(t1.tenantId);
    const all = await listAll(admin);
    expect(all).toEqual(expect.arrayContaining([expect.objectContaining({ id: c1.id, tenantId: t1.tenantId }), expect.objectContaining({ id: c2.id, tenantId: t2.tenantId })]));
    expect(new Set(all.map((c) => c.id)).size).toBe(all.length);
    expect((await listAll(admin, `&tenantId=${t1.tenantId}`)).map((c) => c.id)).toEqual([c1.id]);
    // A tenant's own key still lists only its own.
    expect((await listAll(t1.auth)).map((c) => c.id)).toEqual([c1.id]);
  });

  it('?name= keeps to the clusters of that name: a tenant has one, an admin sees one per tenant', async () => {
    const [t1, t2] = [await h.tenant(), await h.tenant()];
    const mine = (await call('POST', '/v1/clusters', t1.auth, oneNode('same'))).json().cluster;
    await call('POST', '/v1/clusters', t1.auth, oneNode('else'));
    const theirs = (await call('POST', '/v1/clusters', t2.auth, oneNode('same'))).json().cluster;
    expect((await listAll(t1.auth, '&name=same')).map((c) => c.id)).toEqual([mine.id]);
    expect((await listAll(admin, '&name=same')).map((c) => c.id)).toEqual(expect.arrayContaining([mine.id, theirs.id]));
    expect(await listAll(t1.auth, '&name=nowhere')).toEqual([]);
  });

  it("refuses a read or write key that names another tenant's clusters (403, whether that tenant exists or not)", async () => {
    const other = await h.tenant();
    for (const tenantId of [other.tenantId, randomUUID()]) {
      const res = await call('GET', `/v1/clusters?tenantId=${tenantId}`, writer);
      expect(res.statusCode).toBe(403);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(res.json()).toMatchObject({ code: 'forbidden', errors: [{ field: 'query.tenantId', message: 'needs an admin key' }] });
    }
    expect((await call('GET', `/v1/clusters?tenantId=${writer.tenantId}`, writer)).statusCode).toBe(200);
  });

  it("creates in the caller's tenant, or (admin key only) in the tenant the body names, counted against that tenant's quotas", async () => {
    const own = (await call('POST', '/v1/clusters', admin, oneNode('mine'))).json();
    expect(own.cluster.tenantId).toBe(admin.tenantId);
    const hosted = (await call('POST', '/v1/tenants', admin, { name: 'hosted', maxClusters: 1 })).json();
    const made = await call('POST', '/v1/clusters', admin, { ...oneNode('for-them'), tenantId: hosted.id });
    expect(made.statusCode).toBe(202);
    expect(made.json().cluster).toMatchObject({ tenantId: hosted.id, name: 'for-them' });
    expect(made.json().cluster.spec).not.toHaveProperty('tenantId');
    expect((await call('GET', `/v1/tenants/${hosted.id}`, admin)).json().usage.clusters).toBe(1);
    expect((await call('POST', '/v1/clusters', admin, { ...oneNode('second'), tenantId: hosted.id })).json()).toMatchObject({ status: 403, code: 'quota_exceeded', quota: { name: 'clusters', limit: 1 } });
    expect((await call('POST', '/v1/clusters', admin, { ...oneNode('nowhere'), tenantId: randomUUID() })).statusCode).toBe(404);

    const refused = await call('POST', '/v1/clusters', writer, { ...oneNode('theirs'), tenantId: hosted.id });
    expect(refused.statusCode).toBe(403);
    expect(refused.json().errors).toEqual([{ field: 'body.tenantId', message: 'needs an admin key' }]);
    expect((await call('GET', `/v1/tenants/${hosted.id}`, admin)).json().usage.clusters).toBe(1);
    expect((await call('POST', '/v1/clusters', writer, { ...oneNode('own-named'), tenantId: writer.tenantId })).json().cluster.tenantId).toBe(writer.tenantId);
  });

  it("counts an admin key's PATCH of another tenant's cluster against that tenant's quotas, not the admin's", async () => {
    const t = (await call('POST', '/v1/tenants', admin, { name: 'tight', maxNodes: 2 })).json();
    const key = bearer((await call('POST', '/v1/api-keys', admin, { tenantId: t.id })).json().key);
    const { cluster } = (await call('POST', '/v1/clusters', key, oneNode('c'))).json();
    const adminUsage = (await call('GET', `/v1/tenants/${admin.tenantId}`, admin)).json().usage;
    const grow = await call('PATCH', `/v1/clusters/${cluster.id}`, admin, { shards: 3 });
    expect(grow.json()).toMatchObject({ status: 403, code: 'quota_exceeded', quota: { name: 'nodes', limit: 2, used: 1, requested: 2 } });
    expect((await call('PATCH', `/v1/clusters/${cluster.id}`, admin, { shards: 2 })).statusCode).toBe(202);
    expect((await call('GET', `/v1/tenants/${t.id}`, admin)).json().usage.nodes).toBe(2);
    expect((await call('GET', `/v1/tenants/${admin.tenantId}`, admin)).json().usage).toEqual(adminUsage);
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
