import { REDIS_CONFIG_DEFAULTS, type ClusterSpec, type Durability } from '@slotplane/contracts';

/** cluster-node-timeout the cluster runs with (also what the agent writes in redis.conf). */
export const RUNNING_NODE_TIMEOUT_MS = 5000;
/**
 * While a cluster is being created: a new primary refuses cluster_state:ok for its node
 * timeout (at most 5 s) after joining, so creation runs with a short one and restores the
 * running value before it reports the cluster available.
 */
export const BOOTSTRAP_NODE_TIMEOUT_MS = 1000;

/**
 * min-replicas-max-lag of a strict cluster, in seconds. A primary refuses writes once no replica
 * acknowledged for longer than this: Redis counts whole seconds and refreshes the count once a
 * second, so a primary cut off from its replica stops taking writes 3-4 s after the replica's
 * last ack. Its replica cannot be promoted before the node timeout (5 s) plus the election delay
 * (at least 0.5 s), so the primary has stopped first. 1 s would stop it sooner, but one second
 * without an ack on a loaded host (replicas ack once a second) would refuse writes for nothing.
 */
export const MIN_REPLICAS_MAX_LAG_S = 2;

/**
 * The durability a cluster runs with: what its spec asks for, or when it does not say, strict
 * with replicas and relaxed without (min-replicas-to-write needs a replica to count).
 */
export function durabilityOf(spec: Pick<ClusterSpec, 'replicasPerShard' | 'durability'>): Durability {
  return spec.durability ?? (spec.replicasPerShard >= 1 ? 'strict' : 'relaxed');
}

/** The `save` schedule of persistence "rdb"; "" turns snapshots off. */
export const RDB_SAVE_SCHEDULE = '3600 1 300 100 60 10000';

/** The settings every node must run with, as CONFIG GET prints them. */
export function desiredNodeConfig(spec: ClusterSpec, nodeTimeoutMs: number = RUNNING_NODE_TIMEOUT_MS): Record<string, string> {
  const out: Record<string, string> = {
    maxmemory: String(spec.maxMemoryMb * 1024 * 1024),
    appendonly: spec.persistence === 'aof' ? 'yes' : 'no',
    save: spec.persistence === 'rdb' ? RDB_SAVE_SCHEDULE : '',
    'cluster-node-timeout': String(nodeTimeoutMs),
    // Replicas ignore it; a primary counts its replicas that acked within the lag. Every node gets
    // the same value: a replica promoted later must already refuse writes on its own.
    'min-replicas-to-write': durabilityOf(spec) === 'strict' ? '1' : '0',
    'min-replicas-max-lag': String(MIN_REPLICAS_MAX_LAG_S),
    // Redis elects replicas on its own, except those of a slot move's source (nodeConfig).
    'cluster-replica-no-failover': 'no',
    // A RESTORE from a tenant is checked deeply: a crafted payload passed the shallow check and
    // aborted the node on its next read. The control plane's user (MIGRATE's AUTH2) skips it
    // (skip-sanitize-payload): slot moves carry what a node already held.
    'sanitize-dump-payload': 'clients',
  };
  for (const [key, fallback] of Object.entries(REDIS_CONFIG_DEFAULTS)) {
    const value = (spec.redisConfig as Record<string, string | number | undefined>)[key] ?? fallback;
    out[key] = String(value);
  }
  return out;
}

/** What decides one node's settings beside the spec: its role, its replicas, its shard's moves. */
export interface WriteGuardFacts {
  primary: boolean;
  /** Replicas that follow it with their link up. */
  linkedReplicas: number;
  /** min-replicas-to-write as the node shows it now. */
  minReplicasToWrite: string | undefined;
  /** Its shard gives slots away (the source of an open move in the journal). */
  sourceOfMove: boolean;
}

