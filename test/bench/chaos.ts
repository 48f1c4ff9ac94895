// Chaos: seeded random schedules of real faults against a real cluster under a tenant's writes.
//
// A whole Slotplane on this machine (test/bench/harness.ts): throwaway Postgres, the queue's
// redis-server (with an AOF), the API and the worker as child processes of their own, and four
// agents on 127.0.0.191-.194 ("hosts"), each with its data dir on a 512 MiB tmpfs in a mount
// namespace of its own (root only; without it the disk-full kind is left out and the run says so).
// Nodes use ports 25000-25599 (25672 is taken on this machine), the API 25999, the queue 25998.
// One cluster: 3 shards x 1 replica, maxMemoryMb 64, persistence aof, durability strict (the
// default with replicas), preloaded with 50,000 keys of ~100 bytes (so slot moves last long enough
// to be cut), under 16 loops of counted INCR over 1,000 keys (an ioredis Cluster client). A reply
// later than 1 s is not counted as an acknowledgement (BENCH_COMMAND_TIMEOUT_MS, 0 = wait for ever),
// as a client with a timeout would not; a frozen primary that thaws still acknowledges what it was
// sent in its last second before it learns it was demoted (the Redis 7.0 gap the README states).
//
// Fault kinds (test/bench/chaos/faults.ts), one per round, chosen by the seed (the first fourteen
// rounds are the fourteen kinds in a seeded order, then any kind at random):
//   kill-primary, kill-replica       kill -9 a node's redis-server (pid from the nodes table, checked)
//   double-fault                     kill -9 a primary, then its promoted replica while the new replica
//                                    is in its first full sync (window widened as compound-faults.test.ts does)
//   kill-move-source/-target         scale 3 -> 4 shards (next time 4 -> 3), kill -9 a move's source or
//                                    target while a slot_moves row is 'draining'
//   freeze-move-source/-target       the same, SIGSTOP instead of kill -9, for 8 s
//   kill-worker                      kill -9 the worker process, start it again after 1 s
//   kill-agent                       kill -9 an agent, start it again after 1 s (same args and data dir)
//   kill-control-plane               kill -9 API, worker and queue Redis; start them again after 1 s
//   freeze-primary, freeze-host      SIGSTOP a primary / a whole host (agent and redis-servers) for 8 s
//   disk-full                        fill the tmpfs of a host holding a primary for 5 s, then free it
//   memory-full                      fill a shard's primary to maxmemory (writes get OOM), then delete
//
// After each fault and its repair, the round records: acknowledged writes lost (every counted key
// read back through the cluster client holds at least its acknowledged count, and the 50,000 keys
// are intact; a loss is counted in the round that finds it, and lost preloaded keys are looked for
// on every node: stranded on one, or gone; a counted key short of writes a frozen primary answered
// on thaw, sent to it before, is counted apart as the "freeze gap": the loss durability: strict
// allows and the README states, never more per key than it had such writes); time to converge (from the fault) (the API says available in the desired shape, every node running,
// reachable, healthy and linked, no operation pending or running, and the fault dealt with: a
// killed node replaced or running again, a restarted worker working, the cluster observed after a
// thaw) within BENCH_CONVERGE_MS (60 s) of the repair; every slot served (each node answers, says
// cluster_state:ok, knows exactly the listed nodes, none failing, 16384 slots covered by as many
// primaries as the spec has shards, no open slot); and false statuses: every second the API's word
// is checked against the nodes (when it says available: all of the above, and the processes that
// run are the nodes it lists; when an operation has just succeeded: its change is on the nodes),
// more than 6 s (node timeout + 1 s) after any action of the bench. A round that does not converge
// is "stuck": the bench prints what it sees, deletes and recreates the cluster (fresh counters) and
// goes on. At the end: a table per kind, the seed, the command that replays the schedule. Exits 1
// if any write was lost, any round was stuck or any status false.
//
// Run:    npx -y pnpm@10 bench chaos            (pnpm bench chaos)
// Env:    BENCH_SEED (default random, printed), BENCH_FAULTS (default 20), BENCH_CONVERGE_MS (60000),
//         BENCH_KINDS (comma-separated subset of the kinds above), BENCH_COMMAND_TIMEOUT_MS (1000),
//         BENCH_VERBOSE=1 (print each action of the bench as it is taken).
// Replay: the same BENCH_SEED and BENCH_FAULTS (and BENCH_KINDS) give the same schedule of kinds and
//         the same random draws; which node a draw hits depends on the topology of the moment.
import { randomInt } from 'node:crypto';
import { startSlotplane } from './harness.ts';
import { privateMountsWork } from './harness-processes.ts';
import { converge, dumpStuck, locate, servedCheck, StatusWatch } from './chaos/checks.ts';
import { FAULTS, KINDS, until, type Ctx, type Injected, type Kind } from './chaos/faults.ts';
import { NodeProber, type ClusterView } from './chaos/observe.ts';
import { preload, startCountedIncrs, type CountedIncrs } from './chaos/writes.ts';

