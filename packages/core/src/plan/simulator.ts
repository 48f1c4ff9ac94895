/**
 * TEST-ONLY simulated world for the planner's property tests: hosts, the Postgres rows of one
 * cluster, their agents, and a model of each Redis 7.0 process they run. Production code must
 * never import this file (it is not exported from the package index).
 *
 * It applies every planner Step the way Redis would and throws RuleViolation when a step breaks
 * a rule of shared/REDIS-CLUSTER-RULES.md, so a property test fails at the step that did it.
 * Deterministic for a seed: the same seed and the same calls give the same world.
 *
 * Not modelled: failover, process restarts (run generations), slot migration, PFAIL/FAIL
 * votes (a dead peer is simply "fail" after one tick), NOADDR, real time (one tick ~ TICK_MS).
 */
import type { ClusterSpec, NodeRole, NodeStatus, SlotRange } from '@slotplane/contracts';
import { parseClusterNodes } from '../cluster-nodes.ts';
import type { PlacementHost } from '../placement.ts';
import { SLOT_COUNT, countSlots, normalizeRanges } from '../slots.ts';
import { MANAGED_CONFIG_KEYS, configRevision, desiredNodeConfig } from './config.ts';
import type { DesiredCluster, ObservedCluster, ObservedNode, RedisAnswer, Step } from './types.ts';

/** A step that real Redis (or the rules) would make a disaster of: the planner is wrong. */
export class RuleViolation extends Error {
  override name = 'RuleViolation';
}
/** A step Redis answers with an error (harmless; the worker's batch stops there). */
export class RedisCommandError extends Error {
  override name = 'RedisCommandError';
}

export interface SimHost {
  id: string;
  zone: string | null;
  address: string;
  portMin: number;
  portMax: number;
  /** Ports other clusters' nodes hold on this host. */
  foreignPorts: number[];
}

/** How one node sees another (what its CLUSTER NODES line about it says). */
interface PeerView {
  host: string;
  port: number;
  role: NodeRole;
  primaryId: string | null;
  configEpoch: number;
  slots: SlotRange[];
  failing: boolean;
}

export interface SimRedis {
  id: string;
  rowId: string;
  host: string;
  port: number;
  role: NodeRole;
  primaryId: string | null;
  configEpoch: number;
  currentEpoch: number;
  slots: SlotRange[];
  peers: Map<string, PeerView>;
  /** CLUSTER MEET in progress: a made-up id until the other side answers (next tick). */
  handshakes: Array<{ id: string; host: string; port: number; age: number }>;
  /** FORGET's ban: id -> tick it ends; gossip cannot bring the id back before. */
  bans: Map<string, number>;
  keys: number;
  /** As CONFIG GET prints it. */
  config: Record<string, string>;
  clusterState: 'ok' | 'fail';
  everOk: boolean;
  readyTicks: number;
  linkUp: boolean;
  syncIn: number;
  /** Ticks it still answers LOADING after its agent reports it running. */
  loadingTicks: number;
}

export interface SimRow {
  id: string;
  shardIndex: number;
  hostId: string;
  host: string;
  port: number;
  placedRole: NodeRole;
  removed: boolean;
  runGeneration: number;
  agent: NodeStatus;
  agentRunGeneration: number | null;
  agentRevision: string | null;
  redisNodeId: string | null;
  /** The process the agent runs for this row (exists while agent is starting, running or stopping). */
  process: SimRedis | null;
  /** Tick of the first observation it did not answer, since it last answered. */
  silentSince: number | null;
}

/** What a process finds in its data dir when it starts: keys, or a nodes.conf naming a node of another cluster. */
export type DirtyStart = { keys?: number; stranger?: boolean };

export interface SimOptions {
  hosts: SimHost[];
  spec: ClusterSpec;
  seed: number;
  /** Ticks a FORGET bans the id (Redis: 60 s); short by default so re-gossip is exercised. */
  banTicks?: number;
  /** Called for the n-th process started (0-based). */
  dirtyStart?: (row: SimRow, ordinal: number) => DirtyStart | undefined;
}

const BUS_PORT_OFFSET = 10000;
/** Time one tick stands for (planner waits are 20-250 ms; an agent report, a gossip round, ~0.5 s). */
export const TICK_MS = 500;
const ALL_KEYSPACE_CLASSES = 'g$lshzxetd';
const hasProcessStatus = (s: NodeStatus) => s === 'starting' || s === 'running' || s === 'stopping';

