import type { OperationError, OperationKind } from '@slotplane/contracts';
import { and, appendEvent, clusters, eq, inArray, isNotNull, isNull, lte, ne, notInArray, operations, or, sql, type Db } from '@slotplane/db';

/**
 * Operations are watchers: they follow the cluster's reconcile and settle on what observation
 * shows. These functions are called inside the reconciler's fenced transactions.
 */
const OPEN = ['pending', 'running'] as const;
const REQUEST_KINDS: OperationKind[] = ['rebalance', 'switchover'];
const openOf = (clusterId: string) => and(eq(operations.clusterId, clusterId), inArray(operations.status, [...OPEN]));

/** Marks the cluster's pending operations running and sets what they are doing now; writes only what changed. */
export async function reportProgress(tx: Db, clusterId: string, progress: number, step: string): Promise<void> {
  const started = await tx
    .update(operations)
    .set({ status: 'running', startedAt: new Date(), updatedAt: new Date() })
    .where(and(eq(operations.clusterId, clusterId), eq(operations.status, 'pending')))
    .returning();
  for (const op of started) {
    await appendEvent(tx, { tenantId: op.tenantId, clusterId, operationId: op.id, type: 'operation.started', data: { kind: op.kind } });
  }
  // One statement: the rows as they were (the FROM reads them before the update) and as they are
  // now. Progress never goes back: a heal or a wait during a change keeps what was reached.
  const percent = Math.round(progress);
  const moved = await tx.execute(sql`
    update ${operations} o set progress = greatest(was.progress, ${percent}), step = ${step}, updated_at = now()
    from (select id, progress, step from ${operations} where ${openOf(clusterId)} and (greatest(progress, ${percent}), step) is distinct from (progress, ${step})) was
    where o.id = was.id
    returning o.id, o.tenant_id, o.kind, o.progress, was.progress as was_progress, was.step as was_step`);
  for (const op of (moved as unknown as { rows: Array<{ id: string; tenant_id: string; kind: OperationKind; progress: number; was_progress: number; was_step: string | null }> }).rows) {
    // Coarse: a new step, or another tenth done.
    if (op.was_step === step && Math.floor(op.was_progress / 10) === Math.floor(op.progress / 10)) continue;
    await appendEvent(tx, { tenantId: op.tenant_id, clusterId, operationId: op.id, type: 'operation.progress', data: { kind: op.kind, progress: op.progress, step } });
  }
}

/**
 * Every open operation whose target generation the cluster has now been observed at succeeds
 * together: a later PATCH that converged also fulfils an earlier one.
 */
export async function succeedConverged(tx: Db, clusterId: string, observedGeneration: number, requestsSeen: string[]): Promise<void> {
  // A rebalance or switchover succeeds only if the plan that found nothing left to do had seen it.
  const seen = requestsSeen.length ? or(notInArray(operations.kind, REQUEST_KINDS), inArray(operations.id, requestsSeen)) : notInArray(operations.kind, REQUEST_KINDS);
  const done = await tx
    .update(operations)
    .set({ status: 'succeeded', progress: 100, step: null, finishedAt: new Date(), updatedAt: new Date(), startedAt: sql`coalesce(${operations.startedAt}, now())` })
    .where(and(openOf(clusterId), lte(operations.targetGeneration, observedGeneration), seen))
    .returning();
  for (const op of done) {
    if (op.kind === 'rotate_password') await startPasswordGrace(tx, clusterId, Number(op.params?.graceSeconds ?? 0));
    await appendEvent(tx, { tenantId: op.tenantId, clusterId, operationId: op.id, type: 'operation.succeeded', data: { kind: op.kind } });
  }
}

/**
 * A rotation succeeded (every node accepts the new password): from now on the tenant is given
 * the new password, and the previous one is honoured for the grace period asked for.
 */
async function startPasswordGrace(tx: Db, clusterId: string, graceSeconds: number): Promise<void> {
  await tx
    .update(clusters)
    .set({ previousPasswordUntil: sql`now() + make_interval(secs => ${graceSeconds}::int)` })
    .where(and(eq(clusters.id, clusterId), isNotNull(clusters.previousPassword), isNull(clusters.previousPasswordUntil)));
}

/** After a delete completes, what else was still asked of the cluster can no longer happen (the delete itself succeeds). */
export async function cancelOpen(tx: Db, clusterId: string, reason: string): Promise<void> {
  const cancelled = await tx
    .update(operations)
    .set({ status: 'cancelled', step: null, finishedAt: new Date(), updatedAt: new Date(), error: { code: 'superseded', message: reason } })
    .where(and(openOf(clusterId), ne(operations.kind, 'delete')))
    .returning();
  for (const op of cancelled) {
    await appendEvent(tx, { tenantId: op.tenantId, clusterId, operationId: op.id, type: 'operation.cancelled', data: { kind: op.kind, reason } });
  }
}

/** The cluster cannot get to what was asked: every open operation fails with the reason. */
export async function failOpen(tx: Db, clusterId: string, error: OperationError, upToGeneration?: number): Promise<void> {
  // A plan blocked on generation g says nothing about a change asked for since (g+1 and on).
  const asked = upToGeneration === undefined ? undefined : lte(operations.targetGeneration, upToGeneration);
  const failed = await tx
    .update(operations)
    .set({ status: 'failed', error, step: null, finishedAt: new Date(), updatedAt: new Date(), startedAt: sql`coalesce(${operations.startedAt}, now())` })
    .where(and(openOf(clusterId), asked))
    .returning();
  for (const op of failed) {
    await appendEvent(tx, { tenantId: op.tenantId, clusterId, operationId: op.id, type: 'operation.failed', data: { kind: op.kind, error } });
  }
}
