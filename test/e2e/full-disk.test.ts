import { spawnSync } from 'node:child_process';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTenant } from '@slotplane/api';
import { sql } from '@slotplane/db';
import { NodeAdmin } from '@slotplane/redis-admin';
import { startControlPlane, tenantClient, waitFor, type ControlPlane } from '@slotplane/testkit';

// Host "small" runs its agent (and so its redis-servers) with the data dir on a 48 MiB tmpfs in a
// private mount namespace: the test fills it to the last byte and frees it again. That needs root
// and unshare(1); without them the test says so and skips.
const privateMounts = process.getuid?.() === 0 && spawnSync('unshare', ['--mount', '--propagation', 'private', 'true']).status === 0;
if (!privateMounts) console.warn('full-disk.test.ts: skipped, it needs root and unshare --mount (a tmpfs of its own for one host)');

const SMALL = { name: 'disk-small', address: '127.0.0.181', diskMb: 48 };
const ROOMY = { name: 'disk-roomy', address: '127.0.0.182' };

let cp: ControlPlane;
let call: ReturnType<typeof tenantClient>['call'];
let settled: ReturnType<typeof tenantClient>['settled'];
let admin: ReturnType<typeof tenantClient>['call'];

beforeAll(async () => {
  if (!privateMounts) return;
  // A floor of 0: a full host still takes a node that persists nothing, as if its disk had filled
  // between placement and start (the agent then fails with ENOSPC). A node with AOF needs its
  // maxmemory free, so placement skips the full host for those.
  cp = await startControlPlane({ hosts: [SMALL, ROOMY], portMin: 24000, portMax: 24099, minFreeDiskMb: 0 });
  ({ call, settled } = tenantClient(cp.api.app, (await cp.api.tenant()).auth));
  admin = tenantClient(cp.api.app, { authorization: `Bearer ${(await createTenant(cp.api.database.db, 'ops', 'admin')).apiKey}` }).call;
}, 120_000);
afterAll(() => cp?.stop());

type NodeView = { id: string; host: string; port: number; health: string | null; status: string; startError: string | null };
type ClusterView = { id: string; status: string; lastError: string | null; shards: Array<{ primary: NodeView | null; replicas: NodeView[] }> };
const getCluster = async (id: string) => (await call('GET', `/v1/clusters/${id}`)) as ClusterView;
const members = (c: ClusterView) => c.shards.flatMap((s) => [...(s.primary ? [s.primary] : []), ...s.replicas]);
const created = async (body: object) => {
  const { cluster, operation } = await call('POST', '/v1/clusters', body);
  const op = await settled(operation.id);
  expect(op.status, JSON.stringify(op.error)).toBe('succeeded');
  return getCluster(cluster.id);
};
const diskOf = async (name: string) => ((await admin('GET', '/v1/hosts')).items as Array<{ name: string; disk: { freeBytes: number; totalBytes: number } | null }>).find((h) => h.name === name)!.disk;

