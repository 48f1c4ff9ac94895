import { createHash, randomBytes } from 'node:crypto';
import type { AgentInstance, EnrollRequest, InstanceReport, NodeStatus } from '@slotplane/contracts';
import { configRevision } from '@slotplane/core';
import { and, appendEvent, clusters, enrollmentTokens, eq, hosts, isNull, ne, newId, nodes, or, sql, type Db, type HostRow, type NodeRow } from '@slotplane/db';
import type { Keyring } from '@slotplane/secrets';
import { bearerToken, hashCredential } from '../auth.ts';
import { AppError } from '../errors.ts';

/** A new enrollment token for agents; shown once, only its hash is kept. */
export async function createEnrollmentToken(db: Db): Promise<string> {
  const token = `spe_${randomBytes(24).toString('base64url')}`;
  await db.insert(enrollmentTokens).values({ id: newId(), tokenHash: hashCredential(token) });
  return token;
}

/**
 * Registers a host (or re-registers one of the same name, rotating its credential: an agent
 * that lost its data dir enrolls again and keeps its host).
 */
export async function enrollHost(db: Db, enrollmentToken: string, body: EnrollRequest): Promise<{ hostId: string; hostToken: string }> {
  const [token] = await db
    .select({ id: enrollmentTokens.id })
    .from(enrollmentTokens)
    .where(and(eq(enrollmentTokens.tokenHash, hashCredential(enrollmentToken)), isNull(enrollmentTokens.revokedAt)));
  if (!token) throw new AppError('unauthorized', 'the enrollment token is not valid');
  const hostToken = `sph_${randomBytes(32).toString('base64url')}`;
  const values = { name: body.name, address: body.address, zone: body.zone, rack: body.rack, portMin: body.portMin, portMax: body.portMax, tokenHash: hashCredential(hostToken) };
  const hostId = await db.transaction(async (tx) => {
    const [row] = await tx
      .insert(hosts)
      .values({ id: newId(), ...values })
      .onConflictDoUpdate({ target: hosts.name, set: values })
      .returning({ id: hosts.id });
    await appendEvent(tx, { tenantId: null, type: 'host.enrolled', data: { hostId: row!.id, name: body.name, address: body.address, zone: body.zone ?? null } });
    return row!.id;
  });
  return { hostId, hostToken };
}

const hostCredential = (authorization: string | undefined) => {
  const token = bearerToken(authorization);
  if (!token) throw new AppError('unauthorized', 'send the host credential as "Authorization: Bearer <token>"');
  return hashCredential(token);
};

export async function authenticateHost(db: Db, authorization: string | undefined): Promise<HostRow> {
  const [host] = await db.select().from(hosts).where(eq(hosts.tokenHash, hostCredential(authorization)));
  if (!host) throw new AppError('unauthorized', 'the host credential is not valid');
  return host;
}

/**
 * The heartbeat: one statement that authenticates the host and records that it is alive.
 * Says whether the control plane holds the agent's latest report (else the agent resends it).
 */
export async function recordHeartbeat(db: Db, authorization: string | undefined, bootId: string, seq: number): Promise<{ resend: boolean }> {
  const [row] = await db
    .update(hosts)
    .set({ lastHeartbeatAt: sql`now()` })
    .where(eq(hosts.tokenHash, hostCredential(authorization)))
    .returning({ bootId: hosts.bootId, reportSeq: hosts.reportSeq });
  if (!row) throw new AppError('unauthorized', 'the host credential is not valid');
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
  const instances = rows.map(({ node, cluster }) => ({
    nodeId: node.id,
    clusterId: cluster.id,
    port: node.port,
    runGeneration: node.runGeneration,
    revision: configRevision(cluster.spec),
    // In the clear: the agent writes them into redis.conf (its data dir is private to it).
    passwords: { admin: secrets.decrypt(cluster.adminPassword), replication: secrets.decrypt(cluster.replicationPassword), tenant: secrets.decrypt(cluster.password) },
    maxMemoryMb: cluster.spec.maxMemoryMb,
    persistence: cluster.spec.persistence,
    redisConfig: cluster.spec.redisConfig,
  }));
  return { version: createHash('sha256').update(JSON.stringify(instances)).digest('hex').slice(0, 16), instances };
}

const nodeStatus: Record<InstanceReport['state'], NodeStatus> = { starting: 'starting', running: 'running', stopping: 'stopping', exited: 'exited' };

/**
 * Records an agent's report of its instances: the report itself, and each node whose state
 * changed. A report older than the one recorded (same boot, lower seq; or an earlier boot) is
 * ignored. A node that exited becomes an event. Returns the clusters whose nodes changed: they
 * need a reconcile pass.
 */
export async function recordReport(db: Db, hostId: string, report: { bootId: string; seq: number; instances: InstanceReport[] }): Promise<{ recorded: boolean; changedClusters: string[] }> {
  return db.transaction(async (tx) => {
    const [fresh] = await tx
      .update(hosts)
      .set({ lastHeartbeatAt: sql`now()`, report: report.instances, bootId: report.bootId, reportSeq: report.seq })
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
        ? { status: nodeStatus[i.state], pid: i.pid, exitCode: i.exitCode, exitSignal: i.signal, agentRunGeneration: i.runGeneration, agentRevision: i.revision }
        : node.status === 'pending'
          ? undefined
          : { status: 'stopped' as const, pid: null, exitCode: node.exitCode, exitSignal: node.exitSignal, agentRunGeneration: node.agentRunGeneration, agentRevision: node.agentRevision };
      if (!next || unchanged(node, next)) continue;
      await tx.update(nodes).set({ ...next, updatedAt: new Date() }).where(eq(nodes.id, node.id));
      changed.add(node.clusterId);
      if (next.status === 'running' && (node.status !== 'running' || node.pid !== next.pid)) {
        await appendEvent(tx, { tenantId, clusterId: node.clusterId, type: 'node.started', data: { nodeId: node.id, hostId, port: node.port, pid: next.pid } });
      }
      if (next.status === 'exited' && node.status !== 'exited') {
        await appendEvent(tx, { tenantId, clusterId: node.clusterId, type: 'node.exited', data: { nodeId: node.id, exitCode: next.exitCode, signal: next.exitSignal } });
      }
    }
    return { recorded: true, changedClusters: [...changed] };
  });
}

function unchanged(node: NodeRow, next: Pick<NodeRow, 'status' | 'pid' | 'exitCode' | 'exitSignal' | 'agentRunGeneration' | 'agentRevision'>): boolean {
  return (
    node.status === next.status &&
    node.pid === next.pid &&
    node.exitCode === next.exitCode &&
    node.exitSignal === next.exitSignal &&
    node.agentRunGeneration === next.agentRunGeneration &&
    node.agentRevision === next.agentRevision
  );
}
