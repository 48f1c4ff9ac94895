import { z } from 'zod';
import { DnsLabel, Id, PageQuery, Timestamp, decimal, wholeNumber } from './common.ts';
import { Shard } from './topology.ts';

export const ClusterName = DnsLabel.describe('DNS-label-like name, unique per tenant.');

export const Persistence = z.enum(['none', 'aof', 'rdb']).describe('none: memory only; aof: append-only file (fsync every second); rdb: periodic snapshots.');

export const Durability = z
  .enum(['strict', 'relaxed'])
  .describe(
    "strict: a primary takes writes only while one of its replicas acknowledged replication within the last 2 s (min-replicas-to-write 1, min-replicas-max-lag 2), so a primary cut off from its replicas refuses writes (NOREPLICAS) before Redis can promote one of them, and one paused past cluster-node-timeout refuses what it is sent once it has run again for a second (Redis recounts its replicas once a second: commands queued in its sockets while paused, and those sent in that first second, may still be acknowledged: use WAIT for those); the price: a primary whose replicas are all gone (a failover, a replica being replaced) refuses writes until a new one has synced. relaxed: a primary takes writes alone; one cut off or paused past cluster-node-timeout can acknowledge writes its promoted replica never sees. Needs replicasPerShard >= 1 for strict. Default: strict with replicas, relaxed without; left out, it follows replicasPerShard.",
  );
export type Durability = z.infer<typeof Durability>;
/** Why a cluster without replicas cannot be strict. */
export const STRICT_NEEDS_REPLICAS = 'strict needs replicasPerShard >= 1 (a primary without a replica would refuse every write); use relaxed';

/** The lowest maxclients a tenant may set: with 1, the control plane could no longer reach the node to undo it. */
export const MIN_MAXCLIENTS = 128;

/**
 * The redis.conf keys a tenant may set. Everything else (ports, cluster mode, passwords,
 * timeouts the control plane depends on) belongs to Slotplane.
 */
export const RedisConfig = z
  .strictObject({
    'maxmemory-policy': z
      .enum(['noeviction', 'allkeys-lru', 'allkeys-lfu', 'allkeys-random', 'volatile-lru', 'volatile-lfu', 'volatile-random', 'volatile-ttl'])
      .optional(),
    timeout: z.number().int().min(0).max(86_400).optional().describe('Close idle client connections after this many seconds (0 = never).'),
    'tcp-keepalive': z.number().int().min(0).max(7_200).optional(),
    'notify-keyspace-events': z.string().max(32).regex(/^[KEg$lshzxetdmnA]*$/, 'only the keyspace event classes Redis knows').optional(),
    'slowlog-log-slower-than': z.number().int().min(-1).max(60_000_000).optional(),
    'slowlog-max-len': z.number().int().min(0).max(100_000).optional(),
    'cluster-allow-reads-when-down': z.enum(['yes', 'no']).optional(),
    hz: z.number().int().min(1).max(500).optional(),
    maxclients: z
      .number()
      .int()
      .min(MIN_MAXCLIENTS, `must be at least ${MIN_MAXCLIENTS}: room for the control plane's connections, replicas and slot migration`)
      .max(100_000)
      .optional()
      .describe(`Client connections a node takes, ${MIN_MAXCLIENTS}-100000. Replicas and the control plane count among them: below the floor a node could lock them out.`),
  })
  .meta({ id: 'RedisConfig' });
export type RedisConfig = z.infer<typeof RedisConfig>;

/**
 * What each allow-listed key is when the tenant does not set it (Redis 7.0's defaults): a key
 * removed from redisConfig goes back to this value on the running nodes.
 */
export const REDIS_CONFIG_DEFAULTS: { [K in keyof Required<RedisConfig>]: NonNullable<RedisConfig[K]> } = {
  'maxmemory-policy': 'noeviction',
  timeout: 0,
  'tcp-keepalive': 300,
  'notify-keyspace-events': '',
  'slowlog-log-slower-than': 10_000,
  'slowlog-max-len': 128,
  'cluster-allow-reads-when-down': 'no',
  hz: 10,
  maxclients: 10_000,
};