const SEED = Number(process.env.BENCH_SEED ?? randomInt(2 ** 31));
const FAULT_COUNT = Number(process.env.BENCH_FAULTS ?? 20);
const CONVERGE_MS = Number(process.env.BENCH_CONVERGE_MS ?? 60_000);
const COMMAND_TIMEOUT_MS = Number(process.env.BENCH_COMMAND_TIMEOUT_MS ?? 1000);
const ADDRESSES = ['127.0.0.191', '127.0.0.192', '127.0.0.193', '127.0.0.194'];
const PRELOAD_KEYS = 50_000;
const SPEC = { shards: 3, replicasPerShard: 1, maxMemoryMb: 64, persistence: 'aof' };

/** mulberry32: a small seeded generator, so a schedule replays from its seed. */
function generator(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const left: Array<{ kind: Kind; why: string }> = [];
const mounts = privateMountsWork();
if (!mounts) left.push({ kind: 'disk-full', why: 'needs root and unshare --mount to give each host a tmpfs of its own' });
const asked = process.env.BENCH_KINDS ? (process.env.BENCH_KINDS.split(',').map((s) => s.trim()) as Kind[]) : [...KINDS];
const unknown = asked.filter((k) => !KINDS.includes(k));
if (unknown.length) throw new Error(`unknown kind(s) ${unknown.join(', ')}; kinds: ${KINDS.join(', ')}`);
const kinds = asked.filter((k) => !left.some((l) => l.kind === k));

// The schedule draws from its own stream, so it does not depend on the victims' draws.
const scheduleRng = generator(SEED);
const schedule: Kind[] = [];
const firstRound = [...kinds];
for (let i = firstRound.length - 1; i > 0; i--) {
  const j = Math.floor(scheduleRng() * (i + 1));
  [firstRound[i], firstRound[j]] = [firstRound[j]!, firstRound[i]!];
}
for (let k = 0; k < FAULT_COUNT; k++) schedule.push(k < firstRound.length ? firstRound[k]! : kinds[Math.floor(scheduleRng() * kinds.length)]!);

const replay = `BENCH_SEED=${SEED} BENCH_FAULTS=${FAULT_COUNT}${process.env.BENCH_KINDS ? ` BENCH_KINDS=${process.env.BENCH_KINDS}` : ''}${process.env.BENCH_CONVERGE_MS ? ` BENCH_CONVERGE_MS=${CONVERGE_MS}` : ''} npx -y pnpm@10 bench chaos`;
console.log(`chaos: seed ${SEED}, ${FAULT_COUNT} faults, converge bound ${CONVERGE_MS} ms, kinds: ${kinds.join(', ')}`);
for (const l of left) console.log(`  left out: ${l.kind}: ${l.why}`);
console.log(`  replay: ${replay}`);

/** `lost`: acknowledged INCRs missing plus preloaded keys missing or wrong (each an acknowledged write). */
type Round = { n: number; kind: Kind; detail: string; missed?: string; convergeMs?: number; stuck?: string; lost: number; lostText: string; inGap: number; falses: string[] };
const rounds: Round[] = [];
const t00 = Date.now();
const sp = await startSlotplane({
  addresses: ADDRESSES,
  portMin: 25000,
  portMax: 25599,
  processes: { apiPort: 25999, queuePort: 25998, env: { RATE_LIMIT_PER_MINUTE: '1000000', HOST_MIN_FREE_DISK_MB: '0' } },
  ...(mounts ? { agentDiskMb: 512 } : {}),
});
let watch: StatusWatch | undefined;
let counted: CountedIncrs | undefined;
let exitCode = 0;
// Interrupted: leave no process behind (nor one frozen).
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void sp.stop().finally(() => process.exit(130)));
try {
  let generation = 0;
  const prober = new NodeProber('');
  const ctx: Ctx = {
    sp,
    clusterId: '',
    tenant: { username: '', password: '' },
    prober,
    shards: SPEC.shards,
    rng: generator(SEED ^ 0x5bd1e995),
    mark: (what) => {
      watch?.mark();
      if (process.env.BENCH_VERBOSE) console.log(`    ${new Date().toISOString().slice(11, 23)} ${what}`);
    },
    thawing: () => counted?.thawing(),
    cluster: () => sp.api<ClusterView>('GET', `/v1/clusters/${ctx.clusterId}`),
  };
  const endpoints = async () => (await sp.api('GET', `/v1/clusters/${ctx.clusterId}/credentials`)).endpoints as Array<{ host: string; port: number }>;

  /** A new cluster with its data set and its writer; the bench's context points at it. */
  async function newCluster() {
    generation++;
    const { cluster, operation } = await sp.api('POST', '/v1/clusters', { name: `chaos-${generation}`, ...SPEC });
    ctx.clusterId = cluster.id;
    ctx.shards = SPEC.shards;
    await sp.settled(operation.id, 180_000, 200);
    const creds = await sp.api('GET', `/v1/clusters/${cluster.id}/credentials`);
    ctx.tenant = { username: creds.username, password: creds.password };
    prober.reset(await sp.adminPassword(cluster.id));
    const t = Date.now();
    const data = await preload(creds.endpoints, ctx.tenant, PRELOAD_KEYS);
    counted = startCountedIncrs(creds.endpoints, ctx.tenant, { keys: 1000, loops: 16, commandTimeoutMs: COMMAND_TIMEOUT_MS });
    const c = await ctx.cluster();
    console.log(`  cluster ${c.id.slice(0, 8)} (${c.spec.shards}x${c.spec.replicasPerShard}, durability ${(c.spec as { durability?: string }).durability}): ${PRELOAD_KEYS} keys written in ${Date.now() - t} ms`);
    return data;
  }

  let data = await newCluster();
  watch = new StatusWatch(ctx);
  watch.start();

  for (let k = 0; k < schedule.length; k++) {
    const kind = schedule[k]!;
    const round: Round = { n: k + 1, kind, detail: '', lost: 0, lostText: '', inGap: 0, falses: [] };
    rounds.push(round);
    const start = Date.now();
    let injected: Injected | undefined;
    try {
      injected = await FAULTS[kind](ctx);
      round.detail = injected.detail;
    } catch (err) {
      round.missed = (err as Error).message;
      round.detail = `NOT INJECTED: ${round.missed}`;
    }
    const repaired = Date.now();
    const result = await converge(ctx, injected?.past ?? (async () => true), repaired + CONVERGE_MS);
    let served: string[] = [];
    if ('at' in result) {
      round.convergeMs = result.at - (injected?.at ?? start);
      served = await servedCheck(ctx);
    } else {
      round.stuck = result.why;
    }
    const writes = await counted!.check(round.stuck ? 10_000 : 30_000);
    const kept = await data.check(await endpoints().catch(() => []), round.stuck ? 10_000 : 30_000);
    const lostIncrs = writes.lost.reduce((n, l) => n + l.missing, 0);
    round.lost = lostIncrs + kept.wrong.length;
    round.inGap = writes.inGap;
    round.lostText = [
      ...(lostIncrs ? [`${lostIncrs} acknowledged INCRs on ${writes.lost.length} keys (${writes.lost.slice(0, 3).map((l) => `${l.key}: ${l.found} of ${l.acked}`).join(', ')})`] : []),
      ...(kept.wrong.length ? [`${kept.wrong.length} of ${PRELOAD_KEYS} preloaded keys missing or wrong`] : []),
    ].join(', ');
    // Where the lost preloaded keys are (their values never change; a counted key's do, so no copy of one can be judged).
    if (kept.wrong.length) {
      const where = await locate(ctx, kept.wrong.map((w) => ({ key: w.key, intact: (v: string | null) => v === w.value }))).catch((err: Error) => `could not look for them: ${err.message}`);
      round.lostText += `; preloaded keys: ${where}`;
    }
    const episodes = watch.episodes(start, Date.now());
    round.falses = [...episodes.map((e) => `${e.seconds} s from +${((e.at - (injected?.at ?? start)) / 1000).toFixed(1)} s: ${e.example}`), ...(served.length ? [`after converging: ${served.slice(0, 3).join('; ')}`] : [])];

    const took = ((Date.now() - start) / 1000).toFixed(1);
    console.log(`#${round.n} ${kind}: ${round.detail}`);
    console.log(`    ${round.stuck ? `STUCK (${round.stuck})` : `converged in ${round.convergeMs} ms`}; ${counted!.acknowledged()} INCRs acked, ${round.lostText ? `LOST ${round.lostText}` : 'none lost'}${round.inGap ? ` (${round.inGap} in the stated freeze gap: sent to the frozen primary, answered on thaw)` : ''}${writes.unreadable + kept.unreadable ? `; ${writes.unreadable + kept.unreadable} keys unreadable` : ''}; round ${took} s`);
    for (const f of round.falses) console.log(`    FALSE STATUS: ${f}`);

    if (round.stuck) {
      for (const line of await dumpStuck(ctx)) console.log(`    | ${line}`);
      console.log(`    replacing cluster ${ctx.clusterId.slice(0, 8)}: delete, create again, counters reset`);
      watch.pause(true);
      await counted!.stop();
      const deletion = await sp.api('DELETE', `/v1/clusters/${ctx.clusterId}`).catch((err: Error) => ({ error: err.message }));
      if ('operation' in deletion) {
        await until('the stuck cluster deleted', async () => ['succeeded', 'failed', 'cancelled'].includes((await sp.api('GET', `/v1/operations/${deletion.operation.id}`)).status), { timeoutMs: 60_000, intervalMs: 500 })
          .catch((err: Error) => console.log(`    the delete did not finish: ${err.message}`));
      } else {
        console.log(`    DELETE refused: ${deletion.error}`);
      }
      data = await newCluster();
      watch.pause(false);
      watch.mark();
    }
  }

  // --- the table ---------------------------------------------------------------------------------
  const pct = (xs: number[], p: number) => (xs.length ? [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.ceil((p / 100) * xs.length) - 1)]! : NaN);
  const ms = (x: number) => (Number.isNaN(x) ? '-' : `${(x / 1000).toFixed(1)} s`);
  const row = (name: string, rs: Round[]) => {
    const times = rs.flatMap((r) => (r.convergeMs === undefined ? [] : [r.convergeMs]));
    return `| ${name} | ${rs.length} | ${rs.filter((r) => r.missed).length} | ${rs.reduce((n, r) => n + r.lost, 0)} | ${rs.reduce((n, r) => n + r.inGap, 0)} | ${rs.filter((r) => r.stuck).length} | ${rs.reduce((n, r) => n + r.falses.length, 0)} | ${ms(pct(times, 50))} | ${ms(pct(times, 99))} | ${ms(times.length ? Math.max(...times) : NaN)} |`;
  };
  console.log(`\nChaos: seed ${SEED}, ${rounds.length} faults in ${((Date.now() - t00) / 60_000).toFixed(1)} min; ${counted!.acknowledged()} INCRs acknowledged by the last cluster's client, ${counted!.errors()} refused or timed out`);
  console.log('lost writes: acknowledged INCRs missing + preloaded keys missing or wrong; freeze gap: INCRs missing that a frozen primary answered on thaw, sent to it before (the loss durability: strict allows, README); false statuses: episodes (consecutive seconds) of the API contradicted by the nodes beyond a 6 s lag');
  console.log('| kind | faults | not injected | lost writes | freeze gap | stuck | false statuses | converge p50 | p99 | max |');
  console.log('|---|---|---|---|---|---|---|---|---|---|');
  for (const kind of kinds) if (rounds.some((r) => r.kind === kind)) console.log(row(kind, rounds.filter((r) => r.kind === kind)));
  console.log(row('**total**', rounds));
  for (const l of left) console.log(`left out: ${l.kind}: ${l.why}`);
  console.log(`replay: ${replay}`);
  const bad = rounds.filter((r) => r.lost || r.stuck || r.falses.length);
  if (bad.length) {
    exitCode = 1;
    console.log(`\n${bad.length} round(s) with lost writes, stuck or false statuses:`);
    for (const r of bad) {
      console.log(`  #${r.n} ${r.kind}: ${r.detail}`);
      if (r.stuck) console.log(`      stuck: ${r.stuck}`);
      if (r.lost) console.log(`      lost: ${r.lostText}`);
      for (const f of r.falses) console.log(`      false status: ${f}`);
    }
  }
} catch (err) {
  console.error(err);
  exitCode = 2;
} finally {
  await watch?.stop();
  await counted?.stop();
  await sp.stop();
}
process.exit(exitCode);
