import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import type { ClusterSpec, RedisConfig, SlotRange } from '@slotplane/contracts';
import { SLOT_COUNT, countSlots, rangesEqual, splitSlots } from '../slots.ts';
import { configRevision, desiredNodeConfig } from './config.ts';
import { HEIR_LINK_GRACE_MS, SILENT_LIMIT_MS, WEDGED_AFTER_MS, plan } from './plan.ts';
import { type DirtyStart, type MoveCut, RedisCommandError, RuleViolation, type SimHost, type SimRedis, type SimRow, SimulatedCluster, TICK_MS, mulberry32, printedConfig } from '../../test/plan-simulator.ts';
import { observedStatus } from '../status.ts';
import { type BlockedCode, type ObservedCluster, type ObservedNode, type Plan, POSTGRES_STEPS, type RedisAnswer, type Step } from './types.ts';

// The simulator's properties compute, nothing else: no I/O to hang on, and their time follows the
// machine's load (18 s for the longest on an idle CI run, 72 s with a benchmark and a second suite
// beside it, past the default 60 s). A hang would be an endless loop, which the simulator bounds.
vi.setConfig({ testTimeout: 300_000 });

// ---- the worker, as the planner's caller: observe, plan, perform, loop ----------------

interface Run {
  world: SimulatedCluster;
  random: () => number;
  /** Chance that the worker dies partway through an act batch. */
  crashRate: number;
  /** The last passes, formatted only when a property fails. */
  trace: Array<() => string>;
  passes: number;
  /** Every step actually performed (a step cut short by a crash included). */
  performed: Step[];
}

function newRun(opts: { hosts: SimHost[]; spec: ClusterSpec; seed: number; crashRate?: number; dirtyStart?: (row: SimRow, ordinal: number) => DirtyStart | undefined; minFreeDiskBytes?: number }): Run {
  const world = new SimulatedCluster({ hosts: opts.hosts, spec: opts.spec, seed: opts.seed, dirtyStart: opts.dirtyStart, minFreeDiskBytes: opts.minFreeDiskBytes });
  return { world, random: mulberry32(opts.seed ^ 0x5eed), crashRate: opts.crashRate ?? 0, trace: [], passes: 0, performed: [] };
}

const rangesText = (slots: number[]) => {
  const ranges: SlotRange[] = [];
  for (const x of slots) {
    const last = ranges[ranges.length - 1];
    if (last && x === last[1] + 1) last[1] = x;
    else ranges.push([x, x]);
  }
  const text = ranges.slice(0, 4).map(([a, b]) => (a === b ? `${a}` : `${a}-${b}`));
  return `${slots.length} slot(s) ${text.join(',')}${ranges.length > 4 ? ',...' : ''}`;
};

function stepText(s: Step): string {
  switch (s.kind) {
    case 'place':
      return `place ${s.nodes.map((n) => `${n.shardIndex}${n.role[0]}@${n.hostId}:${n.port}`).join(',')}`;
    case 'remove':
      return `remove ${s.nodeIds.join(',')}`;
    case 'journalMoves':
      return `journalMoves ${s.operationId ?? '-'} ${[...new Set(s.moves.map((m) => `${m.sourceNodeId}>${m.targetNodeId}`))].join(',')} ${rangesText(s.moves.map((m) => m.slot))}`;
    case 'moveSlots':
      return `moveSlots ${s.nodeId}>${s.targetNodeId} ${rangesText(s.slots)} others=${s.otherPrimaryIds.join(',')}`;
    case 'retireShards':
      return `retireShards ${s.shardIndexes.join(',')}`;
    case 'dropMoves':
      return `dropMoves ${rangesText(s.slots)}`;
    case 'undoMoves':
      return `undoMoves ${s.nodeId}<${s.sourceNodeId} ${rangesText(s.slots)}`;
    case 'finishMoves':
      return `finishMoves ${rangesText(s.slots)}`;
    case 'repointMoves':
      return `repointMoves ${s.sourceNodeId}>${s.targetNodeId} ${rangesText(s.slots)}`;
    case 'setSlots':
      return `setSlots ${s.nodeId} ${s.how} ${s.redisId.slice(0, 8)} ${rangesText(s.slots)}`;
    case 'retirePreviousPassword':
      return s.kind;
    default:
      return `${s.kind} ${s.nodeId} ${JSON.stringify({ ...s, kind: undefined, nodeId: undefined })}`;
  }
}

/**
 * The steps a crashed worker got done: a prefix of the batch, or for each node a prefix of its
 * own steps (steps of different nodes run independently; one node's run in order). The step a
 * worker died in is usually started: a moveSlots then stops anywhere inside its protocol.
 */
function survivors(all: Step[], run: Run): { kept: Array<{ step: Step; cut?: MoveCut }>; crashed: boolean } {
  if (run.random() >= run.crashRate) return { kept: all.map((step) => ({ step })), crashed: false };
  // The worker commits a plan's Postgres steps in one transaction, before any Redis step.
  const inPostgres = all.filter(isDbStep);
  if (inPostgres.length && run.random() < 0.3) return { kept: [], crashed: true };
  const db = inPostgres.map((step) => ({ step }));
  const { kept, crashed } = redisSurvivors(all.filter((s) => !isDbStep(s)), run);
  return { kept: [...db, ...kept], crashed };
}

const isDbStep = (s: Step) => POSTGRES_STEPS.has(s.kind);

function redisSurvivors(steps: Step[], run: Run): { kept: Array<{ step: Step; cut?: MoveCut }>; crashed: boolean } {
  if (!steps.length) return { kept: [], crashed: true };
  const partly = (step: Step): Array<{ step: Step; cut?: MoveCut }> =>
    step.kind === 'moveSlots' && run.random() < 0.8
      ? [{ step, cut: { chunk: Math.floor(run.random() * Math.ceil(step.slots.length / 256)), phase: Math.floor(run.random() * 7), fraction: run.random() } }]
      : [];
  if (run.random() < 0.5) {
    const at = Math.floor(run.random() * steps.length);
    return { kept: [...steps.slice(0, at).map((step) => ({ step })), ...partly(steps[at]!)], crashed: true };
  }
  const cut = new Set<string>();
  const kept = steps.flatMap((step) => {
    const key = 'nodeId' in step ? step.nodeId : step.kind;
    if (cut.has(key)) return [];
    if (run.random() < 0.4) {
      cut.add(key);
      return partly(step);
    }
    return [{ step }];
  });
  return { kept, crashed: true };
}

/** One pass of the worker loop. */
function pass(run: Run): Plan {
  const { world } = run;
  const observed = world.observe();
  const p = plan(world.desired, observed);
  const head = `#${run.passes++} t=${world.now}`;
  const keep = Number(process.env.PLAN_SIM_TRACE ?? 30);
  if (run.trace.length >= 2 * keep) run.trace.splice(0, keep);
  run.trace.push(() => `${head} ${p.kind === 'act' ? `act ${p.phase}: ${p.steps.map(stepText).join(' | ')}` : p.kind === 'wait' ? `wait ${p.phase}` : p.kind === 'blocked' ? `blocked ${p.code}: ${p.reason}` : 'done'}`);
  if (p.kind === 'done') {
    // recordConverged: the cluster is available, and the requests this plan saw succeed.
    world.converged(observed.requests.map((r) => r.operationId));
    if (!world.desired.deleting) world.formed = true;
  }
  if (p.kind === 'wait') {
    world.tick();
    if (run.random() < 0.2) world.tick();
  }
  if (p.kind === 'act') {
    const { kept, crashed } = survivors(p.steps, run);
    for (const { step, cut } of kept) {
      try {
        world.apply(step, cut);
        run.performed.push(step);
      } catch (err) {
        if (err instanceof RedisCommandError) break;
        throw err;
      }
    }
    // A crashed worker is replaced only when its lease runs out: sometimes long enough for
    // FORGET bans to end while gossip goes on.
    const downtime = crashed && run.random() < 0.3 ? 1 + Math.floor(run.random() * (world.banTicks + 3)) : Number(run.random() < 0.3);
    for (let i = 0; i < downtime; i++) world.tick();
  }
  return p;
}

/** Passes until done or blocked. */
function settle(run: Run, maxPasses = 400): Plan {
  for (let i = 0; i < maxPasses; i++) {
    const p = pass(run);
    if (p.kind === 'done' || p.kind === 'blocked') return p;
  }
  throw new Error(`neither done nor blocked after ${maxPasses} passes`);
}

/** Runs a property body; a failure carries the worker's last passes, which is the counterexample. */
function traced(run: Run, body: () => void): void {
  try {
    body();
  } catch (err) {
    const e = err as Error;
    const refusals = run.world.errors.slice(-5);
    e.message = `${e.message}\n--- spec ${JSON.stringify(run.world.desired)}\n--- last passes:\n${run.trace.slice(-Number(process.env.PLAN_SIM_TRACE ?? 30)).map((line) => line()).join('\n')}${refusals.length ? `\n--- last refusals:\n${refusals.join('\n')}` : ''}`;
    throw e;
  }
}

// ---- what "converged" means ---------------------------------------------------------------

const slotCount = (ranges: SlotRange[]) => ranges.reduce((n, [s, e]) => n + e - s + 1, 0);
const owns = (ranges: SlotRange[], slot: number) => ranges.some(([s, e]) => s <= slot && slot <= e);

