import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from '@slotplane/db';
import { NodeAdmin } from '@slotplane/redis-admin';
import { startControlPlane, tenantClient, waitFor, type ControlPlane } from '@slotplane/testkit';
import { startTrackedWrites } from './tracked-writes.ts';

// Durability strict on a 3x1 cluster on three hosts: the smallest shape in which Redis promotes a
// replica by itself (its election needs a majority of the primaries; in a 1x1 or 2x1 cluster a
// frozen primary is never flagged FAIL and nobody is promoted).
const HOSTS = [
  { name: 'dur-a', address: '127.0.0.171', zone: 'a' },
  { name: 'dur-b', address: '127.0.0.172', zone: 'b' },
  { name: 'dur-c', address: '127.0.0.173', zone: 'c' },
];
let cp: ControlPlane;
let call: ReturnType<typeof tenantClient>['call'];
let settled: ReturnType<typeof tenantClient>['settled'];

beforeAll(async () => {
  cp = await startControlPlane({ hosts: HOSTS, portMin: 26000, portMax: 26099 });
  ({ call, settled } = tenantClient(cp.api.app, (await cp.api.tenant()).auth));
});
afterAll(() => cp?.stop());

type NodeView = { id: string; host: string; port: number; role: string | null; reachable: boolean | null; health: string | null; redisNodeId: string };
type ShardView = { index: number; slots: [number, number][]; primary: NodeView | null; replicas: NodeView[] };
type ClusterView = { status: string; spec: { durability: string }; shards: ShardView[] };
const members = (shards: ShardView[]) => shards.flatMap((s) => [...(s.primary ? [s.primary] : []), ...s.replicas]);

/** Redis recounts a primary's good replicas once a second (replicationCron). */
const REDIS_RECOUNT_MS = 1000;