/** CONFIG GET of notify-keyspace-events as Redis 7.0.15 prints it (keyspaceEventsFlagsToString; "n" is lost beside "A"). */
export function printKeyspaceEvents(value: string): string {
  const flags = new Set(value.replaceAll('A', ALL_KEYSPACE_CLASSES));
  let out = [...ALL_KEYSPACE_CLASSES].every((c) => flags.has(c)) ? 'A' : [...`${ALL_KEYSPACE_CLASSES}n`].filter((c) => flags.has(c)).join('');
  for (const c of 'KEm') if (flags.has(c)) out += c;
  return out;
}

/** A config value as CONFIG GET shows it after CONFIG SET (or redis.conf) gave it `value`. */
export function printedConfig(key: string, value: string): string {
  return key === 'notify-keyspace-events' ? printKeyspaceEvents(value) : value;
}

export class SimulatedCluster {
  readonly hosts: SimHost[];
  desired: DesiredCluster;
  /** observedGeneration > 0: the worker saw `done` once. */
  formed = false;
  shardCount = 0;
  readonly rows: SimRow[] = [];
  now = 0;
  /** Commands Redis refused (not rule violations); a correct planner sends none. */
  readonly errors: string[] = [];
  readonly banTicks: number;
  private readonly alive = new Map<string, SimRedis>();
  /** Every Redis id a process of this cluster ever had: anything else is a stranger. */
  private readonly ownIds = new Set<string>();
  private readonly random: () => number;
  private readonly dirtyStart: SimOptions['dirtyStart'];
  private placements = 0;
  private started = 0;

  constructor(opts: SimOptions) {
    this.hosts = opts.hosts;
    this.desired = { generation: 1, spec: opts.spec, deleting: false };
    this.random = mulberry32(opts.seed);
    this.banTicks = opts.banTicks ?? 5;
    this.dirtyStart = opts.dirtyStart;
  }

  setSpec(spec: ClusterSpec): void {
    this.desired = { ...this.desired, generation: this.desired.generation + 1, spec };
  }

  requestDelete(): void {
    this.desired = { ...this.desired, generation: this.desired.generation + 1, deleting: true };
  }

  liveRows(): SimRow[] {
    return this.rows.filter((r) => !r.removed);
  }

  processes(): SimRedis[] {
    return [...this.alive.values()];
  }

  // ---- observation -------------------------------------------------------------------

  /**
   * What the worker reads: rows from Postgres, and the answers of live nodes whose agent says
   * running (as services/worker/src/observe.ts asks them). Afterwards records each answering
   * node's Redis id in its row, as the worker's recordObservation does.
   */
  observe(): ObservedCluster {
    const answered: Array<[SimRow, string]> = [];
    const nodes = this.rows.map((row): ObservedNode => {
      const p = !row.removed && row.agent === 'running' ? row.process : null;
      let redis: ObservedNode['redis'] = null;
      if (p && p.loadingTicks > 0) {
        redis = { reachable: false, error: 'LOADING Redis is loading the dataset in memory' };
        row.silentSince ??= this.now;
      } else if (p) {
        redis = this.answer(p);
        answered.push([row, p.id]);
        row.silentSince = null;
      }
      const silentForMs = row.silentSince === null ? 0 : (this.now - row.silentSince) * TICK_MS;
      const { id, shardIndex, hostId, host, port, placedRole, removed, runGeneration, agent, agentRunGeneration, agentRevision, redisNodeId } = row;
      return { id, shardIndex, hostId, host, port, placedRole, removed, runGeneration, agent, agentRunGeneration, agentRevision, redisNodeId, redis, silentForMs };
    });
    for (const [row, id] of answered) row.redisNodeId = id;
    return { nodes, shardCount: this.shardCount, fleet: this.fleet(), formed: this.formed };
  }

  private fleet(): PlacementHost[] {
    return this.hosts.map((h) => ({
      id: h.id,
      zone: h.zone,
      portMin: h.portMin,
      portMax: h.portMax,
      usedPorts: [...h.foreignPorts, ...this.rows.filter((r) => r.hostId === h.id && holdsPort(r)).map((r) => r.port)],
    }));
  }