/** The process serving shard `index`'s slots. */
function primaryOf(world: SimulatedCluster, index: number): SimRedis {
  const owners = world.liveRows().filter((r) => r.shardIndex === index && r.process?.slots.length);
  expect(owners).toHaveLength(1);
  return owners[0]!.process!;
}

interface ConvergedOpts {
  /** Also require no two members of a shard on one host when there are enough hosts. */
  spread?: boolean;
  /**
   * Where the slots are: `split` as creation lays them out (nothing ever moved); `even` within one
   * slot of each other (after a pure scale: moves go to exact shares); `any`.
   */
  layout?: 'split' | 'even' | 'any';
  /** Every shard is led by the node placed as its primary (false after a switchover). */
  placedPrimaries?: boolean;
}

function expectConverged(world: SimulatedCluster, { spread = true, layout = 'split', placedPrimaries = true }: ConvergedOpts = {}): void {
  const { spec } = world.desired;
  const live = world.liveRows();
  const members = 1 + spec.replicasPerShard;
  expect(world.errors).toEqual([]);
  expect(world.shardCount).toBe(spec.shards);
  expect(live).toHaveLength(spec.shards * members);
  expect(world.processes()).toHaveLength(spec.shards * members);
  const ranges = splitSlots(spec.shards);
  const sizes: number[] = [];
  for (let shard = 0; shard < spec.shards; shard++) {
    const rows = live.filter((r) => r.shardIndex === shard);
    const procs = rows.map((r) => {
      expect(r.agent).toBe('running');
      return r.process!;
    });
    const owners = procs.filter((p) => p.slots.length);
    expect(owners).toHaveLength(1);
    const owner = owners[0]!;
    expect(owner.role).toBe('primary');
    if (placedPrimaries) expect(rows.find((r) => r.process === owner)?.placedRole).toBe('primary');
    if (layout === 'split') expect(rangesEqual(owner.slots, [ranges[shard]!])).toBe(true);
    sizes.push(slotCount(owner.slots));
    for (const p of procs) {
      if (p === owner) continue;
      expect(p.role).toBe('replica');
      expect(p.primaryId).toBe(owner.id);
      expect(p.linkUp).toBe(true);
      expect(p.keys).toBe(owner.keys);
    }
    if (spread && world.hosts.length >= members) expect(new Set(rows.map((r) => r.hostId)).size).toBe(members);
  }
  if (layout === 'even') expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
  const slots = world.processes().flatMap((p) => p.slots);
  expect(slots.reduce((n, [s, e]) => n + e - s + 1, 0)).toBe(SLOT_COUNT);
  expect(countSlots(slots)).toBe(SLOT_COUNT);
  // Nothing open, nothing lost: every key clients wrote is on exactly one primary.
  expect(world.openMoves()).toEqual([]);
  expect(world.storedKeys()).toBe(world.written);

  const revision = configRevision(spec);
  expect(live.filter((r) => r.agentRevision !== revision)).toEqual([]);
  const want = desiredNodeConfig(spec);
  const removedIds = world.rows.filter((r) => r.removed && r.redisNodeId).map((r) => r.redisNodeId!);
  for (const p of world.processes()) {
    for (const [key, value] of Object.entries(want)) expect(p.config[key], key).toBe(printedConfig(key, value));
    expect(p.clusterState).toBe('ok');
    expect([...p.migrating, ...p.importing]).toEqual([]);
    expect([...p.peers.keys()].filter((id) => removedIds.includes(id))).toEqual([]);
    expect(new Set(p.peers.keys())).toEqual(new Set(world.processes().filter((o) => o !== p).map((o) => o.id)));
  }
}

/** done stays done: more time passes (forget bans run out), nothing comes back. */
function expectStable(run: Run, opts: ConvergedOpts = {}): void {
  for (let i = 0; i < run.world.banTicks + 3; i++) run.world.tick();
  expect(plan(run.world.desired, run.world.observe()).kind).toBe('done');
  expectConverged(run.world, opts);
}

function expectBlocked(p: Plan, code: BlockedCode): void {
  expect(p.kind === 'blocked' ? `${p.kind} ${p.code}` : p.kind).toBe(`blocked ${code}`);
}

// ---- inputs ---------------------------------------------------------------------------------

/** Up to 4 hosts, 60 ports each: room for 6 x 4 nodes on one host even while removed ones stop. */
const hostsArb = fc
  .record({ count: fc.integer({ min: 1, max: 4 }), zones: fc.array(fc.constantFrom<string | null>('a', 'b', null), { minLength: 4, maxLength: 4 }), foreign: fc.uniqueArray(fc.integer({ min: 7000, max: 7059 }), { maxLength: 3 }) })
  .map(({ count, zones, foreign }) =>
    Array.from({ length: count }, (_, i): SimHost => ({ id: `h${i + 1}`, zone: zones[i] ?? null, address: `10.0.0.${i + 1}`, portMin: 7000, portMax: 7059, foreignPorts: i === 0 ? foreign : [] })),
  );

const notifyArb = fc.constantFrom('', 'KEA', 'AKE', 'AKEn', 'AAK', 'Kx', 'Elg', 'Km', 'g$lshzxetdKE', 'Exn');
const redisConfigArb: fc.Arbitrary<RedisConfig> = fc.record(
  {
    hz: fc.integer({ min: 1, max: 500 }),
    'maxmemory-policy': fc.constantFrom<NonNullable<RedisConfig['maxmemory-policy']>>('noeviction', 'allkeys-lru', 'volatile-ttl'),
    'notify-keyspace-events': notifyArb,
  },
  { requiredKeys: [] },
);
type Persistence = ClusterSpec['persistence'];
const persistenceArb = fc.constantFrom<Persistence>('none', 'aof', 'rdb');
const specArb: fc.Arbitrary<ClusterSpec> = fc.record({
  shards: fc.integer({ min: 1, max: 5 }),
  replicasPerShard: fc.integer({ min: 0, max: 2 }),
  maxMemoryMb: fc.constantFrom(64, 256, 1024),
  persistence: persistenceArb,
  redisConfig: redisConfigArb,
});
const seedArb = fc.integer({ min: 0, max: 0x7fffffff });
const crashRateArb = fc.constantFrom(0.2, 0.5, 0.9);

type Change =
  | { kind: 'replicas'; value: number }
  | { kind: 'memory'; value: number }
  | { kind: 'persistence'; value: Persistence }
  | { kind: 'redisConfig'; value: RedisConfig }
  | { kind: 'shards'; value: number };
const changeArb: fc.Arbitrary<Change> = fc.oneof(
  { arbitrary: fc.record({ kind: fc.constant('replicas' as const), value: fc.integer({ min: 0, max: 3 }) }), weight: 3 },
  fc.record({ kind: fc.constant('memory' as const), value: fc.constantFrom(64, 128, 512) }),
  fc.record({ kind: fc.constant('persistence' as const), value: persistenceArb }),
  fc.record({ kind: fc.constant('redisConfig' as const), value: redisConfigArb }),
  { arbitrary: fc.record({ kind: fc.constant('shards' as const), value: fc.integer({ min: 1, max: 6 }) }), weight: 3 },
);

function changed(spec: ClusterSpec, c: Change): ClusterSpec {
  switch (c.kind) {
    case 'shards':
      return { ...spec, shards: c.value };
    case 'replicas':
      return { ...spec, replicasPerShard: c.value };
    case 'memory':
      return { ...spec, maxMemoryMb: c.value };
    case 'persistence':
      return { ...spec, persistence: c.value };
    case 'redisConfig':
      return { ...spec, redisConfig: c.value };
  }
}

/** A formed, loaded cluster whose shard `heavy` holds a few big keys; the memory rebalance asked for it is done. */
const unevenArb = fc.record({
  spec: fc.record({ shards: fc.integer({ min: 2, max: 4 }), replicasPerShard: fc.integer({ min: 0, max: 1 }) }).map((s): ClusterSpec => ({ ...s, maxMemoryMb: 256, persistence: 'none', redisConfig: {} })),
  hosts: hostsArb,
  seed: seedArb,
  crashRate: crashRateArb,
  heavy: fc.nat(),
  bigKeys: fc.integer({ min: 1, max: 3 }),
  threshold: fc.constantFrom(5, 10, 25),
});

function unevenByMemory(run: Run, u: { spec: ClusterSpec; heavy: number; bigKeys: number; threshold: number; scaleTo?: number | undefined }): { world: SimulatedCluster; heavy: number; before: number } {
  const { world } = run;
  expect(settle(run).kind).toBe('done');
  world.tenantWrites(150);
  const heavy = u.heavy % u.spec.shards;
  const primary = primaryOf(world, heavy);
  const [start, end] = primary.slots[0]!;
  // Big keys (far more than all the small ones together) in distinct slots of the heavy shard.
  for (let i = 0; i < u.bigKeys; i++) world.putKeys(start + Math.floor(((end - start) * i) / u.bigKeys), 1, 50_000_000);
  world.tick();
  const before = slotCount(primary.slots);
  const op = world.requestRebalance('memory', u.threshold);
  if (u.scaleTo) world.setSpec({ ...world.desired.spec, shards: u.scaleTo });
  expect(settle(run).kind).toBe('done');
  expect(world.requests).toEqual([]);
  expect(world.journal.filter((m) => m.operationId === op).length).toBeGreaterThan(0);
  return { world, heavy, before };
}

