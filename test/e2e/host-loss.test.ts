import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTenant } from '@slotplane/api';
import { sql } from '@slotplane/db';
import { NodeAdmin } from '@slotplane/redis-admin';
import { startControlPlane, tenantClient, waitFor, type ControlPlane } from '@slotplane/testkit';
import { startCountedWrites } from './counted-writes.ts';

// A whole host dies (its agent and every redis-server on it) under a 3x1 cluster on three hosts.
const HOSTS = [
  { name: 'loss-a', address: '127.0.0.91', zone: 'a' },
  { name: 'loss-b', address: '127.0.0.92', zone: 'b' },
  { name: 'loss-c', address: '127.0.0.93', zone: 'c' },
];
/** Short, so the test does not sit out the 30 s default. */
const HOST_LOST_AFTER_MS = 4000;
let cp: ControlPlane;
let call: ReturnType<typeof tenantClient>['call'];
let settled: ReturnType<typeof tenantClient>['settled'];
/** The operator's view of the fleet: GET /v1/hosts needs an admin key. */
let hostStates: () => Promise<Map<string, string>>;

beforeAll(async () => {
  cp = await startControlPlane({ hosts: HOSTS, portMin: 20000, portMax: 20099, hostLostAfterMs: HOST_LOST_AFTER_MS });
  ({ call, settled } = tenantClient(cp.api.app, (await cp.api.tenant()).auth));
  const admin = tenantClient(cp.api.app, { authorization: `Bearer ${(await createTenant(cp.api.database.db, 'ops', 'admin')).apiKey}` });
  hostStates = async () => new Map(((await admin.call('GET', '/v1/hosts')).items as Array<{ name: string; state: string }>).map((h) => [h.name, h.state]));
});
afterAll(() => cp?.stop());

type NodeView = { id: string; hostId: string; host: string; port: number; role: string | null; reachable: boolean | null; redisNodeId: string };
type ShardView = { index: number; slots: [number, number][]; primary: NodeView | null; replicas: NodeView[] };
type Event = { type: string; tenant_id: string | null; data: Record<string, unknown> };
const members = (shards: ShardView[]) => shards.flatMap((s) => [...(s.primary ? [s.primary] : []), ...s.replicas]);
/** A new cluster of `shards` x1, available; with its first observed topology. */
const created = async (name: string, shards: number) => {
  const { cluster, operation } = await call('POST', '/v1/clusters', { name, shards, replicasPerShard: 1, maxMemoryMb: 64 });
  expect((await settled(operation.id)).status).toBe('succeeded');
  const view = await call('GET', `/v1/clusters/${cluster.id}`);
  return { cluster: view as { id: string; spec: Record<string, unknown> }, before: view.shards as ShardView[] };
};
/** Each test deletes its cluster, so the next host failure has only its own cluster to heal. */
const remove = async (clusterId: string) => expect((await settled((await call('DELETE', `/v1/clusters/${clusterId}`)).operation.id)).status).toBe('succeeded');

