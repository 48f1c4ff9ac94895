import { Cluster as RedisCluster, Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countSlots } from '@slotplane/core';
import { and, asc, clusters, eq, events, newId, slotMoves } from '@slotplane/db';
import { NodeAdmin } from '@slotplane/redis-admin';
import { startControlPlane, tenantClient, waitFor, type ControlPlane } from '@slotplane/testkit';
import { Lease, LeaseBusy } from '@slotplane/worker';
import { startCountedWrites } from './counted-writes.ts';

// Where slots and primaries sit, on a running 3x1 cluster: skew, rebalance by memory, switchover, a move cut after its keys were copied.
let cp: ControlPlane;
let call: ReturnType<typeof tenantClient>['call'];
let settled: ReturnType<typeof tenantClient>['settled'];

beforeAll(async () => {
  cp = await startControlPlane({
    hosts: [
      { name: 'rb-a', address: '127.0.0.71', zone: 'a' },
      { name: 'rb-b', address: '127.0.0.72', zone: 'b' },
      { name: 'rb-c', address: '127.0.0.73', zone: 'c' },
    ],
    portMin: 18000,
    portMax: 18099,
  });
  ({ call, settled } = tenantClient(cp.api.app, (await cp.api.tenant()).auth));
});
afterAll(() => cp?.stop());

type NodeView = { id: string; host: string; port: number; role: string; redisNodeId: string; primaryRedisNodeId: string | null };
type ShardView = { index: number; slots: [number, number][]; primary: NodeView; replicas: NodeView[] };