const shards = z.number().int().min(1).max(64).describe('Number of shards (primaries), 1-64.');
const replicasPerShard = z.number().int().min(0).max(5).describe('Replicas of each primary, 0-5.');
const maxMemoryMb = z.number().int().min(16).max(262_144).describe('maxmemory of every node, in MiB.');
/** Each field of a cluster's shape as the API checks it (the Terraform provider checks the same at plan time). */
export const ClusterFields = { name: ClusterName, shards, replicasPerShard, maxMemoryMb, persistence: Persistence, durability: Durability } as const;
const takeoverWhenQuorumLost = z
  .boolean()
  .describe(
    'When hosts holding a majority of the primaries are lost, Redis can neither flag them failed nor elect replicas. true: Slotplane promotes their replicas with CLUSTER FAILOVER TAKEOVER (no vote; writes a lost primary took after its replica last synced are lost, and a primary that was only cut off keeps refusing writes after cluster-node-timeout). false (default): the cluster waits for the hosts to come back.',
  );

/** The desired shape of a cluster, as the API stores it (defaults applied). */
export const ClusterSpec = z
  .object({
    shards,
    replicasPerShard,
    maxMemoryMb,
    persistence: Persistence,
    redisConfig: RedisConfig,
    /** Absent on clusters created before the field existed: false. */
    takeoverWhenQuorumLost: takeoverWhenQuorumLost.optional(),
    /**
     * Absent when never asked for (and on clusters created before the field existed): the default
     * for replicasPerShard, as durabilityOf in core says. The API shows the value in effect.
     */
    durability: Durability.optional(),
  })
  .meta({ id: 'ClusterSpec' });
export type ClusterSpec = z.infer<typeof ClusterSpec>;

export const CreateClusterBody = z
  .strictObject({
    name: ClusterName,
    shards,
    replicasPerShard,
    maxMemoryMb: maxMemoryMb.default(256),
    persistence: Persistence.default('none'),
    redisConfig: RedisConfig.default({}),
    takeoverWhenQuorumLost: takeoverWhenQuorumLost.default(false),
    durability: Durability.optional(),
    tenantId: Id.optional().describe("Admin keys only: create the cluster for this tenant, within its quotas (default: the caller's)."),
  })
  .refine((b) => !(b.durability === 'strict' && b.replicasPerShard === 0), { message: STRICT_NEEDS_REPLICAS, path: ['durability'] })
  .meta({ id: 'CreateClusterRequest' });
export type CreateClusterBody = z.infer<typeof CreateClusterBody>;

export const PatchClusterBody = z
  .strictObject({
    shards: shards.optional().describe('More shards: new primaries and replicas, then slots migrate to them online. Fewer: the last shards are drained online, then removed.'),
    replicasPerShard: replicasPerShard.optional(),
    maxMemoryMb: maxMemoryMb.optional(),
    persistence: Persistence.optional(),
    redisConfig: RedisConfig.optional().describe('Replaces the whole redisConfig object.'),
    takeoverWhenQuorumLost: takeoverWhenQuorumLost.optional(),
    durability: Durability.optional().describe('strict needs replicasPerShard >= 1: going to 0 replicas takes durability relaxed in the same PATCH, unless durability was left to its default.'),
  })
  .refine((b) => Object.keys(b).length > 0, { message: 'give at least one field to change' })
  .meta({ id: 'UpdateClusterRequest' });
export type PatchClusterBody = z.infer<typeof PatchClusterBody>;

export const ClusterStatus = z.enum(['creating', 'available', 'modifying', 'degraded', 'failed', 'deleting', 'deleted']);
export type ClusterStatus = z.infer<typeof ClusterStatus>;

export const DataLossKind = z
  .enum(['all', 'since_last_save'])
  .describe('all: the node had no persistence and came back empty; since_last_save: persistence is rdb, and the writes after its last snapshot are gone.');
export type DataLossKind = z.infer<typeof DataLossKind>;

/** A shard restarted in place from what its persistence kept, which was not all it held. */
export const DataLoss = z
  .object({
    id: Id.describe('Acknowledge it with POST /v1/clusters/{clusterId}/data-loss/{lossId}/acknowledge.'),
    shardIndex: z.number().int().nullable().describe('The shard that lost data, as in `shards` (null if its shard row was gone when the loss was declared).'),
    nodeId: Id.describe('The node restarted in place, in its own data dir.'),
    loss: DataLossKind,
    detail: z.string().describe('What was lost, in words.'),
    declaredAt: Timestamp.describe('When the worker restarted the node (the `shard.data_lost` event of the same time).'),
  })
  .meta({ id: 'DataLoss' });
export type DataLoss = z.infer<typeof DataLoss>;

