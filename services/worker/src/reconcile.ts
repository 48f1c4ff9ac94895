import type { ClusterStatus } from '@slotplane/contracts';
import { and, appendEvent, clusters, eq, lt, type Db } from '@slotplane/db';
import type { Logger } from '@slotplane/logger';
import { cancelOpen, succeedConverged } from './operations.ts';

export interface ReconcileContext {
  db: Db;
  log: Logger;
}

type ClusterRow = typeof clusters.$inferSelect;

async function loadCluster(db: Db, id: string): Promise<ClusterRow | undefined> {
  const [row] = await db.select().from(clusters).where(eq(clusters.id, id));
  return row;
}

async function setStatus(db: Db, cluster: ClusterRow, status: ClusterStatus): Promise<void> {
  if (cluster.status === status) return;
  await db.transaction(async (tx) => {
    await tx.update(clusters).set({ status, updatedAt: new Date() }).where(eq(clusters.id, cluster.id));
    await appendEvent(tx, { tenantId: cluster.tenantId, clusterId: cluster.id, type: 'cluster.status_changed', data: { from: cluster.status, to: status } });
  });
}

/**
 * Drives one cluster to its latest desired generation. Level-triggered: it reads the spec
 * afresh on every pass, so a change that lands meanwhile is picked up before it returns.
 */
export async function reconcileCluster(ctx: ReconcileContext, clusterId: string): Promise<void> {
  const { db } = ctx;
  for (;;) {
    const cluster = await loadCluster(db, clusterId);
    if (!cluster || cluster.status === 'deleted') return;
    const target = cluster.generation;
    if (cluster.observedGeneration >= target) return;

    if (cluster.deletionRequestedAt) {
      await setStatus(db, cluster, 'deleting');
      await db.transaction(async (tx) => {
        await tx
          .update(clusters)
          .set({ status: 'deleted', observedGeneration: target, lastError: null, updatedAt: new Date() })
          .where(and(eq(clusters.id, clusterId), lt(clusters.observedGeneration, target)));
        await succeedConverged(tx, clusterId, target);
        await cancelOpen(tx, clusterId, 'the cluster was deleted');
        await appendEvent(tx, { tenantId: cluster.tenantId, clusterId, type: 'cluster.status_changed', data: { from: 'deleting', to: 'deleted' } });
      });
      return;
    }

    if (cluster.status === 'available') await setStatus(db, cluster, 'modifying');
    await db.transaction(async (tx) => {
      await tx
        .update(clusters)
        .set({ status: 'available', observedGeneration: target, lastError: null, updatedAt: new Date() })
        .where(and(eq(clusters.id, clusterId), lt(clusters.observedGeneration, target)));
      await succeedConverged(tx, clusterId, target);
      await appendEvent(tx, { tenantId: cluster.tenantId, clusterId, type: 'cluster.status_changed', data: { from: cluster.status, to: 'available', generation: target } });
    });
  }
}
