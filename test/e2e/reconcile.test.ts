import { Cluster as RedisCluster, Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq, nodes, notifyAssignments, sql } from '@slotplane/db';
import { NodeAdmin } from '@slotplane/redis-admin';
import { startControlPlane, tenantClient, waitFor, type ControlPlane } from '@slotplane/testkit';
import { startCountedWrites } from './counted-writes.ts';

// Changes to a running 3x1 cluster on three hosts, all through the one reconcile loop.
const HOSTS = [
  { name: 'rec-a', address: '127.0.0.51', zone: 'a' },
  { name: 'rec-b', address: '127.0.0.52', zone: 'b' },
  { name: 'rec-c', address: '127.0.0.53', zone: 'c' },
];
let cp: ControlPlane;
let call: ReturnType<typeof tenantClient>['call'];
let settled: ReturnType<typeof tenantClient>['settled'];

beforeAll(async () => {
  cp = await startControlPlane({ hosts: HOSTS, portMin: 15000, portMax: 15099 });
  ({ call, settled } = tenantClient(cp.api.app, (await cp.api.tenant()).auth));
});
afterAll(() => cp?.stop());

type NodeView = { id: string; hostId: string; host: string; port: number; role: string | null; status: string; reachable: boolean | null; redisNodeId: string };
type ShardView = { index: number; slots: [number, number][]; primary: NodeView | null; replicas: NodeView[] };
const members = (shards: ShardView[]) => shards.flatMap((s) => [...(s.primary ? [s.primary] : []), ...s.replicas]);

