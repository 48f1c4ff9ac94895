import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '@slotplane/api';
import { NodeAdmin } from '@slotplane/redis-admin';
import { startControlPlane, tenantClient, type ControlPlane } from '@slotplane/testkit';

// The operations worker against one real host agent: small 1x0 clusters, real redis-servers.
let cp: ControlPlane;
let auth: { authorization: string };
let call: ReturnType<typeof tenantClient>['call'];
let settled: ReturnType<typeof tenantClient>['settled'];

beforeAll(async () => {
  cp = await startControlPlane({ hosts: [{ name: 'worker-test', address: '127.0.0.41' }], portMin: 14000, portMax: 14099 });
  auth = (await cp.api.tenant()).auth;
  ({ call, settled } = tenantClient(cp.api.app, auth));
});
afterAll(() => cp?.stop());

describe('operations worker', () => {
  it('takes a created cluster to available and its operation to succeeded', async () => {
    const { cluster, operation } = await call('POST', '/v1/clusters', { name: 'w1', shards: 1, replicasPerShard: 0 });
    const op = await settled(operation.id);
    expect(op).toMatchObject({ status: 'succeeded', progress: 100 });
    expect(op.startedAt).not.toBeNull();
    expect(op.finishedAt).not.toBeNull();
    expect(await call('GET', `/v1/clusters/${cluster.id}`)).toMatchObject({ status: 'available', observedGeneration: 1 });
  });

  it('applies an update to the running node before it reports success', async () => {
    const { cluster, operation } = await call('POST', '/v1/clusters', { name: 'w2', shards: 1, replicasPerShard: 0 });
    await settled(operation.id);
    const update = await call('PATCH', `/v1/clusters/${cluster.id}`, { redisConfig: { hz: 20 } });
    expect(update.cluster.status).toBe('modifying');
    expect((await settled(update.operation.id)).status).toBe('succeeded');
    const after = await call('GET', `/v1/clusters/${cluster.id}`);
    expect(after).toMatchObject({ status: 'available', generation: 2, observedGeneration: 2, lastError: null });
    const node = after.shards[0].primary;
    const admin = new NodeAdmin({ host: node.host, port: node.port, password: await cp.adminPassword(cluster.id) });
    try {
      expect(await admin.configGet('hz')).toBe('20');
    } finally {
      admin.close();
    }
  });

  it('deletes a cluster and gives its name back', async () => {
    const first = await call('POST', '/v1/clusters', { name: 'reuse', shards: 1, replicasPerShard: 0 });
    await settled(first.operation.id);
    const del = await call('DELETE', `/v1/clusters/${first.cluster.id}`);
    expect((await settled(del.operation.id)).status).toBe('succeeded');
    expect((await call('GET', `/v1/clusters/${first.cluster.id}`)).status).toBe('deleted');
    const list = await call('GET', '/v1/clusters');
    expect(list.items.map((c: { id: string }) => c.id)).not.toContain(first.cluster.id);
    const again = await cp.api.app.inject({ method: 'POST', url: '/v1/clusters', headers: auth, payload: { name: 'reuse', shards: 1, replicasPerShard: 0 } });
    expect(again.statusCode).toBe(202);
    await settled(again.json().operation.id);
  });

  it('cancels what was still asked of a cluster deleted before it was built', async () => {
    const created = await call('POST', '/v1/clusters', { name: 'short-lived', shards: 1, replicasPerShard: 0 });
    const del = await call('DELETE', `/v1/clusters/${created.cluster.id}`);
    const [c, d] = [await settled(created.operation.id), await settled(del.operation.id)];
    expect(d.status).toBe('succeeded');
    expect(['succeeded', 'cancelled']).toContain(c.status);
    expect((await call('GET', `/v1/clusters/${created.cluster.id}`)).status).toBe('deleted');
  });

  it('still runs an operation whose enqueue failed (the sweeper finds it)', async () => {
    const offline = await buildApp({
      database: cp.api.database,
      secrets: cp.api.secrets,
      queue: { enqueue: () => Promise.reject(new Error('redis is down')), ping: async () => {} },
    });
    const res = await offline.inject({ method: 'POST', url: '/v1/clusters', headers: auth, payload: { name: 'swept', shards: 1, replicasPerShard: 0 } });
    await offline.close();
    expect(res.statusCode).toBe(202);
    expect((await settled(res.json().operation.id)).status).toBe('succeeded');
  });

  it('fails an operation with a clear error when no host can take the nodes', async () => {
    // 192 nodes: within the default quotas, past the 100 ports of the one host.
    const { operation, cluster } = await call('POST', '/v1/clusters', { name: 'too-big', shards: 64, replicasPerShard: 2 });
    const op = await settled(operation.id);
    expect(op.status).toBe('failed');
    expect(op.error.message).toMatch(/not enough capacity/);
    expect((await call('GET', `/v1/clusters/${cluster.id}`)).lastError).toMatch(/not enough capacity/);
  });
});
