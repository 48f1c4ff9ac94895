import { z } from 'zod';
import { Id, Timestamp } from './common.ts';
import { Durability, Persistence, RedisConfig } from './clusters.ts';
import { NodeRole } from './topology.ts';

/**
 * The Redis ACL users of every node. The control plane and replication have users of their
 * own, so nothing a tenant does with its user (which cannot run admin commands) can lock the
 * control plane out or break replication.
 */
export const REDIS_USERS = { admin: 'slotplane', replication: 'replication', tenant: 'app' } as const;

/**
 * The tenant's user: every data command, and what cluster clients need to find their way
 * (CLUSTER SLOTS/SHARDS/NODES/INFO/..., READONLY, INFO), but nothing that administers the
 * node. `-@admin` takes away CONFIG, ACL changes, CLUSTER changes, REPLICAOF/SLAVEOF,
 * FAILOVER, SHUTDOWN, DEBUG, MODULE, MONITOR (and SAVE, SLOWLOG, CLIENT KILL, ...); MIGRATE and
 * the ACL subcommands outside @admin go separately, and SCRIPT DEBUG (YES forks a child per
 * connection, SYNC blocks every other client of the node). Checked command by command on 7.0.15.
 */
export const TENANT_ACL = ['~*', '&*', '+@all', '-@admin', '-migrate', '-acl', '+acl|whoami', '-script|debug'];
/** A command TENANT_ACL denies that older rules allowed: a node that lets the tenant run it has not got the current rules. */
export const TENANT_ACL_PROBE = ['SCRIPT', 'DEBUG', 'NO'];

/** A password as a Redis ACL rule takes it instead of the password itself (`#<hash>`): SHA-256, lowercase hex. */
const PasswordHash = z.string().regex(/^[0-9a-f]{64}$/, 'a SHA-256 in lowercase hex');

/**
 * What a node's users accept. Users that only log in to a node are given as hashes: the host
 * never holds their passwords. Replication's is the one a replica must present itself
 * (masterauth), so the host holds it.
 */
export const NodePasswords = z
  .object({
    adminHash: PasswordHash.describe(`SHA-256 of the password of the control plane's user "${REDIS_USERS.admin}".`),
    replication: z.string().describe(`Password of "${REDIS_USERS.replication}", which replicas sync with (masteruser/masterauth).`),
    tenantHashes: z
      .array(PasswordHash)
      .min(1)
      .max(2)
      .describe(`SHA-256 of each password the tenant's user "${REDIS_USERS.tenant}" accepts: two during a password rotation and its grace period.`),
  })
  .meta({ id: 'NodePasswords' });
export type NodePasswords = z.infer<typeof NodePasswords>;

/** A redis-server's port: its cluster bus listens 10000 above it, so at most 55535. */
const Port = z.number().int().min(1).max(55535);

/** One redis-server the control plane wants a host to run. */
export const AgentInstance = z
  .object({
    nodeId: Id,
    clusterId: Id,
    port: Port,
    runGeneration: z.number().int().min(1).describe('Raised to make the agent restart the process (data dir kept).'),
    revision: z.string().describe('Identifies the configuration below; the agent reports it back once redis.conf says so.'),
    passwords: NodePasswords,
    maxMemoryMb: z.number().int(),
    persistence: Persistence,
    durability: Durability.default('relaxed').describe('The value in effect (never left to a default by the API); strict writes min-replicas-to-write 1.'),
    redisConfig: RedisConfig,
  })
  .meta({ id: 'AgentInstance' });
export type AgentInstance = z.infer<typeof AgentInstance>;

export const AgentAssignments = z
  .object({
    version: z.string().describe('Changes whenever the list changes; pass it back as ?since= to long-poll.'),
    instances: z.array(AgentInstance),
  })
  .meta({ id: 'AgentAssignments' });
export type AgentAssignments = z.infer<typeof AgentAssignments>;

export const AssignmentsQuery = z.strictObject({
  since: z.string().max(100).optional(),
  waitMs: z.coerce.number().int().min(0).max(60_000).default(0).describe('Hold the request up to this long until the list differs from `since`.'),
});

export const InstanceState = z.enum(['starting', 'running', 'stopping', 'exited']);

export const StartFailure = z
  .strictObject({
    reason: z.string().max(1000).describe("What went wrong, in the agent's words: redis.conf could not be written, or redis-server exited at once (with its last log line)."),
    noSpace: z.boolean().describe('The disk was full: ENOSPC, or next to nothing left free in the data dir when redis-server gave up.'),
    freeDiskBytes: z.number().int().min(0).nullable().describe('Free bytes in the data dir at that moment (null when it could not tell).'),
  })
  .meta({ id: 'StartFailure' });
export type StartFailure = z.infer<typeof StartFailure>;

export const DiskSpace = z
  .strictObject({
    freeBytes: z.number().int().min(0).describe('Bytes the agent can still write in its data dir (statfs: available blocks x block size).'),
    totalBytes: z.number().int().min(0).describe('Size of the file system of the data dir.'),
  })
  .meta({ id: 'DiskSpace' });
export type DiskSpace = z.infer<typeof DiskSpace>;
export const InstanceReport = z
  .strictObject({
    nodeId: Id.describe('A node assigned to this host (now or before: a removed one may still be reported while it stops).'),
    port: Port,
    pid: z.number().int().min(1).max(4_194_304).nullable().describe('Linux caps process ids at 2^22.'),
    state: InstanceState,
    exitCode: z.number().int().min(0).max(255).nullable(),
    signal: z.string().regex(/^SIG[A-Z0-9+-]{1,16}$/, 'a signal name such as SIGKILL').nullable(),
    runGeneration: z.number().int().min(1).max(2_147_483_647).describe('The run generation of the process that runs (or last ran).'),
    revision: z.string().max(100).nullable().describe('The configuration revision its redis.conf was last written for.'),
    startFailure: StartFailure.nullable()
      .optional()
      .describe('Why the agent could not start this run (state exited, no process); null or absent otherwise. The control plane starts it again, or elsewhere, by itself.'),
  })
  .meta({ id: 'InstanceReport' });
