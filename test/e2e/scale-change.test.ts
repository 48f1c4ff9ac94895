import { Cluster as RedisCluster } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq, events, isNull, slotMoves } from '@slotplane/db';
import { NodeAdmin } from '@slotplane/redis-admin';
import { startControlPlane, tenantClient, waitFor, type ControlPlane } from '@slotplane/testkit';

// A scale-in that cannot finish (its targets run out of memory mid-move) is taken back by a new
// PATCH: the moves it started are undone, their keys returned to the shard that had them.
const HOSTS = [
  { name: 'sc-a', address: '127.0.0.155', zone: 'a' },
  { name: 'sc-b', address: '127.0.0.156', zone: 'b' },
  { name: 'sc-c', address: '127.0.0.157', zone: 'c' },
];
/** 4 shards of 16 MiB, each about 12 MiB full: three of them cannot take a quarter of the fourth more. */
const KEYS = 4800;
const VALUE = 'x'.repeat(10_000);

let cp: ControlPlane;
let call: ReturnType<typeof tenantClient>['call'];
let settled: ReturnType<typeof tenantClient>['settled'];

beforeAll(async () => {
  cp = await startControlPlane({ hosts: HOSTS, portMin: 26500, portMax: 26599 });
  ({ call, settled } = tenantClient(cp.api.app, (await cp.api.tenant()).auth));
});
afterAll(() => cp?.stop());

describe('a scale-in whose targets run out of memory', () => {
  it('is taken back by a new PATCH: its started moves are undone, every key kept, the shape the newest spec asks for', { timeout: 180_000 }, async () => {
    const { cluster, operation } = await call('POST', '/v1/clusters', { name: 'full', shards: 4, replicasPerShard: 0, maxMemoryMb: 16 });
    expect((await settled(operation.id)).status).toBe('succeeded');
    const creds = await call('GET', `/v1/clusters/${cluster.id}/credentials`);
    const tenant = { username: creds.username, password: creds.password };
    const client = new RedisCluster([creds.endpoints[0]], { redisOptions: tenant, enableAutoPipelining: true });
    try {
      for (let i = 0; i < KEYS; i += 400) await Promise.all(Array.from({ length: 400 }, (_, j) => client.set(`big:${i + j}`, `${i + j}:${VALUE}`)));
    } finally {
      client.disconnect();
    }

    const { operation: shrink } = await call('PATCH', `/v1/clusters/${cluster.id}`, { shards: 3 });
    // The moves start, and stop: a target refuses the keys (OOM).
    const stuck = await waitFor('the scale-in to be stuck on a full target', async () => {
      const c = await call('GET', `/v1/clusters/${cluster.id}`);
      return c.lastError && /OOM|maxmemory/.test(c.lastError) ? c : undefined;
    }, { timeoutMs: 60_000, intervalMs: 250 });
    expect(stuck.status).not.toBe('available');
    const started = await cp.api.database.db.select().from(slotMoves).where(and(eq(slotMoves.clusterId, cluster.id), isNull(slotMoves.finishedAt)));
    expect(started.some((m) => m.state !== 'planned')).toBe(true);

    const { operation: back } = await call('PATCH', `/v1/clusters/${cluster.id}`, { shards: 4 });
    expect((await settled(back.id)).status).toBe('succeeded');
    const old = await call('GET', `/v1/operations/${shrink.id}`);
    expect(old.status).toBe('cancelled');
    expect(old.error).toMatchObject({ code: 'superseded' });

    // The started moves were undone (their keys returned), not finished into the full targets.
    const steps = await cp.api.database.db.select({ data: events.data }).from(events).where(and(eq(events.clusterId, cluster.id), eq(events.type, 'cluster.step_done')));
    expect(steps.some((e) => JSON.stringify(e.data).includes('"undoMoves"'))).toBe(true);

    const after = await call('GET', `/v1/clusters/${cluster.id}`);
    expect(after).toMatchObject({ status: 'available', lastError: null });
    expect(after.shards).toHaveLength(4);
    const open = await cp.api.database.db.select().from(slotMoves).where(and(eq(slotMoves.clusterId, cluster.id), isNull(slotMoves.finishedAt)));
    expect(open).toEqual([]);
    const password = await cp.adminPassword(cluster.id);
    for (const s of after.shards) {
      const admin = new NodeAdmin({ host: s.primary.host, port: s.primary.port, password });
      const self = (await admin.nodes()).find((e) => e.myself)!;
      expect([...self.migrating, ...self.importing]).toEqual([]);
      admin.close();
    }
    const reader = new RedisCluster([creds.endpoints[0]], { redisOptions: tenant, enableAutoPipelining: true });
    try {
      const values = await Promise.all(Array.from({ length: KEYS }, (_, i) => reader.get(`big:${i}`)));
      expect(values.filter((v, i) => v !== `${i}:${VALUE}`)).toHaveLength(0);
    } finally {
      reader.disconnect();
    }
  });
});