/** Up to `passes` passes, stopping early at done. */
function advance(run: Run, passes: number): void {
  for (let i = 0; i < passes; i++) {
    const p = pass(run);
    if (p.kind === 'done') return;
    if (p.kind === 'blocked') throw new Error(`unexpected blocked ${p.code}: ${p.reason}`);
  }
}

/**
 * PLAN_SIM_RUNS=20 multiplies every property's runs, for a deeper search than CI's few seconds;
 * PLAN_SIM_SEED replays the seed fast-check printed for a failure, and PLAN_SIM_PATH (its `path`)
 * goes straight to the shrunk counterexample.
 */
const runs = (n: number): fc.Parameters<unknown> => ({
  numRuns: n * Number(process.env.PLAN_SIM_RUNS ?? 1),
  ...(process.env.PLAN_SIM_SEED ? { seed: Number(process.env.PLAN_SIM_SEED) } : {}),
  ...(process.env.PLAN_SIM_PATH ? { path: process.env.PLAN_SIM_PATH, endOnFailure: true } : {}),
});

// ---- properties ---------------------------------------------------------------------------

describe('plan against a simulated cluster', () => {
  it('creates any layout and converges to done', () => {
    fc.assert(
      fc.property(specArb, hostsArb, seedArb, (spec, hosts, seed) => {
        const run = newRun({ hosts, spec, seed });
        traced(run, () => {
          expect(settle(run, 200).kind).toBe('done');
          expectConverged(run.world);
          expectStable(run);
        });
      }),
      runs(40),
    );
  });

  it('converges when the worker crashes partway through any batch', () => {
    fc.assert(
      fc.property(specArb, hostsArb, seedArb, crashRateArb, (spec, hosts, seed, crashRate) => {
        const run = newRun({ hosts, spec, seed, crashRate });
        traced(run, () => {
          expect(settle(run).kind).toBe('done');
          expectConverged(run.world);
          expectStable(run);
        });
      }),
      runs(40),
    );
  });

  it('follows spec changes made while creating or running to the newest spec, shards 1-6 included, keeping every key', () => {
    const changesArb = fc.array(fc.record({ after: fc.nat({ max: 30 }), change: changeArb }), { minLength: 1, maxLength: 4 });
    fc.assert(
      fc.property(specArb, hostsArb, seedArb, crashRateArb, changesArb, (spec, hosts, seed, crashRate, changes) => {
        const run = newRun({ hosts, spec, seed, crashRate });
        const { world } = run;
        traced(run, () => {
          for (const { after, change } of changes) {
            advance(run, after);
            world.setSpec(changed(world.desired.spec, change));
          }
          expect(settle(run).kind).toBe('done');
          // Nothing moved: creation's layout, unless the shard count changed while primaries were
          // claiming slots (the slots between two splits go to the primary with the fewest);
          // anything moved: a scale's exact shares.
          const shardsChanged = changes.some((c) => c.change.kind === 'shards');
          const layout = world.journal.length ? 'even' : shardsChanged ? 'any' : 'split';
          // A shard drained and then wanted back is led by whichever of its nodes is still a primary.
          expectConverged(world, { layout, placedPrimaries: !shardsChanged });
          expectStable(run, { layout, placedPrimaries: !shardsChanged });
        });
      }),
      runs(25),
    );
  });

  it('scales a loaded cluster out and in while the worker dies anywhere inside a slot move', () => {
    fc.assert(
      fc.property(specArb, fc.integer({ min: 1, max: 6 }), hostsArb, seedArb, crashRateArb, (spec, shards, hosts, seed, crashRate) => {
        const run = newRun({ hosts, spec, seed, crashRate });
        const { world } = run;
        traced(run, () => {
          expect(settle(run).kind).toBe('done');
          world.tenantWrites(3000);
          world.tick(); // the replicas get the writes
          const moved = () => run.performed.filter((s) => s.kind === 'moveSlots').length;
          world.setSpec({ ...spec, shards });
          expect(settle(run).kind).toBe('done');
          expectConverged(world, { layout: shards === spec.shards ? 'split' : 'even' });
          if (shards !== spec.shards) expect(moved()).toBeGreaterThan(0);
          expectStable(run, { layout: shards === spec.shards ? 'split' : 'even' });
        });
      }),
      runs(12),
    );
  });

  it('rebalances by memory: the shard holding big keys gives slots away, also when a scale-out comes with the request', () => {
    fc.assert(
      fc.property(unevenArb, fc.boolean(), (u, scale) => {
        const run = newRun({ hosts: u.hosts, spec: u.spec, seed: u.seed, crashRate: u.crashRate });
        traced(run, () => {
          const { world, heavy, before } = unevenByMemory(run, { ...u, scaleTo: scale ? u.spec.shards + 1 : undefined });
          expectConverged(world, { layout: 'any' });
          // Fewer slots than it had, and (after a scale-out) fewer than an even share.
          expect(slotCount(primaryOf(world, heavy).slots)).toBeLessThan(scale ? Math.floor(SLOT_COUNT / world.desired.spec.shards) : before);
          expectStable(run, { layout: 'any' });
        });
      }),
      runs(6),
    );
  });

  it('rebalances by slots: an uneven layout ends within the threshold', () => {
    fc.assert(
      fc.property(unevenArb, fc.constantFrom(0, 1, 5), (u, threshold) => {
        const run = newRun({ hosts: u.hosts, spec: u.spec, seed: u.seed, crashRate: u.crashRate });
        traced(run, () => {
          const { world } = unevenByMemory(run, u);
          const op = world.requestRebalance('slots', threshold);
          expect(settle(run).kind).toBe('done');
          expect(world.requests).toEqual([]);
          const sizes = Array.from({ length: u.spec.shards }, (_, i) => slotCount(primaryOf(world, i).slots));
          const fair = SLOT_COUNT / u.spec.shards;
          // Within the threshold, or (a threshold under one slot) whole-slot shares.
          if (Math.max(...sizes) - Math.min(...sizes) > 1) for (const n of sizes) expect((Math.abs(n - fair) / fair) * 100).toBeLessThanOrEqual(threshold);
          if (world.journal.some((m) => m.operationId === op)) expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
          expectConverged(world, { layout: 'any' });
        });
      }),
      runs(4),
    );
  });

  it('switches a shard over to the chosen replica, the old primary following it, and back', () => {
    fc.assert(
      fc.property(
        fc.record({ shards: fc.integer({ min: 1, max: 3 }), replicasPerShard: fc.integer({ min: 0, max: 2 }) }),
        hostsArb,
        seedArb,
        crashRateArb,
        fc.nat(),
        fc.option(fc.nat(), { nil: null }),
        fc.boolean(),
        (shape, hosts, seed, crashRate, pickShard, pickReplica, wrong) => {
          const spec: ClusterSpec = { ...shape, maxMemoryMb: 64, persistence: 'none', redisConfig: {} };
          const run = newRun({ hosts, spec, seed, crashRate });
          const { world } = run;
          traced(run, () => {
            expect(settle(run).kind).toBe('done');
            world.tenantWrites(500);
            world.tick();
            const shard = pickShard % spec.shards;
            const old = primaryOf(world, shard);
            const oldRow = world.liveRows().find((r) => r.process === old)!;
            const replicas = world.liveRows().filter((r) => r.shardIndex === shard && r !== oldRow);
            if (!replicas.length || wrong) {
              // No replica at all, or one that is not a replica of this shard (the primary itself, another shard's node).
              const stranger = world.liveRows().find((r) => r.shardIndex !== shard) ?? oldRow;
              world.requestSwitchover(shard, replicas.length ? stranger.id : null);
              const p = settle(run);
              expectBlocked(p, 'no_replica');
              // The request fails with the reason; the cluster itself is not failed by it.
              expect(p.kind === 'blocked' && p.permanent).toBe(false);
              expect(primaryOf(world, shard)).toBe(old);
              return;
            }
            const named = pickReplica === null ? null : replicas[pickReplica % replicas.length]!;
            world.requestSwitchover(shard, named?.id ?? null);
            expect(settle(run).kind).toBe('done');
            expect(world.requests).toEqual([]);
            const now = primaryOf(world, shard);
            expect(now).not.toBe(old);
            if (named) expect(now).toBe(named.process);
            expect(old.role).toBe('replica');
            expect(old.primaryId).toBe(now.id);
            expectConverged(world, { placedPrimaries: false });
            // And back to the node placed as primary, by name.
            world.requestSwitchover(shard, oldRow.id);
            expect(settle(run).kind).toBe('done');
            expect(primaryOf(world, shard)).toBe(old);
            expectConverged(world);
            expectStable(run);
          });
        },
      ),
      runs(25),
    );
  });

  it('refuses a node that starts with keys or knowing a stranger, and sends it nothing', () => {
    fc.assert(
      fc.property(specArb, hostsArb, seedArb, fc.nat(), fc.boolean(), (spec, hosts, seed, pick, stranger) => {
        const victim = pick % (spec.shards * (1 + spec.replicasPerShard));
        let dirty: SimRow | undefined;
        const run = newRun({
          hosts, spec, seed, crashRate: 0.3,
          dirtyStart: (row, n) => {
            if (n !== victim) return undefined;
            dirty = row;
            return stranger ? { stranger: true } : { keys: 42 };
          },
        });
        traced(run, () => {
          const p = settle(run);
          expectBlocked(p, 'create_refused');
          expect(p.kind === 'blocked' && p.permanent).toBe(true);
          expect(dirty).toBeDefined();
          expect(run.performed.filter((s) => 'nodeId' in s && s.nodeId === dirty?.id)).toEqual([]);
        });
      }),
      runs(40),
    );
  });

  it('refuses a new replica of a formed cluster that starts with keys or knowing a stranger', () => {
    fc.assert(
      fc.property(specArb, hostsArb, seedArb, fc.boolean(), (spec, hosts, seed, stranger) => {
        let armed = false;
        const run = newRun({ hosts, spec, seed, crashRate: 0.3, dirtyStart: () => (armed ? (stranger ? { stranger: true } : { keys: 42 }) : undefined) });
        traced(run, () => {
          expect(settle(run).kind).toBe('done');
          armed = true;
          const initial = new Set(run.world.rows.map((r) => r.id));
          run.world.setSpec({ ...spec, replicasPerShard: spec.replicasPerShard + 1 });
          expectBlocked(settle(run), 'create_refused');
          expect(run.world.rows.length).toBeGreaterThan(initial.size);
          expect(run.performed.filter((s) => 'nodeId' in s && !initial.has(s.nodeId))).toEqual([]);
        });
      }),
      runs(25),
    );
  });

  it('stops configuring as soon as a running node knows a stranger', () => {
    fc.assert(
      fc.property(specArb, hostsArb, seedArb, fc.nat({ max: 60 }), fc.nat(), (spec, hosts, seed, after, pick) => {
        const run = newRun({ hosts, spec, seed, crashRate: 0.3 });
        traced(run, () => {
          advance(run, after);
          while (!run.world.liveRows().some((r) => r.agent === 'running')) pass(run);
          const running = run.world.liveRows().filter((r) => r.agent === 'running');
          run.world.injectStranger(running[pick % running.length]!.id);
          const from = run.performed.length;
          expectBlocked(settle(run, 50), 'create_refused');
          expect(run.performed.slice(from).filter((s) => s.kind !== 'place' && s.kind !== 'remove')).toEqual([]);
        });
      }),
      runs(40),
    );
  });

  it('deletes from any reachable state', () => {
    fc.assert(
      fc.property(specArb, hostsArb, seedArb, crashRateArb, fc.nat({ max: 80 }), fc.option(changeArb, { nil: undefined }), (spec, hosts, seed, crashRate, after, change) => {
        const run = newRun({ hosts, spec, seed, crashRate });
        const { world } = run;
        traced(run, () => {
          advance(run, Math.floor(after / 2));
          if (change) world.setSpec(changed(world.desired.spec, change));
          advance(run, Math.ceil(after / 2));
          world.requestDelete();
          expect(settle(run).kind).toBe('done');
          expect(world.liveRows()).toEqual([]);
          expect(world.processes()).toEqual([]);
          // A row removed before its agent picked it up may still say 'pending': it never runs.
          expect(world.rows.filter((r) => r.process || !['stopped', 'pending', 'exited'].includes(r.agent))).toEqual([]);
          expect(world.errors).toEqual([]);
        });
      }),
      runs(50),
    );
  });

  it('heals an exited node once formed (its replica promoted, or itself restarted in place, when it served slots; else a new node), create_refused before', () => {
    fc.assert(
      fc.property(specArb, hostsArb, seedArb, fc.nat({ max: 60 }), fc.nat(), (spec, hosts, seed, after, pick) => {
        const run = newRun({ hosts, spec, seed, crashRate: 0.3 });
        const { world } = run;
        traced(run, () => {
          advance(run, after);
          while (world.shardCount === 0) pass(run);
          const live = world.liveRows();
          const victim = live[pick % live.length]!;
          const servedSlots = (victim.process?.slots.length ?? 0) > 0;
          const replicas = world.processes().filter((p) => p.role === 'replica' && p.primaryId === victim.process?.id);
          const inSyncReplica = replicas.some((p) => p.linkUp);
          world.exit(victim.id);
          if (!world.formed) return expectBlocked(pass(run), 'create_refused');
          expect(settle(run).kind).toBe('done');
          // Replaced by a new node; a primary with no replica in sync to take over (none, or one
          // still in its first sync) is started again in place.
          const restarted = run.performed.some((s) => s.kind === 'restart');
          expect(restarted).toBe(servedSlots && !inSyncReplica);
          expect(world.liveRows().map((r) => r.id).includes(victim.id)).toBe(restarted);
          // Acknowledged writes survive: on the replica in sync, or in the primary's own data dir;
          // only a primary without persistence restarted in place comes back empty.
          const opts = { layout: 'any' as const, placedPrimaries: false };
          if (restarted && spec.persistence === 'none') world.written = world.storedKeys();
          expectConverged(world, opts);
          expectStable(run, opts);
        });
      }),
      runs(50),
    );
  });
});