  private answer(p: SimRedis): RedisAnswer {
    const config: Record<string, string> = {};
    for (const key of MANAGED_CONFIG_KEYS) if (p.config[key] !== undefined) config[key] = p.config[key];
    return {
      reachable: true,
      myId: p.id,
      view: parseClusterNodes(this.clusterNodes(p)),
      clusterState: p.clusterState,
      keys: p.keys,
      linkUp: p.role === 'replica' ? p.linkUp : null,
      offset: p.keys,
      config,
    };
  }

  /** CLUSTER NODES as Redis 7.0 prints it from `p`'s point of view. */
  private clusterNodes(p: SimRedis): string {
    const line = (id: string, host: string, port: number, flags: string[], primaryId: string | null, epoch: number, connected: boolean, slots: SlotRange[]) =>
      [id, `${host}:${port}@${port + BUS_PORT_OFFSET}`, flags.join(','), primaryId ?? '-', '0', '0', String(epoch), connected ? 'connected' : 'disconnected', ...slots.map(([s, e]) => (s === e ? `${s}` : `${s}-${e}`))].join(' ');
    const roleFlag = (r: NodeRole) => (r === 'primary' ? 'master' : 'slave');
    // A node that never met anyone does not know its own IP yet (":7000@17000").
    const lines = [line(p.id, p.peers.size ? p.host : '', p.port, ['myself', roleFlag(p.role)], p.primaryId, p.configEpoch, true, p.role === 'primary' ? p.slots : [])];
    for (const [id, v] of p.peers) {
      lines.push(line(id, v.host, v.port, v.failing ? [roleFlag(v.role), 'fail'] : [roleFlag(v.role)], v.role === 'replica' ? v.primaryId : null, v.configEpoch, !v.failing, v.role === 'primary' ? v.slots : []));
    }
    for (const h of p.handshakes) lines.push(line(h.id, h.host, h.port, ['handshake'], null, 0, false, []));
    return lines.join('\r\n');
  }

  // ---- steps ---------------------------------------------------------------------------

  apply(step: Step): void {
    if (step.kind === 'place') return this.place(step);
    if (step.kind === 'remove') return this.remove(step);
    const row = this.row(step.nodeId);
    if (row.removed) throw new RuleViolation(`${step.kind} sent to removed node ${label(row)}`);
    const p = row.process;
    if (!p || row.agent !== 'running') return this.refuse(`${step.kind} on ${label(row)}: connection refused`);
    switch (step.kind) {
      case 'configSet':
        for (const [key, value] of Object.entries(step.params)) {
          if (!MANAGED_CONFIG_KEYS.includes(key)) throw new RuleViolation(`CONFIG SET of unmanaged key ${key} on ${label(row)}`);
          p.config[key] = printedConfig(key, value);
        }
        return;
      case 'setConfigEpoch': {
        this.checkCreateStep(p, 'SET-CONFIG-EPOCH');
        if (p.peers.size || p.handshakes.length) throw new RuleViolation(`SET-CONFIG-EPOCH on ${label(row)}, which knows other nodes`);
        if (p.configEpoch !== 0) throw new RuleViolation(`SET-CONFIG-EPOCH on ${label(row)}, whose epoch is already ${p.configEpoch}`);
        const clash = this.processes().find((o) => o !== p && o.configEpoch === step.epoch);
        if (step.epoch < 1 || clash) throw new RuleViolation(`SET-CONFIG-EPOCH ${step.epoch} on ${label(row)} is not a distinct positive epoch`);
        p.configEpoch = step.epoch;
        p.currentEpoch = Math.max(p.currentEpoch, step.epoch);
        return;
      }
      case 'addSlots': {
        this.checkCreateStep(p, 'ADDSLOTSRANGE');
        if (p.role !== 'primary') throw new RuleViolation(`ADDSLOTSRANGE on replica ${label(row)}`);
        const wanted = normalizeRanges(step.ranges);
        const owner = this.processes().find((o) => o.slots.some((a) => wanted.some((b) => overlap(a, b))));
        const believed = [...p.peers.values()].find((v) => v.slots.some((a) => wanted.some((b) => overlap(a, b))));
        if (owner || believed) throw new RuleViolation(`ADDSLOTSRANGE ${JSON.stringify(wanted)} on ${label(row)}: slot already owned`);
        p.slots = normalizeRanges([...p.slots, ...wanted]);
        return;
      }
      case 'meet':
        this.checkCreateStep(p, 'MEET');
        if (p.handshakes.some((h) => h.host === step.host && h.port === step.port)) return this.refuse(`MEET ${step.host}:${step.port} on ${label(row)}: handshake already in progress`);
        p.handshakes.push({ id: this.redisId(), host: step.host, port: step.port, age: 0 });
        return;
      case 'replicate': {
        const target = p.peers.get(step.primaryRedisId);
        if (step.primaryRedisId === p.id) throw new RuleViolation(`REPLICATE ${label(row)} to itself`);
        if (!target) throw new RuleViolation(`REPLICATE on ${label(row)} to ${short(step.primaryRedisId)}, which it does not know (ERR Unknown node)`);
        if (target.role !== 'primary') throw new RuleViolation(`REPLICATE on ${label(row)} to a replica`);
        if (p.role === 'primary' && (p.slots.length || p.keys)) throw new RuleViolation(`REPLICATE on ${label(row)}, a primary holding slots or keys`);
        if (p.primaryId === step.primaryRedisId) return;
        p.role = 'replica';
        p.primaryId = step.primaryRedisId;
        p.linkUp = false;
        p.syncIn = 1 + Math.floor(this.random() * 2);
        return;
      }
      case 'forget': {
        const id = step.forgetRedisId;
        const other = this.rows.find((r) => r.redisNodeId === id || r.process?.id === id);
        if (id === p.id) throw new RuleViolation(`FORGET of itself on ${label(row)}`);
        if (id === p.primaryId) throw new RuleViolation(`FORGET of its own primary on ${label(row)}`);
        if (this.alive.has(id) || (other && hasProcessStatus(other.agent))) throw new RuleViolation(`FORGET of running node ${short(id)} on ${label(row)}`);
        if (!p.peers.has(id)) return this.refuse(`FORGET ${short(id)} on ${label(row)}: ERR Unknown node`);
        p.peers.delete(id);
        p.bans.set(id, this.now + this.banTicks);
        return;
      }
    }
  }

