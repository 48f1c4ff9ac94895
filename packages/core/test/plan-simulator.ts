/**
 * TEST-ONLY simulated world for the planner's property tests: hosts, the Postgres rows of one
 * cluster (shards, nodes, the slot-move journal, open rebalance/switchover requests), their
 * agents, the worker's multi-command steps, and a model of each Redis 7.0 process they run,
 * with its keys counted per slot. Production code must never import this file (it is not
 * exported from the package index).
 *
 * It applies every planner Step the way Redis would and throws RuleViolation when a step breaks
 * a rule of shared/REDIS-CLUSTER-RULES.md, so a property test fails at the step that did it.
 * Deterministic for a seed: the same seed and the same calls give the same world.
 *
 * Modelled: slot migration as the worker runs it (SETSLOT IMPORTING/MIGRATING, MIGRATE batches,
 * SETSLOT NODE on target, source, others; journal states), cut anywhere by a crash (open slots,
 * keys half moved, a MIGRATE copied but not deleted); ASK routing of new keys in a migrating
 * slot; slot ownership settled by config epochs over gossip; replica migration of a master that
 * lost its last slot (and of its replicas); coordinated CLUSTER FAILOVER; requests succeeding
 * when the worker records a `done`; bytes per slot measured as the worker does (only while a
 * rebalance by memory has no journaled move yet). Replicas copy their primary's totals each
 * tick and its slots only when they take over (only primaries' slots are ever read).
 * Simplified: steps of one batch (and the drains inside a moveSlots) run one after another, not
 * concurrently; a cut leaves at most one slot half drained.
 * A replica promoted by CLUSTER FAILOVER FORCE keeps the keys it had copied (a write its dead
 * primary took after the last copy is lost, as in Redis).
 * Redis's own failover: a dead peer is flagged FAIL after FAIL_TICKS when a majority of the
 * slot-owning primaries live; the next tick its replica with the greatest offset takes over.
 * A lost host: its agent reports nothing and its processes are gone; when it comes back its
 * agent finds them exited (and erases the removed ones).
 * min-replicas-to-write: a primary that has it and no replica with its link up refuses writes
 * (NOREPLICAS): the tenant's, and MIGRATE as source or as target (RESTORE-ASKING is a write).
 * Not modelled: PFAIL votes one by one, replica validity, NOADDR, key values (copies a cut MIGRATE left are
 * always equal), real time (one tick ~ TICK_MS).
 */
import type { ClusterSpec, NodeRole, NodeStatus, SlotRange, StartFailure } from '@slotplane/contracts';
import { parseClusterNodes } from '../src/cluster-nodes.ts';
import type { PlacementHost } from '../src/placement.ts';
import { SLOT_COUNT, countSlots, normalizeRanges } from '../src/slots.ts';
import { MANAGED_CONFIG_KEYS, configRevision, desiredNodeConfig } from '../src/plan/config.ts';
import { persistenceError } from '../src/plan/persistence.ts';
import type { DesiredCluster, ObservedCluster, ObservedNode, OpenMove, RedisAnswer, Request, Step } from '../src/plan/types.ts';

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
  /** Free bytes its agent reports for its data dir (unset: not reported); 0 is a full disk (see fillDisk). */
  freeDiskBytes?: number;
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
  /** DBSIZE: the sum of slotKeys. */
  keys: number;
  /** Keys held per slot (COUNTKEYSINSLOT), and their bytes. */
  slotKeys: Int32Array;
  slotBytes: Float64Array;
  /** Per slot, how many of the keys this node still holds a cut MIGRATE already copied to the target. */
  copied: Map<number, number>;
  /** Replication offset: grows with every write; a synced replica has its primary's. */
  offset: number;
  /** Open slots: slot -> the node it migrates to / imports from (printed on the myself line). */
  migrating: Map<number, string>;
  importing: Map<number, string>;
  /**
   * Who it takes to own each slot it imports: Redis keeps an importing slot's owner as it was
   * (the source, normally) whatever a newer claim says, until SETSLOT NODE on it; '' when that
   * owner was forgotten (the slot is then unassigned here, and stays so while it imports).
   */
  importOwner: Map<number, string>;
  /** As CONFIG GET prints it. */
  config: Record<string, string>;
  clusterState: 'ok' | 'fail';
  everOk: boolean;
  readyTicks: number;
  linkUp: boolean;
  syncIn: number;
  /**
   * It completed a sync since it started or was demoted (INFO's master_link_down_since_seconds is
   * -1 until then): a replica that has not holds nothing of its primary.
   */
  syncedOnce: boolean;
  /** Tick its link went down, when syncedOnce and not linkUp. */
  linkDownAt: number;
  /** Ticks it still answers LOADING after its agent reports it running. */
  loadingTicks: number;
  /** Its disk is full: its AOF writes and snapshots fail (INFO persistence says err) while it persists. */
  diskFull?: boolean;
}

export interface SimShard {
  id: string;
  index: number;
  /** Retired by a scale-in: not a live shard row any more (its index may be used again). */
  retired: boolean;
}

export interface SimRow {
  id: string;
  /** The shard row it belongs to (SimShard.id). */
  shardId: string;
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
  /** The process that exited, as its data dir keeps it (nodes.conf; keys if persisted). */
  exitedProcess?: SimRedis;
  /** What a restart in place loses (set by the restart step). */
  restartLoss?: 'all' | 'since_last_save' | null;
  /** Its agent could not start its current run (a full disk). */
  startFailure?: StartFailure | null;
  /** Tick its agent reported the process exited (while agent is 'exited'). */
  exitedAt?: number;
  /** Its config epoch at the last observation it answered (the worker records it). */
  lastEpoch?: number;
}

export type MoveState = 'planned' | 'importing' | 'migrating' | 'draining' | 'owner_target' | 'owner_source' | 'owner_all' | 'done';

/** One row of the slot-move journal. */
export interface SimMove {
  slot: number;
  sourceNodeId: string;
  targetNodeId: string;
  state: MoveState;
  operationId: string | null;
  generation: number | null;
}

/** An open rebalance or switchover operation, as the API stored it. */
export type SimRequest =
  | { kind: 'rebalance'; operationId: string; by: 'slots' | 'memory'; thresholdPercent: number }
  | { kind: 'switchover'; operationId: string; shardIndex: number; nodeId: string | null; fromNodeId: string };

/**
 * Where a worker dies inside a moveSlots step: in chunk `chunk` (clamped to the last), in phase
 * `phase` (0 importing, 1 migrating, 2 draining, 3 owner on target, 4 on source, 5 on the
 * others, 6 journal done), after `fraction` of that phase's commands.
 */
export interface MoveCut {
  chunk: number;
  phase: number;
  fraction: number;
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
  /** New keys the tenant writes per tick through each primary with slots (default 3). */
  writesPerTick?: number;
  /** The worker's HOST_MIN_FREE_DISK_MB, in bytes (default 0: any host that reports room). */
  minFreeDiskBytes?: number;
}

