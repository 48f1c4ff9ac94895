import { randomBytes } from 'node:crypto';
import { STRICT_NEEDS_REPLICAS, type ClusterSpec, type CreateClusterBody, type EventType, type OperationKind, type PatchClusterBody, type Usage } from '@slotplane/contracts';
import { NO_USAGE, usageOf } from '@slotplane/core';
import { and, appendEvent, clusters, desc, eq, gt, inArray, isNull, ne, newId, nodes, notifyAssignments, operations, sql, type ClusterRow, type Db, type OperationRow } from '@slotplane/db';
import type { Keyring } from '@slotplane/secrets';
import { canonicalJson } from '../canonical-json.ts';
import { AppError, notFound } from '../errors.ts';
import { ownedBy } from './owned-by.ts';
import { enforceQuotas } from './tenants.ts';

export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];
export interface Submitted {
  cluster: ClusterRow;
  operation: OperationRow;
}

const isUniqueViolation = (err: unknown, constraint: string) => {
  const e = err as { code?: string; constraint?: string; cause?: { code?: string; constraint?: string } };
  const c = e.cause ?? e;
  return c.code === '23505' && c.constraint === constraint;
};

/** The event a request writes, by operation kind. */
const REQUESTED = {
  create: 'cluster.created',
  update: 'cluster.updated',
  delete: 'cluster.delete_requested',
  rebalance: 'cluster.rebalance_requested',
  switchover: 'cluster.switchover_requested',
  rotate_password: 'cluster.password_rotation_requested',
} as const satisfies Record<OperationKind, EventType>;

export async function insertOperation(tx: Tx, cluster: ClusterRow, kind: OperationKind, params: Record<string, unknown> | null = null): Promise<OperationRow> {
  const [op] = await tx
    .insert(operations)
    .values({ id: newId(), tenantId: cluster.tenantId, clusterId: cluster.id, kind, targetGeneration: cluster.generation, params })
    .returning();
  await appendEvent(tx, {
    tenantId: cluster.tenantId,
    clusterId: cluster.id,
    operationId: op!.id,
    type: REQUESTED[kind],
    data: { generation: cluster.generation, ...(params ? { params } : { spec: cluster.spec }) },
  });
  return op!;
}

/** The tenant's password, and the control plane's and replication's own: stored encrypted. */
function newPasswords(secrets: Keyring) {
  const secret = () => secrets.encrypt(randomBytes(24).toString('base64url'));
  return { password: secret(), adminPassword: secret(), replicationPassword: secret() };
}

/**
 * Writes the desired cluster of `tenantId`, its create operation and the event in one transaction,
 * within that tenant's quotas (404 when there is no such tenant). The route has already turned
 * `body.tenantId` into `tenantId`; it is not part of the spec.
 */
export async function createCluster(db: Db, secrets: Keyring, tenantId: string, body: CreateClusterBody, quotas: Usage): Promise<Submitted> {
  const { name, tenantId: _named, ...spec } = body;
  try {
    return await db.transaction(async (tx) => {
      await enforceQuotas(tx, tenantId, quotas, NO_USAGE, usageOf(spec));
      const [cluster] = await tx
        .insert(clusters)
        .values({ id: newId(), tenantId, name, spec: spec satisfies ClusterSpec, ...newPasswords(secrets), generation: 1, status: 'creating' })
        .returning();
      return { cluster: cluster!, operation: await insertOperation(tx, cluster!, 'create') };
    });
  } catch (err) {
    if (isUniqueViolation(err, 'clusters_tenant_name_live')) {
      throw new AppError('name_taken', `the tenant already has a cluster named "${name}"`, [{ field: 'body.name', message: 'is already taken' }]);
    }
    throw err;
  }
}

/** A cluster the caller may see (`tenantId` null: any tenant's, for an admin key), or 404. */
export async function getCluster(db: Db, tenantId: string | null, clusterId: string): Promise<ClusterRow> {
  const [row] = await db
    .select()
    .from(clusters)
    .where(and(eq(clusters.id, clusterId), ownedBy(clusters.tenantId, tenantId)));
  if (!row) throw notFound('cluster');
  return row;
}

/** A page of live clusters in id order: of one tenant, or of every tenant for null. */
export async function listClusters(db: Db, tenantId: string | null, limit: number, afterId?: string, name?: string): Promise<ClusterRow[]> {
  return db
    .select()
    .from(clusters)
    .where(and(ownedBy(clusters.tenantId, tenantId), ne(clusters.status, 'deleted'), afterId ? gt(clusters.id, afterId) : undefined, name !== undefined ? eq(clusters.name, name) : undefined))
    .orderBy(clusters.id)
    .limit(limit + 1);
}

/** 412 unless the cluster is at the generation an If-Match header names (when one was sent). */
export function checkGeneration(cluster: ClusterRow, expected: number | undefined): void {
  if (expected !== undefined && cluster.generation !== expected) {
    throw new AppError('precondition_failed', `If-Match names generation ${expected}; the cluster is at generation ${cluster.generation} (GET it again, then retry)`);
  }
}

/**
 * Applies a PATCH to the desired spec: a new generation and an update operation, within the
 * quotas of the tenant that owns the cluster (whoever asks: an admin key changes another
 * tenant's cluster within that tenant's quotas). A patch that changes nothing writes nothing and starts no operation
 * (`operation: null`). The hosts of the cluster's nodes are told, so their agents rewrite
 * redis.conf.
 */