/**
 * What the replicas of a primary about to die hold of it: `in_sync` when one's link is up (it holds
 * everything), `window` when one's link went down within HEIR_LINK_GRACE_MS before (the planner may
 * promote it: writes in that window may be lost), else `none`.
 */
const hostsOf = (count: number): SimHost[] => Array.from({ length: count }, (_, i) => ({ id: `h${i + 1}`, zone: null, address: `10.0.0.${i + 1}`, portMin: 7000, portMax: 7059, foreignPorts: [] }));

function heirState(world: SimulatedCluster, primary: SimRedis): 'in_sync' | 'window' | 'none' {
  const replicas = world.processes().filter((p) => p.role === 'replica' && p.primaryId === primary.id);
  if (replicas.some((p) => p.linkUp)) return 'in_sync';
  const graceTicks = HEIR_LINK_GRACE_MS / TICK_MS;
  return replicas.some((p) => p.syncedOnce && world.now - p.linkDownAt <= graceTicks) ? 'window' : 'none';
}

describe('two faults in one shard', () => {
  it('never promotes a replica without the data: a second death while the shard heals (the promoted replica, its new replica in its first sync, or the restarted primary) loses nothing the persistence kept', () => {
    const shapeArb = fc.record({ shards: fc.integer({ min: 1, max: 4 }), replicasPerShard: fc.integer({ min: 1, max: 2 }), persistence: persistenceArb });
    fc.assert(
      fc.property(shapeArb, hostsArb, seedArb, fc.nat(), fc.nat({ max: 30 }), fc.nat(), (shape, hosts, seed, pick, gap, second) => {
        const spec: ClusterSpec = { ...shape, maxMemoryMb: 256, redisConfig: {} };
        const run = newRun({ hosts, spec, seed, crashRate: 0.3 });
        const { world } = run;
        traced(run, () => {
          expect(settle(run).kind).toBe('done');
          world.tenantWrites(60);
          world.tick();
          const shard = pick % spec.shards;
          const first = world.liveRows().find((r) => r.shardIndex === shard && r.process?.slots.length)!;
          expect(heirState(world, first.process!)).toBe('in_sync');
          world.exit(first.id);
          // The shard heals for a while (its replica promoted, a new replica placed and syncing)...
          advance(run, gap);
          // ...when a second member of it dies: whoever serves its slots now, or another member.
          const members = world.liveRows().filter((r) => r.shardIndex === shard && r.process && r.agent === 'running');
          if (!members.length) return;
          const serving = members.find((r) => r.process!.slots.length);
          const victim = second % 2 === 0 && serving ? serving : members[second % members.length]!;
          const state = victim.process!.slots.length ? heirState(world, victim.process!) : 'in_sync';
          world.exit(victim.id);
          run.performed.length = 0;
          expect(settle(run, 800).kind).toBe('done');
          const opts = { layout: 'any' as const, placedPrimaries: false };
          // Nothing is lost silently: without a copy in sync a primary comes back from its own dir
          // (AOF, RDB: nothing lost), or, without persistence, empty and said so (shard.data_lost).
          const declared = run.performed.some((s) => s.kind === 'restart' && s.loss === 'all');
          if (declared) expect(spec.persistence).toBe('none');
          if (declared || state === 'window') world.written = world.storedKeys();
          expectConverged(world, opts);
          expectStable(run, opts);
        });
      }),
      runs(60),
    );
  });

  it('heals a 1- or 2-shard cluster whose primary exited by TAKEOVER (FORCE would wait for votes forever), a 3-shard one by FORCE', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 2 }), seedArb, fc.nat(), (shards, replicasPerShard, seed, pick) => {
        const spec: ClusterSpec = { shards, replicasPerShard, maxMemoryMb: 256, persistence: 'none', redisConfig: {} };
        const run = newRun({ hosts: hostsOf(3), spec, seed, crashRate: 0 });
        const { world } = run;
        traced(run, () => {
          expect(settle(run).kind).toBe('done');
          world.tenantWrites(40);
          world.tick();
          const victim = world.liveRows().find((r) => r.shardIndex === pick % shards && r.process?.slots.length)!;
          world.exit(victim.id);
          run.performed.length = 0;
          expect(settle(run).kind).toBe('done');
          const promotions = run.performed.filter((s): s is Extract<Step, { kind: 'failover' }> => s.kind === 'failover');
          expect(promotions.map((s) => [s.mode, s.trigger])).toEqual([[shards < 3 ? 'takeover' : 'force', 'agent_exit']]);
          expectConverged(world, { layout: 'any', placedPrimaries: false });
        });
      }),
      runs(20),
    );
  });
});