describe('a running cluster changed online', () => {
  let clusterId: string;
  let tenant: { username: string; password: string };
  let adminPassword: string;
  const admin = (n: { host: string; port: number }) => new NodeAdmin({ host: n.host, port: n.port, password: adminPassword });
  /** Runs `fn` on every live node of the cluster with an admin connection. */
  const onEveryNode = async <T>(fn: (a: NodeAdmin) => Promise<T>): Promise<T[]> => {
    const shards = (await call('GET', `/v1/clusters/${clusterId}`)).shards as ShardView[];
    const admins = members(shards).map(admin);
    try {
      return await Promise.all(admins.map(fn));
    } finally {
      admins.forEach((a) => a.close());
    }
  };
  const processes = () => cp.agents.flatMap((a) => a.redisPids(clusterId)).length;
  const patch = async (body: object) => {
    const { operation } = await call('PATCH', `/v1/clusters/${clusterId}`, body);
    const op = await settled(operation.id);
    expect(op).toMatchObject({ status: 'succeeded' });
    return (await call('GET', `/v1/clusters/${clusterId}`)) as { status: string; shards: ShardView[] };
  };

  it('is created available, with the tenant\'s own user in /credentials', async () => {
    const { cluster, operation } = await call('POST', '/v1/clusters', { name: 'online', shards: 3, replicasPerShard: 1, maxMemoryMb: 256 });
    clusterId = cluster.id;
    expect((await settled(operation.id)).status).toBe('succeeded');
    const creds = await call('GET', `/v1/clusters/${clusterId}/credentials`);
    tenant = { username: creds.username, password: creds.password };
    expect(creds.username).toBe('app');
    adminPassword = await cp.adminPassword(clusterId);
  });

  it('gives the tenant every data command but no admin command (NOPERM), and a cluster client that reads from replicas', async () => {
    const { endpoints } = await call('GET', `/v1/clusters/${clusterId}/credentials`);
    const r = new Redis({ host: endpoints[0].host, port: endpoints[0].port, ...tenant, lazyConnect: true, maxRetriesPerRequest: 0 });
    try {
      expect(await r.call('ACL', 'WHOAMI')).toBe('app');
      expect(await r.info('server')).toContain('redis_version');
      for (const sub of ['SLOTS', 'SHARDS', 'NODES', 'INFO', 'MYID']) await expect(r.call('CLUSTER', sub)).resolves.toBeDefined();
      await expect(r.call('CLUSTER', 'KEYSLOT', 'x')).resolves.toBeDefined();
      await expect(r.call('CLUSTER', 'COUNTKEYSINSLOT', '0')).resolves.toBeDefined();
      await expect(r.call('READONLY')).resolves.toBe('OK');
      const refused: string[][] = [
        ['CONFIG', 'GET', 'maxmemory'], ['CONFIG', 'SET', 'requirepass', 'x'], ['ACL', 'SETUSER', 'x', 'on'], ['ACL', 'LIST'], ['ACL', 'USERS'],
        ['CLUSTER', 'MEET', '127.0.0.1', '1'], ['CLUSTER', 'FORGET', 'x'], ['CLUSTER', 'ADDSLOTS', '1'], ['CLUSTER', 'DELSLOTS', '1'],
        ['CLUSTER', 'SETSLOT', '1', 'STABLE'], ['CLUSTER', 'REPLICATE', 'x'], ['CLUSTER', 'FAILOVER'], ['CLUSTER', 'RESET'],
        ['CLUSTER', 'SET-CONFIG-EPOCH', '9'], ['CLUSTER', 'BUMPEPOCH'], ['CLUSTER', 'FLUSHSLOTS'], ['CLUSTER', 'SAVECONFIG'],
        ['REPLICAOF', 'NO', 'ONE'], ['SLAVEOF', 'NO', 'ONE'], ['FAILOVER'], ['SHUTDOWN'], ['MIGRATE', '127.0.0.1', '1', 'k', '0', '10'],
        ['MODULE', 'LIST'], ['MONITOR'],
      ];
      for (const cmd of refused) await expect(r.call(cmd[0]!, ...cmd.slice(1)), cmd.join(' ')).rejects.toThrow(/NOPERM/);
      // Redis 7.0 refuses DEBUG before it looks at users ("not allowed"); the ACL refuses it too.
      await expect(r.call('DEBUG', 'SLEEP', '0')).rejects.toThrow(/NOPERM|not allowed/);
      const a = admin(endpoints[0]);
      expect(await a.redis.call('ACL', 'DRYRUN', 'app', 'DEBUG', 'SLEEP', '0')).toMatch(/no permissions/);
      a.close();
    } finally {
      r.disconnect();
    }
    const client = new RedisCluster([endpoints[0]], { redisOptions: tenant, scaleReads: 'slave' });
    try {
      await client.set('tenant-key', 'v');
      await waitFor('the write to reach a replica', async () => (await client.get('tenant-key')) === 'v');
    } finally {
      client.disconnect();
    }
  });

  it('applies maxMemoryMb, persistence and redisConfig to every node, and a restarted node keeps them', async () => {
    const after = await patch({ maxMemoryMb: 512, persistence: 'aof', redisConfig: { hz: 25, 'maxmemory-policy': 'allkeys-lru' } });
    expect(after.status).toBe('available');
    const expected = { maxmemory: String(512 * 1024 * 1024), appendonly: 'yes', hz: '25', 'maxmemory-policy': 'allkeys-lru' };
    const configOf = (a: NodeAdmin) => Promise.all(Object.keys(expected).map((k) => a.configGet(k)));
    for (const values of await onEveryNode(configOf)) expect(values).toEqual(Object.values(expected));

    // Restart one replica's process, as healing will: a new run generation for its agent.
    const replica = after.shards[0]!.replicas[0]!;
    const agent = cp.agents.find((a) => a.address === replica.host)!;
    const pidsBefore = agent.redisPids(clusterId);
    await cp.api.database.db.transaction(async (tx) => {
      await tx.update(nodes).set({ runGeneration: sql`${nodes.runGeneration} + 1` }).where(eq(nodes.id, replica.id));
      await notifyAssignments(tx, [replica.hostId]);
    });
    await waitFor('a new process for the replica', () => agent.redisPids(clusterId).some((p) => !pidsBefore.includes(p)), { timeoutMs: 20_000 });
    const a = admin(replica);
    try {
      await waitFor('the restarted replica to answer', async () => (await a.redis.ping()) === 'PONG', { timeoutMs: 20_000 });
      expect(await configOf(a)).toEqual(Object.values(expected));
    } finally {
      a.close();
    }
  });

  it('goes from 1 to 2 to 0 to 1 replicas per shard under a counted write load, losing no acknowledged write', async () => {
    const { endpoints } = await call('GET', `/v1/clusters/${clusterId}/credentials`);
    const writes = startCountedWrites(endpoints[0], tenant);
    try {
      for (const replicas of [2, 0, 1]) {
        const before = writes.total();
        const after = await patch({ replicasPerShard: replicas });
        expect(after.status).toBe('available');
        expect(after.shards.every((s) => s.primary?.reachable && s.replicas.length === replicas)).toBe(true);
        // Anti-affinity: three hosts hold up to three members of a shard apart.
        for (const s of after.shards) expect(new Set(members([s]).map((m) => m.hostId)).size).toBe(1 + replicas);
        // Exactly the desired processes, and no node still knows a removed one.
        expect(processes()).toBe(3 * (1 + replicas));
        for (const view of await onEveryNode((a) => a.nodes())) expect(view).toHaveLength(3 * (1 + replicas));
        await waitFor('writes to go on', () => writes.total() > before + 50, { timeoutMs: 10_000 });
      }
    } finally {
      const result = await writes.stop();
      expect(result.lost).toEqual([]);
      expect(result.acknowledged).toBeGreaterThan(500);
    }
  });

  /** Waits until the cluster is back to 3x1, available, every replica in sync, `gone` in no node's table. */
  const healed = async (gone: NodeView) => {
    const cluster = await waitFor('the cluster healed back to 3x1', async () => {
      const c = (await call('GET', `/v1/clusters/${clusterId}`)) as { status: string; shards: ShardView[] };
      const whole = c.status === 'available' && c.shards.every((s) => s.primary?.reachable && s.replicas.length === 1 && s.replicas[0]!.reachable);
      return whole && !members(c.shards).some((m) => m.id === gone.id) ? c : undefined;
    }, { timeoutMs: 60_000, intervalMs: 200 });
    expect(processes()).toBe(6);
    for (const view of await onEveryNode((a) => a.nodes())) {
      expect(view).toHaveLength(6);
      expect(view.map((e) => e.id)).not.toContain(gone.redisNodeId);
    }
    for (const info of await onEveryNode((a) => a.redis.call('CLUSTER', 'INFO') as Promise<string>)) expect(info).toContain('cluster_state:ok');
    return cluster;
  };
  const kill = async (victim: NodeView) => {
    const [row] = await cp.api.database.db.select({ pid: nodes.pid }).from(nodes).where(eq(nodes.id, victim.id));
    process.kill(row!.pid!, 'SIGKILL');
  };

  it('after a primary is killed -9, promotes its replica at once (its agent saw the exit) and replaces the dead node, three rounds under counted writes, losing none', async () => {
    const { endpoints } = await call('GET', `/v1/clusters/${clusterId}/credentials`);
    const writes = startCountedWrites(endpoints[0], tenant);
    const victims: NodeView[] = [];
    try {
      for (const shardIndex of [1, 2, 0]) {
        const before = (await call('GET', `/v1/clusters/${clusterId}`)).shards as ShardView[];
        const victim = before[shardIndex]!.primary!;
        const heir = before[shardIndex]!.replicas[0]!;
        const total = writes.total();
        await waitFor('writes to go on', () => writes.total() > total + 50, { timeoutMs: 10_000 });
        await kill(victim);
        victims.push(victim);
        const after = await healed(victim);
        // The replica took over the dead primary's slots; a new node follows it.
        expect(after.shards[shardIndex]!.primary!.id).toBe(heir.id);
        expect(after.shards[shardIndex]!.slots).toEqual(before[shardIndex]!.slots);
        // Slotplane promoted it (CLUSTER FAILOVER FORCE), not Redis's own failover after its node
        // timeout, and said so in a shard.failover event.
        const failovers = await cp.api.database.db.execute(sql`select data from events where cluster_id = ${clusterId} and type = 'shard.failover' order by id desc limit 1`);
        const [event] = (failovers as unknown as { rows: Array<{ data: Record<string, unknown> }> }).rows.map((r) => r.data);
        expect(event).toMatchObject({ shardIndex, from: victim.id, to: heir.id, trigger: 'agent_exit', durationMs: expect.any(Number) });
      }
    } finally {
      const result = await writes.stop();
      expect(result.lost).toEqual([]);
      expect(result.acknowledged).toBeGreaterThan(150);
    }
    // (A new node may take a dead one's port: healed() checked each victim's ids are gone everywhere.)
    expect(victims).toHaveLength(3);
  });

  it('after a replica is killed -9, replaces it with a new node that syncs', async () => {
    const before = (await call('GET', `/v1/clusters/${clusterId}`)).shards as ShardView[];
    const victim = before[0]!.replicas[0]!;
    await kill(victim);
    const after = await healed(victim);
    expect(after.shards[0]!.primary!.id).toBe(before[0]!.primary!.id);
    expect(after.shards[0]!.replicas[0]!.id).not.toBe(victim.id);
  });
});