describe('a strict cluster', () => {
  let clusterId: string;
  let adminPassword: string;
  let tenant: { username: string; password: string };
  const view = async () => (await call('GET', `/v1/clusters/${clusterId}`)) as ClusterView;
  const onNode = async <T>(n: { host: string; port: number }, fn: (a: NodeAdmin) => Promise<T>): Promise<T> => {
    const admin = new NodeAdmin({ host: n.host, port: n.port, password: adminPassword });
    try {
      return await fn(admin);
    } finally {
      admin.close();
    }
  };
  const guards = async () => Promise.all(members((await view()).shards).map((n) => onNode(n, (a) => a.configGet('min-replicas-to-write'))));
  const patch = async (body: object) => expect((await settled((await call('PATCH', `/v1/clusters/${clusterId}`, body)).operation.id)).status).toBe('succeeded');
  /** `count` keys whose slots the shard serves. */
  const keysOf = async (shard: ShardView, count: number, prefix: string) => {
    const keys: string[] = [];
    await onNode(shard.primary!, async (a) => {
      for (let i = 0; keys.length < count; i++) {
        const slot = Number(await a.redis.call('CLUSTER', 'KEYSLOT', `${prefix}:{${i}}`));
        if (shard.slots.some(([s, e]) => s <= slot && slot <= e)) keys.push(`${prefix}:{${i}}`);
      }
    });
    return keys;
  };
  const pidOf = async (nodeId: string) => {
    const res = await cp.api.database.db.execute(sql`select pid from nodes where id = ${nodeId}`);
    return (res as unknown as { rows: Array<{ pid: number }> }).rows[0]!.pid;
  };

  it('is the default with replicas: every node refuses writes as a primary unless a replica acked within 2 s; relaxed and back online', async () => {
    const { cluster, operation } = await call('POST', '/v1/clusters', { name: 'strict', shards: 3, replicasPerShard: 1, maxMemoryMb: 64 });
    clusterId = cluster.id;
    expect(cluster.spec.durability).toBe('strict');
    expect((await settled(operation.id)).status).toBe('succeeded');
    adminPassword = await cp.adminPassword(clusterId);
    const creds = await call('GET', `/v1/clusters/${clusterId}/credentials`);
    tenant = { username: creds.username, password: creds.password };
    expect(await guards()).toEqual(Array(6).fill('1'));
    expect((await onNode(members((await view()).shards)[0]!, (a) => a.configGet('min-replicas-max-lag')))).toBe('2');

    // The operation succeeds only once every node runs the new value.
    await patch({ durability: 'relaxed' });
    expect(await guards()).toEqual(Array(6).fill('0'));
    await patch({ durability: 'strict' });
    expect(await guards()).toEqual(Array(6).fill('1'));
    expect((await view()).status).toBe('available');
  }, 180_000);

  it('shows a frozen primary unreachable, then suspected, and the cluster degraded; after Redis promoted its replica and it thawed, nothing it was sent after the thaw was acknowledged and lost', async () => {
    const before = (await view()).shards;
    const victim = before[0]!.primary!;
    const heir = before[0]!.replicas[0]!;
    const keys = [...(await keysOf(before[0]!, 12, 'frozen')), ...(await keysOf(before[1]!, 4, 'frozen')), ...(await keysOf(before[2]!, 4, 'frozen'))];
    const entry = members(before).find((m) => m.host !== victim.host)!;
    const writes = startTrackedWrites(entry, tenant, keys);
    const pid = await pidOf(victim.id);
    let freezeAt = 0;
    let thawAt = 0;
    let result: Awaited<ReturnType<typeof writes.stop>>;
    try {
      await waitFor('writes to go on', () => writes.acknowledged() > 200, { timeoutMs: 10_000 });
      freezeAt = Date.now();
      process.kill(pid, 'SIGSTOP');
      try {
        // While it is frozen: the API says so, whatever the order in which Redis and Slotplane notice.
        // First unreachable (it does not answer the control plane), then suspected and failed as
        // its peers flag it PFAIL and FAIL.
        const during = await waitFor('the frozen primary unreachable (or suspected, or failed) and the cluster degraded', async () => {
          const c = await view();
          const frozen = members(c.shards).find((m) => m.id === victim.id);
          return c.status === 'degraded' && ['unreachable', 'suspected', 'failed'].includes(frozen?.health ?? '') ? c : undefined;
        }, { timeoutMs: 30_000, intervalMs: 100 });
        const seen = members(during.shards).find((m) => m.id === victim.id)!;
        expect(seen).toMatchObject({ reachable: false });
        console.info(`frozen primary: the API said degraded, the node ${seen.health}, ${Date.now() - freezeAt} ms after the freeze (polled every 100 ms)`);
        await waitFor('its peers to flag it', async () => ['suspected', 'failed'].includes(members((await view()).shards).find((m) => m.id === victim.id)?.health ?? ''), { timeoutMs: 30_000, intervalMs: 100 });
        await waitFor('Redis to promote the frozen primary\'s replica', () =>
          onNode(heir, async (a) => (await a.nodes()).some((e) => e.myself && e.role === 'primary' && e.slots.length > 0)), { timeoutMs: 30_000, intervalMs: 100 });
      } finally {
        process.kill(pid, 'SIGCONT');
        thawAt = Date.now();
      }
      await waitFor('the thawed node back as a replica of its heir, the cluster available', async () => {
        const c = await view();
        const shard = c.shards[0]!;
        return c.status === 'available' && shard.primary?.id === heir.id && shard.replicas[0]?.id === victim.id && shard.replicas[0].reachable ? c : undefined;
      }, { timeoutMs: 60_000, intervalMs: 200 });
      const acknowledged = writes.acknowledged();
      await waitFor('writes to go on after the thaw', () => writes.acknowledged() > acknowledged + 100, { timeoutMs: 20_000 });
    } finally {
      result = await writes.stop();
    }
    // Sent once it had run for a second: refused (NOREPLICAS: it counts no replica any more; then
    // MOVED), never acknowledged and lost. Until Redis 7.0's once-a-second recount of good replicas
    // it still counts the one it had before the freeze: what was queued in its sockets while it was
    // frozen, and what it is sent in that first second, may be acknowledged and lost (0-12 such
    // writes per run against bare redis-servers, strict or relaxed; one sent 0 ms after the thaw
    // and lost in one of this test's runs). So those are counted, not asserted.
    expect(result.lost.filter((w) => w.sentAt >= thawAt + REDIS_RECOUNT_MS)).toEqual([]);
    expect(result.lost.every((w) => w.ackedAt! >= freezeAt)).toBe(true);
    const refused = result.writes.filter((w) => w.error === 'NOREPLICAS').length;
    console.info(`frozen primary: ${result.lost.length} write(s) queued during the freeze or sent in the second after it acknowledged on thaw and lost; ${refused} refused with NOREPLICAS; ${result.writes.filter((w) => w.ackedAt).length} acknowledged in all`);
    expect(await onNode(victim, (a) => a.configGet('min-replicas-to-write'))).toBe('1');
  }, 180_000);

  it('has a primary whose only replica died refuse writes until Slotplane gave it a new synced replica', async () => {
    const before = (await view()).shards;
    const shard = before[1]!;
    const dead = shard.replicas[0]!;
    const [key] = await keysOf(shard, 1, 'alone');
    const client = new Redis({ host: shard.primary!.host, port: shard.primary!.port, ...tenant, maxRetriesPerRequest: 0 });
    client.on('error', () => {});
    const answers: Array<{ at: number; ok: boolean; error?: string }> = [];
    let acked = 0;
    let running = true;
    const loop = (async () => {
      while (running) {
        try {
          await client.incr(key!);
          acked++;
          answers.push({ at: Date.now(), ok: true });
        } catch (err) {
          answers.push({ at: Date.now(), ok: false, error: (err as Error).message.split(' ')[0] });
        }
        await new Promise((r) => setTimeout(r, 10));
      }
    })();
    try {
      await waitFor('writes to go on', () => acked > 20);
      const killedAt = Date.now();
      process.kill(await pidOf(dead.id), 'SIGKILL');
      const taken = await waitFor('a write refused, then one taken again', () => {
        const refused = answers.find((a) => a.at >= killedAt && a.error === 'NOREPLICAS');
        const again = refused && answers.find((a) => a.at > refused.at && a.ok);
        return refused && again ? { refused, again } : undefined;
      }, { timeoutMs: 60_000, intervalMs: 50 });
      const c = await waitFor('the cluster available with a new replica in the shard', async () => {
        const v = await view();
        const r = v.shards[1]!.replicas[0];
        return v.status === 'available' && r && r.id !== dead.id && r.reachable ? v : undefined;
      }, { timeoutMs: 30_000, intervalMs: 200 });
      expect(c.shards[1]!.primary!.id).toBe(shard.primary!.id);
      console.info(`primary alone: writes refused for ${taken.again.at - taken.refused.at} ms (first NOREPLICAS to the first write taken again; ${taken.again.at - killedAt} ms after the kill)`);
    } finally {
      running = false;
      await loop;
    }
    expect(Number(await client.get(key!))).toBeGreaterThanOrEqual(acked);
    client.disconnect();
  }, 120_000);
});