  private place(step: Extract<Step, { kind: 'place' }>): void {
    for (const s of step.newShards) {
      if (s !== this.shardCount) throw new RuleViolation(`place: shard ${s} already exists or skips one (${this.shardCount} shards)`);
      this.shardCount++;
    }
    const batch = String(this.placements++).padStart(4, '0');
    for (const n of step.nodes) {
      const host = this.hosts.find((h) => h.id === n.hostId);
      if (!host) throw new RuleViolation(`place on unknown host ${n.hostId}`);
      if (n.port < host.portMin || n.port > host.portMax) throw new RuleViolation(`place on ${host.id}:${n.port}, outside its port range`);
      const taken = [...host.foreignPorts, ...this.rows.filter((r) => r.hostId === host.id && holdsPort(r)).map((r) => r.port)];
      if (taken.some((t) => t === n.port || Math.abs(t - n.port) === BUS_PORT_OFFSET)) throw new RuleViolation(`place: two nodes on ${host.id}:${n.port}`);
      if (n.shardIndex < 0 || n.shardIndex >= this.shardCount) throw new RuleViolation(`place: node for missing shard ${n.shardIndex}`);
      // UUIDv7 ids: ordered across batches, random within one.
      const id = `${batch}-${Math.floor(this.random() * 0xffffffff).toString(16).padStart(8, '0')}`;
      this.rows.push({
        id, shardIndex: n.shardIndex, hostId: host.id, host: host.address, port: n.port, placedRole: n.role, removed: false, runGeneration: 1,
        agent: 'pending', agentRunGeneration: null, agentRevision: null, redisNodeId: null, process: null, silentSince: null,
      });
    }
  }

  private remove(step: Extract<Step, { kind: 'remove' }>): void {
    const rows = step.nodeIds.map((id) => this.row(id));
    for (const row of rows) {
      if (row.removed || this.desired.deleting) continue;
      if (row.process?.slots.length) throw new RuleViolation(`remove of ${label(row)}, the primary of shard ${row.shardIndex}`);
      const owned = this.liveRows().some((r) => r.shardIndex === row.shardIndex && r.process?.slots.length);
      if (row.placedRole === 'primary' && !owned) throw new RuleViolation(`remove of ${label(row)}, placed primary of shard ${row.shardIndex} that nobody else can replace`);
    }
    for (const row of rows) row.removed = true;
  }

