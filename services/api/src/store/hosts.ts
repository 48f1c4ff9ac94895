import { createHash, randomBytes } from 'node:crypto';
import type { AgentInstance, DiskSpace, EnrollRequest, InstanceReport, NodeStatus } from '@slotplane/contracts';
import { configRevision, durabilityOf, passwordHash, tenantPasswordHashes } from '@slotplane/core';
import { and, appendEvent, clusters, enrollmentTokens, eq, gt, hosts, inArray, isNull, ne, newId, nodes, or, sql, type Db, type HostRow, type NodeRow } from '@slotplane/db';
import type { Keyring } from '@slotplane/secrets';
import { bearerToken, hashCredential } from '../auth.ts';
import { AppError, notFound } from '../errors.ts';

/** How long an enrollment token is good for unless its creator says otherwise. */
export const ENROLLMENT_TOKEN_TTL_MS = 60 * 60 * 1000;
/** A token is meant for the host being set up now, not for a stock of them: at most a week. */
export const ENROLLMENT_TOKEN_MAX_TTL_MS = 7 * 24 * 60 * 60 * 1000;

/** A new enrollment token for one agent, good once and until `ttlMs` has passed; shown once, only its hash is kept. */
export async function createEnrollmentToken(db: Db, ttlMs = ENROLLMENT_TOKEN_TTL_MS): Promise<string> {
  if (!Number.isInteger(ttlMs) || ttlMs < 1000 || ttlMs > ENROLLMENT_TOKEN_MAX_TTL_MS) {
    throw new AppError('validation_failed', `an enrollment token lives between 1 s and 7 d, not ${ttlMs} ms`);
  }
  const token = `spe_${randomBytes(24).toString('base64url')}`;
  await db.insert(enrollmentTokens).values({ id: newId(), tokenHash: hashCredential(token), expiresAt: sql`now() + ${`${ttlMs} milliseconds`}::interval` });
  return token;
}

/**
 * Registers a new host and returns its credential. The token is used up in the same statement
 * that checks it, so a replay (or two agents racing with one token) finds it used. A name that is
 * taken is refused, revoked hosts' names included: re-enrolling would hand an existing host's
 * nodes, and their passwords, to whoever holds a token. The refusal rolls the transaction back,
 * so the token is not used up by it.
 */
export async function enrollHost(db: Db, enrollmentToken: string, body: EnrollRequest): Promise<{ hostId: string; hostToken: string }> {
  const hostId = newId();
  const hostToken = `sph_${randomBytes(32).toString('base64url')}`;
  await db.transaction(async (tx) => {
    const [token] = await tx
      .update(enrollmentTokens)
      .set({ usedAt: sql`now()`, usedByHostId: hostId })
      .where(
        and(
          eq(enrollmentTokens.tokenHash, hashCredential(enrollmentToken)),
          isNull(enrollmentTokens.usedAt),
          isNull(enrollmentTokens.revokedAt),
          gt(enrollmentTokens.expiresAt, sql`now()`),
        ),
      )
      .returning({ id: enrollmentTokens.id });
    if (!token) throw new AppError('unauthorized', 'the enrollment token is not valid: unknown, expired or used already (each enrolls one host; create one with `slotplane host enroll-token`)');
    const [row] = await tx
      .insert(hosts)
      .values({ id: hostId, name: body.name, address: body.address, zone: body.zone, rack: body.rack, portMin: body.portMin, portMax: body.portMax, tokenHash: hashCredential(hostToken) })
      .onConflictDoNothing({ target: hosts.name })
      .returning({ id: hosts.id });
    if (!row) {
      throw new AppError('name_taken', `a host named "${body.name}" is enrolled already; enroll this machine under another name, or rotate that host's credential (slotplane host rotate-credential)`, [
        { field: 'body.name', message: 'is the name of an enrolled host' },
      ]);
    }
    await appendEvent(tx, { tenantId: null, type: 'host.enrolled', data: { hostId, name: body.name, address: body.address, zone: body.zone ?? null } });
  });
  return { hostId, hostToken };
}

/**
 * Revokes a host for good: its credential is refused from now on, so it reads no more
 * assignments (nor the passwords in them), and the host counts as lost at once. Repeating it
 * changes nothing. Undefined when there is no such host.
 */
export async function revokeHost(db: Db, hostId: string): Promise<HostRow | undefined> {
  return db.transaction(async (tx) => {
    const [row] = await tx.update(hosts).set({ revokedAt: sql`now()` }).where(and(eq(hosts.id, hostId), isNull(hosts.revokedAt))).returning();
    if (!row) return (await tx.select().from(hosts).where(eq(hosts.id, hostId)))[0];
    await appendEvent(tx, { tenantId: null, type: 'host.revoked', data: { hostId: row.id, name: row.name, address: row.address } });
    return row;
  });
}

/**
 * Gives a host a new credential; the old one is refused from the next request on. The agent
 * reads it from `<data dir>/host-token` when it starts. A revoked host stays revoked (conflict).
 */