/**
 * The settings one node must run with: the spec's, except that a primary of a strict cluster is
 * not made strict while no replica of its is linked (it would refuse every write while the
 * replica Slotplane just gave it syncs: a scale from 0 replicas, a switch to strict during a
 * replacement). Once strict it stays strict when its replicas go: that refusal is the point
 * (no write is acknowledged that only this node holds), until a replica is back. Replicas get
 * it at once, so a promoted one is strict from its first write. MIGRATE is a write on both ends
 * (the target's RESTORE-ASKING too): slots move only once every replica is linked.
 *
 * The members of a shard that gives slots away do not elect themselves: Redis keeps a slot's
 * MIGRATING state on the primary alone, so a replica it elected would answer for keys already
 * moved as if they had never been (a write makes a new key, the moved one is lost when the move
 * goes on). Slotplane promotes them instead, with the moves' MIGRATING set before any write
 * reaches them (the plan's `failover` step).
 */
export function nodeConfig(spec: ClusterSpec, nodeTimeoutMs: number, node: WriteGuardFacts): Record<string, string> {
  const out = desiredNodeConfig(spec, nodeTimeoutMs);
  if (out['min-replicas-to-write'] !== '0' && node.primary && node.linkedReplicas === 0 && node.minReplicasToWrite === '0') out['min-replicas-to-write'] = '0';
  if (node.sourceOfMove) out['cluster-replica-no-failover'] = 'yes';
  return out;
}

/** Every key the control plane sets; observation reads them with one CONFIG GET. */
export const MANAGED_CONFIG_KEYS: readonly string[] = Object.keys(desiredNodeConfig({ shards: 1, replicasPerShard: 0, maxMemoryMb: 16, persistence: 'none', redisConfig: {} }));

/**
 * Keyspace-event flags as a set: Redis 7.0 prints them in its own order, folds "g$lshzxetd" into
 * "A", and prints no "n" next to "A" (so with "A" set, "n" cannot be observed and is not compared).
 */
const ALL_KEYSPACE_CLASSES = 'g$lshzxetd';
function normalize(key: string, value: string): string {
  if (key !== 'notify-keyspace-events') return value;
  const flags = new Set(value.replaceAll('A', ALL_KEYSPACE_CLASSES));
  if (value.includes('A')) flags.delete('n');
  return [...flags].sort().join('');
}

/** The settings a node shows that differ from `desired` (keys it did not answer count as different). */
export function configDiff(desired: Record<string, string>, observed: Record<string, string>): Record<string, string> {
  const diff: Record<string, string> = {};
  for (const [key, value] of Object.entries(desired)) {
    const seen = observed[key];
    if (seen === undefined || normalize(key, seen) !== normalize(key, value)) diff[key] = value;
  }
  return diff;
}

/**
 * A short, stable name for the node configuration a spec asks for. The API hands it to the
 * agents with each instance; an agent reports it back once its redis.conf says so, which is how
 * the planner knows a restarted node would come back with the settings Redis runs now.
 */
export function configRevision(spec: ClusterSpec, tenantPasswords: readonly string[] = []): string {
  // The tenant's passwords (as tenantPasswordHashes gives them) are part of redis.conf too: a node
  // restarted during or after a rotation must come back accepting what clients use.
  const canonical = JSON.stringify([
    spec.maxMemoryMb,
    spec.persistence,
    // Only when strict, so the revision of relaxed (and older) clusters stays what their agents wrote.
    ...(durabilityOf(spec) === 'strict' ? ['strict'] : []),
    Object.entries(spec.redisConfig).filter(([, v]) => v !== undefined).sort(([a], [b]) => (a < b ? -1 : 1)),
    ...(tenantPasswords.length ? [[...tenantPasswords].sort()] : []),
  ]);
  // FNV-1a, 32 bit: a revision tag, not a security boundary.
  let hash = 0x811c9dc5;
  for (let i = 0; i < canonical.length; i++) {
    hash ^= canonical.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash.toString(16).padStart(8, '0');
}