describe('a slot move cut by a death', () => {
  it('is finished by whoever takes the dead source\'s or target\'s place (promoted replica, or the node restarted in place): every slot served, nothing open, no key lost', () => {
    const shapeArb = fc.record({ shards: fc.integer({ min: 1, max: 4 }), replicasPerShard: fc.integer({ min: 0, max: 2 }), persistence: persistenceArb });
    fc.assert(
      fc.property(shapeArb, fc.boolean(), fc.boolean(), fc.nat({ max: 6 }), seedArb, (shape, out, target, extra, seed) => {
        const spec: ClusterSpec = { ...shape, maxMemoryMb: 256, redisConfig: {} };
        const run = newRun({ hosts: hostsOf(4), spec, seed, crashRate: 0.2 });
        const { world } = run;
        traced(run, () => {
          expect(settle(run).kind).toBe('done');
          world.tenantWrites(3000);
          world.tick();
          const shards = out || spec.shards === 1 ? spec.shards + 1 : spec.shards - 1;
          world.setSpec({ ...spec, shards });
          // Into the move: some slot's move has started, and a few passes more.
          for (let i = 0; i < 200 && !world.openMoves().some((m) => m.state !== 'planned'); i++) advance(run, 1);
          advance(run, extra);
          const started = world.openMoves().find((m) => m.state !== 'planned');
          if (!started) return; // the move ended within those passes
          const victim = world.rows.find((r) => r.id === (target ? started.targetNodeId : started.sourceNodeId))!;
          if (!victim.process || victim.removed) return;
          const heir = heirState(world, victim.process);
          world.exit(victim.id);
          run.performed.length = 0;
          expect(settle(run, 800).kind).toBe('done');
          // What the dead node held comes back from its heir, or from its own dir; without either,
          // the loss is declared (shard.data_lost), never silent.
          const declared = run.performed.some((s) => s.kind === 'restart' && s.loss !== null);
          if (declared) expect(spec.persistence).not.toBe('aof');
          if (declared || heir === 'window') world.written = world.storedKeys();
          const opts = { layout: 'any' as const, placedPrimaries: false };
          expectConverged(world, opts);
          expectStable(run, opts);
        });
      }),
      runs(40),
    );
  });
});

describe('a scale changed while its slots are moving', () => {
  it('drops the moves not started, returns the started ones to their source, and ends at the newest spec with every key, whenever the worker dies', () => {
    let undone = 0;
    let dropped = 0;
    let startedRuns = 0;
    const shapeArb = fc.record({ shards: fc.integer({ min: 1, max: 4 }), replicasPerShard: fc.integer({ min: 0, max: 1 }), persistence: persistenceArb });
    fc.assert(
      fc.property(shapeArb, fc.integer({ min: 1, max: 5 }), fc.integer({ min: 1, max: 5 }), fc.nat({ max: 4 }), seedArb, crashRateArb, (shape, first, second, extra, seed, crashRate) => {
        const spec: ClusterSpec = { ...shape, maxMemoryMb: 256, redisConfig: {} };
        const run = newRun({ hosts: hostsOf(4), spec, seed, crashRate });
        const { world } = run;
        traced(run, () => {
          expect(settle(run).kind).toBe('done');
          world.tenantWrites(3000);
          world.tick();
          world.setSpec({ ...spec, shards: first });
          for (let i = 0; i < 200 && !world.openMoves().some((m) => m.state !== 'planned'); i++) advance(run, 1);
          advance(run, extra);
          const started = world.openMoves().filter((m) => m.state !== 'planned' && !['owner_target', 'owner_source', 'owner_all'].includes(m.state));
          run.performed.length = 0;
          world.setSpec({ ...spec, shards: second });
          expect(settle(run, 800).kind).toBe('done');
          if (run.performed.some((s) => s.kind === 'undoMoves')) undone++;
          if (run.performed.some((s) => s.kind === 'dropMoves')) dropped++;
          if (started.length && second !== first) startedRuns++;
          expect(world.journal.filter((m) => m.generation !== null && m.generation < world.desired.generation && m.state !== 'done')).toEqual([]);
          // The newest PATCH set a shard count: exact shares, as after any scale.
          const opts = { layout: 'even' as const, placedPrimaries: false };
          expectConverged(world, opts);
          expectStable(run, opts);
        });
      }),
      runs(30),
    );
    // The runs did exercise both: moves returned to their source, and moves dropped unstarted.
    if (startedRuns > 3) expect(undone).toBeGreaterThan(0);
    expect(dropped).toBeGreaterThan(0);
  });
});

describe('a lost host', () => {

  it('is healed: Redis promotes, the dead nodes are replaced on other hosts and FORGOTTEN; back, its nodes are erased and never rejoin', () => {
    fc.assert(
      fc.property(specArb, fc.boolean(), fc.integer({ min: 3, max: 4 }), seedArb, fc.nat(), (anySpec, takeover, hostCount, seed, pick) => {
        const spec = { ...anySpec, takeoverWhenQuorumLost: takeover };
        const run = newRun({ hosts: hostsOf(hostCount), spec, seed, crashRate: 0.3 });
        const { world } = run;
        traced(run, () => {
          expect(settle(run).kind).toBe('done');
          world.tenantWrites(40);
          world.tick();
          const used = [...new Set(world.liveRows().map((r) => r.hostId))].sort();
          const lost = used[pick % used.length]!;
          const onLost = world.liveRows().filter((r) => r.hostId === lost);
          // What Redis can do without the host: flag and elect only with a majority of primaries;
          // a shard with every member there has nobody to promote.
          const owners = Array.from({ length: spec.shards }, (_, i) => world.liveRows().find((r) => r.shardIndex === i && r.process?.slots.length)!);
          const ownersLost = owners.filter((r) => r.hostId === lost);
          const quorumLost = ownersLost.length > 0 && owners.length - ownersLost.length < Math.floor(owners.length / 2) + 1;
          const orphaned = owners.some((o) => world.liveRows().every((r) => r.shardIndex !== o.shardIndex || r.hostId === lost));
          const synced = ownersLost.every((o) => world.processes().some((p) => p.primaryId === o.process!.id && p.linkUp && p.keys === o.process!.keys));
          world.loseHost(lost);

          const outcome = settle(run, 800);
          if (orphaned) {
            // Nobody to promote: said as a lost shard, or as the lost quorum that hides it.
            expect(outcome.kind === 'blocked' && ['shard_lost', 'quorum_lost'].includes(outcome.code)).toBe(true);
            if (outcome.kind === 'blocked' && outcome.code === 'shard_lost') expect(outcome.reason).toContain('lost host');
          } else if (quorumLost && !takeover) expectBlocked(outcome, 'quorum_lost');
          else {
            expect(outcome.kind).toBe('done');
            expect(world.liveRows().filter((r) => r.hostId === lost)).toEqual([]);
            if (!synced) world.written = world.storedKeys();
            expectConverged(world, { layout: 'any', placedPrimaries: false, spread: false });
            // Slotplane promoted only by TAKEOVER when the policy allowed it and Redis could not
            // elect; otherwise Redis elected, and Slotplane replaced.
            const promotions = run.performed.filter((s) => s.kind === 'failover');
            if (quorumLost) expect(promotions.length).toBeGreaterThan(0);
            expect(promotions.filter((s) => !quorumLost || s.mode !== 'takeover')).toEqual([]);
            expect(run.performed.some((s) => s.kind === 'place' && (s.replaces?.length ?? 0) > 0)).toBe(true);
          }

          // The host comes back: its agent finds its processes exited.
          world.returnHost(lost);
          expect(settle(run, 800).kind).toBe('done');
          if (!synced || quorumLost || orphaned) world.written = world.storedKeys();
          expectConverged(world, { layout: 'any', placedPrimaries: false, spread: false });
          expectStable(run, { layout: 'any', placedPrimaries: false, spread: false });
          // Its agent erased what was replaced meanwhile: nothing of it runs or rejoins.
          for (const r of onLost.filter((x) => x.removed)) expect([r.agent, r.process]).toEqual(['stopped', null]);
        });
      }),
      runs(40),
    );
  });
});

