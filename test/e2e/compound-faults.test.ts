import { Cluster as RedisCluster } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq, nodes, sql } from '@slotplane/db';
import { NodeAdmin } from '@slotplane/redis-admin';
import { startControlPlane, tenantClient, waitFor, type ControlPlane } from '@slotplane/testkit';
import { startCountedWrites } from './counted-writes.ts';

// Two things going wrong at once, on real processes: a 2-shard cluster (too few primaries for a
// FORCE's vote), a primary killed while the only other copy of its shard is in its first sync,
// and a delete that lands in the middle of a scale.
const HOSTS = [
  { name: 'cf-a', address: '127.0.0.171', zone: 'a' },
  { name: 'cf-b', address: '127.0.0.172', zone: 'b' },
  { name: 'cf-c', address: '127.0.0.173', zone: 'c' },
];
let cp: ControlPlane;
let call: ReturnType<typeof tenantClient>['call'];
let settled: ReturnType<typeof tenantClient>['settled'];

beforeAll(async () => {
  cp = await startControlPlane({ hosts: HOSTS, portMin: 23500, portMax: 23599 });
  ({ call, settled } = tenantClient(cp.api.app, (await cp.api.tenant()).auth));
});
afterAll(() => cp?.stop());

type NodeView = { id: string; hostId: string; host: string; port: number; redisNodeId: string; reachable: boolean | null };
type ShardView = { index: number; slots: [number, number][]; primary: NodeView | null; replicas: NodeView[] };
type ClusterView = { status: string; lastError: string | null; shards: ShardView[] };