  private checkCreateStep(p: SimRedis, what: string): void {
    if (p.keys > 0) throw new RuleViolation(`${what} on ${p.host}:${p.port}, which holds ${p.keys} keys`);
    const strangers = [...p.peers.keys()].filter((id) => !this.ownIds.has(id));
    if (strangers.length) throw new RuleViolation(`${what} on ${p.host}:${p.port}, which knows a node outside the cluster`);
  }

  private refuse(message: string): void {
    this.errors.push(message);
    throw new RedisCommandError(message);
  }

  // ---- time ----------------------------------------------------------------------------

  /** One step of time: agents act, gossip spreads one hop, handshakes finish, replicas sync, cluster_state updates. */
  tick(): void {
    this.now++;
    this.runAgents();
    this.runGossip();
    this.runReplication();
    this.updateClusterState();
  }

  /** Fault: the process dies and its agent reports it exited. */
  exit(rowId: string): void {
    const row = this.row(rowId);
    this.kill(row);
    row.agent = 'exited';
  }

  /** Fault: a running node is told about a node of another cluster (someone MEET it by hand). */
  injectStranger(rowId: string): void {
    const p = this.row(rowId).process;
    if (!p) throw new Error('injectStranger: no process');
    p.peers.set(this.redisId(), { host: '10.99.0.1', port: 7000, role: 'primary', primaryId: null, configEpoch: 1, slots: [], failing: false });
  }

  private runAgents(): void {
    const revision = configRevision(this.desired.spec);
    for (const row of this.rows) {
      if (!row.removed) {
        if (row.agent === 'pending') {
          row.agent = 'starting';
          row.process = this.spawn(row);
          row.agentRunGeneration = row.runGeneration;
          row.agentRevision = revision;
        } else if (row.agent === 'starting' || row.agent === 'running') {
          if (row.agent === 'running' && row.process && row.process.loadingTicks > 0) row.process.loadingTicks--;
          row.agent = 'running';
          row.agentRevision = revision;
        }
      } else if (row.agent === 'pending') row.agent = 'stopped';
      else if (row.agent === 'starting' || row.agent === 'running') row.agent = 'stopping';
      else if (row.agent === 'stopping') {
        this.kill(row);
        row.agent = 'stopped';
      }
    }
  }

  private spawn(row: SimRow): SimRedis {
    const dirty = this.dirtyStart?.(row, this.started++);
    const config: Record<string, string> = {};
    // The agent's redis.conf: the spec it sees now, cluster-node-timeout at the running value.
    for (const [key, value] of Object.entries(desiredNodeConfig(this.desired.spec))) config[key] = printedConfig(key, value);
    const p: SimRedis = {
      id: this.redisId(), rowId: row.id, host: row.host, port: row.port, role: 'primary', primaryId: null, configEpoch: 0, currentEpoch: 0, slots: [],
      peers: new Map(), handshakes: [], bans: new Map(), keys: dirty?.keys ?? 0, config, clusterState: 'fail', everOk: false, readyTicks: 0, linkUp: false, syncIn: 0,
      loadingTicks: Math.floor(this.random() * 2),
    };
    this.ownIds.add(p.id);
    this.alive.set(p.id, p);
    if (dirty?.stranger) p.peers.set(this.redisId(), { host: '10.99.0.1', port: 7000, role: 'primary', primaryId: null, configEpoch: 1, slots: [], failing: false });
    return p;
  }

  private kill(row: SimRow): void {
    if (row.process) this.alive.delete(row.process.id);
    row.process = null;
  }

