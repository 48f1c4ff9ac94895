import type { OperationError } from '@slotplane/contracts';
import { and, appendEvent, clusters, eq, inArray, lte, operations, sql, type Db } from '@slotplane/db';

type OperationRow = typeof operations.$inferSelect;
const OPEN = ['pending', 'running'] as const;

export async function loadOperation(db: Db, id: string): Promise<OperationRow | undefined> {
  const [row] = await db.select().from(operations).where(eq(operations.id, id));
  return row;
}

/** pending -> running, once; a retried job finds it running already and goes on. */
export async function markRunning(db: Db, op: OperationRow, step: string): Promise<void> {
  await db.transaction(async (tx) => {
    const [row] = await tx
      .update(operations)
      .set({ status: 'running', startedAt: new Date(), step, updatedAt: new Date() })
      .where(and(eq(operations.id, op.id), eq(operations.status, 'pending')))
      .returning({ id: operations.id });
    if (row) await appendEvent(tx, { tenantId: op.tenantId, clusterId: op.clusterId, operationId: op.id, type: 'operation.started', data: { kind: op.kind } });
  });
}

export async function reportProgress(db: Db, operationId: string, progress: number, step: string): Promise<void> {
  await db
    .update(operations)
    .set({ progress: Math.round(progress), step, updatedAt: new Date() })
    .where(and(eq(operations.id, operationId), inArray(operations.status, [...OPEN])));
}

/**
 * Every open operation of the cluster whose target the cluster has now reached succeeds
 * together: a later PATCH converged also fulfils an earlier one.
 */
export async function succeedConverged(tx: Db, clusterId: string, observedGeneration: number): Promise<void> {
  const done = await tx
    .update(operations)
    .set({ status: 'succeeded', progress: 100, step: null, finishedAt: new Date(), updatedAt: new Date(), startedAt: sql`coalesce(${operations.startedAt}, now())` })
    .where(and(eq(operations.clusterId, clusterId), inArray(operations.status, [...OPEN]), lte(operations.targetGeneration, observedGeneration)))
    .returning();
  for (const op of done) {
    await appendEvent(tx, { tenantId: op.tenantId, clusterId, operationId: op.id, type: 'operation.succeeded', data: { kind: op.kind } });
  }
}

/** After a delete completes, what was still asked of the cluster can no longer happen. */
export async function cancelOpen(tx: Db, clusterId: string, reason: string): Promise<void> {
  const cancelled = await tx
    .update(operations)
    .set({ status: 'cancelled', step: null, finishedAt: new Date(), updatedAt: new Date(), error: { code: 'superseded', message: reason } })
    .where(and(eq(operations.clusterId, clusterId), inArray(operations.status, [...OPEN])))
    .returning();
  for (const op of cancelled) {
    await appendEvent(tx, { tenantId: op.tenantId, clusterId, operationId: op.id, type: 'operation.cancelled', data: { kind: op.kind, reason } });
  }
}

/** The operation failed for good: it says why, and so does the cluster (a create that failed leaves a failed cluster). */
export async function markFailed(db: Db, operationId: string, error: OperationError): Promise<void> {
  await db.transaction(async (tx) => {
    const [op] = await tx
      .update(operations)
      .set({ status: 'failed', error, finishedAt: new Date(), updatedAt: new Date() })
      .where(and(eq(operations.id, operationId), inArray(operations.status, [...OPEN])))
      .returning();
    if (!op) return;
    await tx
      .update(clusters)
      .set({ lastError: error.message, status: sql`case when ${clusters.status} = 'creating' then 'failed' else ${clusters.status} end`, updatedAt: new Date() })
      .where(eq(clusters.id, op.clusterId));
    await appendEvent(tx, { tenantId: op.tenantId, clusterId: op.clusterId, operationId: op.id, type: 'operation.failed', data: { kind: op.kind, error } });
  });
}