export async function updateCluster(
  db: Db,
  tenantId: string | null,
  clusterId: string,
  patch: PatchClusterBody,
  opts: { quotas: Usage; ifGeneration?: number | undefined },
): Promise<{ cluster: ClusterRow; operation: OperationRow | null }> {
  return db.transaction(async (tx) => {
    const [current] = await tx.select().from(clusters).where(and(eq(clusters.id, clusterId), ownedBy(clusters.tenantId, tenantId))).for('update');
    if (!current) throw notFound('cluster');
    checkGeneration(current, opts.ifGeneration);
    if (current.deletionRequestedAt) throw new AppError('conflict', 'the cluster is being deleted; it can no longer be changed');
    // Top-level keys replace (redisConfig is replaced whole), as the jsonb || below does.
    const next = { ...current.spec, ...patch };
    if (canonicalJson(next) === canonicalJson(current.spec)) return { cluster: current, operation: null };
    if (next.durability === 'strict' && next.replicasPerShard === 0) {
      // Asked for now, or earlier: either way the tenant says which gives way.
      const why = patch.durability === 'strict' ? STRICT_NEEDS_REPLICAS : 'the cluster was asked to be strict, which needs replicasPerShard >= 1: send durability "relaxed" in the same PATCH';
      throw new AppError('validation_failed', why, [{ field: 'body.durability', message: why }]);
    }
    await enforceQuotas(tx, current.tenantId, opts.quotas, usageOf(current.spec), usageOf(next));
    const [cluster] = await tx
      .update(clusters)
      .set({
        spec: sql`${clusters.spec} || ${JSON.stringify(patch)}::jsonb`,
        generation: sql`${clusters.generation} + 1`,
        updatedAt: new Date(),
      })
      .where(eq(clusters.id, clusterId))
      .returning();
    const hostsOf = await tx.selectDistinct({ hostId: nodes.hostId }).from(nodes).where(and(eq(nodes.clusterId, clusterId), isNull(nodes.removedAt)));
    await notifyAssignments(tx, hostsOf.map((h) => h.hostId));
    const changed = (Object.keys(patch) as Array<keyof ClusterSpec>).filter((k) => canonicalJson(next[k]) !== canonicalJson(current.spec[k]));
    await supersedeUpdates(tx, cluster!, changed);
    const operation = await insertOperation(tx, cluster!, 'update');
    // What it changes, so that a later change of the same field supersedes it.
    await tx.update(operations).set({ params: { changed } }).where(eq(operations.id, operation.id));
    return { cluster: cluster!, operation: { ...operation, params: { changed } } };
  });
}

/**
 * An open update that changed a field this change sets again can no longer be fulfilled (3 shards
 * asked, then 4): it ends `cancelled` (superseded), never `succeeded` by the newer shape.
 * Updates that changed other fields are fulfilled by the newer spec as before.
 */
async function supersedeUpdates(tx: Tx, cluster: ClusterRow, changed: string[]): Promise<void> {
  if (!changed.length) return;
  const open = await tx
    .select()
    .from(operations)
    .where(and(eq(operations.clusterId, cluster.id), eq(operations.kind, 'update'), inArray(operations.status, ['pending', 'running'])));
  for (const op of open) {
    const asked = Array.isArray(op.params?.changed) ? (op.params.changed as string[]) : [];
    const overridden = asked.filter((k) => changed.includes(k));
    if (!overridden.length) continue;
    const reason = `superseded by the change to generation ${cluster.generation}, which sets ${overridden.join(', ')} again`;
    await tx
      .update(operations)
      .set({ status: 'cancelled', step: null, finishedAt: new Date(), updatedAt: new Date(), error: { code: 'superseded', message: reason } })
      .where(eq(operations.id, op.id));
    await appendEvent(tx, { tenantId: op.tenantId, clusterId: cluster.id, operationId: op.id, type: 'operation.cancelled', data: { kind: op.kind, reason } });
  }
}

/**
 * Asks for deletion. Asking again returns the delete operation already under way, so a
 * retried DELETE is harmless.
 */
export async function deleteCluster(db: Db, tenantId: string | null, clusterId: string, ifGeneration?: number): Promise<Submitted> {
  return db.transaction(async (tx) => {
    const [cluster] = await tx
      .update(clusters)
      .set({ deletionRequestedAt: new Date(), generation: sql`${clusters.generation} + 1`, updatedAt: new Date() })
      .where(
        and(
          eq(clusters.id, clusterId),
          ownedBy(clusters.tenantId, tenantId),
          isNull(clusters.deletionRequestedAt),
          ifGeneration === undefined ? undefined : eq(clusters.generation, ifGeneration),
        ),
      )
      .returning();
    if (cluster) return { cluster, operation: await insertOperation(tx, cluster, 'delete') };
    const existing = await getCluster(tx, tenantId, clusterId);
    if (!existing.deletionRequestedAt) checkGeneration(existing, ifGeneration);
    const [op] = await tx
      .select()
      .from(operations)
      .where(and(eq(operations.clusterId, clusterId), eq(operations.kind, 'delete')))
      .orderBy(desc(operations.id))
      .limit(1);
    if (!op) throw new AppError('conflict', 'the cluster is being deleted');
    return { cluster: existing, operation: op };
  });
}