  private runGossip(): void {
    const procs = this.processes();
    const knewBefore = new Map(procs.map((p) => [p.id, new Map([...p.peers].map(([id, v]) => [id, { ...v }]))]));
    for (const p of procs) {
      for (const [id, until] of p.bans) if (until <= this.now) p.bans.delete(id);
      // Heartbeats: every known live peer tells its own state; a dead one is marked failing.
      for (const [id, v] of p.peers) {
        const q = this.alive.get(id);
        if (!q) {
          v.failing = true;
          continue;
        }
        p.peers.set(id, viewOf(q));
        p.currentEpoch = Math.max(p.currentEpoch, q.currentEpoch, q.configEpoch);
        // Same configEpoch on two primaries: the one with the smaller id takes a new one.
        if (p.role === 'primary' && q.role === 'primary' && q.configEpoch === p.configEpoch && q.id > p.id) p.configEpoch = ++p.currentEpoch;
      }
      // Gossip, one hop: whatever a live peer knew, with flags but no slots yet; FORGET's ban holds it off.
      for (const id of knewBefore.get(p.id)!.keys()) {
        if (!this.alive.has(id)) continue;
        for (const [z, v] of knewBefore.get(id) ?? []) {
          if (z === p.id || p.peers.has(z) || p.bans.has(z)) continue;
          p.peers.set(z, { host: v.host, port: v.port, role: v.role, primaryId: null, configEpoch: 0, slots: [], failing: v.failing });
        }
      }
    }
    // MEETs sent before this tick complete: both sides know each other (a MEET overrides a ban).
    for (const p of procs) {
      p.handshakes = p.handshakes.filter((h) => {
        const q = this.processes().find((o) => o.host === h.host && o.port === h.port);
        if (q === p) return false;
        if (q) {
          p.peers.set(q.id, viewOf(q));
          q.peers.set(p.id, viewOf(p));
          return false;
        }
        return ++h.age < 3;
      });
    }
  }

  private runReplication(): void {
    for (const p of this.processes()) {
      if (p.role === 'primary' && p.slots.length && p.clusterState === 'ok') p.keys++; // the tenant writes
    }
    for (const p of this.processes()) {
      if (p.role !== 'replica') continue;
      const primary = p.primaryId ? this.alive.get(p.primaryId) : undefined;
      if (!primary || primary.role !== 'primary') {
        p.linkUp = false;
        continue;
      }
      if (!p.linkUp && --p.syncIn <= 0) p.linkUp = true;
      if (p.linkUp) p.keys = primary.keys;
    }
  }

  /** ok once the node's own view has every slot on a live primary and matches the real slot map; a fresh primary waits one more tick. */
  private updateClusterState(): void {
    const truth = signature(this.processes().filter((p) => p.role === 'primary').map((p) => [p.id, p.slots]));
    for (const p of this.processes()) {
      const owners: Array<[string, SlotRange[]]> = [[p.id, p.role === 'primary' ? p.slots : []]];
      for (const [id, v] of p.peers) if (v.role === 'primary' && !v.failing) owners.push([id, v.slots]);
      const all = owners.flatMap(([, s]) => s);
      const total = all.reduce((n, [s, e]) => n + e - s + 1, 0);
      const ready = total === SLOT_COUNT && countSlots(all) === SLOT_COUNT && signature(owners) === truth;
      if (!ready) {
        p.readyTicks = 0;
        p.clusterState = 'fail';
        continue;
      }
      p.readyTicks++;
      if (p.readyTicks >= (p.everOk || p.role !== 'primary' ? 1 : 2)) {
        p.clusterState = 'ok';
        p.everOk = true;
      }
    }
  }

  // ---- helpers -------------------------------------------------------------------------

  private row(id: string): SimRow {
    const row = this.rows.find((r) => r.id === id);
    if (!row) throw new RuleViolation(`step names unknown node row ${id}`);
    return row;
  }

  private redisId(): string {
    let id = '';
    while (id.length < 40) id += Math.floor(this.random() * 0x10000).toString(16).padStart(4, '0');
    return id.slice(0, 40);
  }
}

function viewOf(q: SimRedis): PeerView {
  return { host: q.host, port: q.port, role: q.role, primaryId: q.primaryId, configEpoch: q.configEpoch, slots: [...q.slots], failing: false };
}

function signature(owners: Array<[string, SlotRange[]]>): string {
  return owners
    .filter(([, s]) => s.length)
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([id, s]) => `${id}:${JSON.stringify(normalizeRanges(s))}`)
    .join(';');
}

/** Live rows and rows whose process still runs hold their port (and its bus port). */
function holdsPort(r: SimRow): boolean {
  return !r.removed || r.process !== null;
}

function overlap([a, b]: SlotRange, [c, d]: SlotRange): boolean {
  return a <= d && c <= b;
}

const label = (r: SimRow) => `${r.host}:${r.port} (shard ${r.shardIndex}, ${r.placedRole})`;
const short = (id: string) => id.slice(0, 8);

/** Small seeded PRNG, so a failing seed replays exactly. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
