import type { NodeRole } from '@slotplane/contracts';

/** A machine that can run Redis nodes, and the ports already taken on it. */
export interface PlacementHost {
  id: string;
  /** What messages call it (its enrolled name); the id when absent. */
  name?: string;
  /** Failure domain; null when unknown, which never counts as "same zone". */
  zone: string | null;
  portMin: number;
  portMax: number;
  usedPorts: number[];
  /** Free bytes in its agent's data dir, as last reported; absent or null when not reported (never held against it). */
  freeDiskBytes?: number | null;
}

/** The disk new nodes need on a host. */
export interface DiskNeed {
  /** Free bytes a host must have to take any new node. */
  minFreeBytes: number;
  /** Bytes each new node may come to write (its maxmemory when it persists, else 0): k nodes on a host need k times it when that is more. */
  perNodeBytes: number;
}

const MIB = 1024 * 1024;

/** The default free disk a host must have to take a new node (HOST_MIN_FREE_DISK_MB): room for logs, nodes.conf and a rewrite's temporary file. */
export const MIN_FREE_DISK_MB = 1024;

/** What a node of this cluster needs: the floor, or its maxmemory with AOF/RDB (the files grow with the data). */
export function diskNeed(minFreeBytes: number, spec: { maxMemoryMb: number; persistence: 'none' | 'aof' | 'rdb' }): DiskNeed {
  return { minFreeBytes, perNodeBytes: spec.persistence === 'none' ? 0 : spec.maxMemoryMb * MIB };
}

/** Bytes `count` new nodes need free on one host. */
export function diskBytesFor(need: DiskNeed, count: number): number {
  return Math.max(need.minFreeBytes, count * need.perNodeBytes);
}

/** Whether `host` has the disk for `count` more nodes; a host that never reported its disk is not held back. */
export function hasDiskRoom(host: PlacementHost, need: DiskNeed | undefined, count = 1): boolean {
  if (!need || host.freeDiskBytes === undefined || host.freeDiskBytes === null) return true;
  return host.freeDiskBytes >= diskBytesFor(need, count);
}

/** Says how much disk a node needs, when some hosts were passed over for it. */
function diskShortage(states: HostState[], need: DiskNeed | undefined): string {
  const short = states.filter((s) => freePort({ ...s }) !== undefined && !hasDiskRoom(s.host, need, s.load + 1));
  if (!need || !short.length) return '';
  const each = need.perNodeBytes > 0 ? ` (${mib(need.perNodeBytes)} more for each further node on one host)` : '';
  const hosts = short.map((s) => `${nameOf(s.host)}: ${mib(s.host.freeDiskBytes ?? 0)} free${s.load ? ` with ${s.load} placed` : ''}`);
  return `; too little free disk on ${short.length} host(s) (${hosts.join(', ')}; a node needs ${mib(diskBytesFor(need, 1))}${each})`;
}

export function mib(bytes: number): string {
  return `${Math.floor(bytes / MIB)} MiB`;
}

export interface PlacedNode {
  shardIndex: number;
  role: NodeRole;
  hostId: string;
  port: number;
}

export interface Placement {
  /** Sorted by shard, primary first, then replicas. */
  nodes: PlacedNode[];
  /** Redundancy the fleet could not give (shared host or zone); the placement still stands. */
  warnings: string[];
}

export interface PlacementSpec {
  shards: number;
  replicasPerShard: number;
  /** The index the first shard placed will have (a scale-out's new shards follow the ones there). */
  firstShard?: number;
}

const nameOf = (h: PlacementHost) => h.name ?? h.id;

/** The fleet cannot hold the requested nodes at all. */
export class PlacementError extends Error {
  override name = 'PlacementError';
}

/** Redis listens on port + 10000 for the cluster bus unless cluster-port is set. */
const BUS_PORT_OFFSET = 10000;
const MAX_PORT = 65535;

interface HostState {
  host: PlacementHost;
  taken: Set<number>;
  /** Ports only get taken, so the lowest free port never moves down: scan from here. */
  cursor: number;
  /** Nodes placed by this call. */
  load: number;
}

/**
 * Decides which host and port each node of a new cluster gets. Deterministic for the same
 * input (hosts are considered in id order) so a retried job plans the same layout. With `disk`,
 * a host takes only as many nodes as its free disk has room for (hasDiskRoom).
 *
 * Primaries go first, each to the least-loaded host (nodes placed by this call, then
 * usedPorts.length, then fewest primaries already in its zone, then id). Replicas then go,
 * round by round, to a host holding no other member of their shard and outside their
 * primary's zone; failing that, another host in the primary's zone; failing that, a host
 * shared with the shard (fewest members, preferring not the primary's). The last two
 * fallbacks add a warning, because losing that host or zone loses more than one copy.
 */
