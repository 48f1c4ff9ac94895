// Failover: SIGKILL the primary of a shard of a 3x1 cluster (three hosts: 127.0.0.11/.12/.13), over
// and over (BENCH_KILLS, default 20; a random shard each time on Slotplane, round the shards on the
// reference), in the same run:
//  A) Slotplane: the agent sees the exit, the worker promotes the replica (CLUSTER FAILOVER FORCE),
//     then replaces the dead node.
//  B) Reference: an identical cluster made by `redis-cli --cluster create` with the same
//     cluster-node-timeout (5000 ms), failing over by itself; the killed node is started again
//     after each round (it rejoins as a replica), as an operator would.
// "Promoted": every surviving node maps the shard's slots to the replica and says cluster_state:ok.
// "Healed" (Slotplane): the API shows the cluster available and back to 3x1, every replica in sync.
// A counted-INCR client writes through all the Slotplane rounds; acknowledged writes lost are printed.
// Prints p50/p99 of both and their ratio.
// Run: pnpm bench failover
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { REDIS_USERS } from '@slotplane/contracts';
import { parseClusterNodes, rangesEqual } from '@slotplane/core';
import { eq, nodes } from '@slotplane/db';
import { waitFor } from '@slotplane/embedded';
import { startCountedWrites } from '../e2e/counted-writes.ts';
import { exited, startSlotplane } from './harness.ts';

const KILLS = Number(process.env.BENCH_KILLS ?? 20);
const ADDRESSES = ['127.0.0.11', '127.0.0.12', '127.0.0.13'];
const REF_PORT = 26300;
const PASSWORD = 'bench-reference-password';

type Endpoint = { host: string; port: number };
type Auth = { username?: string; password: string };

/** Polls the surviving nodes until each maps `slots` to `heirId` and says cluster_state:ok. */
async function promoted(survivors: Endpoint[], auth: Auth, heirId: string, slots: Array<[number, number]>): Promise<void> {
  const clients = survivors.map((e) => new Redis({ ...e, ...auth, maxRetriesPerRequest: 0 }));
  try {
    await waitFor('the replica to serve the slots everywhere', async () => {
      const answers = await Promise.all(clients.map(async (c) => [String(await c.call('CLUSTER', 'NODES')), String(await c.call('CLUSTER', 'INFO'))] as const));
      return answers.every(([view, info]) => {
        const heir = parseClusterNodes(view).find((e) => e.id === heirId);
        return info.includes('cluster_state:ok') && heir?.role === 'primary' && rangesEqual(heir.slots, slots);
      });
    }, { timeoutMs: 60_000, intervalMs: 5 });
  } finally {
    clients.forEach((c) => c.disconnect());
  }
}

/** A key that hashes into `slots` (asked of the node with CLUSTER KEYSLOT). */
async function keyIn(node: Endpoint, auth: Auth, slots: Array<[number, number]>): Promise<string> {
  const c = new Redis({ ...node, ...auth, maxRetriesPerRequest: 0 });
  try {
    for (let i = 0; ; i++) {
      const slot = Number(await c.call('CLUSTER', 'KEYSLOT', `probe:${i}`));
      if (slots.some(([a, b]) => a <= slot && slot <= b)) return `probe:${i}`;
    }
  } finally {
    c.disconnect();
  }
}

/** Polls a write of `key` on `node` until it is taken (not NOREPLICAS, MOVED, CLUSTERDOWN, ...). */
async function writable(node: Endpoint, auth: Auth, key: string): Promise<void> {
  const c = new Redis({ ...node, ...auth, maxRetriesPerRequest: 0 });
  try {
    await waitFor('the new primary to take a write', async () => (await c.set(key, 'x').catch(() => null)) === 'OK', { timeoutMs: 120_000, intervalMs: 5 });
  } finally {
    c.disconnect();
  }
}

const percentile = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.ceil((p / 100) * xs.length) - 1)]!;

