// Cluster create, 3 shards x 1 replica on three hosts (127.0.0.11/.12/.13), median of BENCH_RUNS runs:
//  A) Slotplane: POST /v1/clusters -> GET /v1/clusters/{id} says `available` (polled every 10 ms);
//     the agents spawn the redis-servers inside that time.
//  B) Reference: spawn 6 fresh redis-servers (same redis.conf as the agent writes) -> all answer
//     PING -> `redis-cli --cluster create --cluster-replicas 1` -> every replica has
//     master_link_status:up and every node cluster_state:ok.
// Run: pnpm bench create
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { waitFor } from '@slotplane/embedded';
import { exited, startSlotplane } from './harness.ts';
import { median, printTable } from './report.ts';

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const ADDRESSES = ['127.0.0.11', '127.0.0.12', '127.0.0.13'];
const REF_PORTS = [26000, 26001]; // two per address; Slotplane's agents use 25000-25099
const PASSWORD = 'bench-reference-password';
const tmpDirs: string[] = [];
const tmp = (prefix: string) => {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  tmpDirs.push(dir);
  return dir;
};

// --- Slotplane: its own Postgres and Redis, the API, a worker, one agent per address ---------------
const sp = await startSlotplane({ addresses: ADDRESSES, portMin: 25000, portMax: 25099 });
const api = sp.api;
type Accepted = { cluster: { id: string }; operation: { id: string } };

async function slotplaneCreate(i: number): Promise<number> {
  const t0 = performance.now();
  const { cluster } = await api<Accepted>('POST', '/v1/clusters', { name: `bench-${i}`, shards: 3, replicasPerShard: 1 });
  await waitFor('cluster available', async () => {
    const { status } = await api<{ status: string }>('GET', `/v1/clusters/${cluster.id}`);
    if (status === 'failed') throw new Error(`cluster ${cluster.id} failed`);
    return status === 'available';
  }, { timeoutMs: 120_000, intervalMs: 10 });
  const ms = performance.now() - t0;
  // Not timed: delete it and wait for the delete to finish.
  const { operation } = await api<Accepted>('DELETE', `/v1/clusters/${cluster.id}`);
  await waitFor('delete to succeed', async () => {
    const { status } = await api<{ status: string }>('GET', `/v1/operations/${operation.id}`);
    if (status === 'failed' || status === 'cancelled') throw new Error(`delete of ${cluster.id} ${status}`);
    return status === 'succeeded';
  }, { timeoutMs: 60_000, intervalMs: 50 });
  return ms;
}

// --- Reference: plain redis-server + redis-cli --cluster create ------------------------------------
// `tuned`: what packages/agent/src/redis-conf.ts writes (no 5 s wait before a replica's first sync,
// 5 s node timeout). Untuned: Redis's own defaults for both, as an operator running redis-cli gets.
function redisConf(address: string, port: number, dir: string, tuned: boolean): string {
  return [
    `port ${port}`, `bind ${address}`, `cluster-announce-ip ${address}`, `bind-source-addr ${address}`, 'protected-mode no',
    'daemonize no', `dir "${dir}"`, `logfile "${dir}/redis.log"`, 'cluster-enabled yes', 'cluster-config-file nodes.conf',
    `requirepass "${PASSWORD}"`, `masterauth "${PASSWORD}"`, 'maxmemory 256mb', 'appendonly no', 'save ""',
    ...(tuned ? ['cluster-node-timeout 5000', 'repl-diskless-sync yes', 'repl-diskless-sync-delay 0'] : []),
  ].join('\n') + '\n';
}

