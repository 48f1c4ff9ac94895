import { randomBytes } from 'node:crypto';
import type { RotatePasswordBody } from '@slotplane/contracts';
import { and, clusters, eq, gt, inArray, isNull, nodes, notifyAssignments, operations, or, sql, type ClusterRow, type Db } from '@slotplane/db';
import type { Keyring } from '@slotplane/secrets';
import { AppError } from '../errors.ts';
import { getCluster, insertOperation, type Submitted } from './clusters.ts';
import { ownedBy } from './owned-by.ts';

/** A new tenant password, as stored (encrypted). */
export const newTenantPassword = (secrets: Keyring) => secrets.encrypt(randomBytes(24).toString('base64url'));

/**
 * The password a tenant is given (stored form): while a rotation runs, the previous one, which
 * every node still accepts; the new one only once it works on every node (the worker then sets
 * `previousPasswordUntil`). A client is never handed a password a node would refuse.
 */
export function tenantPasswordToHandOut(cluster: Pick<ClusterRow, 'password' | 'previousPassword' | 'previousPasswordUntil'>): string {
  return cluster.previousPassword !== null && cluster.previousPasswordUntil === null ? cluster.previousPassword : cluster.password;
}

const openRotation = (clusterId: string) =>
  sql`exists (select 1 from ${operations} where ${operations.clusterId} = ${clusterId} and ${operations.kind} = 'rotate_password' and ${inArray(operations.status, ['pending', 'running'])})`;

/**
 * Records a password rotation: a new tenant password stored now, beside the current one (which
 * becomes the previous one and is honoured until the grace period after the rotation succeeds),
 * a new generation, and a rotate_password operation that succeeds once every node accepts the
 * new password. The hosts are told, so their agents write both into redis.conf.
 *
 * Guarded in the write: not while the cluster is being deleted or created, while another
 * rotation is open, or while a previous password's grace period runs (a rotation then would
 * cut off clients still on it). After a rotation that failed, a new one replaces its password
 * (never handed out) and keeps the previous one, which clients still use.
 */
export async function requestPasswordRotation(db: Db, secrets: Keyring, tenantId: string | null, clusterId: string, body: RotatePasswordBody): Promise<Submitted> {
  return db.transaction(async (tx) => {
    const [cluster] = await tx
      .update(clusters)
      .set({
        password: newTenantPassword(secrets),
        previousPassword: sql`coalesce(${clusters.previousPassword}, ${clusters.password})`,
        previousPasswordUntil: null,
        generation: sql`${clusters.generation} + 1`,
        updatedAt: new Date(),
      })
      .where(
        and(
          eq(clusters.id, clusterId),
          ownedBy(clusters.tenantId, tenantId),
          isNull(clusters.deletionRequestedAt),
          gt(clusters.observedGeneration, 0),
          or(isNull(clusters.previousPassword), isNull(clusters.previousPasswordUntil)),
          sql`not ${openRotation(clusterId)}`,
        ),
      )
      .returning();
    if (!cluster) throw await refusal(tx, tenantId, clusterId);
    const hostsOf = await tx.selectDistinct({ hostId: nodes.hostId }).from(nodes).where(and(eq(nodes.clusterId, clusterId), isNull(nodes.removedAt)));
    await notifyAssignments(tx, hostsOf.map((h) => h.hostId));
    return { cluster, operation: await insertOperation(tx, cluster, 'rotate_password', { graceSeconds: body.graceSeconds }) };
  });
}

/** Why a rotation was refused: 404 for no such cluster (that the caller may see), else the 409 that applies. */
async function refusal(tx: Db, tenantId: string | null, clusterId: string): Promise<AppError> {
  const cluster = await getCluster(tx, tenantId, clusterId);
  if (cluster.deletionRequestedAt) return new AppError('conflict', 'the cluster is being deleted');
  if (cluster.observedGeneration === 0) return new AppError('conflict', 'the cluster is still being created; ask again once it is available');
  if (cluster.previousPasswordUntil) {
    return new AppError('conflict', `the previous password is honoured until ${cluster.previousPasswordUntil.toISOString()}; rotate again after that`);
  }
  return new AppError('conflict', 'a password rotation is under way; wait for its operation to finish');
}
