import { sql } from 'drizzle-orm';
import { bigint, boolean, check, integer, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import type { HostState, LinkStatus, NodeHealth, NodeRole, NodeStatus, StartFailure } from '@slotplane/contracts';
import { clusters, shards } from './clusters.ts';

/**
 * Credentials an admin hands to a new host's agent so it can enroll: each enrolls one host, once,
 * before it expires. Only a hash is kept.
 */
export const enrollmentTokens = pgTable('enrollment_tokens', {
  id: uuid('id').primaryKey(),
  tokenHash: text('token_hash').notNull().unique(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  revokedAt: timestamp('revoked_at', { withTimezone: true }),
  // Every new token is given its expiry; the default only serves rows older than this column, which
  // were reusable and never expired: they expire the moment the migration runs.
  expiresAt: timestamp('expires_at', { withTimezone: true }).notNull().defaultNow(),
  usedAt: timestamp('used_at', { withTimezone: true }),
  // The host the token enrolled (for the audit trail).
  usedByHostId: uuid('used_by_host_id'),
});

/** A machine that runs an agent. */
export const hosts = pgTable('hosts', {
  id: uuid('id').primaryKey(),
  name: text('name').notNull().unique(),
  address: text('address').notNull(),
  zone: text('zone'),
  rack: text('rack'),
  tokenHash: text('token_hash').notNull().unique(),
  // Set once, for good: the credential is refused and the host counts as lost (its name stays taken).
  revokedAt: timestamp('revoked_at', { withTimezone: true }),
  credentialRotatedAt: timestamp('credential_rotated_at', { withTimezone: true }),
  portMin: integer('port_min').notNull(),
  portMax: integer('port_max').notNull(),
  lastHeartbeatAt: timestamp('last_heartbeat_at', { withTimezone: true }),
  // The state last announced in a host.* event (up, suspect, lost); GET /v1/hosts computes it afresh.
  state: text('state').$type<HostState>().notNull().default('up'),
  // The agent's last report of its instances, as it sent it, and which report that was.
  report: jsonb('report').$type<unknown>(),
  bootId: text('boot_id'),
  reportSeq: bigint('report_seq', { mode: 'number' }).notNull().default(0),
  // The agent's data dir as its last heartbeat (or report) gave it; null until an agent that reports it.
  diskFreeBytes: bigint('disk_free_bytes', { mode: 'number' }),
  diskTotalBytes: bigint('disk_total_bytes', { mode: 'number' }),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});

/**
 * The host watch every worker runs, as one row: when its last round ran and since when it has run
 * without a gap (see core's hostWatchAt). A host's silence counts from no earlier than `since`: after
 * the control plane was down, its hosts are not judged on heartbeats it could not receive.
 */
export const hostWatch = pgTable(
  'host_watch',
  {
    // The one row (1), written by the migration.
    id: integer('id').primaryKey().default(1),
    // Raised by each round: the guard that lets one round at a time record itself.
    round: bigint('round', { mode: 'number' }).notNull().default(0),
    ranAt: timestamp('ran_at', { withTimezone: true }),
    since: timestamp('since', { withTimezone: true }),
  },
  (t) => [check('host_watch_one', sql`${t.id} = 1`)],
);

/** One redis-server: where it is assigned (desired) and what the agent and Redis say of it (observed). */
export const nodes = pgTable(
  'nodes',
  {
    id: uuid('id').primaryKey(),
    clusterId: uuid('cluster_id').notNull().references(() => clusters.id),
    shardId: uuid('shard_id').notNull().references(() => shards.id),
    hostId: uuid('host_id').notNull().references(() => hosts.id),
    port: integer('port').notNull(),
    // The role the node was placed for: which node of a new shard gets its slots. What it is now is observedRole.
    role: text('role').$type<NodeRole>().notNull(),
    // Raised to have the agent restart the process.
    runGeneration: integer('run_generation').notNull().default(1),
    removedAt: timestamp('removed_at', { withTimezone: true }),
    // Observed by the agent.
    status: text('status').$type<NodeStatus>().notNull().default('pending'),
    pid: integer('pid'),
    exitCode: integer('exit_code'),
    exitSignal: text('exit_signal'),
    // When its agent reported the process exited (null unless status is exited): dates a primary's
    // death, to tell a replica whose link was up then from one that fell behind before.
    exitedAt: timestamp('exited_at', { withTimezone: true }),
    agentRunGeneration: integer('agent_run_generation'),
    agentRevision: text('agent_revision'),
    // Why the agent could not start the current run (reported with state exited), else null.
    startFailure: jsonb('start_failure').$type<StartFailure>(),
    // Observed over the Redis protocol by workers.
    redisNodeId: text('redis_node_id'),
    observedRole: text('observed_role').$type<NodeRole>(),
    primaryRedisId: text('primary_redis_id'),
    linkStatus: text('link_status').$type<LinkStatus>(),
    health: text('health').$type<NodeHealth>(),
    replOffset: bigint('repl_offset', { mode: 'number' }),
    // The config epoch it was last seen with (its own answer, else its peers'): of two dead members
    // of a shard, the one with the newer epoch holds the shard's newer data.
    configEpoch: bigint('config_epoch', { mode: 'number' }),
    reachable: boolean('reachable'),
    unreachableSince: timestamp('unreachable_since', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  // A port is taken on a host until the node that holds it is gone.
  (t) => [uniqueIndex('nodes_host_port_live').on(t.hostId, t.port).where(sql`removed_at is null`)],
);