describe('a host that dies', () => {
  it('has its primary promoted by Redis, its nodes replaced on the other hosts and forgotten, losing no acknowledged write; back, its nodes are erased and never rejoin', async () => {
    const { cluster, before } = await created('host-loss', 3);
    const creds = await call('GET', `/v1/clusters/${cluster.id}/credentials`);
    const adminPassword = await cp.adminPassword(cluster.id);
    const victimHost = before[0]!.primary!.host;
    const agent = cp.agents.find((a) => a.address === victimHost)!;
    const dead = members(before).filter((m) => m.host === victimHost);
    // Anti-affinity put one primary and one replica (of another shard) on every host.
    expect(dead).toHaveLength(2);
    const events = async () => {
      const res = await cp.api.database.db.execute(sql`select type, tenant_id, data from events where cluster_id = ${cluster.id} or cluster_id is null order by id`);
      return (res as unknown as { rows: Event[] }).rows;
    };
    const seen = (await events()).length;

    const writes = startCountedWrites(creds.endpoints.find((e: { host: string }) => e.host !== victimHost), { username: creds.username, password: creds.password });
    let healed: { status: string; shards: ShardView[] };
    try {
      await waitFor('writes to go on', () => writes.total() > 100, { timeoutMs: 10_000 });
      await agent.killHost();

      healed = await waitFor('the cluster healed back to 3x1 on the two hosts left', async () => {
        const c = (await call('GET', `/v1/clusters/${cluster.id}`)) as { status: string; shards: ShardView[] };
        const whole = c.status === 'available' && c.shards.every((s) => s.primary?.reachable && s.replicas.length === 1 && s.replicas[0]!.reachable);
        return whole && members(c.shards).every((m) => m.host !== victimHost) ? c : undefined;
      }, { timeoutMs: 90_000, intervalMs: 200 });
      const total = writes.total();
      await waitFor('writes to go on after healing', () => writes.total() > total + 50, { timeoutMs: 10_000 });
    } finally {
      const result = await writes.stop();
      expect(result.lost).toEqual([]);
    }

    // Redis elected shard 0's replica (Slotplane never promotes over a host that is only silent).
    expect(healed.shards[0]!.primary!.id).toBe(before[0]!.replicas[0]!.id);
    expect(healed.shards[0]!.slots).toEqual(before[0]!.slots);
    const happened = (await events()).slice(seen);
    const types = happened.map((e) => e.type);
    expect(types).toEqual(expect.arrayContaining(['host.lost', 'shard.failover', 'node.replaced']));
    const hostEvents = happened.filter((e) => e.type.startsWith('host.'));
    // Suspect first, unless no host-watch round fell inside the suspect window (a loaded machine):
    // then host.lost says it came straight from up.
    expect(hostEvents.find((e) => e.type === 'host.lost')!.data.from).toBe(types.includes('host.suspect') ? 'suspect' : 'up');
    expect(hostEvents.every((e) => e.tenant_id === null && e.data.name === agent.name)).toBe(true);
    expect(happened.find((e) => e.type === 'shard.failover')!.data).toMatchObject({ shardIndex: 0, from: before[0]!.primary!.id, to: before[0]!.replicas[0]!.id, trigger: 'redis' });
    const replaced = happened.filter((e) => e.type === 'node.replaced').map((e) => e.data);
    expect(replaced.map((r) => r.from).sort()).toEqual(dead.map((d) => d.id).sort());
    expect(replaced.every((r) => r.reason === 'its host is lost')).toBe(true);
    const statuses = happened.filter((e) => e.type === 'cluster.status_changed').map((e) => e.data.to);
    expect(statuses).toEqual(expect.arrayContaining(['degraded', 'available']));
    expect((await hostStates()).get(agent.name)).toBe('lost');

    // Every node left knows exactly the six live ones: the dead ones were FORGOTTEN.
    const live = members(healed.shards);
    const views = await Promise.all(live.map(async (m) => {
      const a = new NodeAdmin({ host: m.host, port: m.port, password: adminPassword });
      try {
        return await a.nodes();
      } finally {
        a.close();
      }
    }));
    for (const view of views) expect(view.map((e) => e.id).sort()).toEqual(live.map((m) => m.redisNodeId).sort());

    // The host comes back: its agent erases what was replaced, and nothing of it rejoins.
    await agent.restart();
    await waitFor('the returning agent to erase the replaced nodes', () => dead.every((d) => !existsSync(join(agent.dataDir, 'instances', d.id))), { timeoutMs: 30_000 });
    await waitFor('the host to count as up again', async () => (await hostStates()).get(agent.name) === 'up', { timeoutMs: 10_000 });
    await waitFor('host.recovered', async () => (await events()).some((e) => e.type === 'host.recovered' && e.data.name === agent.name), { timeoutMs: 10_000 });
    expect(agent.redisPids(cluster.id)).toEqual([]);
    // (degraded for a moment while its agent reports them stopping)
    const after = await waitFor('the cluster available with the host back', async () => {
      const c = (await call('GET', `/v1/clusters/${cluster.id}`)) as { status: string; shards: ShardView[] };
      return c.status === 'available' ? c : undefined;
    }, { timeoutMs: 10_000 });
    expect(members(after.shards).map((m) => m.id).sort()).toEqual(live.map((m) => m.id).sort());
    await remove(cluster.id);
  }, 120_000);
});

