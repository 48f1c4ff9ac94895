// The control plane's cost while NOTHING changes: N hosts whose agents heartbeat, every node
// running, every cluster converged. Measures, over a window after a warm-up: Postgres
// statements/s (pg_stat_statements), rows written/s and commits/s (pg_stat_database), and the
// CPU of the API process and of the Postgres server (/proc). One run per --nodes-per-host value,
// each on a fresh database and a fresh API, so "grows with hosts, not nodes" shows side by side.
// No worker runs: with nothing to reconcile it has nothing to do.
//
// Run: pnpm bench idle [--seconds 30] [--warmup 5] [--hosts 50] [--nodes-per-host 6,12] [--protocol heartbeat|full-report]
// (full-report runs only against the API of commit 6e4c930, where the 'before' figures in RESULTS.md come from.)
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createEnrollmentToken, createTenant } from '@slotplane/api';
import { count, eq, gt, hosts, nodes, openDatabase, sql, type Db } from '@slotplane/db';
import { startRedisServer, startThrowawayPostgres, type ThrowawayPostgres } from '@slotplane/embedded';
import { fullReportProtocol } from './idle/agent-full-report.ts';
import { heartbeatProtocol } from './idle/agent-heartbeat.ts';
import { startApiProcess } from './idle/api-process.ts';
import { PORT_MAX, PORT_MIN, seedFleet } from './idle/fleet.ts';
import { CLOCK_TICKS, pgCounters, postgresCpuTicks, processCpuTicks, resetStatements, topStatements, type StatementStats } from './idle/measure.ts';
import { RequestLog, type AgentProtocol, type SimulatedAgent } from './idle/protocol.ts';

// full-report is the protocol before the reconciler (commit 6e4c930); the API no longer speaks it.
const protocols: Record<string, AgentProtocol> = { [heartbeatProtocol.name]: heartbeatProtocol, [fullReportProtocol.name]: fullReportProtocol };

const { values: flags } = parseArgs({
  args: process.argv.slice(2),
  allowPositionals: true, // `pnpm bench idle` passes the bench's own name
  options: {
    seconds: { type: 'string', default: '30' },
    warmup: { type: 'string', default: '5' },
    hosts: { type: 'string', default: '50' },
    'nodes-per-host': { type: 'string', default: '6,12' },
    protocol: { type: 'string', default: heartbeatProtocol.name },
  },
});
const windowSeconds = Number(flags.seconds);
const warmupSeconds = Number(flags.warmup);
const hostCount = Number(flags.hosts);
const nodesPerHostRuns = flags['nodes-per-host'].split(',').map(Number);
const protocol = protocols[flags.protocol];
if (!protocol) throw new Error(`unknown --protocol ${flags.protocol}; known: ${Object.keys(protocols).join(', ')}`);

const root = fileURLToPath(new URL('../..', import.meta.url));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Undo actions, run last-in first-out; every one runs even when another fails. Scopes still
 * open when the bench is interrupted are closed innermost first (see the signal handlers).
 */
class Scope {
  static readonly open: Scope[] = [];
  private readonly undo: Array<() => Promise<unknown>> = [];
  constructor() {
    Scope.open.push(this);
  }
  defer(fn: () => Promise<unknown>) {
    this.undo.push(fn);
  }
  async close() {
    for (let fn = this.undo.pop(); fn; fn = this.undo.pop()) {
      await fn().catch((err: unknown) => console.error('cleanup failed:', err));
    }
    const i = Scope.open.indexOf(this);
    if (i >= 0) Scope.open.splice(i, 1);
  }
  static async closeAll() {
    for (let scope = Scope.open.at(-1); scope; scope = Scope.open.at(-1)) await scope.close();
  }
}

interface RunResult {
  label: string;
  nodes: number;
  seconds: number;
  statementsPerSec: number;
  statementsPerHostPerHeartbeat: number;
  commitsPerSec: number;
  rowsWrittenPerSec: number;
  apiCpuPct: number;
  postgresCpuPct: number;
  benchCpuPct: number;
  requestsPerSec: Map<string, number>;
  top: StatementStats[];
  runningNodes: number;
  freshHosts: number;
}

