// Resharding with data: BENCH_KEYS (default 1,000,000) keys of 100 B on a 3-shard cluster (three
// primaries on 127.0.0.11/.12/.13, no replicas), then a fourth shard, in the same run:
//  A) Slotplane: PATCH {"shards": 4} -> the operation succeeded (placing and starting the new node,
//     joining it, moving 4096 slots: observed on the nodes);
//  B) Reference: start a 4th redis-server (the redis.conf the agent writes) -> `redis-cli --cluster
//     add-node` -> `redis-cli --cluster rebalance --cluster-use-empty-masters --cluster-pipeline 100`.
// The reference waits, as an operator must, for every node to know the new one, for them to agree,
// and for the new node's cluster_state:ok (else MIGRATE into it fails with CLUSTERDOWN).
// Prints wall time and keys/s of both, their ratio, and where the CPU went (the bottleneck).
// Run: pnpm bench reshard
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Cluster as RedisCluster, Redis } from 'ioredis';
import { and, asc, eq, events, gt, slotMoves, sql } from '@slotplane/db';
import { waitFor } from '@slotplane/embedded';
import { exited, startSlotplane } from './harness.ts';

const KEYS = Number(process.env.BENCH_KEYS ?? 1_000_000);
const VALUE = 'v'.repeat(100);
const ADDRESSES = ['127.0.0.11', '127.0.0.12', '127.0.0.13'];
const REF_PORT = 26100;
const PASSWORD = 'bench-reference-password';
const CLK_TCK = 100;

/** utime + stime of a process, in seconds. */
function cpuSeconds(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLK_TCK;
  } catch {
    return 0;
  }
}

/** Writes KEYS keys through a cluster client, pipelined. */
async function load(endpoint: { host: string; port: number }, auth: { username?: string; password: string }) {
  const client = new RedisCluster([endpoint], { redisOptions: auth, enableAutoPipelining: true });
  for (let i = 0; i < KEYS; i += 10_000) {
    await Promise.all(Array.from({ length: Math.min(10_000, KEYS - i) }, (_, j) => client.set(`key:${i + j}`, VALUE)));
  }
  client.disconnect();
}

/**
 * BENCH_PROFILE=<file.cpuprofile>: a V8 CPU profile of this process (API + worker) while it
 * reshards, to open in Chrome's DevTools or summarise with test/bench/profile-summary.ts.
 */
async function startProfile() {
  const file = process.env.BENCH_PROFILE;
  if (!file) return undefined;
  const { Session } = await import('node:inspector/promises');
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 500 });
  await session.post('Profiler.start');
  return {
    async stop() {
      const { profile } = await session.post('Profiler.stop');
      writeFileSync(file, JSON.stringify(profile));
      session.disconnect();
    },
  };
}

function pidsOnPorts(ports: Array<{ host: string; port: number }>): number[] {
  const out = spawnSync('ss', ['-Hltnp'], { encoding: 'utf8' }).stdout;
  return ports.flatMap(({ host, port }) => {
    const line = out.split('\n').find((l) => l.includes(`${host}:${port} `));
    const m = line?.match(/pid=(\d+)/);
    return m ? [Number(m[1])] : [];
  });
}