export async function rotateHostCredential(db: Db, hostId: string): Promise<{ hostId: string; hostToken: string }> {
  const hostToken = `sph_${randomBytes(32).toString('base64url')}`;
  return db.transaction(async (tx) => {
    const [row] = await tx
      .update(hosts)
      .set({ tokenHash: hashCredential(hostToken), credentialRotatedAt: sql`now()` })
      .where(and(eq(hosts.id, hostId), isNull(hosts.revokedAt)))
      .returning();
    if (!row) {
      const [existing] = await tx.select({ id: hosts.id }).from(hosts).where(eq(hosts.id, hostId));
      if (!existing) throw notFound('host');
      throw new AppError('conflict', 'the host is revoked, for good; enroll the machine again under a new name');
    }
    await appendEvent(tx, { tenantId: null, type: 'host.credential_rotated', data: { hostId: row.id, name: row.name } });
    return { hostId: row.id, hostToken };
  });
}

/** The id of the host with this name, or of this id (the CLI takes either). */
export async function findHostId(db: Db, nameOrId: string): Promise<string | undefined> {
  const byId = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(nameOrId);
  const [row] = await db.select({ id: hosts.id }).from(hosts).where(byId ? or(eq(hosts.id, nameOrId), eq(hosts.name, nameOrId)) : eq(hosts.name, nameOrId));
  return row?.id;
}

const hostCredential = (authorization: string | undefined) => {
  const token = bearerToken(authorization);
  if (!token) throw new AppError('unauthorized', 'send the host credential as "Authorization: Bearer <token>"');
  return hashCredential(token);
};

const REFUSED = 'the host credential is not valid: unknown, revoked, or replaced by a rotation';
/** A host's credential counts while the host is not revoked. */
const byCredential = (authorization: string | undefined) => and(eq(hosts.tokenHash, hostCredential(authorization)), isNull(hosts.revokedAt));

export async function authenticateHost(db: Db, authorization: string | undefined): Promise<HostRow> {
  const [host] = await db.select().from(hosts).where(byCredential(authorization));
  if (!host) throw new AppError('unauthorized', REFUSED);
  return host;
}

/** The disk columns a heartbeat or report sets (nothing when an older agent does not say). */
const diskColumns = (disk: DiskSpace | undefined) => (disk ? { diskFreeBytes: disk.freeBytes, diskTotalBytes: disk.totalBytes } : {});

/**
 * The heartbeat: one statement that authenticates the host and records that it is alive (and
 * its free disk). Says whether the control plane holds the agent's latest report (else the agent resends it).
 */
export async function recordHeartbeat(db: Db, authorization: string | undefined, bootId: string, seq: number, disk?: DiskSpace): Promise<{ resend: boolean }> {
  const [row] = await db
    .update(hosts)
    .set({ lastHeartbeatAt: sql`now()`, ...diskColumns(disk) })
    .where(byCredential(authorization))
    .returning({ bootId: hosts.bootId, reportSeq: hosts.reportSeq });
  if (!row) throw new AppError('unauthorized', REFUSED);
  return { resend: row.bootId !== bootId || row.reportSeq !== seq };
}

/** The redis-servers this host should run, and a version that changes whenever that list does. */
export async function hostAssignments(db: Db, secrets: Keyring, hostId: string): Promise<{ version: string; instances: AgentInstance[] }> {
  const rows = await db
    .select({ node: nodes, cluster: clusters })
    .from(nodes)
    .innerJoin(clusters, eq(nodes.clusterId, clusters.id))
    .where(and(eq(nodes.hostId, hostId), isNull(nodes.removedAt)))
    .orderBy(nodes.id);
  const instances = rows.map(({ node, cluster }) => {
    const tenantHashes = tenantPasswordHashes(secrets.decrypt(cluster.password), cluster.previousPassword === null ? null : secrets.decrypt(cluster.previousPassword));
    return {
      nodeId: node.id,
      clusterId: cluster.id,
      port: node.port,
      runGeneration: node.runGeneration,
      revision: configRevision(cluster.spec, tenantHashes),
      // Hashes for the users that only log in (the tenant's: the previous one too while a rotation
      // and its grace period last); replication's in the clear, which a replica presents (masterauth).
      passwords: { adminHash: passwordHash(secrets.decrypt(cluster.adminPassword)), replication: secrets.decrypt(cluster.replicationPassword), tenantHashes },
      maxMemoryMb: cluster.spec.maxMemoryMb,
      persistence: cluster.spec.persistence,
      durability: durabilityOf(cluster.spec),
      redisConfig: cluster.spec.redisConfig,
    };
  });
  return { version: createHash('sha256').update(JSON.stringify(instances)).digest('hex').slice(0, 16), instances };
}

const nodeStatus: Record<InstanceReport['state'], NodeStatus> = { starting: 'starting', running: 'running', stopping: 'stopping', exited: 'exited' };

/**
 * Records an agent's report of its instances: the report itself, and each node whose state
 * changed. A report older than the one recorded (same boot, lower seq; or an earlier boot) is
 * ignored. A node that exited becomes an event. Returns the clusters whose nodes changed: they
 * need a reconcile pass.
 */