export const Cluster = z
  .object({
    id: Id,
    tenantId: Id.describe('The tenant that owns the cluster (its quotas count it).'),
    name: ClusterName,
    spec: ClusterSpec.describe('Desired state, written only through the API.'),
    generation: z.number().int().describe('Bumped on every change of spec.'),
    status: ClusterStatus.describe('Observed state, written only by workers.'),
    observedGeneration: z.number().int().describe('The generation the cluster last converged to (0 = never).'),
    lastError: z.string().nullable().describe('Why the cluster is not at its desired shape, when something stands in the way.'),
    observedAt: Timestamp.nullable().describe('When a worker last observed the nodes.'),
    shards: z.array(Shard).describe('Observed topology: one entry per shard.'),
    dataLoss: z
      .array(DataLoss)
      .describe(
        "Data losses not yet acknowledged, oldest first (empty when none): a node restarted in place whose persistence could not give back all it held. `status` does not show them (a cluster that lost data is `available` again once healed); each stays here until acknowledged. In a 202 reply's cluster, empty like its `shards`: GET the cluster.",
      ),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  })
  .meta({ id: 'Cluster' });
export type Cluster = z.infer<typeof Cluster>;

export const ClusterIdParams = z.object({ clusterId: Id });
export const DataLossParams = z.object({ clusterId: Id, lossId: Id.describe("A data loss's id, as in the cluster's `dataLoss`.") });

export const ClusterListQuery = PageQuery.extend({
  tenantId: Id.optional().describe("Only this tenant's clusters. An admin key lists every tenant's without it; any other key may name only its own tenant (another is 403)."),
  name: z.string().min(1).max(100).optional().describe('Only the cluster of this name (one per tenant: an admin key may get several).'),
});

export const RebalanceBody = z
  .strictObject({
    by: z.enum(['slots', 'memory']).default('slots').describe('slots: even slot counts; memory: even bytes per primary (measured on the nodes), so a shard of big keys ends with fewer slots.'),
    threshold: z.number().min(0).max(100).default(2).describe('Percent a primary may be off its fair share before slots move.'),
  })
  .meta({ id: 'RebalanceRequest' });
export type RebalanceBody = z.infer<typeof RebalanceBody>;

export const SwitchoverBody = z
  .strictObject({ nodeId: Id.optional().describe('The replica to promote; by default the in-sync replica with the greatest replication offset.') })
  .meta({ id: 'SwitchoverRequest' });
export type SwitchoverBody = z.infer<typeof SwitchoverBody>;

/** Bounds of a password rotation's grace period: up to a day. */
export const PASSWORD_GRACE_MAX_SECONDS = 86_400;
export const RotatePasswordBody = z
  .strictObject({
    graceSeconds: z
      .number()
      .int()
      .min(0)
      .max(PASSWORD_GRACE_MAX_SECONDS)
      .default(3600)
      .describe('How long the old password keeps working once the new one works on every node (0-86400 s).'),
  })
  .meta({ id: 'RotatePasswordRequest' });
export type RotatePasswordBody = z.infer<typeof RotatePasswordBody>;

export const ShardParams = z.object({ clusterId: Id, index: decimal(wholeNumber().min(0).max(63)).describe('Shard index, as in GET /v1/clusters/{id}.') });

export const BigKey = z.object({ name: z.string(), type: z.string(), bytes: z.number().int() }).meta({ id: 'BigKey' });
export const ShardSkew = z
  .object({
    index: z.number().int(),
    primary: z.object({ host: z.string(), port: z.number().int() }).nullable(),
    slots: z.number().int().describe('Slots the primary owns.'),
    keys: z.number().int().nullable().describe('Keys on the primary (DBSIZE); null when it could not be measured (error).'),
    usedMemoryBytes: z.number().int().nullable().describe('used_memory of the primary; null when it could not be measured (error).'),
    opsPerSec: z
      .number()
      .int()
      .nullable()
      .describe("Commands per second the primary processed over the report's measuring window (at least 0.5 s), the report's own commands left out; null when it could not be measured (error)."),
    bigKeys: z.array(BigKey).describe('The biggest keys found by a bounded sampled SCAN, biggest first.'),
    sampledKeys: z.number().int().describe('How many keys the scan looked at on this primary.'),
    error: z.string().nullable().describe('Why this primary could not be measured (no primary, or it did not answer); null when it was.'),
  })
  .meta({ id: 'ShardSkew' });
export const ClusterSkew = z
  .object({ shards: z.array(ShardSkew), measuredAt: Timestamp })
  .meta({ id: 'ClusterSkew' });
export type ClusterSkew = z.infer<typeof ClusterSkew>;
