import { clusters, inArray, ne, operations, sql, type Db } from '@slotplane/db';
import type { Logger } from '@slotplane/logger';
import type { ReconcileQueue } from '@slotplane/queue';

/**
 * The safety net under "write, then enqueue": every live cluster has a reconcile job (one lost
 * with Redis comes back), and a cluster with an open operation gets a pass now (an enqueue that
 * failed, or that landed while the cluster's job was finishing). Job ids are per cluster, so
 * this never makes a second job.
 */
export async function sweepOnce(db: Db, queue: ReconcileQueue, log: Logger): Promise<number> {
  const rows = await db
    .select({
      id: clusters.id,
      urgent: sql<boolean>`exists (select 1 from ${operations} where ${operations.clusterId} = ${clusters.id} and ${inArray(operations.status, ['pending', 'running'])})`,
    })
    .from(clusters)
    .where(ne(clusters.status, 'deleted'));
  for (const c of rows) await queue.enqueue(c.id, { promote: c.urgent });
  const urgent = rows.filter((c) => c.urgent).length;
  if (urgent) log.debug({ urgent }, 'swept clusters with open operations');
  return urgent;
}
