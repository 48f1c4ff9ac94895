import type { DataLoss } from '@slotplane/contracts';
import { and, appendEvent, asc, dataLosses, eq, inArray, isNull, sql, type ClusterRow, type Db } from '@slotplane/db';
import { AppError } from '../errors.ts';
import { dataLossView } from '../views.ts';
import { getCluster } from './clusters.ts';

/** The losses of each cluster that nobody acknowledged yet, oldest first. One query. */
export async function loadDataLoss(db: Db, clusterIds: string[]): Promise<Map<string, DataLoss[]>> {
  const out = new Map<string, DataLoss[]>(clusterIds.map((id) => [id, []]));
  if (!clusterIds.length) return out;
  const rows = await db
    .select()
    .from(dataLosses)
    .where(and(inArray(dataLosses.clusterId, clusterIds), isNull(dataLosses.acknowledgedAt)))
    .orderBy(asc(dataLosses.declaredAt), asc(dataLosses.id));
  for (const r of rows) out.get(r.clusterId)!.push(dataLossView(r));
  return out;
}

/**
 * Marks a loss of the cluster acknowledged by the API key `keyId`, with a
 * `cluster.data_loss_acknowledged` event; one acknowledged already is left as it is (no second
 * event). 404 for a cluster the caller may not see, or a loss that is not the cluster's.
 */
export async function acknowledgeDataLoss(db: Db, tenantId: string | null, clusterId: string, lossId: string, keyId: string): Promise<ClusterRow> {
  return db.transaction(async (tx) => {
    const cluster = await getCluster(tx, tenantId, clusterId);
    const [acknowledged] = await tx
      .update(dataLosses)
      .set({ acknowledgedAt: sql`now()`, acknowledgedBy: keyId })
      .where(and(eq(dataLosses.id, lossId), eq(dataLosses.clusterId, cluster.id), isNull(dataLosses.acknowledgedAt)))
      .returning();
    if (acknowledged) {
      const { shardIndex, nodeId, loss } = acknowledged;
      await appendEvent(tx, { tenantId: cluster.tenantId, clusterId: cluster.id, type: 'cluster.data_loss_acknowledged', data: { lossId, shardIndex, nodeId, loss, acknowledgedBy: keyId } });
      return cluster;
    }
    const [known] = await tx.select({ id: dataLosses.id }).from(dataLosses).where(and(eq(dataLosses.id, lossId), eq(dataLosses.clusterId, cluster.id)));
    if (!known) throw new AppError('not_found', `data loss ${lossId} not found on cluster ${cluster.id}`);
    return cluster;
  });
}