describe('a primary that freezes (SIGSTOP: its process lives, its agent sees nothing wrong)', () => {
  it('is noticed by the health prober, Redis\'s own failover is recorded, and once it thaws it rejoins as a replica, not replaced', async () => {
    const { cluster, before } = await created('frozen', 3);
    const victim = before[1]!.primary!;
    const [row] = (await cp.api.database.db.execute(sql`select pid from nodes where id = ${victim.id}`) as unknown as { rows: Array<{ pid: number }> }).rows;
    process.kill(row!.pid, 'SIGSTOP');
    try {
      // No agent report and no heartbeat change: only the prober sees the cluster change, well
      // before the 30 s resync. Redis flags the node FAIL and elects its replica by itself.
      await waitFor('the promotion Redis made to be recorded', async () => {
        const res = await cp.api.database.db.execute(sql`select data from events where cluster_id = ${cluster.id} and type = 'shard.failover'`);
        return (res as unknown as { rows: Array<{ data: Record<string, unknown> }> }).rows.some((r) => r.data.trigger === 'redis' && r.data.from === victim.id);
      }, { timeoutMs: 25_000, intervalMs: 200 });
      const during = await call('GET', `/v1/clusters/${cluster.id}`);
      expect(during.status).toBe('degraded');
      // The frozen node as its peers flag it, once observed (it answers nobody).
      const frozen = await waitFor('the frozen node to show as failed', async () => {
        const c = await call('GET', `/v1/clusters/${cluster.id}`);
        return members(c.shards).find((m) => m.id === victim.id && (m as NodeView & { health: string }).health === 'failed');
      }, { timeoutMs: 10_000, intervalMs: 200 });
      expect(frozen).toMatchObject({ reachable: false, role: 'primary' });
    } finally {
      process.kill(row!.pid, 'SIGCONT');
    }
    const back = await waitFor('the thawed node back as a replica, the cluster available', async () => {
      const c = (await call('GET', `/v1/clusters/${cluster.id}`)) as { status: string; shards: ShardView[] };
      const shard = c.shards[1]!;
      return c.status === 'available' && shard.replicas.length === 1 && shard.replicas[0]!.reachable && shard.replicas[0]!.id === victim.id ? c : undefined;
    }, { timeoutMs: 30_000, intervalMs: 200 });
    expect(back.shards[1]!.primary!.id).toBe(before[1]!.replicas[0]!.id);
    expect(members(back.shards).map((m) => (m as NodeView & { health: string }).health)).toEqual(Array(6).fill('ok'));
    expect(back.shards[1]!.slots).toEqual(before[1]!.slots);
    await remove(cluster.id);
  }, 120_000);
});