describe('a shard whose primary dies with no replica to take over', () => {
  /** A 1x0 cluster holding `keys` keys, then its only node killed -9; resolves once it is available again. */
  const killLonePrimary = async (name: string, persistence: 'aof' | 'none', keys: number) => {
    const { cluster, operation } = await call('POST', '/v1/clusters', { name, shards: 1, replicasPerShard: 0, maxMemoryMb: 64, persistence });
    expect((await settled(operation.id)).status).toBe('succeeded');
    const creds = await call('GET', `/v1/clusters/${cluster.id}/credentials`);
    const client = new Redis({ ...creds.endpoints[0], username: creds.username, password: creds.password });
    try {
      // No wait for the once-a-second fsync: Redis writes the AOF before it replies, so what was
      // acknowledged is in the file, and a kill -9 (unlike a power cut) cannot take it back.
      await Promise.all(Array.from({ length: keys }, (_, i) => client.set(`k:${i}`, String(i))));
    } finally {
      client.disconnect();
    }
    const [row] = await cp.api.database.db.select({ id: nodes.id, pid: nodes.pid }).from(nodes).where(eq(nodes.clusterId, cluster.id));
    process.kill(row!.pid!, 'SIGKILL');
    await waitFor('the cluster to notice the dead node', async () => (await call('GET', `/v1/clusters/${cluster.id}`)).status === 'degraded', { timeoutMs: 30_000, intervalMs: 100 });
    const back = await waitFor('the node restarted in place and the cluster available', async () => {
      const c = await call('GET', `/v1/clusters/${cluster.id}`);
      return c.status === 'available' && c.shards[0].primary?.reachable ? c : undefined;
    }, { timeoutMs: 60_000, intervalMs: 200 });
    // The same node (same row, same Redis node id) in a new process.
    expect(back.shards[0].primary.id).toBe(row!.id);
    const [after] = await cp.api.database.db.select({ pid: nodes.pid }).from(nodes).where(eq(nodes.id, row!.id));
    expect(after!.pid).not.toBe(row!.pid);
    const reader = new Redis({ ...creds.endpoints[0], username: creds.username, password: creds.password });
    const lost = await cp.api.database.db.execute(sql`select data from events where cluster_id = ${cluster.id} and type = 'shard.data_lost'`);
    try {
      const dataLost = (lost as unknown as { rows: Array<{ data: { loss: string; lossId: string } }> }).rows.map((r) => r.data);
      return { dbsize: await reader.dbsize(), dataLost, shown: back.dataLoss as Array<{ id: string }>, nodeId: row!.id, clusterId: cluster.id };
    } finally {
      reader.disconnect();
    }
  };

  it('with AOF: is restarted in place with every key it had', async () => {
    const { dbsize, dataLost, shown, clusterId } = await killLonePrimary('lonely-aof', 'aof', 300);
    expect(dbsize).toBe(300);
    expect(dataLost).toEqual([]);
    expect(shown).toEqual([]);
    await settled((await call('DELETE', `/v1/clusters/${clusterId}`)).operation.id);
  });

  it('without persistence: is restarted in place empty, the loss said in a shard.data_lost event and shown on the cluster until acknowledged', async () => {
    const { dbsize, dataLost, shown, nodeId, clusterId } = await killLonePrimary('lonely-none', 'none', 300);
    expect(dbsize).toBe(0);
    expect(dataLost).toEqual([expect.objectContaining({ loss: 'all', shardIndex: 0 })]);
    // Available again, and still saying what was lost.
    expect(shown).toEqual([expect.objectContaining({ id: dataLost[0]!.lossId, shardIndex: 0, nodeId, loss: 'all' })]);
    expect((await call('POST', `/v1/clusters/${clusterId}/data-loss/${dataLost[0]!.lossId}/acknowledge`)).dataLoss).toEqual([]);
    await settled((await call('DELETE', `/v1/clusters/${clusterId}`)).operation.id);
  });
});