// --- A) Slotplane ----------------------------------------------------------------------------------
const sp = await startSlotplane({
  addresses: ADDRESSES, portMin: 25000, portMax: 25099,
  postgresSettings: { shared_preload_libraries: 'pg_stat_statements' },
});
await sp.database.db.execute(sql`create extension if not exists pg_stat_statements`);
/** Every process of the throwaway Postgres: the postmaster and its backends. */
const postgresPids = () => [sp.postgresPid, ...spawnSync('pgrep', ['-P', String(sp.postgresPid)], { encoding: 'utf8' }).stdout.split('\n').filter(Boolean).map(Number)];
let topStatements: string[] = [];
let movesCpu = '';
let timeline: string[] = [];
let ours: { ms: number; movesMs: number; keys: number; benchCpu: number; benchSystemCpu: number; agentsCpu: number; postgresCpu: number; redisCpu: number; targetCpu: number };
try {
  const { cluster, operation } = await sp.api('POST', '/v1/clusters', { name: 'reshard-bench', shards: 3, replicasPerShard: 0, maxMemoryMb: 2048 });
  await sp.settled(operation.id);
  const creds = await sp.api('GET', `/v1/clusters/${cluster.id}/credentials`);
  console.log(`loading ${KEYS} keys into Slotplane's cluster...`);
  await load(creds.endpoints[0], { username: creds.username, password: creds.password });
  const redisPids = pidsOnPorts(creds.endpoints);
  const cpu0 = process.cpuUsage();
  const redis0 = redisPids.map(cpuSeconds);
  const agents0 = sp.agentPids.map(cpuSeconds);
  const pg0 = postgresPids().map((pid) => [pid, cpuSeconds(pid)] as const);
  await sp.database.db.execute(sql`select pg_stat_statements_reset()`);
  const t0 = performance.now();
  const wall0 = Date.now();
  const profiler = await startProfile();
  // CPU of each group of processes every 100 ms, to tell what ran during the moves alone.
  const pgPids = postgresPids();
  const samples: Array<{ at: number; cpu: Record<'slotplane' | 'postgres' | 'sources' | 'agents', number> }> = [];
  const sum = (pids: number[]) => pids.reduce((a, pid) => a + cpuSeconds(pid), 0);
  const sample = () => {
    const { user, system } = process.cpuUsage();
    samples.push({ at: Date.now(), cpu: { slotplane: (user + system) / 1e6, postgres: sum(pgPids), sources: sum(redisPids), agents: sum(sp.agentPids) } });
  };
  sample();
  const sampler = setInterval(sample, 100);
  const patch = await sp.api('PATCH', `/v1/clusters/${cluster.id}`, { shards: 4 });
  // Polled every 100 ms: the API runs in this process, beside the worker being measured.
  const op = await sp.settled(patch.operation.id, 600_000, 100);
  const ms = performance.now() - t0;
  clearInterval(sampler);
  sample();
  const cpu = process.cpuUsage(cpu0);
  await profiler?.stop();
  // Backends that exited during the run are missed: the pool keeps its connections.
  const postgresCpu = postgresPids().reduce((a, pid) => a + cpuSeconds(pid) - (pg0.find(([p]) => p === pid)?.[1] ?? 0), 0);
  const { rows: statements } = (await sp.database.db.execute(sql`
    select calls, round(total_exec_time)::int as ms, regexp_replace(left(query, 110), '[[:space:]]+', ' ', 'g') as query
    from pg_stat_statements order by total_exec_time desc limit 12`)) as unknown as { rows: Array<{ calls: number; ms: number; query: string }> };
  const { rows: [all] } = (await sp.database.db.execute(sql`select sum(calls)::int as calls, round(sum(total_exec_time))::int as ms from pg_stat_statements`)) as unknown as { rows: Array<{ calls: number; ms: number }> };
  topStatements = [
    `${String(all!.ms).padStart(6)} ms ${String(all!.calls).padStart(6)} calls  (all statements)`,
    ...statements.map((r) => `${String(r.ms).padStart(6)} ms ${String(r.calls).padStart(6)} calls  ${r.query}`),
  ];
  // The new primary took every moved key: its CPU (all of it spent since it started) apart.
  const after = await sp.api('GET', `/v1/clusters/${cluster.id}/credentials`);
  const targetPids = pidsOnPorts(after.endpoints).filter((p) => !redisPids.includes(p));
  // The moves alone: from the step recorded just before the first slot-moving step (the new
  // primary is in sync then; the journal is written earlier, while it sits out its first seconds)
  // to the last journal row done.
  const steps = await sp.database.db
    .select({ phase: sql<string>`${events.data}->>'phase'`, at: events.createdAt })
    .from(events)
    .where(and(eq(events.clusterId, cluster.id), eq(events.type, 'cluster.step_done'), gt(events.createdAt, new Date(wall0))))
    .orderBy(asc(events.id));
  const firstMove = steps.findIndex((e) => e.phase.startsWith('moving slots'));
  const [done] = await sp.database.db.select({ at: sql<string>`max(${slotMoves.updatedAt})` }).from(slotMoves).where(eq(slotMoves.clusterId, cluster.id));
  const span = { ms: new Date(done!.at).getTime() - steps[firstMove - 1]!.at.getTime() };
  const between = (from: number, to: number) => {
    const at = (t: number) => samples.reduce((best, x) => (Math.abs(x.at - t) < Math.abs(best.at - t) ? x : best));
    const [a, b] = [at(from), at(to)];
    return Object.fromEntries(Object.entries(b.cpu).map(([k, v]) => [k, v - a.cpu[k as keyof typeof a.cpu]])) as (typeof a)['cpu'];
  };
  const moving = between(steps[firstMove - 1]!.at.getTime(), new Date(done!.at).getTime());
  movesCpu = `CPU during the moves alone (${span.ms} ms, 2 cores: ${((2 * span.ms) / 1000).toFixed(1)} s to share): Slotplane's process ${moving.slotplane.toFixed(1)} s, Postgres ${moving.postgres.toFixed(1)} s, the three source primaries ${moving.sources.toFixed(1)} s, the agents ${moving.agents.toFixed(1)} s; the new primary about its whole`;
  // Where the wall time went: each step's end, from the PATCH.
  timeline = [...steps.map((e) => `${String(e.at.getTime() - wall0).padStart(6)} ms  ${e.phase}`), `${String(new Date(done!.at).getTime() - wall0).padStart(6)} ms  last journal row done`];
  ours = {
    ms,
    movesMs: span.ms,
    keys: op.moves.keysMoved,
    benchCpu: (cpu.user + cpu.system) / 1e6,
    benchSystemCpu: cpu.system / 1e6,
    agentsCpu: sp.agentPids.reduce((a, pid, i) => a + cpuSeconds(pid) - agents0[i]!, 0),
    postgresCpu,
    redisCpu: redisPids.map(cpuSeconds).reduce((a, b, i) => a + b - redis0[i]!, 0),
    targetCpu: targetPids.map(cpuSeconds).reduce((a, b) => a + b, 0),
  };
} finally {
  await sp.stop();
}