export type InstanceReport = z.infer<typeof InstanceReport>;

const BootId = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9._-]+$/, 'letters, digits, ".", "_" and "-"')
  .describe('Identifies one run of the agent process; a later boot sorts after an earlier one.');

/** A report names each node once, and one port is one process: a repeat is a bug in the agent, named by its place. */
function noRepeats(instances: InstanceReport[], ctx: z.core.$RefinementCtx<InstanceReport[]>) {
  for (const key of ['nodeId', 'port'] as const) {
    const seen = new Set<unknown>();
    instances.forEach((i, index) => {
      if (seen.has(i[key])) ctx.addIssue({ code: 'custom', path: [index, key], message: `repeats ${key} ${String(i[key])} of an earlier instance` });
      seen.add(i[key]);
    });
  }
}

export const AgentReport = z
  .strictObject({
    bootId: BootId,
    seq: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).describe('Numbers the reports of one boot; a report older than the last one recorded is ignored.'),
    instances: z.array(InstanceReport).superRefine(noRepeats).describe('Every instance the agent runs or ran, each node and each port once.'),
    disk: DiskSpace.optional().describe('Its data dir now (a start that failed for want of space is judged by it).'),
  })
  .meta({ id: 'AgentReport' });
export type AgentReport = z.infer<typeof AgentReport>;

export const ReportResult = z.object({ recorded: z.boolean().describe('False when a newer report was recorded already.') }).meta({ id: 'ReportResult' });

export const Heartbeat = z
  .strictObject({
    bootId: BootId,
    seq: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).describe('The seq of the last report this agent sent.'),
    disk: DiskSpace.optional().describe("Its data dir's free space: new nodes are placed only on hosts with room (HOST_MIN_FREE_DISK_MB)."),
  })
  .meta({ id: 'Heartbeat' });
export type Heartbeat = z.infer<typeof Heartbeat>;

export const HeartbeatResult = z
  .object({ resend: z.boolean().describe('True when the control plane has not recorded that report: send it again.') })
  .meta({ id: 'HeartbeatResult' });
export type HeartbeatResult = z.infer<typeof HeartbeatResult>;

export const EnrollRequest = z
  .strictObject({
    name: z.string().min(1).max(63).regex(/^[a-zA-Z0-9][a-zA-Z0-9.-]*$/, 'letters, digits, "." and "-"'),
    address: z.string().min(1).max(253).describe('The address redis-servers on this host bind to and announce.'),
    zone: z.string().max(63).nullable().default(null),
    rack: z.string().max(63).nullable().default(null),
    portMin: z.number().int().min(1024).max(55535),
    portMax: z.number().int().min(1024).max(55535),
  })
  .refine((b) => b.portMax >= b.portMin, { message: 'portMax must be >= portMin', path: ['portMax'] })
  .meta({ id: 'EnrollRequest' });
export type EnrollRequest = z.infer<typeof EnrollRequest>;

export const EnrollResponse = z
  .object({ hostId: Id, hostToken: z.string().describe('The credential of this host from now on; shown once.') })
  .meta({ id: 'EnrollResponse' });

export const HostIdParams = z.strictObject({ hostId: Id });

export const HostCredential = z
  .object({
    hostId: Id,
    hostToken: z.string().describe("The host's new credential, shown once: write it to <agent data dir>/host-token and restart the agent. The old one is refused already."),
  })
  .meta({ id: 'HostCredential' });

export const HostState = z.enum(['up', 'suspect', 'lost']);
export type HostState = z.infer<typeof HostState>;

export const Host = z
  .object({
    id: Id,
    name: z.string(),
    address: z.string(),
    zone: z.string().nullable(),
    rack: z.string().nullable(),
    portMin: z.number().int(),
    portMax: z.number().int(),
    lastHeartbeatAt: Timestamp.nullable(),
    revokedAt: Timestamp.nullable().describe('When an admin revoked the host: its credential is refused since, and it counts as lost.'),
    state: HostState.describe(
      'From its heartbeats (one a second): suspect after 3 s without one, lost after the grace period (HOST_LOST_AFTER_MS, default 30 s), silence counted from no earlier than the control plane\'s return after it was down; lost at once when revoked. Silence alone fails nothing over: a lost host\'s nodes are replaced only once Redis itself flags them FAIL.',
    ),
    disk: DiskSpace.nullable().describe("Its agent's data dir as of the last heartbeat; null until an agent reports it. A host takes new nodes only with HOST_MIN_FREE_DISK_MB free (or a node's maxmemory with AOF/RDB, if more)."),
    instances: z.array(InstanceReport),
  })
  .meta({ id: 'Host' });
export type Host = z.infer<typeof Host>;

export const Credentials = z
  .object({
    username: z.string().describe('Your Redis user: every data command, no admin commands (CONFIG, ACL, CLUSTER changes, ...).'),
    password: z.string(),
    endpoints: z
      .array(z.object({ host: z.string(), port: z.number().int(), role: NodeRole }))
      .describe('Nodes that answered the last observation: primaries first, then replicas. Any one is enough for a cluster client.'),
  })
  .meta({ id: 'ClusterCredentials' });