/** Cases the simulator once found the planner getting wrong. */
describe('planner cases found by the simulator', () => {
  const twoHosts: SimHost[] = [
    { id: 'h1', zone: null, address: '10.0.0.1', portMin: 7000, portMax: 7059, foreignPorts: [] },
    { id: 'h2', zone: null, address: '10.0.0.2', portMin: 7000, portMax: 7059, foreignPorts: [] },
  ];
  const base: ClusterSpec = { shards: 1, replicasPerShard: 0, maxMemoryMb: 64, persistence: 'none', redisConfig: {} };

  // Redis 7.0.15 prints notify-keyspace-events "AKEn" as "AKE" (no "n" beside "A"; checked against
  // the redis-server here): a planner that compared "n" would send the same CONFIG SET forever.
  it('creates a cluster whose notify-keyspace-events has "n" beside "A"', () => {
    const run = newRun({ hosts: twoHosts, spec: { ...base, redisConfig: { 'notify-keyspace-events': 'AKEn' } }, seed: 1 });
    expect(settle(run, 100).kind).toBe('done');
  });

  // An agent that lost track of a live process reports it exited: a primary that still answers
  // is never failed over (its writes would be lost), whatever its agent says.
  it('does not promote over a primary whose agent reports it exited while it still answers', () => {
    const run = newRun({ hosts: twoHosts, spec: { ...base, replicasPerShard: 1 }, seed: 3 });
    expect(settle(run).kind).toBe('done');
    const primary = run.world.liveRows().find((r) => r.process?.role === 'primary')!;
    run.world.misreportExit(primary.id);
    const next = pass(run);
    expectBlocked(next, 'node_down');
    expect(next.kind === 'blocked' && next.reason).toMatch(/still answers/);
    expect(primary.process?.role).toBe('primary');
  });

  // 1 shard x 3 replicas on 2 hosts places p@h1, r@h2, r@h2, r@h1. Down to 1 replica, the one
  // that stays must be on h2, away from the primary, whatever the node ids.
  it('keeps replicas spread when replicasPerShard goes down', () => {
    for (let seed = 1; seed <= 10; seed++) {
      const run = newRun({ hosts: twoHosts, spec: { ...base, replicasPerShard: 3 }, seed });
      expect(settle(run).kind).toBe('done');
      run.world.setSpec({ ...base, replicasPerShard: 1 });
      expect(settle(run).kind).toBe('done');
      expect(new Set(run.world.liveRows().map((r) => r.hostId)).size, `seed ${seed}`).toBe(2);
    }
  });
});

/**
 * Resharding cases the simulator finds the planner getting wrong (open when written: each fails
 * until plan.ts / moves.ts handle it). Minimal forms of what the properties above shrink to.
 */
describe('resharding cases found by the simulator', () => {
  const oneHost: SimHost[] = [{ id: 'h1', zone: null, address: '10.0.0.1', portMin: 7000, portMax: 7059, foreignPorts: [] }];
  const base: ClusterSpec = { shards: 2, replicasPerShard: 0, maxMemoryMb: 64, persistence: 'none', redisConfig: {} };
  const passUntil = (run: Run, done: () => boolean) => {
    for (let i = 0; i < 200 && !done(); i++) pass(run);
    expect(done()).toBe(true);
  };

  // Creation places 2 shards, then PATCH shards=1 before the second primary got its slots:
  // step 5 looks up splitSlots(1)[1], which is undefined, and plan() throws a TypeError.
  it('scales in while the cluster is being created', () => {
    const run = newRun({ hosts: oneHost, spec: base, seed: 1 });
    pass(run);
    run.world.setSpec({ ...base, shards: 1 });
    traced(run, () => {
      expect(settle(run).kind).toBe('done');
      expectConverged(run.world, { layout: 'any' });
    });
  });

  // Creation gives shard 0 all 16384 slots, then PATCH shards=2 before the first `done`: the new
  // shard's primary gets no slots (the create layout overlaps) and, the cluster not being formed
  // yet, step 7 does not let it lead an empty shard: blocked shard_lost, for good.
  it('scales out while the cluster is being created', () => {
    const run = newRun({ hosts: oneHost, spec: { ...base, shards: 1 }, seed: 1 });
    passUntil(run, () => run.world.processes().some((p) => p.slots.length > 0));
    run.world.setSpec(base);
    traced(run, () => {
      expect(settle(run).kind).toBe('done');
      expectConverged(run.world, { layout: 'even' });
    });
  });

  // 2 shards -> 1: shard 1's primary gives its last slot to shard 0's and so turns into its
  // replica (Redis 7 replica migration). PATCH shards=2 again before the drained node is removed:
  // the planner journals 8192 moves into that node, a replica (SETSLOT IMPORTING is refused
  // there; the move never starts, the journal stays open).
  it('scales back out after a drain, before the drained nodes are removed', () => {
    const run = newRun({ hosts: oneHost, spec: base, seed: 1 });
    expect(settle(run).kind).toBe('done');
    const drained = run.world.liveRows().find((r) => r.shardIndex === 1)!;
    run.world.setSpec({ ...base, shards: 1 });
    passUntil(run, () => drained.process?.role === 'replica');
    run.world.setSpec(base);
    traced(run, () => {
      expect(settle(run).kind).toBe('done');
      expectConverged(run.world, { layout: 'even' });
    });
  });

  // The same, PATCH shards=2 right after the drained nodes are removed (their shard row is not
  // retired yet): shard 1 has no member, placeReplicas gives it a node placed as a replica, and
  // step 7 finds no primary to lead it: blocked shard_lost, for good.
  it('scales back out after the drained nodes are removed, before their shard is retired', () => {
    const run = newRun({ hosts: oneHost, spec: base, seed: 1 });
    expect(settle(run).kind).toBe('done');
    const drained = run.world.liveRows().find((r) => r.shardIndex === 1)!;
    run.world.setSpec({ ...base, shards: 1 });
    passUntil(run, () => drained.removed);
    run.world.setSpec(base);
    traced(run, () => {
      expect(settle(run).kind).toBe('done');
      expectConverged(run.world, { layout: 'even' });
    });
  });

  // One 50 MB key in slot 0 (shard 0), 200 small keys in shard 0 and 100 in shard 1: a rebalance by memory moves the
  // 50 MB key to shard 1 (it is just under the gap) and then every small-key slot of shard 1 back
  // to shard 0. Nothing is better balanced, a huge MIGRATE was run, and the shard that held the
  // big key ends with more slots.
  it('rebalances by memory around one key bigger than a fair share', () => {
    const run = newRun({ hosts: oneHost, spec: base, seed: 1 });
    const { world } = run;
    expect(settle(run).kind).toBe('done');
    for (let slot = 1; slot <= 200; slot++) world.putKeys(slot, 1, 100);
    for (let slot = 8192; slot < 8292; slot++) world.putKeys(slot, 1, 100);
    world.putKeys(0, 1, 50_000_000);
    world.tick();
    world.requestRebalance('memory', 5);
    traced(run, () => {
      expect(settle(run).kind).toBe('done');
      expect(owns(primaryOf(world, 0).slots, 0)).toBe(true);
      expect(slotCount(primaryOf(world, 0).slots)).toBeLessThanOrEqual(SLOT_COUNT / 2);
    });
  });

  // A rebalance by memory is open when PATCH shards=3 arrives: the scale-out's by-slots moves are
  // journaled under the rebalance's operation, so the rebalance counts as started (movesDone > 0),
  // is never planned by memory, and succeeds with shard 0 (all the big keys) at an even share.
  it('keeps a rebalance by memory when a scale-out comes with it', () => {
    const run = newRun({ hosts: oneHost, spec: base, seed: 1 });
    const { world } = run;
    expect(settle(run).kind).toBe('done');
    world.tenantWrites(400);
    world.putKeys(0, 1, 50_000_000);
    world.tick();
    world.requestRebalance('memory', 5);
    world.setSpec({ ...base, shards: 3 });
    traced(run, () => {
      expect(settle(run).kind).toBe('done');
      expect(slotCount(primaryOf(world, 0).slots)).toBeLessThan(Math.floor(SLOT_COUNT / 3));
    });
  });
});