// --- A) Slotplane ----------------------------------------------------------------------------------
type ShardView = { index: number; slots: Array<[number, number]>; primary: { id: string; host: string; port: number; redisNodeId: string; reachable: boolean } | null; replicas: Array<{ id: string; host: string; port: number; redisNodeId: string; reachable: boolean }> };
const sp = await startSlotplane({ addresses: ADDRESSES, portMin: 25300, portMax: 25399 });
const ours = { promote: [] as number[], writable: [] as number[], heal: [] as number[] };
let writes: Awaited<ReturnType<ReturnType<typeof startCountedWrites>['stop']>> | undefined;
try {
  const { cluster, operation } = await sp.api('POST', '/v1/clusters', { name: 'failover-bench', shards: 3, replicasPerShard: 1, maxMemoryMb: 64 });
  await sp.settled(operation.id);
  const auth = { username: REDIS_USERS.admin, password: await sp.adminPassword(cluster.id) };
  const creds = await sp.api('GET', `/v1/clusters/${cluster.id}/credentials`);
  const counted = startCountedWrites(creds.endpoints[0], { username: creds.username, password: creds.password });
  try {
    for (let k = 0; k < KILLS; k++) {
      const shards = (await sp.api('GET', `/v1/clusters/${cluster.id}`)).shards as ShardView[];
      const shard = shards[Math.floor(Math.random() * shards.length)]!;
      const victim = shard.primary!;
      const heir = shard.replicas[0]!;
      const survivors = shards.flatMap((s) => [s.primary!, ...s.replicas]).filter((n) => n.id !== victim.id);
      const [row] = await sp.database.db.select({ pid: nodes.pid }).from(nodes).where(eq(nodes.id, victim.id));
      const probe = await keyIn(heir, auth, shard.slots);
      const t0 = performance.now();
      process.kill(row!.pid!, 'SIGKILL');
      await promoted(survivors, auth, heir.redisNodeId, shard.slots);
      ours.promote.push(performance.now() - t0);
      // With durability strict (the default) the new primary takes writes once a replica of it is linked.
      await writable(heir, auth, probe);
      ours.writable.push(performance.now() - t0);
      await waitFor('the cluster healed back to 3x1', async () => {
        const c = await sp.api('GET', `/v1/clusters/${cluster.id}`);
        const all = (c.shards as ShardView[]).flatMap((s) => [s.primary, ...s.replicas]);
        return c.status === 'available' && all.length === 6 && all.every((n) => n?.reachable) && !all.some((n) => n?.id === victim.id);
      }, { timeoutMs: 120_000, intervalMs: 20 });
      ours.heal.push(performance.now() - t0);
      console.log(`  Slotplane kill ${k + 1} (shard ${shard.index}): promoted ${ours.promote.at(-1)!.toFixed(0)} ms, writable ${ours.writable.at(-1)!.toFixed(0)} ms, healed ${ours.heal.at(-1)!.toFixed(0)} ms`);
    }
  } finally {
    writes = await counted.stop();
  }
} finally {
  await sp.stop();
}

