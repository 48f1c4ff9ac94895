import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ClusterSpec, RedisConfig } from '@slotplane/contracts';
import { SLOT_COUNT, countSlots, rangesEqual, splitSlots } from '../slots.ts';
import { configRevision, desiredNodeConfig } from './config.ts';
import { SILENT_LIMIT_MS, plan } from './plan.ts';
import { type DirtyStart, RedisCommandError, type SimHost, type SimRow, SimulatedCluster, mulberry32, printedConfig } from './simulator.ts';
import type { BlockedCode, Plan, Step } from './types.ts';

// ---- the worker, as the planner's caller: observe, plan, perform, loop ----------------

interface Run {
  world: SimulatedCluster;
  random: () => number;
  /** Chance that the worker dies partway through an act batch. */
  crashRate: number;
  trace: string[];
  /** Every step actually performed. */
  performed: Step[];
}

function newRun(opts: { hosts: SimHost[]; spec: ClusterSpec; seed: number; crashRate?: number; dirtyStart?: (row: SimRow, ordinal: number) => DirtyStart | undefined }): Run {
  const world = new SimulatedCluster({ hosts: opts.hosts, spec: opts.spec, seed: opts.seed, dirtyStart: opts.dirtyStart });
  return { world, random: mulberry32(opts.seed ^ 0x5eed), crashRate: opts.crashRate ?? 0, trace: [], performed: [] };
}

const stepText = (s: Step) =>
  s.kind === 'place' ? `place ${s.nodes.map((n) => `${n.shardIndex}${n.role[0]}@${n.hostId}:${n.port}`).join(',')}` : s.kind === 'remove' ? `remove ${s.nodeIds.join(',')}` : !('nodeId' in s) ? s.kind : `${s.kind} ${s.nodeId} ${JSON.stringify({ ...s, kind: undefined, nodeId: undefined })}`;

/**
 * The steps a crashed worker got done: a prefix of the batch, or for each node a prefix of its
 * own steps (steps of different nodes run independently; one node's run in order).
 */
function survivors(steps: Step[], run: Run): Step[] {
  if (run.random() >= run.crashRate) return steps;
  if (run.random() < 0.5) return steps.slice(0, Math.floor(run.random() * steps.length));
  const cut = new Set<string>();
  return steps.filter((s) => {
    const key = 'nodeId' in s ? s.nodeId : s.kind;
    if (cut.has(key) || run.random() < 0.4) {
      cut.add(key);
      return false;
    }
    return true;
  });
}

/** One pass of the worker loop. */
function pass(run: Run): Plan {
  const { world } = run;
  const p = plan(world.desired, world.observe());
  run.trace.push(`#${run.trace.length} t=${world.now} ${p.kind === 'act' ? `act ${p.phase}: ${p.steps.map(stepText).join(' | ')}` : p.kind === 'wait' ? `wait ${p.phase}` : p.kind === 'blocked' ? `blocked ${p.code}: ${p.reason}` : 'done'}`);
  if (p.kind === 'done' && !world.desired.deleting) world.formed = true;
  if (p.kind === 'wait') {
    world.tick();
    if (run.random() < 0.2) world.tick();
  }
  if (p.kind === 'act') {
    const kept = survivors(p.steps, run);
    for (const step of kept) {
      try {
        world.apply(step);
        run.performed.push(step);
      } catch (err) {
        if (err instanceof RedisCommandError) break;
        throw err;
      }
    }
    // A crashed worker is replaced only when its lease runs out: sometimes long enough for
    // FORGET bans to end while gossip goes on.
    const crashed = kept.length < p.steps.length;
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
    e.message = `${e.message}\n--- spec ${JSON.stringify(run.world.desired)}\n--- last passes:\n${run.trace.slice(-30).join('\n')}`;
    throw e;
  }
}

// ---- what "converged" means ---------------------------------------------------------------

/** `spread`: also require no two members of a shard on one host when there are enough hosts. */
function expectConverged(world: SimulatedCluster, { spread = true } = {}): void {
  const { spec } = world.desired;
  const live = world.liveRows();
  const members = 1 + spec.replicasPerShard;
  expect(world.errors).toEqual([]);
  expect(live).toHaveLength(spec.shards * members);
  expect(world.processes()).toHaveLength(spec.shards * members);
  const ranges = splitSlots(spec.shards);
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
    expect(rows.find((r) => r.process === owner)?.placedRole).toBe('primary');
    expect(rangesEqual(owner.slots, [ranges[shard]!])).toBe(true);
    for (const p of procs) {
      if (p === owner) continue;
      expect(p.role).toBe('replica');
      expect(p.primaryId).toBe(owner.id);
      expect(p.linkUp).toBe(true);
    }
    if (spread && world.hosts.length >= members) expect(new Set(rows.map((r) => r.hostId)).size).toBe(members);
  }
  const slots = world.processes().flatMap((p) => p.slots);
  expect(slots.reduce((n, [s, e]) => n + e - s + 1, 0)).toBe(SLOT_COUNT);
  expect(countSlots(slots)).toBe(SLOT_COUNT);

  const revision = configRevision(spec);
  expect(live.filter((r) => r.agentRevision !== revision)).toEqual([]);
  const want = desiredNodeConfig(spec);
  const removedIds = world.rows.filter((r) => r.removed && r.redisNodeId).map((r) => r.redisNodeId!);
  for (const p of world.processes()) {
    for (const [key, value] of Object.entries(want)) expect(p.config[key], key).toBe(printedConfig(key, value));
    expect(p.clusterState).toBe('ok');
    expect([...p.peers.keys()].filter((id) => removedIds.includes(id))).toEqual([]);
    expect(new Set(p.peers.keys())).toEqual(new Set(world.processes().filter((o) => o !== p).map((o) => o.id)));
  }
}