describe.skipIf(!privateMounts)('a host whose disk fills up', () => {
  it('shows its AOF node cannot_persist and the cluster degraded, places no AOF node there, replaces a node that cannot start there, and recovers when freed', async () => {
    // Each host reports its data dir's disk with every heartbeat.
    await waitFor('both hosts to report their disk', async () => (await diskOf(SMALL.name)) !== null && (await diskOf(ROOMY.name)) !== null, { timeoutMs: 10_000 });
    expect((await diskOf(SMALL.name))!.totalBytes).toBe(SMALL.diskMb * 1024 * 1024);

    // One primary on each host.
    const aof = await created({ name: 'disk-aof', shards: 2, replicasPerShard: 0, maxMemoryMb: 16, persistence: 'aof' });
    const victim = members(aof).find((n) => n.host === SMALL.address)!;
    expect(victim).toBeDefined();
    const small = cp.agents.find((a) => a.name === SMALL.name)!;

    // The tenant writes to the node on the small host (a key of its slots), then its disk fills.
    const password = await cp.adminPassword(aof.id);
    const nodeAdmin = new NodeAdmin({ host: victim.host, port: victim.port, password });
    const creds = await call('GET', `/v1/clusters/${aof.id}/credentials`);
    const tenant = new Redis({ host: victim.host, port: victim.port, username: creds.username, password: creds.password, maxRetriesPerRequest: 0 });
    try {
      const { slots } = (await nodeAdmin.nodes()).find((e) => e.myself)!;
      let key = '';
      for (let i = 0; !key; i++) {
        const slot = Number(await nodeAdmin.redis.call('CLUSTER', 'KEYSLOT', `k${i}`));
        if (slots.some(([a, b]) => a <= slot && slot <= b)) key = `k${i}`;
      }
      expect(await tenant.set(key, 'before')).toBe('OK');
      small.fillDisk();
      await waitFor('its disk to show full', async () => (await diskOf(SMALL.name))!.freeBytes < 1024 * 1024, { timeoutMs: 10_000 });

      // The next write goes to memory, its AOF write fails (Short write / ENOSPC), and then Redis refuses writes.
      const refused = await waitFor('a write refused with MISCONF', async () => {
        try {
          await tenant.set(key, 'x'.repeat(64 * 1024));
          return undefined;
        } catch (err) {
          return String(err);
        }
      }, { timeoutMs: 10_000, intervalMs: 50 });
      expect(refused).toMatch(/MISCONF/);
      expect(await tenant.exists(key)).toBe(1); // reads go on

      const degraded = await waitFor('the cluster to show degraded with the reason', async () => {
        const c = await getCluster(aof.id);
        return c.status === 'degraded' && members(c).find((n) => n.id === victim.id)?.health === 'cannot_persist' ? c : undefined;
      }, { timeoutMs: 30_000, intervalMs: 200 });
      expect(degraded.lastError).toContain(`node ${victim.host}:${victim.port} cannot write its AOF`);
      expect(degraded.lastError).toContain('disk may be full');
      expect(members(degraded).filter((n) => n.id !== victim.id).map((n) => n.health)).toEqual(['ok']);

      // New AOF nodes (16 MiB of maxmemory each) are placed only where the disk has room for them.
      const placed = await created({ name: 'disk-placed', shards: 2, replicasPerShard: 0, maxMemoryMb: 16, persistence: 'aof' });
      expect(members(placed).map((n) => n.host)).toEqual([ROOMY.address, ROOMY.address]);

      // A node without persistence still goes to the full host (floor 0, least loaded): its agent
      // cannot write its redis.conf, says so, and the node is replaced on the host with room.
      const moved = await created({ name: 'disk-moved', shards: 1, replicasPerShard: 0, maxMemoryMb: 16, persistence: 'none' });
      expect(members(moved).map((n) => n.host)).toEqual([ROOMY.address]);
      const events = await cp.api.database.db.execute(sql`select type, data from events where cluster_id = ${moved.id} and type in ('node.exited', 'node.replaced') order by id`);
      const seen = (events as unknown as { rows: Array<{ type: string; data: Record<string, unknown> }> }).rows;
      expect(seen.map((e) => e.type)).toEqual(['node.exited', 'node.replaced']);
      expect(seen[0]!.data.startError).toMatch(/ENOSPC/);
      expect(seen[1]!.data.reason).toMatch(/disk is full.*ENOSPC/);

      // Room again: Redis's next AOF retry succeeds, the node takes writes, the cluster is available.
      small.freeDisk();
      const healed = await waitFor('the cluster to be available again', async () => {
        const c = await getCluster(aof.id);
        return c.status === 'available' ? c : undefined;
      }, { timeoutMs: 30_000, intervalMs: 200 });
      expect(healed.lastError).toBeNull();
      expect(members(healed).map((n) => n.health)).toEqual(['ok', 'ok']);
      expect(await tenant.set(key, 'after')).toBe('OK');
      expect(await tenant.get(key)).toBe('after');
    } finally {
      tenant.disconnect();
      nodeAdmin.close();
    }
  });
});