/** The simulator itself: what the properties rely on it to model. */
describe('a full disk', () => {
  const GiB = 1024 ** 3;
  const hosts = (n: number, free = 100 * GiB): SimHost[] =>
    Array.from({ length: n }, (_, i) => ({ id: `h${i + 1}`, zone: null, address: `10.0.0.${i + 1}`, portMin: 7000, portMax: 7059, foreignPorts: [], freeDiskBytes: free }));
  const spec = (persistence: Persistence, shards = 2, replicasPerShard = 1): ClusterSpec => ({ shards, replicasPerShard, maxMemoryMb: 64, persistence, redisConfig: {} });
  const blockedReason = (p: Plan) => (p.kind === 'blocked' ? p.reason : '');

  it('keeps a cluster whose node cannot persist from done (persistence_failed, retried), and it is done again once the disk has room', () => {
    for (const [persistence, says] of [['aof', /cannot write its AOF/], ['rdb', /cannot save its RDB snapshot/]] as const) {
      const run = newRun({ hosts: hosts(3), spec: spec(persistence), seed: 7, minFreeDiskBytes: GiB });
      expect(settle(run).kind).toBe('done');
      const primary = run.world.liveRows().find((r) => r.process?.slots.length)!;
      run.world.fillDisk(primary.hostId);
      const outcome = settle(run);
      expectBlocked(outcome, 'persistence_failed');
      expect(outcome.kind === 'blocked' && outcome.permanent).toBe(false);
      expect(blockedReason(outcome)).toMatch(says);
      expect(blockedReason(outcome)).toContain(`${primary.host}:${primary.port}`);
      run.world.freeDisk(primary.hostId, 100 * GiB);
      expect(settle(run).kind).toBe('done');
      expectStable(run);
    }
  });

  it('does not hold a cluster without persistence back: a full disk does not stop its writes', () => {
    const run = newRun({ hosts: hosts(3), spec: spec('none'), seed: 7, minFreeDiskBytes: GiB });
    expect(settle(run).kind).toBe('done');
    run.world.fillDisk('h1');
    expect(settle(run).kind).toBe('done');
  });

  it('moves no slot while a node cannot persist (MIGRATE would be refused with MISCONF), and finishes the scale-out once it can', () => {
    const run = newRun({ hosts: hosts(3), spec: spec('aof'), seed: 11, minFreeDiskBytes: GiB });
    expect(settle(run).kind).toBe('done');
    run.world.tenantWrites(100);
    const primary = run.world.liveRows().find((r) => r.process?.slots.length)!;
    run.world.fillDisk(primary.hostId);
    run.world.setSpec(spec('aof', 3));
    const before = run.performed.length;
    expectBlocked(settle(run), 'persistence_failed');
    expect(run.performed.slice(before).filter((s) => s.kind === 'moveSlots')).toEqual([]);
    // The new shard's nodes went to the hosts with room.
    expect(run.world.liveRows().filter((r) => r.shardIndex === 2 && r.hostId === primary.hostId)).toEqual([]);
    run.world.freeDisk(primary.hostId, 100 * GiB);
    expect(settle(run).kind).toBe('done');
    expectConverged(run.world, { layout: 'even', spread: false });
  });

  it('fills one host\'s disk at any moment of a create or a change and frees it later: no move refused with MISCONF, done once it has room', () => {
    fc.assert(
      fc.property(specArb, hostsArb, seedArb, fc.nat({ max: 60 }), fc.nat(), fc.option(changeArb), fc.nat({ max: 30 }), (spec, fleet, seed, after, pick, change, during) => {
        for (const h of fleet) h.freeDiskBytes = 100 * GiB;
        const run = newRun({ hosts: fleet, spec, seed, crashRate: 0.3, minFreeDiskBytes: GiB });
        const { world } = run;
        traced(run, () => {
          advance(run, after);
          world.fillDisk(fleet[pick % fleet.length]!.id);
          if (change) world.setSpec(changed(world.desired.spec, change));
          for (let i = 0; i < during; i++) {
            const p = pass(run);
            if (p.kind === 'done' || p.kind === 'blocked') {
              if (p.kind === 'blocked') expect(['persistence_failed', 'start_failed', 'placement_failed']).toContain(p.code);
              world.tick();
            }
          }
          expect(world.errors).toEqual([]);
          world.freeDisk(fleet[pick % fleet.length]!.id, 100 * GiB);
          expect(settle(run, 800).kind).toBe('done');
          expectConverged(world, { layout: 'any', placedPrimaries: false, spread: false });
        });
      }),
      runs(30),
    );
  });

  it('places no new node on a host without the free disk it needs', () => {
    const fleet = hosts(3);
    fleet[0]!.freeDiskBytes = GiB / 2;
    const run = newRun({ hosts: fleet, spec: spec('aof', 2, 1), seed: 5, minFreeDiskBytes: GiB });
    expect(settle(run).kind).toBe('done');
    expect(run.world.liveRows().filter((r) => r.hostId === 'h1')).toEqual([]);
    expect(run.performed.some((s) => s.kind === 'place' && s.replaces?.length)).toBe(false);
  });

  // The disk filled between placement and start (with a floor of 0 a full host still takes a node
  // without persistence): the agent reports ENOSPC; the node holds nothing and goes elsewhere.
  it('replaces a node its agent could not start for a full disk on a host with room, in its shard and role', () => {
    for (let seed = 1; seed <= 10; seed++) {
      const fleet = hosts(3);
      fleet[0]!.freeDiskBytes = 0;
      const run = newRun({ hosts: fleet, spec: spec('none', 2, 1), seed });
      traced(run, () => {
        expect(settle(run).kind).toBe('done');
        expect(run.world.liveRows().filter((r) => r.hostId === 'h1')).toEqual([]);
        const replaced = run.performed.filter((s): s is Extract<Step, { kind: 'place' }> => s.kind === 'place' && (s.replaces?.length ?? 0) > 0);
        expect(replaced.length).toBeGreaterThan(0);
        expect(replaced.flatMap((s) => s.replaces!.map((r) => r.reason))).toEqual(replaced.map(() => expect.stringContaining('disk is full')));
        expectConverged(run.world, { spread: false });
      });
    }
  });

  it('says why a node cannot start when no host has room (start_failed, retried), and starts it once its host has room', () => {
    const fleet = hosts(1, 0);
    const run = newRun({ hosts: fleet, spec: spec('none', 1, 0), seed: 3 });
    const outcome = settle(run);
    expectBlocked(outcome, 'start_failed');
    expect(outcome.kind === 'blocked' && outcome.permanent).toBe(false);
    expect(blockedReason(outcome)).toMatch(/could not start: could not write redis.conf: ENOSPC.*no other host has room/);
    // Still full: looked at again, it is not restarted (it would fail at once).
    expectBlocked(settle(run), 'start_failed');
    expect(run.performed.filter((s) => s.kind === 'restart')).toEqual([]);
    run.world.freeDisk('h1', 100 * GiB);
    expect(settle(run).kind).toBe('done');
    expect(run.performed.filter((s) => s.kind === 'restart')).toHaveLength(1);
    expectConverged(run.world);
  });

  it('restarts a lone primary in place only once its host has room again', () => {
    const run = newRun({ hosts: hosts(1), spec: spec('aof', 1, 0), seed: 9, minFreeDiskBytes: GiB });
    expect(settle(run).kind).toBe('done');
    const primary = run.world.liveRows()[0]!;
    run.world.fillDisk('h1');
    run.world.exit(primary.id);
    const outcome = settle(run);
    expectBlocked(outcome, 'start_failed');
    expect(blockedReason(outcome)).toMatch(/No space left on device.*no replica to take over/);
    run.world.freeDisk('h1', 100 * GiB);
    expect(settle(run).kind).toBe('done');
    expect(run.world.liveRows()).toEqual([primary]);
    expectConverged(run.world);
  });
});

describe('the simulated cluster', () => {
  const oneHost: SimHost[] = [{ id: 'h1', zone: null, address: '10.0.0.1', portMin: 7000, portMax: 7059, foreignPorts: [] }];
  const spec: ClusterSpec = { shards: 2, replicasPerShard: 1, maxMemoryMb: 64, persistence: 'none', redisConfig: {} };
  const formed = () => {
    const run = newRun({ hosts: oneHost, spec, seed: 5 });
    expect(settle(run).kind).toBe('done');
    const [a, b] = [0, 1].map((i) => run.world.liveRows().find((r) => r.shardIndex === i && r.process?.slots.length)!);
    return { run, world: run.world, a: a!, b: b! };
  };
  const myself = (world: SimulatedCluster, rowId: string) => {
    const n = world.observe().nodes.find((x) => x.id === rowId)!;
    return n.redis?.reachable ? n.redis.view.find((e) => e.myself)! : undefined;
  };

  it('shows a move cut halfway as open slots and keys on both sides; the next moveSlots finishes it and nothing is lost', () => {
    const { world, a, b } = formed();
    const slots = [100, 101, 102];
    for (const slot of slots) world.putKeys(slot, 9, 100);
    world.tick();
    const written = world.written;
    world.apply({ kind: 'journalMoves', operationId: null, generation: null, moves: slots.map((slot) => ({ slot, sourceNodeId: a.id, targetNodeId: b.id })) });
    const step: Step = { kind: 'moveSlots', nodeId: a.id, targetNodeId: b.id, slots, otherPrimaryIds: [] };
    expect(world.apply(step, { chunk: 0, phase: 2, fraction: 0.5 })).toBe(false);
    expect(myself(world, a.id)!.migrating).toEqual(slots.map((slot) => ({ slot, to: b.process!.id })));
    expect(myself(world, b.id)!.importing).toEqual(slots.map((slot) => ({ slot, from: a.process!.id })));
    expect(a.process!.slotKeys[100]).toBeLessThan(9);
    expect(b.process!.slotKeys[100]).toBeGreaterThan(0);
    expect(world.storedKeys()).toBe(written);
    expect(world.openMoves().map((m) => m.state)).toEqual(['draining', 'draining', 'draining']);
    expect(() => world.converged([])).toThrow(RuleViolation);
    // A slot with no journal row may not move.
    expect(() => world.apply({ ...step, slots: [103] })).toThrow(RuleViolation);
    expect(world.apply(step)).toBe(true);
    for (const slot of slots) {
      expect(a.process!.slotKeys[slot]).toBe(0);
      expect(b.process!.slotKeys[slot]).toBe(9);
      expect(owns(b.process!.slots, slot)).toBe(true);
    }
    expect(myself(world, a.id)!.migrating).toEqual([]);
    expect(myself(world, b.id)!.importing).toEqual([]);
    expect(world.openMoves()).toEqual([]);
    expect(world.storedKeys()).toBe(written);
  });

  it('turns a master that gave its last slot away into a replica of the taker; its replicas follow', () => {
    const { run, world, a, b } = formed();
    const all = a.process!.slots.flatMap(([s, e]) => Array.from({ length: e - s + 1 }, (_, i) => s + i));
    const replicaOfA = world.liveRows().find((r) => r.process?.primaryId === a.process!.id)!;
    world.apply({ kind: 'journalMoves', operationId: null, generation: null, moves: all.map((slot) => ({ slot, sourceNodeId: a.id, targetNodeId: b.id })) });
    expect(world.apply({ kind: 'moveSlots', nodeId: a.id, targetNodeId: b.id, slots: all, otherPrimaryIds: [] })).toBe(true);
    expect(a.process!.role).toBe('replica');
    expect(a.process!.primaryId).toBe(b.process!.id);
    world.tick();
    expect(replicaOfA.process!.primaryId).toBe(b.process!.id);
    expect(run.world.errors).toEqual([]);
  });

  it('refuses to retire a shard that still has live nodes, and a failover onto a replica that is not in sync', () => {
    const { world, a } = formed();
    expect(() => world.apply({ kind: 'retireShards', shardIndexes: [1] })).toThrow(RuleViolation);
    const replica = world.liveRows().find((r) => r.process?.primaryId === a.process!.id)!;
    replica.process!.linkUp = false;
    expect(() => world.apply({ kind: 'failover', nodeId: replica.id, fromNodeId: replica.id, trigger: 'switchover' })).toThrow(RuleViolation);
  });
});