/** done stays done: more time passes (forget bans run out), nothing comes back. */
function expectStable(run: Run, opts: { spread?: boolean } = {}): void {
  for (let i = 0; i < run.world.banTicks + 3; i++) run.world.tick();
  expect(plan(run.world.desired, run.world.observe()).kind).toBe('done');
  expectConverged(run.world, opts);
}

function expectBlocked(p: Plan, code: BlockedCode): void {
  expect(p.kind === 'blocked' ? `${p.kind} ${p.code}` : p.kind).toBe(`blocked ${code}`);
}

// ---- inputs ---------------------------------------------------------------------------------

/** Up to 4 hosts, 60 ports each: room for 5 x 4 nodes on one host even while removed ones stop. */
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
  | { kind: 'shards' };
const changeArb: fc.Arbitrary<Change> = fc.oneof(
  { arbitrary: fc.record({ kind: fc.constant('replicas' as const), value: fc.integer({ min: 0, max: 3 }) }), weight: 3 },
  fc.record({ kind: fc.constant('memory' as const), value: fc.constantFrom(64, 128, 512) }),
  fc.record({ kind: fc.constant('persistence' as const), value: persistenceArb }),
  fc.record({ kind: fc.constant('redisConfig' as const), value: redisConfigArb }),
  fc.constant({ kind: 'shards' as const }),
);

function changed(spec: ClusterSpec, c: Exclude<Change, { kind: 'shards' }>): ClusterSpec {
  switch (c.kind) {
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

/** Up to `passes` passes, stopping early at done. */
function advance(run: Run, passes: number): void {
  for (let i = 0; i < passes; i++) {
    const p = pass(run);
    if (p.kind === 'done') return;
    if (p.kind === 'blocked') throw new Error(`unexpected blocked ${p.code}: ${p.reason}`);
  }
}

/** PLAN_SIM_RUNS=20 multiplies every property's runs, for a deeper search than CI's few seconds. */
const runs = (n: number) => n * Number(process.env.PLAN_SIM_RUNS ?? 1);

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
      { numRuns: runs(40) },
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
      { numRuns: runs(40) },
    );
  });

  it('follows spec changes made while creating or running to the newest spec, and refuses a shards change', () => {
    const changesArb = fc.array(fc.record({ after: fc.nat({ max: 30 }), change: changeArb }), { minLength: 1, maxLength: 4 });
    fc.assert(
      fc.property(specArb, hostsArb, seedArb, crashRateArb, changesArb, (spec, hosts, seed, crashRate, changes) => {
        const run = newRun({ hosts, spec, seed, crashRate });
        const { world } = run;
        traced(run, () => {
          for (const { after, change } of changes) {
            advance(run, after);
            // Shard count changes need the simulator to model slot migration (being added).
            if (change.kind !== 'shards') world.setSpec(changed(world.desired.spec, change));
          }
          expect(settle(run).kind).toBe('done');
          expectConverged(world);
          expectStable(run);
        });
      }),
      { numRuns: runs(60) },
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
      { numRuns: runs(40) },
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
      { numRuns: runs(25) },
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
      { numRuns: runs(40) },
    );
  });

  it('deletes from any reachable state', () => {
    fc.assert(
      fc.property(specArb, hostsArb, seedArb, crashRateArb, fc.nat({ max: 80 }), fc.option(changeArb, { nil: undefined }), (spec, hosts, seed, crashRate, after, change) => {
        const run = newRun({ hosts, spec, seed, crashRate });
        const { world } = run;
        traced(run, () => {
          advance(run, Math.floor(after / 2));
          if (change && change.kind !== 'shards') world.setSpec(changed(world.desired.spec, change));
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
      { numRuns: runs(50) },
    );
  });

  it('reports an exited node: node_down once formed, create_refused before', () => {
    fc.assert(
      fc.property(specArb, hostsArb, seedArb, fc.nat({ max: 60 }), fc.nat(), (spec, hosts, seed, after, pick) => {
        const run = newRun({ hosts, spec, seed, crashRate: 0.3 });
        const { world } = run;
        traced(run, () => {
          advance(run, after);
          while (world.shardCount === 0) pass(run);
          const live = world.liveRows();
          world.exit(live[pick % live.length]!.id);
          expectBlocked(pass(run), world.formed ? 'node_down' : 'create_refused');
        });
      }),
      { numRuns: runs(50) },
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

describe('a running node that stops answering', () => {
  it('is waited for while it may be starting, and is down once silent for SILENT_LIMIT_MS', () => {
    const hosts: SimHost[] = [
      { id: 'h1', zone: null, address: '10.0.0.1', portMin: 7000, portMax: 7059, foreignPorts: [] },
      { id: 'h2', zone: null, address: '10.0.0.2', portMin: 7000, portMax: 7059, foreignPorts: [] },
    ];
    const run = newRun({ hosts, spec: { shards: 1, replicasPerShard: 1, maxMemoryMb: 64, persistence: 'none', redisConfig: {} }, seed: 3 });
    expect(settle(run).kind).toBe('done');
    const observed = run.world.observe();
    const victim = observed.nodes[1]!;
    const silent = (ms: number) => ({ ...observed, nodes: observed.nodes.map((n) => (n === victim ? { ...n, redis: { reachable: false as const, error: 'timeout' }, silentForMs: ms } : n)) });
    expect(plan(run.world.desired, silent(0)).kind).toBe('wait');
    expect(plan(run.world.desired, silent(SILENT_LIMIT_MS - 1)).kind).toBe('wait');
    expect(plan(run.world.desired, silent(SILENT_LIMIT_MS))).toMatchObject({ kind: 'blocked', code: 'node_down', permanent: false, reason: expect.stringMatching(/has not answered for 10 s: timeout/) });
  });
});