export function placeCluster(hosts: PlacementHost[], spec: PlacementSpec, disk?: DiskNeed): Placement {
  const { shards, replicasPerShard } = spec;
  if (!Number.isInteger(shards) || shards < 1) throw new RangeError(`shards must be a positive integer, got ${shards}`);
  if (!Number.isInteger(replicasPerShard) || replicasPerShard < 0) {
    throw new RangeError(`replicasPerShard must be a non-negative integer, got ${replicasPerShard}`);
  }
  const ids = new Set(hosts.map((h) => h.id));
  if (ids.size !== hosts.length) throw new PlacementError('duplicate host ids in the fleet');

  const needed = shards * (1 + replicasPerShard);
  const states: HostState[] = [...hosts]
    .sort((a, b) => compareIds(a.id, b.id))
    .map((host) => ({ host, taken: new Set(host.usedPorts), cursor: host.portMin, load: 0 }));
  const nodes: PlacedNode[] = [];
  const warnings: string[] = [];

  const place = (state: HostState, shardIndex: number, role: NodeRole): PlacedNode => {
    const port = freePort(state);
    if (port === undefined) throw new Error('unreachable: placing on a host without a free port');
    state.taken.add(port);
    state.load++;
    const node = { shardIndex, role, hostId: state.host.id, port };
    nodes.push(node);
    return node;
  };
  const withRoom = (): HostState[] => {
    const open = states.filter((s) => freePort(s) !== undefined && hasDiskRoom(s.host, disk, s.load + 1));
    if (open.length === 0) {
      throw new PlacementError(
        `not enough capacity: need ${needed} nodes, the ${hosts.length} host(s) have free ports for only ${nodes.length} ` +
          `(each node needs a port p in the host's range with p and p+${BUS_PORT_OFFSET} free)${diskShortage(states, disk)}`,
      );
    }
    return open;
  };

  const primaryZones = new Map<string, number>();
  const primaryHosts: HostState[] = [];
  for (let shard = 0; shard < shards; shard++) {
    const best = pickMin(withRoom(), (s) => [s.load, s.host.usedPorts.length, zoneCount(primaryZones, s.host.zone)]);
    place(best, shard, 'primary');
    primaryHosts.push(best);
    if (best.host.zone !== null) primaryZones.set(best.host.zone, zoneCount(primaryZones, best.host.zone) + 1);
  }

  const members = primaryHosts.map((p) => [p]);
  for (let round = 0; round < replicasPerShard; round++) {
    for (let shard = 0; shard < shards; shard++) {
      const primary = primaryHosts[shard];
      const shardHosts = members[shard];
      if (!primary || !shardHosts) throw new Error('unreachable: shard without primary');
      const best = placeReplica(withRoom(), hosts.length, shard + (spec.firstShard ?? 0), primary, shardHosts, primaryHosts.slice(shard + 1), warnings);
      place(best, shard, 'replica');
      shardHosts.push(best);
    }
  }

  const roleOrder = (r: NodeRole) => (r === 'primary' ? 0 : 1);
  nodes.sort((a, b) => a.shardIndex - b.shardIndex || roleOrder(a.role) - roleOrder(b.role));
  return { nodes, warnings };
}

/** A shard that gets more replicas: where its members run now. */
export interface GrowingShard {
  shardIndex: number;
  /** Host of the member that is primary now. */
  primaryHostId: string;
  /** Hosts of every member (the primary included), one entry per member. */
  memberHostIds: string[];
  /** Replicas to add. */
  add: number;
}

/**
 * Places new replicas for running shards with the same rules as a new cluster's replicas:
 * away from the shard's members and their zone when the fleet allows, with a warning when it
 * does not. `hosts[].usedPorts` must include the ports of the existing members.
 */