const BUS_PORT_OFFSET = 10000;
/** Ticks from a process's death to its peers flagging it FAIL (cluster-node-timeout, shortened). */
const FAIL_TICKS = 4;
/** Time one tick stands for (planner waits are 20-250 ms; an agent report, a gossip round, ~0.5 s). */
export const TICK_MS = 500;
/** Bytes of a key the tenant writes. */
export const TENANT_KEY_BYTES = 100;
/** As services/worker/src/migrate.ts: slots journaled and switched together. */
const SLOTS_PER_CHUNK = 256;
/** Keys per MIGRATE in the model (small, so a slot takes several and a crash can cut between). */
const KEYS_PER_MIGRATE = 4;
const MOVE_PHASES = 7;
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
  /** An update that set shards is open (the API records the fields an update changes). */
  reshaping = false;
  /** Shard rows, retired ones included. */
  readonly shards: SimShard[] = [];
  readonly rows: SimRow[] = [];
  /** The slot-move journal, every row ever written. */
  readonly journal: SimMove[] = [];
  /** Open rebalance and switchover operations, oldest first. */
  requests: SimRequest[] = [];
  now = 0;
  /** Commands Redis refused (not rule violations); a correct planner sends none. */
  readonly errors: string[] = [];
  readonly banTicks: number;
  /** Keys clients wrote (tenant writes and planted keys), each key once. */
  written = 0;
  private readonly alive = new Map<string, SimRedis>();
  /** Hosts whose agent and processes are gone: nothing on them reports or answers. */
  readonly lostHosts = new Set<string>();
  /** Tick each dead process died at (its peers flag it FAIL FAIL_TICKS later). */
  private readonly diedAt = new Map<string, number>();
  /** Every process that died, as it was then (what its replicas in sync held). */
  private readonly corpses = new Map<string, SimRedis>();
  /** Every Redis id a process of this cluster ever had: anything else is a stranger. */
  private readonly ownIds = new Set<string>();
  private readonly random: () => number;
  private readonly dirtyStart: SimOptions['dirtyStart'];
  private readonly writesPerTick: number;
  private readonly minFreeDiskBytes: number;
  /** The open journal row of each slot, if any. */
  private readonly openAt: Array<SimMove | undefined> = new Array<SimMove | undefined>(SLOT_COUNT).fill(undefined);
  private openCount = 0;
  /** observe()'s list of open moves, until the journal changes. */
  private openView: OpenMove[] | null = null;
  private readonly opCounts = new Map<string, { done: number; open: number }>();
  private readonly parsed = new Map<string, { text: string; view: RedisAnswer['view'] }>();
  private placements = 0;
  private started = 0;
  private operations = 0;

  constructor(opts: SimOptions) {
    this.hosts = opts.hosts;
    this.desired = { generation: 1, spec: opts.spec, deleting: false, tenantPasswords: [], previousPasswordExpired: false };
    this.random = mulberry32(opts.seed);
    this.banTicks = opts.banTicks ?? 5;
    this.dirtyStart = opts.dirtyStart;
    this.writesPerTick = opts.writesPerTick ?? 3;
    this.minFreeDiskBytes = opts.minFreeDiskBytes ?? 0;
  }

  /** Live (not retired) shard rows: their indices are 0..shardCount-1. */
  get shardCount(): number {
    return this.shards.filter((s) => !s.retired).length;
  }

  setSpec(spec: ClusterSpec): void {
    // The API records an update's changed fields; one that sets shards asks for exact shares.
    if (spec.shards !== this.desired.spec.shards) this.reshaping = true;
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

  /** Journal rows not done. */
  openMoves(): SimMove[] {
    const out: SimMove[] = [];
    if (this.openCount) for (const m of this.openAt) if (m) out.push(m);
    return out;
  }

  /** A rebalance, as POST /rebalance stores it; returns the operation id. */
  requestRebalance(by: 'slots' | 'memory', thresholdPercent: number): string {
    const operationId = this.operationId();
    this.requests.push({ kind: 'rebalance', operationId, by, thresholdPercent });
    return operationId;
  }

  /** A switchover of a shard, as POST /shards/{index}/switchover stores it (with the primary it starts from). */
  requestSwitchover(shardIndex: number, nodeId: string | null): string {
    const from = this.liveRows().find((r) => r.shardIndex === shardIndex && r.process?.role === 'primary' && r.process.slots.length);
    if (!from) throw new Error(`requestSwitchover: shard ${shardIndex} has no primary with slots`);
    const operationId = this.operationId();
    this.requests.push({ kind: 'switchover', operationId, shardIndex, nodeId, fromNodeId: from.id });
    return operationId;
  }

  /**
   * The worker's recordConverged after a `done`: it is wrong for anything to be still open then
   * (a slot importing or migrating, a journal row); the requests the plan saw succeed.
   */
  converged(requestsSeen: string[]): void {
    if (!this.desired.deleting) {
      for (const p of this.processes()) {
        const row = this.rows.find((r) => r.id === p.rowId)!;
        if (row.removed) continue;
        const open = [...[...p.migrating].map(([s, to]) => `[${s}->-${short(to)}]`), ...[...p.importing].map(([s, from]) => `[${s}-<-${short(from)}]`)];
        if (open.length) throw new RuleViolation(`done while ${label(row)} has open slots ${open.slice(0, 5).join(' ')}`);
      }
      if (this.openCount) throw new RuleViolation(`done while the journal has ${this.openCount} open move(s), e.g. slot ${this.openMoves()[0]!.slot}`);
    }
    this.requests = this.requests.filter((r) => !requestsSeen.includes(r.operationId));
    this.reshaping = false;
  }

  /** Distinct keys the primaries hold (a key copied by a cut MIGRATE counts once). */
  storedKeys(): number {
    let n = 0;
    for (const p of this.processes()) {
      if (p.role !== 'primary') continue;
      n += p.keys;
      for (const c of p.copied.values()) n -= c;
    }
    return n;
  }

  /** The tenant writes `count` new keys into random slots, through the cluster's routing. */
  tenantWrites(count: number): void {
    for (let i = 0; i < count; i++) this.clientWrite(Math.floor(this.random() * SLOT_COUNT), 1, TENANT_KEY_BYTES);
  }

  /** The tenant writes `count` keys of `bytes` each into `slot` (a hash tag pins them there). */
  putKeys(slot: number, count: number, bytes: number): void {
    if (!this.clientWrite(slot, count, bytes)) throw new Error(`putKeys: slot ${slot} is not served`);
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
      // As the worker: nodes whose agent says running or exited are asked (an exit is checked).
      const asked = !row.removed && (row.agent === 'running' || row.agent === 'exited');
      const p = asked ? row.process : null;
      let redis: ObservedNode['redis'] = asked && !p ? { reachable: false, error: 'connect ECONNREFUSED' } : null;
      if (asked && !p) row.silentSince ??= this.now;
      else if (p && p.loadingTicks > 0) {
        redis = { reachable: false, error: 'LOADING Redis is loading the dataset in memory' };
        row.silentSince ??= this.now;
      } else if (p) {
        redis = this.answer(p);
        answered.push([row, p.id]);
        row.silentSince = null;
      }
      const silentForMs = row.silentSince === null ? 0 : (this.now - row.silentSince) * TICK_MS;
      const { id, shardIndex, hostId, host, port, placedRole, removed, runGeneration, agent, agentRunGeneration, agentRevision, redisNodeId } = row;
      const hostState = this.lostHosts.has(hostId) ? ('lost' as const) : ('up' as const);
      const exitedForMs = agent === 'exited' && row.exitedAt !== undefined ? (this.now - row.exitedAt) * TICK_MS : null;
      const startFailure = row.startFailure ?? null;
      return { id, shardIndex, hostId, host, port, placedRole, removed, runGeneration, agent, agentRunGeneration, agentRevision, startFailure, redisNodeId, redis, silentForMs, exitedForMs, lastEpoch: row.lastEpoch ?? null, hostState };
    });
    for (const [row, id] of answered) {
      row.redisNodeId = id;
      row.lastEpoch = this.alive.get(id)!.configEpoch;
    }
    const moves = (this.openView ??= this.openMoves().map(({ slot, sourceNodeId, targetNodeId, state, generation }) => ({ slot, sourceNodeId, targetNodeId, state, generation })));
    const requests: Request[] = this.requests.map((r) => {
      if (r.kind === 'switchover') return { ...r };
      const c = this.opCounts.get(r.operationId);
      return { ...r, movesDone: c?.done ?? 0, movesOpen: c?.open ?? 0 };
    });
    // As the worker: slots are measured only for a memory rebalance that has not journaled moves yet.
    const measure = requests.some((r) => r.kind === 'rebalance' && r.by === 'memory' && r.movesDone + r.movesOpen === 0);
    return { nodes, shardCount: this.shardCount, moves, requests, slotBytes: measure ? this.measureSlots() : null, fleet: this.fleet(), minFreeDiskBytes: this.minFreeDiskBytes, formed: this.formed, reshaping: this.reshaping };
  }

  /** Bytes per slot with keys, read on the primary that owns it (services/worker/src/observe.ts measureSlots). */
  private measureSlots(): Map<number, number> {
    const bytes = new Map<number, number>();
    for (const row of this.liveRows()) {
      const p = row.process;
      if (!p || row.agent !== 'running' || p.role !== 'primary') continue;
      for (const [s, e] of p.slots) for (let x = s; x <= e; x++) if (p.slotKeys[x]! > 0) bytes.set(x, p.slotBytes[x]!);
    }
    return bytes;
  }

  private fleet(): PlacementHost[] {
    return this.hosts.filter((h) => !this.lostHosts.has(h.id)).map((h) => ({
      id: h.id,
      zone: h.zone,
      portMin: h.portMin,
      portMax: h.portMax,
      usedPorts: [...h.foreignPorts, ...this.rows.filter((r) => r.hostId === h.id && holdsPort(r)).map((r) => r.port)],
      ...(h.freeDiskBytes === undefined ? {} : { freeDiskBytes: h.freeDiskBytes }),
    }));
  }

  private answer(p: SimRedis): RedisAnswer {
    const config: Record<string, string> = {};
    for (const key of MANAGED_CONFIG_KEYS) if (p.config[key] !== undefined) config[key] = p.config[key];
    return {
      reachable: true,
      myId: p.id,
      view: this.view(p),
      clusterState: p.clusterState,
      // As Redis: a failed write counts only for the files it keeps (appendonly, a save schedule).
      persistenceError: p.diskFull ? persistenceError({ aof_last_write_status: 'err', rdb_last_bgsave_status: 'err' }, p.config) : null,
      keys: p.keys,
      linkUp: p.role === 'replica' ? p.linkUp : null,
      offset: p.offset,
      linkDownMs: p.role !== 'replica' ? null : p.linkUp ? 0 : p.syncedOnce ? (this.now - p.linkDownAt) * TICK_MS : null,
      // A full sync runs while its primary lives and the link is not up yet.
      syncing: p.role === 'replica' && !p.linkUp && !!p.primaryId && this.alive.get(p.primaryId)?.role === 'primary',
      config,
      // The simulated cluster has no tenant password (desired: none either).
      tenantPasswords: [],
      tenantAclCurrent: true,
    };
  }

  /** CLUSTER NODES of `p`, parsed as the worker does (the same text parses to the same entries). */
  private view(p: SimRedis): RedisAnswer['view'] {
    const text = this.clusterNodes(p);
    const last = this.parsed.get(p.id);
    if (last?.text === text) return last.view;
    const view = parseClusterNodes(text);
    this.parsed.set(p.id, { text, view });
    return view;
  }

  /** CLUSTER NODES as Redis 7.0 prints it from `p`'s point of view (open slots on the myself line). */
  private clusterNodes(p: SimRedis): string {
    const line = (id: string, host: string, port: number, flags: string[], primaryId: string | null, epoch: number, connected: boolean, slots: SlotRange[], open: string[] = []) =>
      [id, `${host}:${port}@${port + BUS_PORT_OFFSET}`, flags.join(','), primaryId ?? '-', '0', '0', String(epoch), connected ? 'connected' : 'disconnected', ...slots.map(([s, e]) => (s === e ? `${s}` : `${s}-${e}`)), ...open].join(' ');
    const roleFlag = (r: NodeRole) => (r === 'primary' ? 'master' : 'slave');
    const open = [...[...p.migrating].map(([s, to]) => `[${s}->-${to}]`), ...[...p.importing].map(([s, from]) => `[${s}-<-${from}]`)];
    // A node that never met anyone does not know its own IP yet (":7000@17000").
    const mine = ['myself', roleFlag(p.role), ...(p.config['cluster-replica-no-failover'] === 'yes' ? ['nofailover'] : [])];
    const lines = [line(p.id, p.peers.size ? p.host : '', p.port, mine, p.primaryId, p.configEpoch, true, p.role === 'primary' ? p.slots : [], open)];
    for (const [id, v] of p.peers) {
      lines.push(line(id, v.host, v.port, v.failing ? [roleFlag(v.role), 'fail'] : [roleFlag(v.role)], v.role === 'replica' ? v.primaryId : null, v.configEpoch, !v.failing, v.role === 'primary' ? this.believedSlots(p, id, v) : []));
    }
    for (const h of p.handshakes) lines.push(line(h.id, h.host, h.port, ['handshake'], null, 0, false, []));
    return lines.join('\r\n');
  }

  // ---- steps ---------------------------------------------------------------------------

  /**
   * Performs one step. `cut` (moveSlots only): the worker dies partway through it. Returns false
   * when the step was cut short.
   */
  apply(step: Step, cut?: MoveCut): boolean {
    switch (step.kind) {
      case 'place':
        this.place(step);
        return true;
      case 'remove':
        this.remove(step);
        return true;
      case 'journalMoves':
        this.journalMoves(step);
        return true;
      case 'repointMoves':
        this.repointMoves(step);
        return true;
      case 'dropMoves':
        for (const slot of step.slots) {
          if (this.openAt[slot]?.state !== 'planned') throw new RuleViolation(`dropMoves of slot ${slot}, whose move is ${this.openAt[slot]?.state ?? 'not open'}`);
          this.forgetMove(slot);
        }
        return true;
      case 'finishMoves': {
        for (const slot of step.slots) {
          const m = this.openAt[slot];
          if (!m) throw new RuleViolation(`finishMoves of slot ${slot}, which has no open move`);
          const target = this.rows.find((r) => r.id === m.targetNodeId)?.process;
          if (!target || !owns(target.slots, slot)) throw new RuleViolation(`finishMoves of slot ${slot}, which its target does not own`);
        }
        this.setState(step.slots, 'done');
        return true;
      }
      case 'retireShards':
        this.retireShards(step);
        return true;
      case 'restart': {
        const row = this.row(step.nodeId);
        if (row.agent !== 'exited' || row.removed) throw new RuleViolation(`restart of ${label(row)}, which has not exited`);
        if (row.process) throw new RuleViolation(`restart in place of ${label(row)} while its process still runs`);
        row.runGeneration++;
        row.restartLoss = step.loss;
        return true;
      }
      case 'retirePreviousPassword':
      case 'setTenantPasswords':
        // Its desired cluster honours no password and its nodes accept none: nothing to set.
        throw new RuleViolation(`${step.kind} in a simulated cluster, which has no tenant passwords`);
      case 'stopWedged':
        // Its nodes run no scripts: none ever answers BUSY.
        throw new RuleViolation(`${step.kind} in a simulated cluster, whose nodes run no scripts`);
      default:
    }
    const row = this.row(step.nodeId);
    if (row.removed) throw new RuleViolation(`${step.kind} sent to removed node ${label(row)}`);
    const p = row.process;
    if (!p || row.agent !== 'running') {
      this.refuse(`${step.kind} on ${label(row)}: connection refused`);
      return false;
    }
    switch (step.kind) {
      case 'configSet':
        for (const [key, value] of Object.entries(step.params)) {
          if (!MANAGED_CONFIG_KEYS.includes(key)) throw new RuleViolation(`CONFIG SET of unmanaged key ${key} on ${label(row)}`);
          p.config[key] = printedConfig(key, value);
        }
        return true;
      case 'setConfigEpoch': {
        this.checkCreateStep(p, 'SET-CONFIG-EPOCH');
        if (p.peers.size || p.handshakes.length) throw new RuleViolation(`SET-CONFIG-EPOCH on ${label(row)}, which knows other nodes`);
        if (p.configEpoch !== 0) throw new RuleViolation(`SET-CONFIG-EPOCH on ${label(row)}, whose epoch is already ${p.configEpoch}`);
        const clash = this.processes().find((o) => o !== p && o.configEpoch === step.epoch);
        if (step.epoch < 1 || clash) throw new RuleViolation(`SET-CONFIG-EPOCH ${step.epoch} on ${label(row)} is not a distinct positive epoch`);
        p.configEpoch = step.epoch;
        p.currentEpoch = Math.max(p.currentEpoch, step.epoch);
        return true;
      }
      case 'addSlots': {
        this.checkCreateStep(p, 'ADDSLOTSRANGE');
        if (p.role !== 'primary') throw new RuleViolation(`ADDSLOTSRANGE on replica ${label(row)}`);
        const wanted = normalizeRanges(step.ranges);
        const owner = this.processes().find((o) => o.slots.some((a) => wanted.some((b) => overlap(a, b))));
        const believed = [...p.peers.values()].find((v) => v.slots.some((a) => wanted.some((b) => overlap(a, b))));
        if (owner || believed) throw new RuleViolation(`ADDSLOTSRANGE ${JSON.stringify(wanted)} on ${label(row)}: slot already owned`);
        p.slots = normalizeRanges([...p.slots, ...wanted]);
        return true;
      }
      case 'meet':
        this.checkCreateStep(p, 'MEET');
        if (p.handshakes.some((h) => h.host === step.host && h.port === step.port)) {
          this.refuse(`MEET ${step.host}:${step.port} on ${label(row)}: handshake already in progress`);
          return false;
        }
        p.handshakes.push({ id: this.redisId(), host: step.host, port: step.port, age: 0 });
        return true;
      case 'replicate': {
        const target = p.peers.get(step.primaryRedisId);
        if (step.primaryRedisId === p.id) throw new RuleViolation(`REPLICATE ${label(row)} to itself`);
        if (!target) throw new RuleViolation(`REPLICATE on ${label(row)} to ${short(step.primaryRedisId)}, which it does not know (ERR Unknown node)`);
        if (target.role !== 'primary') throw new RuleViolation(`REPLICATE on ${label(row)} to a replica`);
        if (p.role === 'primary' && (p.slots.length || p.keys)) throw new RuleViolation(`REPLICATE on ${label(row)}, a primary holding slots or keys`);
        if (p.primaryId === step.primaryRedisId) return true;
        this.follow(p, step.primaryRedisId);
        return true;
      }
      case 'forget': {
        const id = step.forgetRedisId;
        const other = this.rows.find((r) => r.redisNodeId === id || r.process?.id === id);
        if (id === p.id) throw new RuleViolation(`FORGET of itself on ${label(row)}`);
        if (id === p.primaryId) throw new RuleViolation(`FORGET of its own primary on ${label(row)}`);
        // A lost host's agent reports nothing: its last word (running) is stale, the process is what counts.
        if (this.alive.has(id) || (other && hasProcessStatus(other.agent) && !this.lostHosts.has(other.hostId))) throw new RuleViolation(`FORGET of running node ${short(id)} on ${label(row)}`);
        if (!p.peers.has(id)) {
          this.refuse(`FORGET ${short(id)} on ${label(row)}: ERR Unknown node`);
          return false;
        }
        p.peers.delete(id);
        p.bans.set(id, this.now + this.banTicks);
        // Its open slots close; a slot it owned in this node's eyes is unassigned (and stays so while imported).
        for (const [slot, to] of p.migrating) if (to === id) p.migrating.delete(slot);
        for (const [slot, from] of p.importing) if (from === id) p.importing.delete(slot);
        for (const [slot, owner] of p.importOwner) {
          if (!p.importing.has(slot)) p.importOwner.delete(slot);
          else if (owner === id) p.importOwner.set(slot, '');
        }
        return true;
      }
      case 'setSlots':
        this.setSlots(row, p, step);
        return true;
      case 'undoMoves':
        this.undoMoves(step, row, p);
        return true;
      case 'moveSlots':
        return this.moveSlots(step, row, p, cut);
      case 'failover':
        // The worker records the heir with an epoch above every recorded one first (claimNewestEpoch).
        row.lastEpoch = Math.max(0, ...this.rows.map((r) => r.lastEpoch ?? 0)) + 1;
        if (step.mode) this.forcedFailover(row, p, step.mode === 'takeover');
        else this.failover(row, p);
        // Writes are held on it until the moves' slots are MIGRATING (the worker's CLIENT PAUSE).
        for (const { redisId, slots } of step.migrating ?? []) this.setSlots(row, p, { kind: 'setSlots', nodeId: row.id, slots, how: 'MIGRATING', redisId });
        this.checkMovedKeysReachable(p, `CLUSTER FAILOVER on ${label(row)}`);
        return true;
    }
  }

  private place(step: Extract<Step, { kind: 'place' }>): void {
    for (const s of step.newShards) {
      if (s !== this.shardCount) throw new RuleViolation(`place: shard ${s} already exists or skips one (${this.shardCount} shards)`);
      this.shards.push({ id: `shard-${this.shards.length}`, index: s, retired: false });
    }
    const batch = String(this.placements++).padStart(4, '0');
    for (const n of step.nodes) {
      const host = this.hosts.find((h) => h.id === n.hostId);
      if (!host) throw new RuleViolation(`place on unknown host ${n.hostId}`);
      if (n.port < host.portMin || n.port > host.portMax) throw new RuleViolation(`place on ${host.id}:${n.port}, outside its port range`);
      const taken = [...host.foreignPorts, ...this.rows.filter((r) => r.hostId === host.id && holdsPort(r)).map((r) => r.port)];
      if (taken.some((t) => t === n.port || Math.abs(t - n.port) === BUS_PORT_OFFSET)) throw new RuleViolation(`place: two nodes on ${host.id}:${n.port}`);
      const shard = this.shards.find((s) => !s.retired && s.index === n.shardIndex);
      if (!shard) throw new RuleViolation(`place: node for missing shard ${n.shardIndex}`);
      // UUIDv7 ids: ordered across batches, random within one.
      const id = `${batch}-${Math.floor(this.random() * 0xffffffff).toString(16).padStart(8, '0')}`;
      this.rows.push({
        id, shardId: shard.id, shardIndex: n.shardIndex, hostId: host.id, host: host.address, port: n.port, placedRole: n.role, removed: false, runGeneration: 1,
        agent: 'pending', agentRunGeneration: null, agentRevision: null, redisNodeId: null, process: null, silentSince: null,
      });
    }
  }

  private remove(step: Extract<Step, { kind: 'remove' }>): void {
    const rows = step.nodeIds.map((id) => this.row(id));
    for (const row of rows) {
      if (row.removed || this.desired.deleting) continue;
      const p = row.process;
      if (p?.slots.length) throw new RuleViolation(`remove of ${label(row)}, the primary of shard ${row.shardIndex}`);
      if (p && p.role === 'primary' && p.keys > 0) throw new RuleViolation(`remove of ${label(row)}, a primary holding ${p.keys} key(s) (an open slot?)`);
      const named = this.openMoves().find((m) => m.sourceNodeId === row.id || m.targetNodeId === row.id);
      if (named) throw new RuleViolation(`remove of ${label(row)}, named by the open move of slot ${named.slot}`);
      // Members that stay in a shard need its placed primary until another member serves its
      // slots (or a new placed primary takes its place); a drained shard (scale-in) goes whole.
      // (A member that died serving them counts: it is started again in place, its slots in its nodes.conf.)
      const owned = this.liveRows().some((r) => r.shardIndex === row.shardIndex && r !== row && (r.process ?? r.exitedProcess)?.slots.length);
      const staying = this.liveRows().filter((r) => r.shardIndex === row.shardIndex && !rows.includes(r));
      // (A promoted member that the journal's open moves go to leads it as well: the heir of a
      // target that died while its first slots were moving in.)
      const successor = staying.some((r) => r.placedRole === 'primary' || (r.process?.role === 'primary' && this.openMoves().some((m) => m.targetNodeId === r.id)));
      if (row.placedRole === 'primary' && !owned && staying.length && !successor && row.shardIndex < this.desired.spec.shards) {
        throw new RuleViolation(`remove of ${label(row)}, placed primary of shard ${row.shardIndex} that nobody else can replace`);
      }
    }
    for (const row of rows) row.removed = true;
  }

  /** Postgres: journal rows (state planned) for the moves, in one transaction. */
  private journalMoves(step: Extract<Step, { kind: 'journalMoves' }>): void {
    const seen = new Uint8Array(SLOT_COUNT);
    const checked = new Map<string, Uint8Array>();
    let lastPair = '';
    let owned: Uint8Array | undefined;
    for (const m of step.moves) {
      if (this.openAt[m.slot] || seen[m.slot]) throw new RuleViolation(`journalMoves: slot ${m.slot} already has an open move`);
      seen[m.slot] = 1;
      const pair = m.sourceNodeId + '>' + m.targetNodeId;
      if (pair !== lastPair) owned = checked.get(pair);
      lastPair = pair;
      if (!owned) {
        const source = this.row(m.sourceNodeId);
        const target = this.row(m.targetNodeId);
        if (source === target) throw new RuleViolation(`journalMoves: slot ${m.slot} moves from ${label(source)} to itself`);
        if (source.removed || target.removed) throw new RuleViolation(`journalMoves: slot ${m.slot} names a removed node`);
        if (!target.process || target.process.role !== 'primary') throw new RuleViolation(`journalMoves: slot ${m.slot} moves into ${label(target)}, which is not a primary`);
        owned = bitmap(source.process?.role === 'primary' ? source.process.slots : []);
        checked.set(pair, owned);
      }
      if (!owned[m.slot]) throw new RuleViolation(`journalMoves: slot ${m.slot} is not owned by its source ${label(this.row(m.sourceNodeId))}`);
    }
    for (const m of step.moves) {
      const move: SimMove = { slot: m.slot, sourceNodeId: m.sourceNodeId, targetNodeId: m.targetNodeId, state: 'planned', operationId: step.operationId, generation: step.generation };
      this.journal.push(move);
      this.openAt[m.slot] = move;
    }
    this.openCount += step.moves.length;
    this.openView = null;
    if (step.operationId) {
      const c = this.opCounts.get(step.operationId) ?? { done: 0, open: 0 };
      c.open += step.moves.length;
      this.opCounts.set(step.operationId, c);
    }
  }

  /** A journal row gone (dropped before it started, or undone). */
  private forgetMove(slot: number): void {
    const m = this.openAt[slot]!;
    this.openAt[slot] = undefined;
    this.openCount--;
    this.openView = null;
    this.journal.splice(this.journal.indexOf(m), 1);
    if (m.operationId) this.opCounts.get(m.operationId)!.open--;
  }

  /**
   * The worker's undoMoves: per slot, the target's keys MIGRATE back to the source (which owns
   * the slot), the source stops migrating and the target importing, and the journal forgets it.
   */
  private undoMoves(step: Extract<Step, { kind: 'undoMoves' }>, dstRow: SimRow, dst: SimRedis): void {
    const srcRow = this.row(step.sourceNodeId);
    const src = srcRow.process;
    if (srcRow.removed || !src || srcRow.agent !== 'running') this.refuse(`undoMoves back to ${label(srcRow)}: connection refused`);
    for (const slot of step.slots) {
      const m = this.openAt[slot];
      if (!m || m.sourceNodeId !== srcRow.id || m.targetNodeId !== dstRow.id) throw new RuleViolation(`undoMoves of slot ${slot} without an open journal row from ${label(srcRow)} to ${label(dstRow)}`);
      if (owns(dst.slots, slot)) throw new RuleViolation(`undoMoves of slot ${slot}, which ${label(dstRow)} owns already`);
      if (!owns(src.slots, slot)) throw new RuleViolation(`undoMoves of slot ${slot} back to ${label(srcRow)}, which does not own it`);
    }
    if (dst.slotKeys && step.slots.some((s) => dst.slotKeys[s]! > 0)) {
      const guarded = [src, dst].find((q) => this.refusesWrites(q));
      if (guarded) this.refuse(`MIGRATE from ${label(dstRow)}: NOREPLICAS on ${guarded === src ? label(srcRow) : label(dstRow)}`);
      for (const [r, q] of [[srcRow, src], [dstRow, dst]] as const) {
        if (q.diskFull && persistenceError({ aof_last_write_status: 'err', rdb_last_bgsave_status: 'err' }, q.config)) this.refuse(`undoMoves: ${label(r)} answers MISCONF (it cannot persist)`);
      }
    }
    for (const slot of step.slots) {
      const keys = dst.slotKeys[slot]!;
      const bytes = dst.slotBytes[slot]!;
      // A key a cut MIGRATE copied is on both: the target's copy is the one that counts.
      const copied = src.copied.get(slot) ?? 0;
      src.copied.delete(slot);
      addKeys(dst, slot, -keys, -bytes);
      addKeys(src, slot, keys - Math.min(copied, keys), bytes);
      src.migrating.delete(slot);
      dst.importing.delete(slot);
      dst.importOwner.delete(slot);
      this.forgetMove(slot);
    }
  }

  /** Postgres: the open moves of these slots name a new source and target. */
  private repointMoves(step: Extract<Step, { kind: 'repointMoves' }>): void {
    const source = this.row(step.sourceNodeId);
    const target = this.row(step.targetNodeId);
    if (source.removed || target.removed) throw new RuleViolation(`repointMoves names a removed node (${label(source)} > ${label(target)})`);
    if (source.shardIndex === target.shardIndex) throw new RuleViolation(`repointMoves: ${label(source)} and ${label(target)} are in the same shard`);
    if (!target.process || target.process.role !== 'primary') throw new RuleViolation(`repointMoves into ${label(target)}, which is not a primary`);
    for (const slot of step.slots) {
      const m = this.openAt[slot];
      if (!m) throw new RuleViolation(`repointMoves of slot ${slot}, which has no open move`);
      m.sourceNodeId = source.id;
      m.targetNodeId = target.id;
    }
    this.openView = null;
  }

  /** CLUSTER SETSLOT s IMPORTING|MIGRATING|NODE <id> on `p`, slot by slot, as Redis 7.0 answers it. */
  private setSlots(row: SimRow, p: SimRedis, step: Extract<Step, { kind: 'setSlots' }>): void {
    if (p.role !== 'primary') this.refuse(`CLUSTER SETSLOT on ${label(row)}: ERR Please use SETSLOT only with masters.`);
    if (step.redisId === p.id) {
      if (step.how !== 'NODE') throw new RuleViolation(`SETSLOT ${step.how} to itself on ${label(row)}`);
      // Claims them (no new epoch: none is imported); its epoch decides against other claims.
      for (const slot of step.slots) p.importing.delete(slot), p.importOwner.delete(slot);
      p.slots = withSlots(p.slots, step.slots);
      return;
    }
    const peer = p.peers.get(step.redisId);
    if (!peer) this.refuse(`CLUSTER SETSLOT ${step.how} ${short(step.redisId)} on ${label(row)}: ERR I don't know about node`);
    for (const slot of step.slots) {
      const mine = owns(p.slots, slot);
      if (step.how === 'IMPORTING') {
        if (mine) this.refuse(`CLUSTER SETSLOT ${slot} IMPORTING on ${label(row)}: ERR I'm already the owner of hash slot ${slot}`);
        if (!p.importOwner.has(slot)) p.importOwner.set(slot, this.ownerSeenBy(p, slot) ?? step.redisId);
        p.importing.set(slot, step.redisId);
      } else if (step.how === 'MIGRATING') {
        if (!mine) this.refuse(`CLUSTER SETSLOT ${slot} MIGRATING on ${label(row)}: ERR I'm not the owner of hash slot ${slot}`);
        p.migrating.set(slot, step.redisId);
      } else {
        if (peer.role !== 'primary') this.refuse(`CLUSTER SETSLOT ${slot} NODE on ${label(row)}: ERR Target node is not a master`);
        if (mine) throw new RuleViolation(`SETSLOT ${slot} NODE ${short(step.redisId)} on its owner ${label(row)}: the planner gives slots away only by moveSlots`);
        if (p.importing.has(slot)) p.importOwner.set(slot, step.redisId);
      }
    }
  }

  /** The node `p` takes to own `slot` (its own imports pinned to the owner it saw). */
  private ownerSeenBy(p: SimRedis, slot: number): string | undefined {
    for (const [id, v] of p.peers) if (v.role === 'primary' && owns(this.believedSlots(p, id, v), slot)) return id;
    return undefined;
  }

  /** The slots `p` takes peer `id` to own: its claim, except that a slot `p` imports stays with the owner `p` saw (importOwner). */
  private believedSlots(p: SimRedis, id: string, v: PeerView): SlotRange[] {
    if (!p.importOwner.size) return v.slots;
    const elsewhere = new Set<number>();
    const here: number[] = [];
    for (const [slot, owner] of p.importOwner) {
      if (owner === id) here.push(slot);
      else elsewhere.add(slot);
    }
    const kept = withoutSlots(v.slots, elsewhere);
    return here.length ? withSlots(kept, here) : kept;
  }

  private setState(slots: number[], state: MoveState): void {
    for (const s of slots) {
      const m = this.openAt[s];
      if (!m) continue;
      m.state = state;
      this.openView = null;
      if (state !== 'done') continue;
      this.openAt[s] = undefined;
      this.openCount--;
      if (m.operationId) {
        const c = this.opCounts.get(m.operationId)!;
        c.open--;
        c.done++;
      }
    }
  }

  /**
   * The worker's moveSlots (services/worker/src/migrate.ts): per chunk, where each slot stands is
   * read from the two nodes, then importing, migrating, draining, owner on target, source, others,
   * done; each journal state is written before its commands.
   */
  private moveSlots(step: Extract<Step, { kind: 'moveSlots' }>, srcRow: SimRow, src: SimRedis, cut: MoveCut | undefined): boolean {
    const dstRow = this.row(step.targetNodeId);
    if (dstRow.removed) throw new RuleViolation(`moveSlots into removed node ${label(dstRow)}`);
    const dst = dstRow.process;
    if (!dst || dstRow.agent !== 'running') {
      this.refuse(`moveSlots into ${label(dstRow)}: connection refused`);
      return false;
    }
    for (const s of step.slots) {
      const m = this.openAt[s];
      if (!m || m.sourceNodeId !== srcRow.id || m.targetNodeId !== dstRow.id) throw new RuleViolation(`moveSlots of slot ${s} from ${label(srcRow)} to ${label(dstRow)} without an open journal row for that move`);
    }
    if (dst.clusterState !== 'ok') throw new RuleViolation(`moveSlots into ${label(dstRow)}, which is cluster_state:${dst.clusterState} (CLUSTERDOWN leaves the slot open)`);
    // MIGRATE is a write on the source, RESTORE one on the target: refused while either cannot persist.
    for (const [r, q] of [[srcRow, src], [dstRow, dst]] as const) {
      if (q.diskFull && persistenceError({ aof_last_write_status: 'err', rdb_last_bgsave_status: 'err' }, q.config)) this.refuse(`moveSlots: ${label(r)} answers MISCONF (it cannot persist)`);
    }

    const chunks = Math.ceil(step.slots.length / SLOTS_PER_CHUNK);
    const cutChunk = cut ? Math.min(cut.chunk, chunks - 1) : -1;
    let stopped = false;
    /** How many of a phase's `units` commands run before the worker dies. */
    const allow = (chunk: number, phase: number, units: number): number => {
      if (!cut || chunk !== cutChunk || phase !== cut.phase) return units;
      stopped = true;
      return Math.floor(cut.fraction * (units + 1));
    };
    for (let c = 0; c < chunks; c++) {
      const slots = step.slots.slice(c * SLOTS_PER_CHUNK, (c + 1) * SLOTS_PER_CHUNK);
      const dstOwns = bitmap(dst.role === 'primary' ? dst.slots : []);
      const srcOwns = bitmap(src.role === 'primary' ? src.slots : []);
      const moving = slots.filter((s) => !dstOwns[s]);
      const strays = moving.filter((s) => !srcOwns[s]);
      if (strays.length) {
        this.refuse(`moveSlots: slots ${strays.slice(0, 5).join(', ')} are owned by neither ${label(srcRow)} nor ${label(dstRow)} (move_inconsistent)`);
        return false;
      }

      // 0. Journal importing; SETSLOT IMPORTING on the target.
      const toImport = moving.filter((s) => dst.importing.get(s) !== src.id);
      let k = allow(c, 0, 1 + toImport.length);
      if (k > 0 && moving.length) this.setState(moving, 'importing');
      if (k > 1 && dst.role !== 'primary') {
        this.refuse(`CLUSTER SETSLOT IMPORTING on ${label(dstRow)}: ERR Please use SETSLOT only with masters.`);
        return false;
      }
      for (const s of toImport.slice(0, Math.max(0, k - 1))) {
        if (!dst.importOwner.has(s)) dst.importOwner.set(s, this.ownerSeenBy(dst, s) ?? src.id);
        dst.importing.set(s, src.id);
      }
      if (stopped) return false;

      // 1. Journal migrating; SETSLOT MIGRATING on the source.
      const toMigrate = moving.filter((s) => src.migrating.get(s) !== dst.id);
      k = allow(c, 1, 1 + toMigrate.length);
      if (k > 0 && moving.length) this.setState(moving, 'migrating');
      for (const s of toMigrate.slice(0, Math.max(0, k - 1))) src.migrating.set(s, dst.id);
      if (stopped) return false;

      // 2. Journal draining; every key, batch by batch (a batch: MIGRATE COPY to the target, then, once its replica has it, delete on the source).
      const batches = moving.map((s) => Math.ceil(src.slotKeys[s]! / KEYS_PER_MIGRATE));
      k = allow(c, 2, 1 + 2 * batches.reduce((a, b) => a + b, 0));
      if (k > 0 && moving.length) this.setState(moving, 'draining');
      let units = k - 1;
      const guarded = [src, dst].find((p) => this.refusesWrites(p));
      if (guarded && units > 0 && moving.some((s) => src.slotKeys[s]! > 0)) {
        this.refuse(`MIGRATE from ${label(srcRow)}: NOREPLICAS on ${guarded === src ? label(srcRow) : label(dstRow)} (min-replicas-to-write, no replica linked)`);
        return false;
      }
      for (const s of moving) {
        while (units > 0 && src.slotKeys[s]! > 0) {
          const n = Math.min(KEYS_PER_MIGRATE, src.slotKeys[s]!);
          const already = src.copied.get(s) ?? 0;
          // Copy (RESTORE-ASKING ... REPLACE on the target: keys a cut attempt copied are overwritten).
          addKeys(dst, s, Math.max(0, n - already), 0);
          src.copied.set(s, Math.max(already, n));
          units--;
          if (units <= 0) break;
          // Delete on the source; the bytes go with the keys.
          const bytes = (src.slotBytes[s]! * n) / src.slotKeys[s]!;
          addKeys(src, s, -n, -bytes);
          dst.slotBytes[s] = dst.slotBytes[s]! + bytes;
          const left = Math.max(0, already - n);
          if (left) src.copied.set(s, left);
          else src.copied.delete(s);
          units--;
        }
      }
      if (stopped) return false;

      // 3. COUNTKEYSINSLOT on the source for the slots still moving, then owner on the target.
      // (Modelled as the step's contract says. migrate.ts counts every slot of the chunk: resumed
      // after the source turned replica of the target, it reads the target's keys replicated
      // there, so the move would end in keys_left forever.)
      const full = moving.filter((s) => src.role === 'primary' && src.slotKeys[s]! > 0);
      if (full.length) {
        this.refuse(`moveSlots: slot ${full[0]} still has ${src.slotKeys[full[0]!]} key(s) on ${label(srcRow)} (keys_left)`);
        return false;
      }
      k = allow(c, 3, 1 + moving.length);
      if (k > 0) this.setState(slots, 'owner_target');
      const owned = moving.slice(0, Math.max(0, k - 1));
      const holders: SimRedis[] = this.processes().filter((o) => o !== dst && o.role === 'primary');
      for (const s of owned) {
        // THE rule: the target's SETSLOT NODE makes every other holder of the slot delete its keys.
        for (const o of holders) {
          if (o.slotKeys[s]! > 0) throw new RuleViolation(`SETSLOT ${s} NODE ${label(dstRow)} while ${o.host}:${o.port} still holds ${o.slotKeys[s]} key(s) in it: they would be deleted`);
        }
      }
      if (owned.length) {
        const wasImporting = owned.some((s) => dst.importing.has(s));
        for (const s of owned) {
          dst.importing.delete(s);
          dst.importOwner.delete(s);
        }
        dst.slots = withSlots(dst.slots, owned);
        if (wasImporting) this.bumpEpochWithoutConsensus(dst);
      }
      if (stopped) return false;

      // 4. Owner on the source (errors ignored: it may have learned it by gossip, or be a replica now).
      k = allow(c, 4, 1 + slots.length);
      if (k > 0) this.setState(slots, 'owner_source');
      this.setSlotNode(src, slots.slice(0, Math.max(0, k - 1)), dst);
      if (stopped) return false;

      // 5. Owner on every other primary (errors ignored).
      k = allow(c, 5, 1 + step.otherPrimaryIds.length);
      if (k > 0) this.setState(slots, 'owner_all');
      for (const id of step.otherPrimaryIds.slice(0, Math.max(0, k - 1))) {
        const o = this.rows.find((r) => r.id === id);
        if (o?.process && o.agent === 'running' && o.process !== dst && o.process !== src) this.setSlotNode(o.process, slots, dst);
      }
      if (stopped) return false;

      // 6. Journal done.
      k = allow(c, 6, 1);
      if (k > 0) this.setState(slots, 'done');
      if (stopped) return false;
    }
    return true;
  }

  /** CLUSTER SETSLOT s NODE <dst> on `p` (not the target), slot by slot; errors are ignored by the worker. */
  private setSlotNode(p: SimRedis, slots: number[], dst: SimRedis): void {
    if (p.role !== 'primary' || !slots.length) return; // ERR Please use SETSLOT only with masters.
    const mine = bitmap(p.slots);
    const given: number[] = [];
    for (const s of slots) {
      if (mine[s]) {
        if (p.slotKeys[s]! > 0) continue; // ERR Can't assign hashslot to a different node while I still hold keys for this hash slot.
        given.push(s);
      }
      if (p.migrating.has(s) && p.slotKeys[s]! === 0) p.migrating.delete(s);
    }
    const view = p.peers.get(dst.id);
    if (view) view.slots = withSlots(view.slots, slots);
    const cut = compress([...slots].sort((a, b) => a - b));
    for (const v of p.peers.values()) if (v !== view) v.slots = subtract(v.slots, cut);
    if (!given.length) return;
    p.slots = subtract(p.slots, compress(given.sort((a, b) => a - b)));
    // A master that gave away its last slot turns into a replica of the node that took it.
    if (!p.slots.length) this.follow(p, dst.id);
  }

  /** CLUSTER SETSLOT NODE of an imported slot to itself: a new config epoch, no votes. */
  private bumpEpochWithoutConsensus(p: SimRedis): void {
    const max = Math.max(p.currentEpoch, ...[...p.peers.values()].map((v) => v.configEpoch));
    if (p.configEpoch === 0 || p.configEpoch !== max) {
      p.currentEpoch = max + 1;
      p.configEpoch = p.currentEpoch;
    }
  }

  /** Becomes a replica of `primaryId` (CLUSTER REPLICATE, replica migration, or a failover's loser): open slots close. */
  private follow(p: SimRedis, primaryId: string): void {
    if (p.role === 'primary') p.syncedOnce = false; // Redis: a demoted primary has not synced as a replica yet
    else if (p.linkUp) {
      // Re-pointed while in sync: it keeps its primary's data as of now, its link down from now.
      const old = p.primaryId ? this.alive.get(p.primaryId) : undefined;
      if (old) copyData(p, old, true);
      p.linkDownAt = this.now;
    }
    p.role = 'replica';
    p.primaryId = primaryId;
    p.slots = [];
    p.migrating.clear();
    p.importing.clear();
    p.importOwner.clear();
    p.linkUp = false;
    p.syncIn = 1 + Math.floor(this.random() * 2);
  }

  /** A coordinated CLUSTER FAILOVER on `p`, waited for until it is primary. */
  private failover(row: SimRow, p: SimRedis): void {
    if (p.role !== 'replica') {
      this.refuse(`CLUSTER FAILOVER on ${label(row)}: ERR You should send CLUSTER FAILOVER to a replica`);
      return;
    }
    const primary = p.primaryId ? this.alive.get(p.primaryId) : undefined;
    if (!primary || primary.role !== 'primary') {
      this.refuse(`CLUSTER FAILOVER on ${label(row)}: its primary is down (a coordinated failover needs it)`);
      return;
    }
    if (!p.linkUp) throw new RuleViolation(`CLUSTER FAILOVER on ${label(row)}, which is not in sync with its primary (writes since its last sync would be lost)`);
    // The primary pauses its clients, the replica catches up to its offset, then takes over with a new epoch.
    copyData(p, primary, true);
    const max = Math.max(...this.processes().map((o) => Math.max(o.currentEpoch, o.configEpoch)));
    p.role = 'primary';
    p.primaryId = null;
    p.slots = primary.slots;
    p.currentEpoch = max + 1;
    p.configEpoch = max + 1;
    this.follow(primary, p.id);
    primary.syncIn = 1; // a partial resync: same history
    for (const o of this.processes()) {
      const v = o.peers.get(p.id);
      if (v) Object.assign(v, viewOf(p));
      const w = o.peers.get(primary.id);
      if (w) Object.assign(w, viewOf(primary));
    }
  }

  /**
   * CLUSTER FAILOVER FORCE on `p`, whose primary's process is gone: it takes the slots it has
   * seen its primary serve, with a new epoch; the other replicas of the dead primary follow it.
   */
  private forcedFailover(row: SimRow, p: SimRedis, takeover: boolean): void {
    if (p.role !== 'replica' || !p.primaryId) {
      this.refuse(`CLUSTER FAILOVER FORCE on ${label(row)}: ERR You should send CLUSTER FAILOVER to a replica`);
      return;
    }
    const deadId = p.primaryId;
    const how = takeover ? 'TAKEOVER' : 'FORCE';
    if (this.alive.has(deadId)) throw new RuleViolation(`CLUSTER FAILOVER ${how} on ${label(row)} while its primary still runs (writes it acknowledged would be lost)`);
    const dead = this.corpses.get(deadId);
    if (!p.syncedOnce && (dead?.keys ?? 0) > 0) {
      throw new RuleViolation(`CLUSTER FAILOVER ${how} on ${label(row)}, which never completed a sync: the shard's ${dead!.keys} keys would be erased`);
    }
    if (!takeover && !p.peers.get(deadId)?.slots.length) {
      // Redis never starts a failover in place of a primary without slots (a manual one included).
      this.refuse(`CLUSTER FAILOVER FORCE on ${label(row)}: its primary serves no slot, so no failover starts`);
    }
    if (!takeover) {
      // FORCE still needs the votes of a majority of the slot-serving primaries, the dead one counted.
      const serving = this.servingPrimaries();
      const voters = [...serving].filter((id) => id !== deadId && this.alive.get(id)?.role === 'primary').length;
      if (voters < Math.floor(serving.size / 2) + 1) this.refuse(`CLUSTER FAILOVER FORCE on ${label(row)}: Waiting for votes, but majority still not reached (${voters} of ${serving.size})`);
    }
    this.promote(p, deadId);
  }

  /**
   * A new primary serving a slot whose move is under way must send clients ASK for the keys moved
   * already (MIGRATING): Redis keeps that state on the primary alone, and without it a write to a
   * moved key makes a new one here, which the move then copies over the real one.
   */
  private checkMovedKeysReachable(p: SimRedis, what: string): void {
    for (const q of this.processes()) {
      if (q === p) continue;
      for (const slot of q.importing.keys()) {
        const move = this.openAt[slot];
        if (!move || move.state === 'planned' || !owns(p.slots, slot) || p.migrating.has(slot) || !q.slotKeys[slot]) continue;
        throw new RuleViolation(`${what}: ${p.host}:${p.port} serves slot ${slot} without MIGRATING while ${q.host}:${q.port} holds ${q.slotKeys[slot]} of its keys moved already (a write to one makes a new key, and the moved one is lost)`);
      }
    }
  }

  /** `p` takes over the slots it has seen its dead primary serve, with a new epoch; the dead one's other replicas follow it. */
  private promote(p: SimRedis, deadId: string): void {
    // It serves what it holds: a full copy taken when its link went down (kill, follow), or nothing.
    p.keys = p.slotKeys.reduce((n, k) => n + k, 0);
    const max = Math.max(...this.processes().map((o) => Math.max(o.currentEpoch, o.configEpoch)));
    p.role = 'primary';
    p.primaryId = null;
    // The slots it saw its primary own: Redis keeps one owner per slot, so a slot a newer epoch
    // claimed meanwhile (a move's target taking it) is not among them.
    const seen = p.peers.get(deadId);
    const newer = [...p.peers].flatMap(([id, v]) => (id !== deadId && v.role === 'primary' && v.configEpoch > (seen?.configEpoch ?? 0) ? v.slots : []));
    p.slots = subtract(seen?.slots ?? [], normalizeRanges(newer));
    p.currentEpoch = max + 1;
    p.configEpoch = max + 1;
    for (const o of this.processes()) {
      if (o !== p && o.role === 'replica' && o.primaryId === deadId) this.follow(o, p.id);
      const v = o.peers.get(p.id);
      if (v) Object.assign(v, viewOf(p));
      // Only what it claims leaves the dead one: a slot the dead one took that it never heard of stays with the dead one.
      const w = o.peers.get(deadId);
      if (w) w.slots = subtract(w.slots, o.role === 'primary' ? normalizeRanges([...p.slots, ...o.slots]) : p.slots);
    }
  }

  /** Postgres: drained shards, whose nodes are gone, are no longer live shard rows. */
  private retireShards(step: Extract<Step, { kind: 'retireShards' }>): void {
    const count = this.shardCount;
    const want = [...step.shardIndexes].sort((a, b) => a - b);
    if (!want.length || want.some((x, i) => x !== count - want.length + i)) throw new RuleViolation(`retireShards ${JSON.stringify(step.shardIndexes)}: not the last of ${count} live shards`);
    for (const index of want) {
      const shard = this.shards.find((s) => !s.retired && s.index === index)!;
      const rows = this.rows.filter((r) => r.shardId === shard.id);
      const live = rows.find((r) => !r.removed);
      if (live) throw new RuleViolation(`retireShards: shard ${index} still has live node ${label(live)}`);
      const owner = rows.find((r) => r.process?.slots.length);
      if (owner) throw new RuleViolation(`retireShards: shard ${index} still serves slots on ${label(owner)}`);
      const named = this.openMoves().find((m) => rows.some((r) => r.id === m.sourceNodeId || r.id === m.targetNodeId));
      if (named) throw new RuleViolation(`retireShards: shard ${index} is named by the open move of slot ${named.slot}`);
    }
    for (const index of want) this.shards.find((s) => !s.retired && s.index === index)!.retired = true;
  }

  private checkCreateStep(p: SimRedis, what: string): void {
    if (p.keys > 0) throw new RuleViolation(`${what} on ${p.host}:${p.port}, which holds ${p.keys} keys`);
    const strangers = [...p.peers.keys()].filter((id) => !this.ownIds.has(id));
    if (strangers.length) throw new RuleViolation(`${what} on ${p.host}:${p.port}, which knows a node outside the cluster`);
  }

  /** NOREPLICAS: a primary with min-replicas-to-write and no replica linked to it. */
  private refusesWrites(p: SimRedis): boolean {
    if (p.role !== 'primary' || Number(p.config['min-replicas-to-write'] ?? 0) < 1) return false;
    return !this.processes().some((r) => r.role === 'replica' && r.primaryId === p.id && r.linkUp);
  }

  private refuse(message: string): never {
    this.errors.push(message);
    throw new RedisCommandError(message);
  }

  // ---- clients -------------------------------------------------------------------------

  /**
   * A client writes `count` new keys into `slot`: to the primary that owns it, or, when that one
   * migrates the slot, to the target (ASK: a key the source does not have). False when no
   * primary serves the slot (CLUSTERDOWN).
   */
  private clientWrite(slot: number, count: number, bytes: number): boolean {
    let owner: SimRedis | undefined;
    for (const p of this.processes()) {
      if (p.role === 'primary' && owns(p.slots, slot) && (!owner || p.configEpoch > owner.configEpoch)) owner = p;
    }
    if (!owner || owner.clusterState !== 'ok') return false;
    const to = owner.migrating.get(slot);
    const target = to ? this.alive.get(to) : owner;
    if (!target || this.refusesWrites(target)) return false;
    addKeys(target, slot, count, count * bytes);
    this.written += count;
    return true;
  }

  // ---- time ----------------------------------------------------------------------------

  /** One step of time: agents act, gossip spreads one hop, handshakes finish, replicas sync, cluster_state updates. */
  tick(): void {
    this.now++;
    this.runAgents();
    this.runGossip();
    this.runElections();
    this.runReplication();
    this.updateClusterState();
  }

  /** Fault: the process dies and its agent reports it exited. */
  exit(rowId: string): void {
    const row = this.row(rowId);
    row.exitedProcess = row.process ?? undefined;
    this.kill(row);
    row.agent = 'exited';
    row.exitedAt = this.now;
  }

  /** Fault: a whole host is gone (power, network): its processes die and its agent reports nothing more. */
  loseHost(hostId: string): void {
    this.lostHosts.add(hostId);
    for (const row of this.rows.filter((r) => r.hostId === hostId && r.process)) {
      row.exitedProcess = row.process ?? undefined;
      this.kill(row);
    }
  }

  /** The lost host is back: its agent finds the processes it ran exited (and erases those removed meanwhile). */
  returnHost(hostId: string): void {
    this.lostHosts.delete(hostId);
    for (const row of this.rows.filter((r) => r.hostId === hostId && !r.process && (r.agent === 'starting' || r.agent === 'running'))) {
      row.agent = 'exited';
      row.exitedAt = this.now;
    }
  }

  /** Fault: a host's disk fills up: its nodes cannot persist, and its agent cannot start new ones. */
  fillDisk(hostId: string): void {
    const host = this.hosts.find((h) => h.id === hostId)!;
    host.freeDiskBytes = 0;
    for (const row of this.rows) if (row.hostId === hostId && row.process) row.process.diskFull = true;
  }

  /** Room again on a host: its nodes' next AOF write (Redis retries each second) succeeds. */
  freeDisk(hostId: string, bytes: number): void {
    const host = this.hosts.find((h) => h.id === hostId)!;
    host.freeDiskBytes = bytes;
    for (const row of this.rows) if (row.hostId === hostId && row.process) row.process.diskFull = false;
  }

  private hostOf(row: SimRow): SimHost {
    return this.hosts.find((h) => h.id === row.hostId)!;
  }

  /** Fault: an agent reports a node exited while its process still runs (it lost track of it). */
  misreportExit(rowId: string): void {
    this.row(rowId).agent = 'exited';
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
      if (this.lostHosts.has(row.hostId)) continue;
      if (!row.removed) {
        const fresh = row.agent === 'pending' || (row.agent === 'exited' && row.startFailure && !row.exitedProcess && row.runGeneration > (row.agentRunGeneration ?? 0));
        if (fresh && this.hostOf(row).freeDiskBytes === 0) {
          // The agent cannot write redis.conf: it reports the node exited, and why.
          row.agent = 'exited';
          row.startFailure = { reason: 'could not write redis.conf: ENOSPC: no space left on device', noSpace: true, freeDiskBytes: 0 };
          row.agentRunGeneration = row.runGeneration;
        } else if (fresh) {
          row.agent = 'starting';
          row.startFailure = null;
          row.silentSince = null; // a new process: its silence starts over (the API clears unreachable_since)
          row.process = this.spawn(row);
          row.agentRunGeneration = row.runGeneration;
          row.agentRevision = revision;
        } else if (row.agent === 'exited' && row.runGeneration > (row.agentRunGeneration ?? 0) && row.exitedProcess && this.hostOf(row).freeDiskBytes === 0) {
          // Its dir is kept, but redis-server cannot open its AOF (or even its log) on a full disk.
          row.startFailure = { reason: "redis-server exited with code 1 right after it started: Can't open the append-only file: No space left on device", noSpace: true, freeDiskBytes: 0 };
          row.agentRunGeneration = row.runGeneration;
        } else if (row.agent === 'exited' && row.runGeneration > (row.agentRunGeneration ?? 0) && row.exitedProcess) {
          // Started again in its own dir: the same node (nodes.conf), with what persistence kept.
          const p = row.exitedProcess;
          if (row.restartLoss === 'all') {
            this.written -= p.keys;
            p.keys = 0;
            p.slotKeys.fill(0);
            p.slotBytes.fill(0);
          }
          Object.assign(p, { clusterState: 'fail', loadingTicks: 1, linkUp: false, syncedOnce: false, migrating: new Map(), importing: new Map(), importOwner: new Map() });
          this.alive.set(p.id, p);
          row.process = p;
          row.exitedProcess = undefined;
          row.silentSince = null; // a new process: its silence starts over (the API clears unreachable_since)
          row.startFailure = null;
          p.diskFull = false;
          row.agent = 'starting';
          row.agentRunGeneration = row.runGeneration;
          row.agentRevision = revision;
        } else if (row.agent === 'starting' || row.agent === 'running') {
          if (row.agent === 'running' && row.process && row.process.loadingTicks > 0) row.process.loadingTicks--;
          row.agent = 'running';
          row.agentRevision = revision;
        }
      } else if (row.agent === 'pending' || row.agent === 'exited') row.agent = 'stopped';
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
      peers: new Map(), handshakes: [], bans: new Map(), keys: 0, slotKeys: new Int32Array(SLOT_COUNT), slotBytes: new Float64Array(SLOT_COUNT), copied: new Map(), offset: 0,
      migrating: new Map(), importing: new Map(), importOwner: new Map(), config, clusterState: 'fail', everOk: false, readyTicks: 0, linkUp: false, syncIn: 0, syncedOnce: false, linkDownAt: 0,
      loadingTicks: Math.floor(this.random() * 2),
    };
    if (dirty?.keys) addKeys(p, 0, dirty.keys, dirty.keys * TENANT_KEY_BYTES);
    if (this.hostOf(row).freeDiskBytes === 0) p.diskFull = true;
    this.ownIds.add(p.id);
    this.alive.set(p.id, p);
    if (dirty?.stranger) p.peers.set(this.redisId(), { host: '10.99.0.1', port: 7000, role: 'primary', primaryId: null, configEpoch: 1, slots: [], failing: false });
    return p;
  }

  private kill(row: SimRow): void {
    const dead = row.process;
    if (dead) {
      this.alive.delete(dead.id);
      this.diedAt.set(dead.id, this.now);
      this.corpses.set(dead.id, dead);
      // Its replicas in sync hold exactly what it acknowledged; their links go down now.
      for (const q of this.processes()) {
        if (q.role !== 'replica' || q.primaryId !== dead.id || !q.linkUp) continue;
        copyData(q, dead, true);
        q.linkUp = false;
        q.linkDownAt = this.now;
      }
    }
    row.process = null;
  }

  private runGossip(): void {
    const procs = this.processes();
    const knewBefore = new Map(procs.map((p) => [p.id, new Map([...p.peers].map(([id, v]) => [id, { ...v }]))]));
    const quorum = this.quorum();
    for (const p of procs) {
      for (const [id, until] of p.bans) if (until <= this.now) p.bans.delete(id);
      // Heartbeats: every known live peer tells its own state; a dead one is marked failing.
      for (const [id, v] of p.peers) {
        const q = this.alive.get(id);
        if (!q) {
          // FAIL needs a majority of the slot-owning primaries to agree.
          if (quorum && this.now - (this.diedAt.get(id) ?? this.now) >= FAIL_TICKS) v.failing = true;
          continue;
        }
        p.peers.set(id, viewOf(q));
        p.currentEpoch = Math.max(p.currentEpoch, q.currentEpoch, q.configEpoch);
        // Same configEpoch on two primaries: the one with the smaller id takes a new one.
        if (p.role === 'primary' && q.role === 'primary' && q.configEpoch === p.configEpoch && q.id > p.id) p.configEpoch = ++p.currentEpoch;
      }
      // A dead primary's slots that a live one claims with a newer epoch are that one's now (Redis
      // keeps one owner per slot): a move's target that took a slot before the source died.
      for (const v of p.peers.values()) {
        if (v.role !== 'primary' || !v.slots.length) continue;
        const newer = [...p.peers].flatMap(([id, w]) => (w !== v && this.alive.has(id) && w.role === 'primary' && w.configEpoch > v.configEpoch ? w.slots : []));
        if (p.role === 'primary') newer.push(...p.slots); // its own slots are its own
        if (newer.length) v.slots = subtract(v.slots, normalizeRanges(newer));
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
    // Slot ownership: a primary that hears a peer claim one of its slots with a greater config
    // epoch gives it up (unless it imports it), deleting what it still held there; one that lost
    // its last slot this way follows the claimer (cluster-allow-replica-migration).
    for (const p of procs) {
      if (p.role !== 'primary' || !p.slots.length) continue;
      for (const q of procs) {
        if (q === p || q.role !== 'primary' || q.configEpoch <= p.configEpoch || !p.peers.has(q.id)) continue;
        const lost = intersect(p.slots, q.slots).flatMap(([s, e]) => Array.from({ length: e - s + 1 }, (_, i) => s + i)).filter((s) => !p.importing.has(s));
        if (!lost.length) continue;
        const dirty = lost.find((s) => p.slotKeys[s]! > 0);
        if (dirty !== undefined) throw new RuleViolation(`${p.host}:${p.port} lost slot ${dirty} to ${q.host}:${q.port} (newer epoch) while holding ${p.slotKeys[dirty]} key(s) in it: deleted`);
        p.slots = withoutSlots(p.slots, new Set(lost));
        if (!p.slots.length) {
          this.follow(p, q.id);
          break;
        }
      }
    }
    // A replica whose primary became a replica follows the new primary.
    for (const p of procs) {
      if (p.role !== 'replica' || !p.primaryId) continue;
      const primary = this.alive.get(p.primaryId);
      if (primary?.role === 'replica' && primary.primaryId && primary.primaryId !== p.id) this.follow(p, primary.primaryId);
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

  /** Slot-owning primaries, dead ones included (as the live nodes last saw them): does a majority live? */
  /** Slot-owning primaries as the live nodes see them, dead ones included: the cluster size votes are counted against. */
  private servingPrimaries(): Set<string> {
    const owners = new Set<string>();
    for (const p of this.processes()) {
      if (p.role === 'primary' && p.slots.length) owners.add(p.id);
      for (const [id, v] of p.peers) if (v.role === 'primary' && v.slots.length) owners.add(id);
    }
    return owners;
  }

  private quorum(): boolean {
    const owners = this.servingPrimaries();
    const live = [...owners].filter((id) => this.alive.has(id)).length;
    return live >= Math.floor(owners.size / 2) + 1;
  }

  /** Redis's own failover: the replica of a FAIL-flagged primary with the greatest offset is elected. */
  private runElections(): void {
    if (!this.quorum()) return;
    const procs = this.processes();
    const orphaned = new Set(procs.flatMap((p) => (p.role === 'replica' && p.primaryId && !this.alive.has(p.primaryId) ? [p.primaryId] : [])));
    for (const deadId of orphaned) {
      // A replica that never completed a sync is refused by Redis's own data-age check.
      // Nor does it elect anyone in place of a primary that served no slot.
      // Nor does a replica set not to (cluster-replica-no-failover).
      const [best] = procs
        .filter((p) => p.role === 'replica' && p.primaryId === deadId && p.syncedOnce && p.config['cluster-replica-no-failover'] !== 'yes' && p.peers.get(deadId)?.failing && p.peers.get(deadId)!.slots.length)
        .sort((a, b) => b.offset - a.offset);
      if (!best) continue;
      this.promote(best, deadId);
      this.checkMovedKeysReachable(best, "Redis's own election");
    }
  }

  private runReplication(): void {
    // The tenant writes new keys through every primary that serves slots.
    for (const p of this.processes()) {
      if (p.role !== 'primary' || !p.slots.length || p.clusterState !== 'ok') continue;
      const total = p.slots.reduce((n, [s, e]) => n + e - s + 1, 0);
      for (let i = 0; i < this.writesPerTick; i++) {
        let at = Math.floor(this.random() * total);
        const range = p.slots.find(([s, e]) => (at < e - s + 1 ? true : ((at -= e - s + 1), false)))!;
        this.clientWrite(range[0] + at, 1, TENANT_KEY_BYTES);
      }
    }
    for (const p of this.processes()) {
      if (p.role !== 'replica') continue;
      const primary = p.primaryId ? this.alive.get(p.primaryId) : undefined;
      if (!primary || primary.role !== 'primary') {
        if (p.linkUp) p.linkDownAt = this.now;
        p.linkUp = false;
        continue;
      }
      if (!p.linkUp && --p.syncIn <= 0) {
        // A full sync replaces what it held; a partial one continues the same history.
        copyData(p, primary, true);
        p.linkUp = true;
        p.syncedOnce = true;
      }
      if (p.linkUp) copyData(p, primary);
    }
  }

  /** ok once the node's own view has every slot on a live primary and matches the real slot map; a fresh primary waits one more tick. */
  private updateClusterState(): void {
    const truth = signature(this.processes().filter((p) => p.role === 'primary').map((p) => [p.id, p.slots]));
    for (const p of this.processes()) {
      const owners: Array<[string, SlotRange[]]> = [[p.id, p.role === 'primary' ? p.slots : []]];
      for (const [id, v] of p.peers) if (v.role === 'primary' && !v.failing) owners.push([id, this.believedSlots(p, id, v)]);
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

  private operationId(): string {
    return `op-${String(++this.operations).padStart(4, '0')}`;
  }
}

function viewOf(q: SimRedis): PeerView {
  return { host: q.host, port: q.port, role: q.role, primaryId: q.primaryId, configEpoch: q.configEpoch, slots: [...q.slots], failing: false };
}

function addKeys(p: SimRedis, slot: number, keys: number, bytes: number): void {
  p.slotKeys[slot] = p.slotKeys[slot]! + keys;
  p.slotBytes[slot] = Math.max(0, p.slotBytes[slot]! + bytes);
  p.keys += keys;
  if (keys > 0) p.offset += keys;
}

/**
 * A synced replica holds exactly its primary's data. Only primaries' keys per slot are ever read,
 * so a tick's sync copies the totals, and the slots only when the replica takes over (`full`).
 */
function copyData(replica: SimRedis, primary: SimRedis, full = false): void {
  replica.keys = primary.keys;
  replica.offset = primary.offset;
  if (!full) return;
  replica.slotKeys.set(primary.slotKeys);
  replica.slotBytes.set(primary.slotBytes);
  replica.copied = new Map(primary.copied);
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

function owns(ranges: SlotRange[], slot: number): boolean {
  return ranges.some(([s, e]) => s <= slot && slot <= e);
}

/** 1 for every slot in the ranges. */
function bitmap(ranges: SlotRange[]): Uint8Array {
  const out = new Uint8Array(SLOT_COUNT);
  for (const [s, e] of ranges) out.fill(1, s, e + 1);
  return out;
}

/** Sorted distinct slots as ranges. */
function compress(slots: number[]): SlotRange[] {
  const out: SlotRange[] = [];
  for (const s of slots) {
    const last = out[out.length - 1];
    if (last && s === last[1] + 1) last[1] = s;
    else if (!last || s > last[1]) out.push([s, s]);
  }
  return out;
}

function withSlots(ranges: SlotRange[], slots: number[]): SlotRange[] {
  return normalizeRanges([...ranges, ...compress([...slots].sort((a, b) => a - b))]);
}

function withoutSlots(ranges: SlotRange[], drop: Set<number>): SlotRange[] {
  return subtract(ranges, compress([...drop].sort((a, b) => a - b)));
}

/** Sorted ranges minus sorted ranges. */
function subtract(ranges: SlotRange[], cut: SlotRange[]): SlotRange[] {
  if (!intersect(ranges, cut).length) return ranges;
  const out: SlotRange[] = [];
  let j = 0;
  for (const [s, e] of ranges) {
    let start = s;
    while (j < cut.length && cut[j]![1] < start) j++;
    for (let k = j; k < cut.length && cut[k]![0] <= e; k++) {
      const [cs, ce] = cut[k]!;
      if (cs > start) out.push([start, Math.min(e, cs - 1)]);
      start = Math.max(start, ce + 1);
      if (start > e) break;
    }
    if (start <= e) out.push([start, e]);
  }
  return out;
}

/** Slots in both sorted range lists. */
function intersect(a: SlotRange[], b: SlotRange[]): SlotRange[] {
  const out: SlotRange[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const [s1, e1] = a[i]!;
    const [s2, e2] = b[j]!;
    const s = Math.max(s1, s2);
    const e = Math.min(e1, e2);
    if (s <= e) out.push([s, e]);
    if (e1 < e2) i++;
    else j++;
  }
  return out;
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