describe('a host holding half the primaries of a 2-shard cluster', () => {
  it('is waited for (Redis has no majority to elect), and with takeoverWhenQuorumLost its replica takes over and the cluster heals', async () => {
    const { cluster, before } = await created('two-shards', 2);
    expect(cluster.spec.takeoverWhenQuorumLost).toBe(false);
    const victimHost = before[0]!.primary!.host;
    const agent = cp.agents.find((a) => a.address === victimHost)!;
    await agent.killHost();
    try {
      // One primary of two is no majority: Redis flags nothing and elects nobody; neither does Slotplane.
      const stuck = await waitFor('the cluster to say why it cannot heal', async () => {
        const c = await call('GET', `/v1/clusters/${cluster.id}`);
        return c.status === 'degraded' && c.lastError?.includes('takeoverWhenQuorumLost') ? c : undefined;
      }, { timeoutMs: 30_000, intervalMs: 200 });
      expect(stuck.shards[0].primary.id).toBe(before[0]!.primary!.id);

      const { operation: allow } = await call('PATCH', `/v1/clusters/${cluster.id}`, { takeoverWhenQuorumLost: true });
      expect((await settled(allow.id)).status).toBe('succeeded');
      const healed = (await call('GET', `/v1/clusters/${cluster.id}`)) as { status: string; shards: ShardView[] };
      expect(healed.status).toBe('available');
      expect(healed.shards[0]!.primary!.id).toBe(before[0]!.replicas[0]!.id);
      expect(members(healed.shards).every((m) => m.host !== victimHost && m.reachable)).toBe(true);
      expect(healed.shards.every((s) => s.replicas.length === 1)).toBe(true);
      const res = await cp.api.database.db.execute(sql`select data from events where cluster_id = ${cluster.id} and type = 'shard.failover'`);
      expect((res as unknown as { rows: Array<{ data: Record<string, unknown> }> }).rows.map((r) => r.data)).toEqual([expect.objectContaining({ shardIndex: 0, trigger: 'takeover', to: before[0]!.replicas[0]!.id })]);
    } finally {
      await agent.restart();
    }
    await remove(cluster.id);
  }, 120_000);
});

describe('a host cut off with its processes alive (frozen), then back', () => {
  it('is healed like a lost one; back, its stale nodes are erased before anyone takes them in, and the cluster stays available', async () => {
    const { cluster, before } = await created('cut-off', 3);
    const adminPassword = await cp.adminPassword(cluster.id);
    const victimHost = before[2]!.primary!.host;
    const agent = cp.agents.find((a) => a.address === victimHost)!;
    const stale = members(before).filter((m) => m.host === victimHost);
    const stalePids = agent.redisPids(cluster.id);
    agent.freezeHost();
    let healed: { shards: ShardView[] };
    try {
      healed = await waitFor('the cluster healed on the other hosts', async () => {
        const c = (await call('GET', `/v1/clusters/${cluster.id}`)) as { status: string; shards: ShardView[] };
        const whole = c.status === 'available' && c.shards.every((s) => s.primary?.reachable && s.replicas.length === 1 && s.replicas[0]!.reachable);
        return whole && members(c.shards).every((m) => m.host !== victimHost) ? c : undefined;
      }, { timeoutMs: 90_000, intervalMs: 200 });
    } finally {
      agent.thawHost();
    }
    // Back: the stale primary still believes it serves shard 2. Until its processes are gone (their
    // data too), every live node is asked who it knows, again and again: never a stale node.
    const live = members(healed.shards);
    const staleIds = new Set(stale.map((s) => s.redisNodeId));
    const admins = live.map((m) => new NodeAdmin({ host: m.host, port: m.port, password: adminPassword }));
    const rejoined: string[] = [];
    try {
      await waitFor('the stale processes stopped and erased', async () => {
        for (const view of await Promise.all(admins.map((a) => a.nodes()))) rejoined.push(...view.filter((e) => staleIds.has(e.id)).map((e) => e.id));
        return stalePids.every((pid) => !alive(pid)) && stale.every((s) => !existsSync(join(agent.dataDir, 'instances', s.id)));
      }, { timeoutMs: 30_000, intervalMs: 100 });
    } finally {
      admins.forEach((a) => a.close());
    }
    expect(rejoined).toEqual([]);
    const after = await waitFor('the cluster available', async () => {
      const c = (await call('GET', `/v1/clusters/${cluster.id}`)) as { status: string; shards: ShardView[] };
      return c.status === 'available' ? c : undefined;
    }, { timeoutMs: 10_000 });
    expect(members(after.shards).map((m) => m.id).sort()).toEqual(live.map((m) => m.id).sort());
    expect(after.shards[2]!.primary!.id).toBe(before[2]!.replicas[0]!.id);
    await remove(cluster.id);
  }, 120_000);
});

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