describe('compound faults', () => {
  let clusterId: string;
  let adminPassword: string;
  let tenant: { username: string; password: string };
  const admin = (n: { host: string; port: number }) => new NodeAdmin({ host: n.host, port: n.port, password: adminPassword });
  const get = async () => (await call('GET', `/v1/clusters/${clusterId}`)) as ClusterView;
  const kill = async (victim: { id: string }) => {
    const [row] = await cp.api.database.db.select({ pid: nodes.pid }).from(nodes).where(eq(nodes.id, victim.id));
    process.kill(row!.pid!, 'SIGKILL');
  };
  const events = async (type: string) => {
    const result = await cp.api.database.db.execute(sql`select data from events where cluster_id = ${clusterId} and type = ${type} order by id`);
    return (result as unknown as { rows: Array<{ data: Record<string, unknown> }> }).rows.map((r) => r.data);
  };
  /** The cluster back at 2x1, every node answering, available, and `changed` says it is past the fault. */
  const whole = (changed: (c: ClusterView) => boolean) =>
    waitFor('the cluster healed back to 2x1', async () => {
      const c = await get();
      const ok = c.status === 'available' && c.shards.every((s) => s.primary?.reachable && s.replicas.length === 1 && s.replicas[0]!.reachable);
      return ok && changed(c) ? c : undefined;
    }, { timeoutMs: 60_000, intervalMs: 200 });

  it('is created: 2 shards, 1 replica each, AOF', async () => {
    const { cluster, operation } = await call('POST', '/v1/clusters', { name: 'twofold', shards: 2, replicasPerShard: 1, maxMemoryMb: 128, persistence: 'aof' });
    clusterId = cluster.id;
    expect((await settled(operation.id)).status).toBe('succeeded');
    adminPassword = await cp.adminPassword(clusterId);
    const creds = await call('GET', `/v1/clusters/${clusterId}/credentials`);
    tenant = { username: creds.username, password: creds.password };
  });

  it('heals a 2-shard cluster whose primary was killed -9: its replica promoted by TAKEOVER (a FORCE would wait for a majority of votes forever), losing no acknowledged write', async () => {
    const before = (await get()).shards[0]!;
    const { endpoints } = await call('GET', `/v1/clusters/${clusterId}/credentials`);
    const writes = startCountedWrites(endpoints[0], tenant);
    try {
      await waitFor('writes to go on', () => writes.total() > 200, { timeoutMs: 10_000 });
      await kill(before.primary!);
      const after = await whole((c) => c.shards[0]!.primary!.id !== before.primary!.id);
      expect(after.shards[0]!.primary!.id).toBe(before.replicas[0]!.id);
      expect(after.shards[0]!.slots).toEqual(before.slots);
      const total = writes.total();
      await waitFor('writes to go on after the failover', () => writes.total() > total + 100, { timeoutMs: 10_000 });
    } finally {
      const result = await writes.stop();
      expect(result.lost).toEqual([]);
    }
    const [failover] = await events('shard.failover');
    expect(failover).toMatchObject({ shardIndex: 0, from: before.primary!.id, to: before.replicas[0]!.id, trigger: 'agent_exit' });
  });

  it('restarts a killed primary in place, instead of promoting its new replica that is still in its first sync: the shard keeps every key', async () => {
    const shard = (await get()).shards[0]!;
    const primary = shard.primary!;
    const keys = Array.from({ length: 2000 }, (_, i) => `{kept}:${i}`);
    const client = new RedisCluster([{ host: primary.host, port: primary.port }], { redisOptions: tenant });
    const p = admin(primary);
    try {
      for (let i = 0; i < keys.length; i += 200) await Promise.all(keys.slice(i, i + 200).map((k) => client.set(k, 'v')));
      // Everything written is on disk: a fresh AOF written and fsynced by a rewrite.
      await p.redis.call('BGREWRITEAOF');
      await waitFor('the AOF rewrite to finish', async () => {
        const info = await p.info('persistence');
        return info.aof_rewrite_in_progress === '0' && info.aof_rewrite_scheduled === '0';
      });
      // A new replica's first sync waits 5 s on this primary: the window to kill it in.
      await p.configSet({ 'repl-diskless-sync-delay': 5 });
    } finally {
      client.disconnect();
    }
    await kill(shard.replicas[0]!);
    const newcomer = await waitFor('a new replica in its first sync', async () => {
      const s = (await get()).shards[0]!;
      const r = s.replicas.find((x) => x.id !== shard.replicas[0]!.id && x.reachable);
      if (!r) return undefined;
      const a = admin(r);
      try {
        return (await a.info('replication')).master_sync_in_progress === '1' ? r : undefined;
      } catch {
        return undefined;
      } finally {
        a.close();
      }
    }, { timeoutMs: 30_000, intervalMs: 20 });
    const failoversBefore = (await events('shard.failover')).length;
    p.close();
    await kill(primary);

    // Back once the newcomer follows the restarted primary (the node.started of its new process).
    const started = (await events('node.started')).length;
    const after = await whole((c) => c.shards[0]!.replicas[0]!.id === newcomer.id);
    expect((await events('node.started')).length).toBeGreaterThan(started);
    // The same node leads the shard again, from its own AOF; the newcomer synced from it.
    expect(after.shards[0]!.primary!.id).toBe(primary.id);
    expect(after.shards[0]!.replicas[0]!.id).toBe(newcomer.id);
    expect(await events('shard.failover')).toHaveLength(failoversBefore);
    const reader = new RedisCluster([{ host: primary.host, port: primary.port }], { redisOptions: tenant });
    try {
      const values = await Promise.all(keys.map((k) => reader.get(k)));
      expect(values.filter((v) => v !== 'v')).toHaveLength(0);
    } finally {
      reader.disconnect();
    }
  });

  it('cancels a scale that a delete supersedes: the scale never reports success', async () => {
    const { operation: scale } = await call('PATCH', `/v1/clusters/${clusterId}`, { shards: 3 });
    await waitFor('the scale to start', async () => ((await call('GET', `/v1/operations/${scale.id}`)).status === 'running' ? true : undefined), { timeoutMs: 20_000, intervalMs: 20 });
    const { operation: deletion } = await call('DELETE', `/v1/clusters/${clusterId}`);
    expect((await settled(deletion.id)).status).toBe('succeeded');
    const op = await settled(scale.id);
    expect(op.status).toBe('cancelled');
    expect(op.error).toMatchObject({ code: 'superseded' });
  });
});