describe('a 3x1 cluster whose first shard holds big keys', () => {
  let clusterId: string;
  let tenant: { username: string; password: string };
  let adminPassword: string;
  let shards: ShardView[];
  const bigKeys: string[] = [];
  const BIG = 256 * 1024;
  const refresh = async () => (shards = (await call('GET', `/v1/clusters/${clusterId}`)).shards);
  /** The statuses the cluster went through, as its cluster.status_changed events say. */
  const statuses = async () =>
    (await cp.api.database.db.select({ data: events.data }).from(events).where(and(eq(events.clusterId, clusterId), eq(events.type, 'cluster.status_changed'))).orderBy(asc(events.id))).map((e) => (e.data as { to: string }).to);

  it('is built, loaded, and its skew report points at the big keys', async () => {
    const { cluster, operation } = await call('POST', '/v1/clusters', { name: 'skewed', shards: 3, replicasPerShard: 1, maxMemoryMb: 512 });
    clusterId = cluster.id;
    expect((await settled(operation.id)).status).toBe('succeeded');
    const creds = await call('GET', `/v1/clusters/${clusterId}/credentials`);
    tenant = { username: creds.username, password: creds.password };
    adminPassword = await cp.adminPassword(clusterId);
    await refresh();
    const client = new RedisCluster([creds.endpoints[0]], { redisOptions: tenant, enableAutoPipelining: true });
    const probe = new Redis({ ...creds.endpoints[0], ...tenant });
    try {
      await Promise.all(Array.from({ length: 6000 }, (_, i) => client.set(`small:${i}`, 'x'.repeat(50))));
      // Big keys whose slots are on shard 0.
      const [lo, hi] = shards[0]!.slots[0]!;
      for (let i = 0; bigKeys.length < 24; i++) {
        const slot = Number(await probe.call('CLUSTER', 'KEYSLOT', `big:${i}`));
        if (slot >= lo && slot <= hi) bigKeys.push(`big:${i}`);
      }
      await Promise.all(bigKeys.map((k) => client.set(k, 'v'.repeat(BIG))));
    } finally {
      client.disconnect();
      probe.disconnect();
    }
    const skew = await call('GET', `/v1/clusters/${clusterId}/skew`);
    expect(skew.shards).toHaveLength(3);
    const first = skew.shards.find((s: { index: number }) => s.index === 0);
    expect(first.bigKeys[0]).toMatchObject({ name: expect.stringMatching(/^big:/), type: 'string', bytes: expect.any(Number) });
    expect(first.bigKeys[0].bytes).toBeGreaterThan(BIG);
    expect(first.usedMemoryBytes).toBeGreaterThan(Math.max(...skew.shards.filter((s: { index: number }) => s.index !== 0).map((s: { usedMemoryBytes: number }) => s.usedMemoryBytes)));
    expect(skew.shards.reduce((n: number, s: { keys: number }) => n + s.keys, 0)).toBe(6000 + bigKeys.length);
    expect(skew.shards.every((s: { error: string | null }) => s.error === null)).toBe(true);
    // Idle now: a second report right after the first shows no load of its own making (the
    // first one's SCAN and MEMORY USAGE calls are thousands of commands; the control plane's own
    // probes are a few a second).
    const again = await call('GET', `/v1/clusters/${clusterId}/skew`);
    for (const s of again.shards as Array<{ opsPerSec: number }>) expect(s.opsPerSec).toBeLessThan(100);
  });

  it('rebalances by memory: the shard of big keys ends with fewer slots, bytes per primary within the threshold', async () => {
    const slotsBefore = shards.map((s) => countSlots(s.slots));
    const seen = (await statuses()).length;
    const { operation } = await call('POST', `/v1/clusters/${clusterId}/rebalance`, { by: 'memory', threshold: 15 });
    const op = await settled(operation.id, 120_000);
    expect(op, JSON.stringify(op.error)).toMatchObject({ status: 'succeeded', kind: 'rebalance' });
    // A change going as planned: modifying, then available; never degraded.
    expect((await statuses()).slice(seen)).toEqual(['modifying', 'available']);
    expect(op.moves.slotsMoved).toBe(op.moves.slotsTotal);
    expect(op.moves.bytesMoved).toBeGreaterThan(BIG);
    await refresh();
    const slotsAfter = shards.map((s) => countSlots(s.slots));
    expect(slotsAfter[0]).toBeLessThan(slotsBefore[0]!);
    expect(slotsAfter.reduce((a, b) => a + b, 0)).toBe(16384);
    // Bytes of the keys each primary holds now (MEMORY USAGE of every key: a small data set).
    const bytes = await Promise.all(
      shards.map(async (s) => {
        const admin = new NodeAdmin({ host: s.primary.host, port: s.primary.port, password: adminPassword });
        try {
          const keys = (await admin.redis.keys('*')) as string[];
          return (await admin.memoryUsage(keys)).reduce((a, b) => a + b, 0);
        } finally {
          admin.close();
        }
      }),
    );
    const fair = bytes.reduce((a, b) => a + b, 0) / 3;
    for (const b of bytes) expect(Math.abs(b - fair) / fair).toBeLessThanOrEqual(0.15);
  });

  it('switches a shard over under load: the replica leads, the old primary follows it, no acknowledged write lost', async () => {
    const shard = shards[1]!;
    const [old, heir] = [shard.primary, shard.replicas[0]!];
    const writes = startCountedWrites(shard.primary, tenant);
    try {
      await waitFor('writes to start', () => writes.total() > 100, { timeoutMs: 10_000 });
      const seen = (await statuses()).length;
      const { operation } = await call('POST', `/v1/clusters/${clusterId}/shards/1/switchover`, {});
      const op = await settled(operation.id);
      expect(op, JSON.stringify(op.error)).toMatchObject({ status: 'succeeded', kind: 'switchover' });
      expect((await statuses()).slice(seen)).toEqual(['modifying', 'available']);
      const total = writes.total();
      await waitFor('writes to go on', () => writes.total() > total + 100, { timeoutMs: 10_000 });
    } finally {
      const result = await writes.stop();
      expect(result.lost).toEqual([]);
    }
    await refresh();
    expect(shards[1]!.primary.id).toBe(heir.id);
    const demoted = shards[1]!.replicas.find((r) => r.id === old.id)!;
    expect(demoted).toMatchObject({ role: 'replica', primaryRedisNodeId: heir.redisNodeId });
  });

  it('finishes a move cut after a MIGRATE COPY: keys left on the target, equal or since changed on the source, end with the source\'s live copy', async () => {
    const [from, to] = [shards[2]!.primary, shards[0]!.primary];
    const src = new NodeAdmin({ host: from.host, port: from.port, password: adminPassword });
    const dst = new NodeAdmin({ host: to.host, port: to.port, password: adminPassword });
    try {
      const owned = shards[2]!.slots.flatMap(([a, b]) => Array.from({ length: b - a + 1 }, (_, i) => a + i));
      const [lo, hi] = [owned[0]!, owned[1]!];
      const same = await keyIn(src, lo, 'same');
      const differ = await keyIn(src, hi, 'differ');
      await src.redis.set(same, 'identical');
      await src.redis.set(differ, 'stale');
      // A worker that died mid-move: the journal says draining, both slots are open, and a
      // MIGRATE ... COPY left the keys on the target too. The source kept serving its copies
      // (clients are sent to the target only for keys the source lacks), and one changed there.
      // Staged under the cluster's lease, as that worker held it: the live worker, which may be in
      // a pass of its own, would otherwise see slots importing that its snapshot of the journal
      // lacks, and rightly close them as strays (and the test wait for a move that is no more).
      const db = cp.api.database.db;
      const lease = await waitFor('the cluster lease', () => Lease.acquire(db, clusterId, 'the worker that dies', 30_000).catch((err: unknown) => (err instanceof LeaseBusy ? undefined : Promise.reject(err))), { timeoutMs: 30_000, intervalMs: 50 });
      try {
        const srcId = await src.myId();
        const dstId = await dst.myId();
        // Journaled first, as the worker does before every command of a move.
        await db.insert(slotMoves).values([lo, hi].map((slot) => ({ id: newId(), clusterId, slot, sourceNodeId: from.id, targetNodeId: to.id, state: 'draining' as const })));
        await dst.setSlots([lo, hi], 'IMPORTING', srcId);
        await src.setSlots([lo, hi], 'MIGRATING', dstId);
        for (const key of [same, differ]) await src.redis.call('MIGRATE', to.host, String(to.port), key, '0', '5000', 'COPY', 'AUTH2', 'slotplane', adminPassword);
        await src.redis.set(differ, 'mine');
      } finally {
        await lease.release();
      }
      await cp.api.queue.enqueue(clusterId);

      // The move finishes by itself, every key with the value clients last wrote.
      await waitFor('both slots to belong to the target, closed', async () => {
        const self = (await dst.nodes()).find((e) => e.myself)!;
        const has = (x: number) => self.slots.some(([a, b]) => a <= x && x <= b);
        return has(lo) && has(hi) && self.importing.length === 0;
      }, { timeoutMs: 30_000, intervalMs: 200 });
      const client = new RedisCluster([to], { redisOptions: tenant });
      expect(await client.get(same)).toBe('identical');
      expect(await client.get(differ)).toBe('mine');
      client.disconnect();
    } finally {
      src.close();
      dst.close();
    }
  });

  it('closes a slot a node imports with no move under way (as Redis opens one on a restart with keys of slots it does not own): keys the owner lacks go to it, its own copies win', async () => {
    await refresh();
    const [owner, stray] = [shards[1]!.primary, shards[0]!.primary];
    const own = new NodeAdmin({ host: owner.host, port: owner.port, password: adminPassword });
    const str = new NodeAdmin({ host: stray.host, port: stray.port, password: adminPassword });
    try {
      const [a, b] = shards[1]!.slots.reduce((x, y) => (y[1] - y[0] > x[1] - x[0] ? y : x));
      const slot = a + Math.floor((b - a) / 2);
      const [only, both] = [await keyIn(own, slot, 'stray-only'), await keyIn(own, slot, 'stray-both')];
      await own.redis.set(both, 'owner');
      // What Redis leaves on a node restarted from older data: the slot importing from its owner, keys in it.
      expect(await str.setSlots([slot], 'IMPORTING', owner.redisNodeId)).toEqual([null]);
      const written = (await str.redis.pipeline().call('ASKING').set(only, 'left').call('ASKING').set(both, 'stale').exec()) ?? [];
      expect(written.map(([err]) => err)).toEqual([null, null, null, null]);
      await cp.api.queue.enqueue(clusterId);
      await waitFor('the slot to be closed on the node that imported it', async () => (await str.nodes()).find((e) => e.myself)!.importing.length === 0 && (await str.countKeysInSlots([slot]))[0] === 0, { timeoutMs: 30_000, intervalMs: 200 });
      expect(await own.redis.get(only)).toBe('left');
      expect(await own.redis.get(both)).toBe('owner');
      await waitFor('the cluster available', async () => (await call('GET', `/v1/clusters/${clusterId}`)).status === 'available', { timeoutMs: 30_000 });
    } finally {
      own.close();
      str.close();
    }
  });
});

/** A key name that hashes to `slot`. */
async function keyIn(admin: NodeAdmin, slot: number, prefix: string): Promise<string> {
  for (let base = 0; ; base += 50_000) {
    const names = Array.from({ length: 50_000 }, (_, i) => `${prefix}:${base + i}`);
    const pipe = admin.redis.pipeline();
    for (const n of names) pipe.call('CLUSTER', 'KEYSLOT', n);
    const found = ((await pipe.exec()) ?? []).findIndex(([, v]) => Number(v) === slot);
    if (found >= 0) return names[found]!;
  }
}