describe('a running node that stops answering', () => {
  it('is waited for while it may be starting, and is down once silent for SILENT_LIMIT_MS', () => {
    const run = newRun({ hosts: hostsOf(2), spec: { shards: 1, replicasPerShard: 1, maxMemoryMb: 64, persistence: 'none', redisConfig: {} }, seed: 3 });
    expect(settle(run).kind).toBe('done');
    const observed = run.world.observe();
    const victim = observed.nodes[1]!;
    const silent = (ms: number) => ({ ...observed, nodes: observed.nodes.map((n) => (n === victim ? { ...n, redis: { reachable: false as const, error: 'timeout' }, silentForMs: ms } : n)) });
    expect(plan(run.world.desired, silent(0)).kind).toBe('wait');
    expect(plan(run.world.desired, silent(SILENT_LIMIT_MS - 1)).kind).toBe('wait');
    expect(plan(run.world.desired, silent(SILENT_LIMIT_MS))).toMatchObject({ kind: 'blocked', code: 'node_down', permanent: false, reason: expect.stringMatching(/has not answered for 10 s: timeout/) });
  });
});

describe('a node wedged by a script (it answers only BUSY)', () => {
  it('is stopped after WEDGED_AFTER_MS when a synced replica can take over, and not when stopping it would lose the shard', () => {
    const run = newRun({ hosts: hostsOf(2), spec: { shards: 1, replicasPerShard: 1, maxMemoryMb: 64, persistence: 'none', redisConfig: {} }, seed: 3 });
    expect(settle(run).kind).toBe('done');
    const observed = run.world.observe();
    const primary = observed.nodes.find((n) => n.redis?.reachable && n.redis.view.some((e) => e.myself && e.role === 'primary'))!;
    const replica = observed.nodes.find((n) => n !== primary)!;
    const busy = { reachable: false as const, error: 'BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.' };
    const wedged = (ms: number, replicaToo?: 'dead') => ({
      ...observed,
      nodes: observed.nodes.map((n) =>
        n === primary ? { ...n, redis: busy, silentForMs: ms } : n === replica && replicaToo ? { ...n, redis: { reachable: false as const, error: 'timeout' }, silentForMs: ms } : n,
      ),
    });
    expect(plan(run.world.desired, wedged(WEDGED_AFTER_MS - 1)).kind).toBe('wait');
    expect(plan(run.world.desired, wedged(WEDGED_AFTER_MS))).toMatchObject({ kind: 'act', steps: [{ kind: 'stopWedged', nodeId: primary.id }] });
    // Its replica dead as well: stopping it would lose the shard's data.
    expect(plan(run.world.desired, wedged(WEDGED_AFTER_MS, 'dead'))).toMatchObject({ kind: 'blocked', code: 'node_down', reason: expect.stringMatching(/stopping it would lose shard 0's data/) });
    // With AOF its data comes back when it is started again.
    expect(plan({ ...run.world.desired, spec: { ...run.world.desired.spec, persistence: 'aof' } }, wedged(WEDGED_AFTER_MS, 'dead'))).toMatchObject({ kind: 'act', steps: [{ kind: 'stopWedged' }] });
  });
});

describe('a node its peers flag PFAIL or FAIL', () => {
  it('keeps a cluster that answers the control plane from done (so it is degraded) until Redis clears the flag', () => {
    const run = newRun({ hosts: hostsOf(2), spec: { shards: 1, replicasPerShard: 1, maxMemoryMb: 64, persistence: 'none', redisConfig: {} }, seed: 3 });
    expect(settle(run).kind).toBe('done');
    const observed = run.world.observe();
    const [watcher, paused] = observed.nodes as Array<ObservedNode & { redis: RedisAnswer }>;
    const flagged = (flag: string): ObservedCluster => ({
      ...observed,
      nodes: observed.nodes.map((n) => (n === watcher ? { ...watcher, redis: { ...watcher.redis, view: watcher.redis.view.map((e) => (e.id === paused!.redis.myId ? { ...e, flags: [...e.flags, flag] } : e)) } } : n)),
    });
    for (const flag of ['fail?', 'fail']) {
      const next = plan(run.world.desired, flagged(flag));
      expect(next).toMatchObject({ kind: 'wait', phase: expect.stringContaining(`PFAIL/FAIL flag its peers put on ${paused!.host}:${paused!.port}`) });
      expect(observedStatus({ formed: true, deleting: false, changePending: false }, next.kind)).toBe('degraded');
    }
    expect(plan(run.world.desired, observed).kind).toBe('done');
  });
});

describe('durability strict', () => {
  const hosts: SimHost[] = [
    { id: 'h1', zone: null, address: '10.0.0.1', portMin: 7000, portMax: 7059, foreignPorts: [] },
    { id: 'h2', zone: null, address: '10.0.0.2', portMin: 7000, portMax: 7059, foreignPorts: [] },
    { id: 'h3', zone: null, address: '10.0.0.3', portMin: 7000, portMax: 7059, foreignPorts: [] },
  ];
  const alone: ClusterSpec = { shards: 2, replicasPerShard: 0, maxMemoryMb: 64, persistence: 'none', redisConfig: {} };
  const guard = (p: SimRedis | undefined) => p?.config['min-replicas-to-write'];
  const linked = (world: SimulatedCluster, p: SimRedis) => world.processes().some((r) => r.role === 'replica' && r.primaryId === p.id && r.linkUp);
  /** Passes until done, checking `each` between passes. */
  const settleChecking = (run: Run, each: () => void) => {
    for (let i = 0; i < 400; i++) {
      each();
      const p = pass(run);
      if (p.kind === 'done' || p.kind === 'blocked') return p;
    }
    throw new Error('neither done nor blocked after 400 passes');
  };

  it('makes a primary strict only once a replica of its is linked, then keeps it strict when that replica dies, until a new one is back', () => {
    const run = newRun({ hosts, spec: alone, seed: 5 });
    expect(settle(run).kind).toBe('done');
    const primaries = [primaryOf(run.world, 0), primaryOf(run.world, 1)];
    expect(primaries.map(guard)).toEqual(['0', '0']);
    // Going to 1 replica makes it strict by default: no write refused while the new replicas sync.
    run.world.setSpec({ ...alone, replicasPerShard: 1 });
    const syncing = () => primaries.forEach((p) => linked(run.world, p) || expect(guard(p)).toBe('0'));
    expect(settleChecking(run, syncing).kind).toBe('done');
    expect(run.world.processes().map(guard)).toEqual(['1', '1', '1', '1']);
    // Its replica dies: the primary refuses writes (no configSet relaxes it) until the new one syncs.
    const replica = run.world.liveRows().find((r) => r.process?.role === 'replica' && r.process.primaryId === primaries[0]!.id)!;
    run.world.exit(replica.id);
    const before = run.performed.length;
    expect(settleChecking(run, () => expect(guard(primaries[0])).toBe('1')).kind).toBe('done');
    expect(run.performed.slice(before).filter((s) => s.kind === 'configSet' && s.params['min-replicas-to-write'] === '0')).toEqual([]);
    expect(linked(run.world, primaries[0]!)).toBe(true);
  });

  it('is switched on and off online, every node showing it when the change is done', () => {
    const spec: ClusterSpec = { ...alone, replicasPerShard: 1, durability: 'relaxed' };
    const run = newRun({ hosts, spec, seed: 9 });
    expect(settle(run).kind).toBe('done');
    expect(run.world.processes().map(guard)).toEqual(['0', '0', '0', '0']);
    run.world.setSpec({ ...spec, durability: 'strict' });
    expect(settle(run).kind).toBe('done');
    expect(run.world.processes().map(guard)).toEqual(['1', '1', '1', '1']);
    run.world.setSpec({ ...spec, replicasPerShard: 0, durability: 'relaxed' });
    expect(settle(run).kind).toBe('done');
    expect(run.world.processes().map(guard)).toEqual(['0', '0']);
  });

  it('moves slots of a scale-out and a scale-in of a strict cluster (MIGRATE is a write on both ends)', () => {
    const run = newRun({ hosts, spec: { ...alone, replicasPerShard: 1 }, seed: 11 });
    expect(settle(run).kind).toBe('done');
    run.world.tenantWrites(2000);
    run.world.setSpec({ ...alone, shards: 3, replicasPerShard: 1 });
    expect(settle(run).kind).toBe('done');
    expectConverged(run.world, { layout: 'even', spread: false });
    run.world.setSpec({ ...alone, shards: 1, replicasPerShard: 1 });
    expect(settle(run).kind).toBe('done');
    expectConverged(run.world, { layout: 'any', spread: false });
  });
});