// --- B) Reference: redis-cli -----------------------------------------------------------------------
const dirs: string[] = [];
const servers: ChildProcess[] = [];
function startNode(host: string, port: number): ChildProcess {
  const dir = mkdtempSync(join(tmpdir(), 'slotplane-bench-ref-'));
  dirs.push(dir);
  writeFileSync(join(dir, 'redis.conf'), [
    `port ${port}`, `bind ${host}`, `cluster-announce-ip ${host}`, `bind-source-addr ${host}`, 'protected-mode no', `dir "${dir}"`,
    `logfile "${dir}/redis.log"`, 'cluster-enabled yes', 'cluster-config-file nodes.conf', 'cluster-node-timeout 5000',
    `requirepass "${PASSWORD}"`, `masterauth "${PASSWORD}"`, 'maxmemory 2048mb', 'appendonly no', 'save ""',
    'repl-diskless-sync yes', 'repl-diskless-sync-delay 0',
  ].join('\n'));
  const child = spawn('redis-server', [join(dir, 'redis.conf')], { stdio: 'ignore' });
  servers.push(child);
  return child;
}
const ping = async (host: string, port: number) => {
  const r = new Redis({ host, port, password: PASSWORD, lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  r.on('error', () => {});
  try {
    return (await r.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    r.disconnect();
  }
};
const cli = (...args: string[]) => {
  const out = spawnSync('redis-cli', ['-a', PASSWORD, '--no-auth-warning', ...args], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (out.status !== 0) throw new Error(`redis-cli ${args.join(' ')} failed: ${out.stdout}${out.stderr}`);
  return out.stdout;
};
let theirs: { ms: number; rebalanceMs: number; keys: number; redisCpu: number };
try {
  const nodes = ADDRESSES.map((host) => ({ host, port: REF_PORT }));
  nodes.forEach((n) => startNode(n.host, n.port));
  await waitFor('three reference nodes', async () => (await Promise.all(nodes.map((n) => ping(n.host, n.port)))).every(Boolean), { timeoutMs: 30_000 });
  cli('--cluster', 'create', ...nodes.map((n) => `${n.host}:${n.port}`), '--cluster-yes');
  await waitFor('cluster_state:ok', async () => {
    const r = new Redis({ ...nodes[0]!, password: PASSWORD });
    try {
      return String(await r.call('CLUSTER', 'INFO')).includes('cluster_state:ok');
    } finally {
      r.disconnect();
    }
  }, { timeoutMs: 30_000, intervalMs: 100 });
  console.log(`loading ${KEYS} keys into the reference cluster...`);
  await load(nodes[0]!, { password: PASSWORD });
  const fresh = { host: ADDRESSES[0]!, port: REF_PORT + 1 };
  const redisPids = pidsOnPorts(nodes);
  const redis0 = redisPids.map(cpuSeconds);
  const t0 = performance.now();
  const child = startNode(fresh.host, fresh.port);
  await waitFor('the new reference node', () => ping(fresh.host, fresh.port), { timeoutMs: 30_000, intervalMs: 10 });
  cli('--cluster', 'add-node', `${fresh.host}:${fresh.port}`, `${nodes[0]!.host}:${nodes[0]!.port}`);
  // add-node returns before every node knows the new one; rebalance refuses until they agree.
  await waitFor('every node to know all four masters', async () => {
    const views = await Promise.all([...nodes, fresh].map(async (n) => {
      const r = new Redis({ ...n, password: PASSWORD });
      try {
        return String(await r.call('CLUSTER', 'NODES')).split('\n').filter((l) => l.includes('master') && !l.includes('handshake') && !l.includes('noaddr')).length;
      } finally {
        r.disconnect();
      }
    }));
    if (!views.every((v) => v === 4)) return false;
    // The new node must be cluster_state:ok, or MIGRATE into it fails with CLUSTERDOWN.
    const r = new Redis({ ...fresh, password: PASSWORD });
    const ok = String(await r.call('CLUSTER', 'INFO').finally(() => r.disconnect())).includes('cluster_state:ok');
    if (!ok) return false;
    // ... and agree on the configuration, or rebalance refuses to start.
    const check = spawnSync('redis-cli', ['-a', PASSWORD, '--no-auth-warning', '--cluster', 'check', `${nodes[0]!.host}:${nodes[0]!.port}`], { encoding: 'utf8' }).stdout;
    return check.includes('[OK] All nodes agree about slots configuration.') && !check.includes('[ERR]');
  }, { timeoutMs: 30_000, intervalMs: 10 });
  const t1 = performance.now();
  cli('--cluster', 'rebalance', `${nodes[0]!.host}:${nodes[0]!.port}`, '--cluster-use-empty-masters', '--cluster-pipeline', '100');
  const ms = performance.now() - t0;
  const rebalanceMs = performance.now() - t1;
  const r = new Redis({ ...fresh, password: PASSWORD });
  const keys = await r.dbsize();
  r.disconnect();
  theirs = {
    ms,
    rebalanceMs,
    keys,
    redisCpu: [...redisPids, child.pid!].map(cpuSeconds).reduce((a, b, i) => a + b - (redis0[i] ?? 0), 0),
  };
} finally {
  for (const s of servers) {
    s.kill('SIGKILL');
    await exited(s);
  }
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
}

const rate = (r: { ms: number; keys: number }) => r.keys / (r.ms / 1000);
console.log(`\nReshard 3 -> 4 shards, ${KEYS} keys x 100 B (three hosts, no replicas)`);
console.log(`  Slotplane: PATCH shards:4 -> operation succeeded    ${ours.ms.toFixed(0).padStart(7)} ms  ${ours.keys} keys moved  ${rate(ours).toFixed(0)} keys/s`);
console.log(`  redis-cli add-node + rebalance (pipeline 100)      ${theirs.ms.toFixed(0).padStart(7)} ms  ${theirs.keys} keys moved  ${rate(theirs).toFixed(0)} keys/s`);
console.log(`  Slotplane vs redis-cli: ${(rate(ours) / rate(theirs)).toFixed(2)}x the keys/s`);
console.log(`  moves alone: Slotplane ${ours.movesMs.toFixed(0)} ms (new primary in sync -> last journal row done, ${rate({ ms: ours.movesMs, keys: ours.keys }).toFixed(0)} keys/s), redis-cli rebalance ${theirs.rebalanceMs.toFixed(0)} ms (${rate({ ms: theirs.rebalanceMs, keys: theirs.keys }).toFixed(0)} keys/s): ${(theirs.rebalanceMs / ours.movesMs).toFixed(2)}x`);
console.log(`  Slotplane's steps (end of each, from the PATCH):\n${timeline.map((l) => `    ${l}`).join('\n')}`);
console.log(`  Postgres statements while resharding (by time):\n${topStatements.map((l) => `    ${l}`).join('\n')}`);
console.log(`  ${movesCpu} ${ours.targetCpu.toFixed(1)} s`);
console.log(`  CPU while resharding: Slotplane's process (API + worker) ${ours.benchCpu.toFixed(1)} s (${ours.benchSystemCpu.toFixed(1)} s of it in the kernel), its three agents ${ours.agentsCpu.toFixed(1)} s, Postgres ${ours.postgresCpu.toFixed(1)} s, its three source primaries ${ours.redisCpu.toFixed(1)} s, the new primary ${ours.targetCpu.toFixed(1)} s; reference redis-servers, all four, ${theirs.redisCpu.toFixed(1)} s`);
process.exit(0);