export async function recordReport(db: Db, hostId: string, report: { bootId: string; seq: number; instances: InstanceReport[]; disk?: DiskSpace }): Promise<{ recorded: boolean; changedClusters: string[] }> {
  return db.transaction(async (tx) => {
    await refuseStrangers(tx, hostId, report.instances);
    const [fresh] = await tx
      .update(hosts)
      .set({ lastHeartbeatAt: sql`now()`, report: report.instances, bootId: report.bootId, reportSeq: report.seq, ...diskColumns(report.disk) })
      .where(and(eq(hosts.id, hostId), sql`(${hosts.bootId} is null or (${hosts.bootId}, ${hosts.reportSeq}) < (${report.bootId}::text, ${report.seq}::bigint))`))
      .returning({ id: hosts.id });
    if (!fresh) return { recorded: false, changedClusters: [] };

    const current = await tx
      .select({ node: nodes, tenantId: clusters.tenantId })
      .from(nodes)
      .innerJoin(clusters, eq(nodes.clusterId, clusters.id))
      // Live nodes, and removed ones whose process may still be reported.
      .where(and(eq(nodes.hostId, hostId), or(isNull(nodes.removedAt), ne(nodes.status, 'stopped'))));
    const reported = new Map(report.instances.map((i) => [i.nodeId, i]));
    const changed = new Set<string>();
    for (const { node, tenantId } of current) {
      const i = reported.get(node.id);
      // Not reported: the agent runs no process for it (any more). A node never started stays pending.
      const next = i
        ? { status: nodeStatus[i.state], pid: i.pid, exitCode: i.exitCode, exitSignal: i.signal, agentRunGeneration: i.runGeneration, agentRevision: i.revision, startFailure: i.startFailure ?? null }
        : node.status === 'pending'
          ? undefined
          : { status: 'stopped' as const, pid: null, exitCode: node.exitCode, exitSignal: node.exitSignal, agentRunGeneration: node.agentRunGeneration, agentRevision: node.agentRevision, startFailure: node.startFailure };
      if (!next || unchanged(node, next)) continue;
      const exitedAt = next.status !== 'exited' ? null : node.status === 'exited' ? node.exitedAt : sql`now()`;
      // A new process (started again in place) has not been silent yet: the worker's next observation
      // starts its silence over, so one that is still loading is not taken for down since the exit.
      const fresh = (next.status === 'starting' || next.status === 'running') && (node.status === 'exited' || node.status === 'pending') ? { reachable: null, unreachableSince: null } : {};
      await tx.update(nodes).set({ ...next, exitedAt, ...fresh, updatedAt: new Date() }).where(eq(nodes.id, node.id));
      changed.add(node.clusterId);
      if (next.status === 'running' && (node.status !== 'running' || node.pid !== next.pid)) {
        await appendEvent(tx, { tenantId, clusterId: node.clusterId, type: 'node.started', data: { nodeId: node.id, hostId, port: node.port, pid: next.pid } });
      }
      if (next.status === 'exited' && node.status !== 'exited') {
        await appendEvent(tx, { tenantId, clusterId: node.clusterId, type: 'node.exited', data: { nodeId: node.id, exitCode: next.exitCode, signal: next.exitSignal, startError: next.startFailure?.reason ?? null } });
      }
    }
    return { recorded: true, changedClusters: [...changed] };
  });
}

/**
 * A host reports only nodes placed on it (removed ones too: their processes are reported until
 * they stop), each on the port it was given. Anything else is refused with the field that names
 * it: a report is the agent's word on who runs where, and it must not touch other hosts' nodes.
 */
async function refuseStrangers(tx: Pick<Db, 'select'>, hostId: string, instances: InstanceReport[]): Promise<void> {
  if (!instances.length) return;
  const placed = await tx
    .select({ id: nodes.id, port: nodes.port })
    .from(nodes)
    .where(and(eq(nodes.hostId, hostId), inArray(nodes.id, instances.map((i) => i.nodeId))));
  const ports = new Map(placed.map((n) => [n.id, n.port]));
  const errors = instances.flatMap((i, index) => {
    const port = ports.get(i.nodeId);
    if (port === undefined) return [{ field: `body.instances.${index}.nodeId`, message: `${i.nodeId} is not a node of this host` }];
    if (port !== i.port) return [{ field: `body.instances.${index}.port`, message: `node ${i.nodeId} runs on port ${port}, not ${i.port}` }];
    return [];
  });
  if (errors.length) throw new AppError('validation_failed', errors.map((e) => `${e.field}: ${e.message}`).join('; '), errors);
}

function unchanged(node: NodeRow, next: Pick<NodeRow, 'status' | 'pid' | 'exitCode' | 'exitSignal' | 'agentRunGeneration' | 'agentRevision' | 'startFailure'>): boolean {
  return (
    JSON.stringify(node.startFailure) === JSON.stringify(next.startFailure) &&
    node.status === next.status &&
    node.pid === next.pid &&
    node.exitCode === next.exitCode &&
    node.exitSignal === next.exitSignal &&
    node.agentRunGeneration === next.agentRunGeneration &&
    node.agentRevision === next.agentRevision
  );
}
