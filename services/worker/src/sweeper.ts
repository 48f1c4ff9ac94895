import { and, inArray, isNull, lt, operations, or, type Db } from '@slotplane/db';
import type { Logger } from '@slotplane/logger';
import type { OperationQueue } from '@slotplane/queue';

/**
 * The outbox half of "write, then enqueue": finds open operations whose job never reached
 * the queue (Redis was down when the API committed) or went quiet, and enqueues them again.
 * Job ids are deterministic, so an operation whose job still exists is not enqueued twice.
 */
export async function sweepOnce(db: Db, queue: OperationQueue, log: Logger, quietMs = 30_000): Promise<number> {
  const now = Date.now();
  const stale = await db
    .select({ id: operations.id, clusterId: operations.clusterId })
    .from(operations)
    .where(
      and(
        inArray(operations.status, ['pending', 'running']),
        or(
          and(isNull(operations.enqueuedAt), lt(operations.createdAt, new Date(now - 1_000))),
          lt(operations.updatedAt, new Date(now - quietMs)),
        ),
      ),
    )
    .limit(100);
  for (const op of stale) {
    await queue.enqueue({ operationId: op.id, clusterId: op.clusterId });
    await db.update(operations).set({ enqueuedAt: new Date(), updatedAt: new Date() }).where(inArray(operations.id, [op.id]));
  }
  if (stale.length) log.info({ count: stale.length }, 'swept operations back onto the queue');
  return stale.length;
}