async function runConfiguration(pgServer: ThrowawayPostgres, admin: Db, redisUrl: string, nodesPerHost: number): Promise<RunResult> {
  const scope = new Scope();
  try {
    const label = `${hostCount} hosts / ${hostCount * nodesPerHost} nodes`;
    const dbName = `idle_${hostCount}h_${nodesPerHost}n`;
    await admin.execute(sql.raw(`create database "${dbName}"`));
    const url = pgServer.url.replace(/\/postgres$/, `/${dbName}`);
    const database = await openDatabase({ url, poolSize: 2 });
    scope.defer(() => database.close());
    await database.migrate();
    const { tenantId } = await createTenant(database.db, 'bench');

    const api = await startApiProcess(root, { DATABASE_URL: url, REDIS_URL: redisUrl, QUEUE_PREFIX: `bench-idle-${nodesPerHost}` });
    scope.defer(() => api.stop());

    const enrolled = await Promise.all(
      // A token enrolls one host, once.
      Array.from({ length: hostCount }, async (_, i) =>
        protocol!.enroll(api.url, await createEnrollmentToken(database.db), {
          name: `idle-host-${String(i).padStart(3, '0')}`,
          address: `10.0.${Math.floor(i / 250)}.${(i % 250) + 1}`,
          portMin: PORT_MIN,
          portMax: PORT_MAX,
        }),
      ),
    );
    const running = await seedFleet(database.db, tenantId, enrolled.map((h) => h.hostId), nodesPerHost);

    const log = new RequestLog();
    const agents: SimulatedAgent[] = [];
    // Give the API a moment to see the agents' long-polls close before it is stopped.
    scope.defer(async () => (await Promise.all(agents.map((a) => a.stop())), await sleep(500)));
    await Promise.all(
      enrolled.map(async (h) => agents.push(await protocol!.start({ apiUrl: api.url, hostToken: h.hostToken, instances: running.get(h.hostId)!, log }))),
    );
    console.log(`${label}: ${agents.length} agents up; warming up ${warmupSeconds} s, then measuring ${windowSeconds} s`);
    await sleep(warmupSeconds * 1000);

    await resetStatements(admin);
    const pg0 = await pgCounters(admin, dbName);
    const api0 = processCpuTicks(api.pid);
    const postgres0 = postgresCpuTicks(pgServer.postmasterPid);
    const bench0 = process.cpuUsage();
    const requests0 = log.snapshot();
    const t0 = performance.now();

    await sleep(windowSeconds * 1000);

    const seconds = (performance.now() - t0) / 1000;
    const requests1 = log.snapshot();
    const bench1 = process.cpuUsage(bench0);
    const postgres1 = postgresCpuTicks(pgServer.postmasterPid);
    const api1 = processCpuTicks(api.pid);
    const pg1 = await pgCounters(admin, dbName);
    const top = await topStatements(admin, dbName, 5);

    // Sanity: the fleet stayed as seeded and every host heartbeated in the last 3 s.
    const [runningNodes] = await database.db.select({ n: count() }).from(nodes).where(eq(nodes.status, 'running'));
    const [freshHosts] = await database.db
      .select({ n: count() })
      .from(hosts)
      .where(gt(hosts.lastHeartbeatAt, new Date(Date.now() - 3000)));

    const perSec = (delta: number) => delta / seconds;
    const pct = (ticks: number) => (ticks / CLOCK_TICKS / seconds) * 100;
    const statementsPerSec = perSec(pg1.statements);
    const requestsPerSec = new Map([...requests1].map(([k, v]) => [k, perSec(v - (requests0.get(k) ?? 0))]));
    return {
      label,
      nodes: hostCount * nodesPerHost,
      seconds,
      statementsPerSec,
      statementsPerHostPerHeartbeat: (statementsPerSec / hostCount) * (protocol!.heartbeatMs / 1000),
      commitsPerSec: perSec(pg1.commits - pg0.commits),
      rowsWrittenPerSec: perSec(pg1.rowsWritten - pg0.rowsWritten),
      apiCpuPct: pct(api1 - api0),
      postgresCpuPct: pct(postgres1 - postgres0),
      benchCpuPct: ((bench1.user + bench1.system) / 1e6 / seconds) * 100,
      requestsPerSec,
      top,
      runningNodes: runningNodes?.n ?? 0,
      freshHosts: freshHosts?.n ?? 0,
    };
  } finally {
    await scope.close();
  }
}