describe('a change that lands while the cluster is still being created', () => {
  it('retargets the create: the cluster converges to the newest spec, and both operations succeed', async () => {
    const created = await call('POST', '/v1/clusters', { name: 'retarget', shards: 2, replicasPerShard: 0, maxMemoryMb: 128 });
    const patched = await call('PATCH', `/v1/clusters/${created.cluster.id}`, { replicasPerShard: 1, maxMemoryMb: 200 });
    expect((await settled(patched.operation.id)).status).toBe('succeeded');
    expect((await settled(created.operation.id)).status).toBe('succeeded');
    const cluster = await call('GET', `/v1/clusters/${created.cluster.id}`);
    expect(cluster).toMatchObject({ status: 'available', generation: 2, observedGeneration: 2 });
    expect(cluster.shards.every((s: ShardView) => s.primary && s.replicas.length === 1 && s.replicas[0]!.role === 'replica')).toBe(true);
    const adminPassword = await cp.adminPassword(created.cluster.id);
    for (const n of members(cluster.shards)) {
      const a = new NodeAdmin({ host: n.host, port: n.port, password: adminPassword });
      expect(await a.configGet('maxmemory')).toBe(String(200 * 1024 * 1024));
      a.close();
    }
    expect(cp.agents.flatMap((a) => a.redisPids(created.cluster.id))).toHaveLength(4);
  });
});
