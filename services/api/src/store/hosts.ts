import { createHash, randomBytes } from 'node:crypto';
import type { AgentInstance, EnrollRequest, InstanceReport } from '@slotplane/contracts';
import { and, clusters, enrollmentTokens, eq, hosts, isNull, newId, nodes, notInArray, type Db } from '@slotplane/db';
import { bearerToken, hashCredential } from '../auth.ts';
import { AppError } from '../errors.ts';

type HostRow = typeof hosts.$inferSelect;

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
  const [row] = await db
    .insert(hosts)
    .values({ id: newId(), ...values })
    .onConflictDoUpdate({ target: hosts.name, set: values })
    .returning({ id: hosts.id });
  return { hostId: row!.id, hostToken };
}

export async function authenticateHost(db: Db, authorization: string | undefined): Promise<HostRow> {
  const token = bearerToken(authorization);
  if (!token) throw new AppError('unauthorized', 'send the host credential as "Authorization: Bearer <token>"');
  const [host] = await db.select().from(hosts).where(eq(hosts.tokenHash, hashCredential(token)));
  if (!host) throw new AppError('unauthorized', 'the host credential is not valid');
  return host;
}

/** The redis-servers this host should run, and a version that changes whenever that list does. */
export async function hostAssignments(db: Db, hostId: string): Promise<{ version: string; instances: AgentInstance[] }> {
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
    password: cluster.password,
    maxMemoryMb: cluster.spec.maxMemoryMb,
    persistence: cluster.spec.persistence,
    redisConfig: cluster.spec.redisConfig,
  }));
  return { version: createHash('sha256').update(JSON.stringify(instances)).digest('hex').slice(0, 16), instances };
}

const nodeStatus = { starting: 'starting', running: 'running', stopping: 'stopping', exited: 'exited' } as const;

/** Records what the agent runs: the heartbeat, the raw report, and each node's observed status. */
export async function recordReport(db: Db, hostId: string, instances: InstanceReport[]): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.update(hosts).set({ lastHeartbeatAt: new Date(), report: instances }).where(eq(hosts.id, hostId));
    for (const i of instances) {
      await tx
        .update(nodes)
        .set({ status: nodeStatus[i.state], pid: i.pid, exitCode: i.exitCode, exitSignal: i.signal, updatedAt: new Date() })
        .where(and(eq(nodes.id, i.nodeId), eq(nodes.hostId, hostId)));
    }
    // A removed node the agent no longer runs is stopped for good.
    const reported = instances.map((i) => i.nodeId);
    await tx
      .update(nodes)
      .set({ status: 'stopped', pid: null, updatedAt: new Date() })
      .where(and(eq(nodes.hostId, hostId), eq(nodes.status, 'running'), reported.length ? notInArray(nodes.id, reported) : undefined));
  });
}
