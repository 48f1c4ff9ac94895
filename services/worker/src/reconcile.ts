import type { ClusterStatus } from '@slotplane/contracts';
import { appendEvent, clusters, eq, shards, type Db } from '@slotplane/db';
import type { Logger } from '@slotplane/logger';
import { createCluster, type StepContext } from './create.ts';
import { deleteCluster } from './delete.ts';
import { Lease } from './lease.ts';
import { cancelOpen, reportProgress, succeedConverged } from './operations.ts';

export interface ReconcileContext {
  db: Db;
  log: Logger;
  /** Identifies this worker process in leases. */
  workerId: string;
  leaseTtlMs: number;
}

type ClusterRow = typeof clusters.$inferSelect;

async function loadCluster(db: Db, id: string): Promise<ClusterRow | undefined> {
  const [row] = await db.select().from(clusters).where(eq(clusters.id, id));
  return row;
}

async function setStatus(db: Db, lease: Lease, cluster: ClusterRow, status: ClusterStatus): Promise<void> {
  if (cluster.status === status) return;
  await db.transaction(async (tx) => {
    const [row] = await tx.update(clusters).set({ status, updatedAt: new Date() }).where(lease.held()).returning({ id: clusters.id });
    if (row) await appendEvent(tx, { tenantId: cluster.tenantId, clusterId: cluster.id, type: 'cluster.status_changed', data: { from: cluster.status, to: status } });
  });
}

/**
 * Drives one cluster to its latest desired generation, under the cluster's lease.
 * Level-triggered: it reads the spec afresh on every pass, so a change that lands meanwhile
 * is picked up before it returns.
 */
export async function reconcileCluster(ctx: ReconcileContext, clusterId: string, operationId: string): Promise<void> {
  const { db } = ctx;
  const lease = await Lease.acquire(db, clusterId, ctx.workerId, ctx.leaseTtlMs);
  const step: StepContext = {
    db,
    log: ctx.log,
    lease,
    operationId,
    progress: (percent, what) => reportProgress(db, operationId, percent, what),
  };
  try {
    for (;;) {
      lease.check();
      const cluster = await loadCluster(db, clusterId);
      if (!cluster || cluster.status === 'deleted') return;
      const target = cluster.generation;
      if (cluster.observedGeneration >= target) return;

      const converged = (event: string) => async (tx: Db) => {
        await succeedConverged(tx, clusterId, target);
        await appendEvent(tx, { tenantId: cluster.tenantId, clusterId, type: event, data: { generation: target } });
      };

      if (cluster.deletionRequestedAt) {
        await setStatus(db, lease, cluster, 'deleting');
        await deleteCluster(step, cluster, async (tx) => {
          await converged('cluster.deleted')(tx);
          await cancelOpen(tx, clusterId, 'the cluster was deleted');
        });
        return;
      }

      const [formed] = await db.select({ id: shards.id }).from(shards).where(eq(shards.clusterId, clusterId)).limit(1);
      if (cluster.observedGeneration === 0 || !formed) {
        await createCluster(step, cluster, converged('cluster.available'));
        continue;
      }
      // Changing the shape of a running cluster (resharding, replicas, config) comes with the
      // next issues; until then an update is recorded but not applied, and says so.
      await db.transaction(async (tx) => {
        await tx
          .update(clusters)
          .set({ observedGeneration: target, lastError: 'changes to a running cluster are not applied yet: the spec was recorded, the nodes were left as they are', updatedAt: new Date() })
          .where(lease.held());
        await converged('cluster.update_recorded')(tx);
      });
    }
  } finally {
    await lease.release().catch(() => {});
  }
}