export function placeReplicas(hosts: PlacementHost[], growing: GrowingShard[], disk?: DiskNeed): Placement {
  const states = new Map(
    [...hosts].sort((a, b) => compareIds(a.id, b.id)).map((host) => [host.id, { host, taken: new Set(host.usedPorts), cursor: host.portMin, load: 0 } as HostState]),
  );
  const nodes: PlacedNode[] = [];
  const warnings: string[] = [];
  const needed = growing.reduce((n, g) => n + g.add, 0);
  const byId = (id: string): HostState =>
    states.get(id) ?? { host: { id, zone: null, portMin: 0, portMax: -1, usedPorts: [] }, taken: new Set(), cursor: 0, load: 0 };
  const members = growing.map((g) => g.memberHostIds.map(byId));
  const rounds = Math.max(0, ...growing.map((g) => g.add));
  for (let round = 0; round < rounds; round++) {
    growing.forEach((g, i) => {
      if (round >= g.add) return;
      const open = [...states.values()].filter((s) => freePort(s) !== undefined && hasDiskRoom(s.host, disk, s.load + 1));
      if (open.length === 0) {
        throw new PlacementError(
          `not enough capacity: need ${needed} new replica(s), the ${hosts.length} host(s) have free ports for only ${nodes.length}${diskShortage([...states.values()], disk)}`,
        );
      }
      const shardHosts = members[i]!;
      const later = growing.slice(i + 1).filter((o) => round < o.add).map((o) => byId(o.primaryHostId));
      const best = placeReplica(open, hosts.length, g.shardIndex, byId(g.primaryHostId), shardHosts, later, warnings);
      const port = freePort(best)!;
      best.taken.add(port);
      best.load++;
      nodes.push({ shardIndex: g.shardIndex, role: 'replica', hostId: best.host.id, port });
      shardHosts.push(best);
    });
  }
  nodes.sort((a, b) => a.shardIndex - b.shardIndex);
  return { nodes, warnings };
}

/**
 * The best host among `open` for one more replica of a shard; notes a warning when redundancy
 * suffers. Between equally loaded hosts, one holding the primary of a shard still `later` in
 * line goes first: that shard's replica cannot go there, so filling it now keeps the load even.
 */
function placeReplica(open: HostState[], fleetSize: number, shard: number, primary: HostState, shardHosts: HostState[], later: HostState[], warnings: string[]): HostState {
  const sameZoneAsPrimary = (s: HostState) => s.host.zone !== null && s.host.zone === primary.host.zone;
  const membersOn = (s: HostState) => shardHosts.filter((m) => m.host.id === s.host.id).length;
  const membersInZone = (s: HostState) => (s.host.zone === null ? 0 : shardHosts.filter((m) => m.host.zone === s.host.zone).length);
  const best = pickMin(open, (s) => [
    membersOn(s),
    s.host.id === primary.host.id ? 1 : 0,
    sameZoneAsPrimary(s) ? 1 : 0,
    membersInZone(s),
    s.load,
    later.includes(s) ? 0 : 1,
    s.host.usedPorts.length,
  ]);
  const freeHosts = open.length === fleetSize ? `only ${fleetSize} host(s)` : `only ${open.length} of ${fleetSize} hosts have free ports`;
  if (best.host.id === primary.host.id) {
    warnings.push(`shard ${shard}: replica shares host ${nameOf(best.host)} with its primary: ${freeHosts}`);
  } else if (membersOn(best) > 0) {
    warnings.push(`shard ${shard}: replica shares host ${nameOf(best.host)} with another replica: ${freeHosts}`);
  } else if (sameZoneAsPrimary(best)) {
    warnings.push(`shard ${shard}: replica on ${nameOf(best.host)} shares zone ${best.host.zone} with its primary: no host with free ports in another zone`);
  }
  return best;
}

/**
 * Lowest port p in the host's range with p and its bus port p+10000 both free, and p not
 * the bus port (p-10000) of a node already there.
 */
function freePort(state: HostState): number | undefined {
  const max = Math.min(state.host.portMax, MAX_PORT - BUS_PORT_OFFSET);
  for (let p = Math.max(state.cursor, state.host.portMin, 1); p <= max; p++) {
    if (!state.taken.has(p) && !state.taken.has(p + BUS_PORT_OFFSET) && !state.taken.has(p - BUS_PORT_OFFSET)) {
      state.cursor = p;
      return p;
    }
  }
  state.cursor = max + 1;
  return undefined;
}

function zoneCount(counts: Map<string, number>, zone: string | null): number {
  return zone === null ? 0 : (counts.get(zone) ?? 0);
}

/** Candidate with the smallest key (compared left to right); ties go to the smaller host id. */
function pickMin(candidates: HostState[], key: (s: HostState) => number[]): HostState {
  let best: HostState | undefined;
  let bestKey: number[] = [];
  for (const c of candidates) {
    const k = key(c);
    if (best === undefined || compareKeys(k, bestKey) < 0 || (compareKeys(k, bestKey) === 0 && compareIds(c.host.id, best.host.id) < 0)) {
      best = c;
      bestKey = k;
    }
  }
  if (!best) throw new Error('unreachable: no candidate host');
  return best;
}

function compareKeys(a: number[], b: number[]): number {
  for (let i = 0; i < a.length; i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/** Plain code-unit order, not locale order, so the result is the same on every machine. */
function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