async function referenceCreate(tuned: boolean): Promise<number> {
  const endpoints = ADDRESSES.flatMap((host) => REF_PORTS.map((port) => ({ host, port, dir: tmp('slotplane-bench-ref-') })));
  for (const e of endpoints) writeFileSync(join(e.dir, 'redis.conf'), redisConf(e.host, e.port, e.dir, tuned));
  const t0 = performance.now();
  const servers = endpoints.map((e) => spawn('redis-server', [join(e.dir, 'redis.conf')], { stdio: 'ignore' }));
  // Reconnect every 10 ms until the server listens; a command fails at once rather than waiting.
  const clients = endpoints.map((e) => new Redis({ host: e.host, port: e.port, password: PASSWORD, maxRetriesPerRequest: 0, retryStrategy: () => 10 }));
  clients.forEach((c) => c.on('error', () => {}));
  try {
    await waitFor('every node to answer PING', async () => (await Promise.all(clients.map((c) => c.ping().catch(() => '')))).every((r) => r === 'PONG'), { timeoutMs: 30_000, intervalMs: 10 });
    const cli = spawnSync('redis-cli', ['-a', PASSWORD, '--no-auth-warning', '--cluster', 'create', ...endpoints.map((e) => `${e.host}:${e.port}`), '--cluster-replicas', '1', '--cluster-yes'], { encoding: 'utf8' });
    if (cli.status !== 0) throw new Error(`redis-cli --cluster create failed: ${cli.stdout}${cli.stderr}`);
    await waitFor('replicas in sync and cluster_state:ok everywhere', async () => {
      let synced = 0;
      for (const c of clients) {
        if (!(await c.call('CLUSTER', 'INFO') as string).includes('cluster_state:ok')) return false;
        const repl = await c.info('replication');
        if (repl.includes('role:slave') && !repl.includes('master_link_status:up')) return false;
        if (repl.includes('role:slave')) synced++;
      }
      return synced === 3;
    }, { timeoutMs: 60_000, intervalMs: 10 });
    return performance.now() - t0;
  } finally {
    clients.forEach((c) => c.disconnect());
    for (const s of servers) {
      s.kill('SIGKILL');
      await exited(s);
    }
    for (const e of endpoints) rmSync(e.dir, { recursive: true, force: true });
  }
}

// --- Teardown --------------------------------------------------------------------------------------
async function teardown() {
  await sp.stop();
  for (const d of tmpDirs) rmSync(d, { recursive: true, force: true });
}

// --- Runs, interleaved so both see the same machine ------------------------------------------------
const slotplane: number[] = [];
const reference: number[] = [];
const referenceTuned: number[] = [];
try {
  for (let i = 0; i < RUNS; i++) {
    slotplane.push(await slotplaneCreate(i));
    reference.push(await referenceCreate(false));
    referenceTuned.push(await referenceCreate(true));
  }
} finally {
  await teardown();
}
const fmt = (xs: number[]) => xs.map((x) => x.toFixed(0)).join(', ');
printTable(`Cluster create (3 shards x 1 replica, 3 hosts), median of ${RUNS} runs`, [
  { name: 'Slotplane: POST /v1/clusters -> status available', ms: median(slotplane) },
  { name: 'redis-cli --cluster create, Redis defaults -> synced, cluster_state:ok', ms: median(reference) },
  { name: 'redis-cli --cluster create, Slotplane\'s redis.conf -> synced, ok', ms: median(referenceTuned) },
]);
console.log(`  runs, Slotplane (ms):                ${fmt(slotplane)}`);
console.log(`  runs, redis-cli, Redis defaults (ms): ${fmt(reference)}`);
console.log(`  runs, redis-cli, same redis.conf (ms): ${fmt(referenceTuned)}`);
const ratio = (ref: number[]) => {
  const r = median(ref) / median(slotplane);
  return r >= 1 ? `${r.toFixed(2)}x faster` : `${(1 / r).toFixed(2)}x slower`;
};
console.log(`  Slotplane vs the redis-cli path with Redis defaults: ${ratio(reference)}`);
console.log(`  Slotplane vs redis-cli on the same tuned redis.conf: ${ratio(referenceTuned)}`);
process.exit(0);