// --- B) Reference: Redis's own failover ------------------------------------------------------------
const dirs: string[] = [];
const servers = new Map<string, ChildProcess>();
const key = (e: Endpoint) => `${e.host}:${e.port}`;
function startNode(e: Endpoint, dir?: string): void {
  if (!dir) {
    dir = mkdtempSync(join(tmpdir(), 'slotplane-bench-failover-'));
    dirs.push(dir);
    writeFileSync(join(dir, 'redis.conf'), [
      `port ${e.port}`, `bind ${e.host}`, `cluster-announce-ip ${e.host}`, `bind-source-addr ${e.host}`, 'protected-mode no', `dir "${dir}"`,
      `logfile "${dir}/redis.log"`, 'cluster-enabled yes', 'cluster-config-file nodes.conf', 'cluster-node-timeout 5000',
      `requirepass "${PASSWORD}"`, `masterauth "${PASSWORD}"`, 'maxmemory 64mb', 'appendonly no', 'save ""',
      'repl-diskless-sync yes', 'repl-diskless-sync-delay 0',
    ].join('\n'));
  }
  servers.set(key(e), Object.assign(spawn('redis-server', [join(dir, 'redis.conf')], { stdio: 'ignore' }), { dir }));
}
const theirs = [] as number[];
try {
  const endpoints = ADDRESSES.flatMap((host) => [{ host, port: REF_PORT }, { host, port: REF_PORT + 1 }]);
  endpoints.forEach((e) => startNode(e));
  const ref = (e: Endpoint) => {
    const r = new Redis({ ...e, password: PASSWORD, maxRetriesPerRequest: 0, retryStrategy: () => 50 });
    r.on('error', () => {}); // a node being restarted refuses for a moment; the poll tries again
    return r;
  };
  await waitFor('six reference nodes', async () => (await Promise.all(endpoints.map(async (e) => {
    const r = ref(e);
    try { return (await r.ping()) === 'PONG'; } catch { return false; } finally { r.disconnect(); }
  }))).every(Boolean), { timeoutMs: 30_000 });
  // Primaries on the .11/.12/.13 first ports; redis-cli puts each replica on another host.
  const create = spawnSync('redis-cli', ['-a', PASSWORD, '--no-auth-warning', '--cluster', 'create', ...endpoints.filter((e) => e.port === REF_PORT).map(key), ...endpoints.filter((e) => e.port !== REF_PORT).map(key), '--cluster-replicas', '1', '--cluster-yes'], { encoding: 'utf8' });
  if (create.status !== 0) throw new Error(`redis-cli --cluster create: ${create.stdout}${create.stderr}`);
  const auth = { password: PASSWORD };
  const view = async () => {
    const r = ref(endpoints[0]!);
    try { return parseClusterNodes(String(await r.call('CLUSTER', 'NODES'))); } finally { r.disconnect(); }
  };
  const settledRef = async () => waitFor('the reference cluster settled', async () => {
    const answers = await Promise.all(endpoints.map(async (e) => {
      const r = ref(e);
      try { return [String(await r.call('CLUSTER', 'INFO')), String(await r.info('replication')), String(await r.call('CLUSTER', 'NODES'))]; } finally { r.disconnect(); }
    }));
    // Every node ok, every replica in sync, and every node seeing three primaries each followed by one replica.
    return answers.every(([info, repl, nodesView]) => {
      const entries = parseClusterNodes(nodesView!);
      const primaries = entries.filter((e) => e.role === 'primary' && e.slots.length);
      const followed = primaries.every((p) => entries.some((e) => e.role === 'replica' && e.primaryId === p.id && !e.failing));
      return info!.includes('cluster_state:ok') && (!repl!.includes('role:slave') || repl!.includes('master_link_status:up')) && primaries.length === 3 && followed;
    });
  }, { timeoutMs: 60_000, intervalMs: 50 });
  await settledRef();
  for (let k = 0; k < KILLS; k++) {
    const entries = await view();
    const primaries = entries.filter((e) => e.role === 'primary' && e.slots.length).sort((a, b) => a.slots[0]![0] - b.slots[0]![0]);
    const victim = primaries[k % primaries.length]!;
    const heir = entries.find((e) => e.role === 'replica' && e.primaryId === victim.id)!;
    const victimAt = { host: victim.host, port: victim.port };
    const survivors = endpoints.filter((e) => key(e) !== key(victimAt));
    const child = servers.get(key(victimAt))!;
    const t0 = performance.now();
    child.kill('SIGKILL');
    await promoted(survivors, auth, heir.id, victim.slots);
    theirs.push(performance.now() - t0);
    console.log(`  Redis's own failover, kill ${k + 1}: ${theirs.at(-1)!.toFixed(0)} ms`);
    // Heal by hand: start the killed node again; it rejoins as a replica of the new primary.
    await exited(child);
    startNode(victimAt, (child as ChildProcess & { dir: string }).dir);
    await settledRef();
  }
} finally {
  for (const s of servers.values()) {
    s.kill('SIGKILL');
    await exited(s);
  }
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
}

const line = (xs: number[]) => `p50 ${percentile(xs, 50).toFixed(0).padStart(5)} ms, p99 ${percentile(xs, 99).toFixed(0).padStart(5)} ms`;
console.log(`\nFailover: SIGKILL a primary of a 3x1 cluster, ${KILLS} kills each (cluster-node-timeout 5000 ms on both)`);
console.log(`  Slotplane (agent saw the exit -> FAILOVER FORCE): promoted ${line(ours.promote)}`);
console.log(`  Slotplane, the new primary takes writes (durability strict: once its new replica is linked): ${line(ours.writable)}`);
console.log(`  Redis's own failover:                             promoted ${line(theirs)}`);
console.log(`  Slotplane vs Redis: ${(percentile(theirs, 50) / percentile(ours.promote, 50)).toFixed(1)}x faster at p50, ${(percentile(theirs, 99) / percentile(ours.promote, 99)).toFixed(1)}x at p99`);
console.log(`  Slotplane back to 3x1 (new replica placed, joined, in sync; API says available): ${line(ours.heal)}`);
console.log(`  Counted INCRs through the Slotplane kills: ${writes?.acknowledged ?? 0} acknowledged, ${writes?.lost.length ?? 0} key(s) holding less than acknowledged${writes?.lost.length ? ` (${writes.lost.map((l) => `${l.key}: ${l.found} of ${l.acked}`).join(', ')})` : ''}`);
process.exit(0);