function printResults(results: RunResult[]) {
  const fmt = (x: number, digits = 0) => x.toFixed(digits);
  const ratio = results.length > 1;
  const head = ['', ...results.map((r) => r.label), ...(ratio ? ['last / first'] : [])];
  const row = (name: string, pick: (r: RunResult) => number, digits = 0) => {
    const xs = results.map(pick);
    return [name, ...xs.map((x) => fmt(x, digits)), ...(ratio ? [`${fmt(xs.at(-1)! / xs[0]!, 2)}x`] : [])];
  };
  const requestKinds = [...new Set(results.flatMap((r) => [...r.requestsPerSec.keys()]))].sort();
  const table = [
    head,
    row('Postgres statements/s (pg_stat_statements calls)', (r) => r.statementsPerSec),
    row(`  per host per heartbeat (${protocol!.heartbeatMs} ms)`, (r) => r.statementsPerHostPerHeartbeat, 1),
    row('Postgres transactions/s (xact_commit)', (r) => r.commitsPerSec),
    row('Rows written/s (tup_inserted+updated+deleted)', (r) => r.rowsWrittenPerSec),
    row('API CPU (% of one core)', (r) => r.apiCpuPct, 1),
    row('Postgres server CPU (% of one core)', (r) => r.postgresCpuPct, 1),
    row('bench process CPU: simulated agents (% of one core)', (r) => r.benchCpuPct, 1),
    ...requestKinds.map((k) => row(`agent requests/s: ${k}`, (r) => r.requestsPerSec.get(k) ?? 0, 1)),
  ];
  const widths = head.map((_, c) => Math.max(...table.map((line) => line[c]!.length)));
  console.log(`\nIdle control plane, protocol '${protocol!.name}': ${protocol!.summary}`);
  console.log(`Window ${windowSeconds} s after ${warmupSeconds} s warm-up; API as a child process; no worker (nothing changes, so nothing to reconcile).\n`);
  for (const line of table) console.log(line.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  '));
  for (const r of results) {
    console.log(`\nTop statements by calls, ${r.label} (measured ${fmt(r.seconds, 1)} s; at the end ${r.runningNodes}/${r.nodes} nodes running, ${r.freshHosts}/${hostCount} hosts heartbeating):`);
    for (const s of r.top) {
      console.log(`  ${fmt(s.calls / r.seconds).padStart(6)}/s  ${fmt(s.rows / r.seconds).padStart(6)} rows/s  ${fmt(s.meanMs, 3).padStart(7)} ms mean  ${s.query.slice(0, 160)}`);
    }
  }
}

const main = new Scope();
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.once(signal, () => void Scope.closeAll().then(() => process.exit(130)));
}
process.once('uncaughtException', (err) => {
  console.error(err);
  void Scope.closeAll().then(() => process.exit(1));
});
let failed = false;
try {
  const pgServer = await startThrowawayPostgres({ settings: { shared_preload_libraries: 'pg_stat_statements', 'pg_stat_statements.track_utility': 'on' } });
  main.defer(() => pgServer.stop());
  const admin = await openDatabase({ url: pgServer.url, poolSize: 1 });
  main.defer(() => admin.close());
  await admin.db.execute(sql`create extension if not exists pg_stat_statements`);
  const redis = await startRedisServer();
  main.defer(() => redis.stop());

  const results: RunResult[] = [];
  for (const nodesPerHost of nodesPerHostRuns) results.push(await runConfiguration(pgServer, admin.db, redis.url, nodesPerHost));
  printResults(results);
} catch (err) {
  failed = true;
  console.error(err);
} finally {
  await main.close();
}
process.exit(failed ? 1 : 0);
