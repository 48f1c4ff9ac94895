import type { RebalanceBody, SwitchoverBody } from '@slotplane/contracts';
import { and, clusters, eq, isNull, type Db } from '@slotplane/db';
import { AppError } from '../errors.ts';
import { getCluster, insertOperation, type Submitted, type Tx } from './clusters.ts';
import { loadTopology } from './topology.ts';

/** A cluster that exists, is not being deleted, and was formed: the only kind that can be rebalanced or switched over. */
async function runningCluster(tx: Tx, tenantId: string | null, clusterId: string) {
  const cluster = await getCluster(tx, tenantId, clusterId);
  if (cluster.deletionRequestedAt) throw new AppError('conflict', 'the cluster is being deleted');
  if (cluster.observedGeneration === 0) throw new AppError('conflict', 'the cluster is still being created; ask again once it is available');
  // Serializes requests on one cluster with spec changes (which update the row).
  await tx.select({ id: clusters.id }).from(clusters).where(and(eq(clusters.id, clusterId), isNull(clusters.deletionRequestedAt))).for('update');
  return cluster;
}

/** Records a rebalance: an operation the reconciler carries out with slot moves, then succeeds. */
export async function requestRebalance(db: Db, tenantId: string | null, clusterId: string, body: RebalanceBody): Promise<Submitted> {
  return db.transaction(async (tx) => {
    const cluster = await runningCluster(tx, tenantId, clusterId);
    return { cluster, operation: await insertOperation(tx, cluster, 'rebalance', { by: body.by, threshold: body.threshold }) };
  });
}

/**
 * Records a planned switchover of one shard: 409 unless the shard has an in-sync replica (the
 * named one, when given). The primary at this moment is recorded: the operation is done when
 * it no longer leads the shard.
 */
export async function requestSwitchover(db: Db, tenantId: string | null, clusterId: string, index: number, body: SwitchoverBody): Promise<Submitted> {
  return db.transaction(async (tx) => {
    const cluster = await runningCluster(tx, tenantId, clusterId);
    const shard = ((await loadTopology(tx, [cluster.id], [cluster])).get(cluster.id) ?? []).find((s) => s.index === index);
    if (!shard) throw new AppError('not_found', `the cluster has no shard ${index}`);
    if (!shard.primary || !shard.primary.reachable) throw new AppError('conflict', `shard ${index} has no live primary to hand over from`);
    const inSync = shard.replicas.filter((r) => r.role === 'replica' && r.reachable && r.linkStatus === 'up' && r.primaryRedisNodeId === shard.primary!.redisNodeId);
    if (body.nodeId && !inSync.some((r) => r.id === body.nodeId)) {
      throw new AppError('conflict', `node ${body.nodeId} is not an in-sync replica of shard ${index}`, [{ field: 'body.nodeId', message: 'is not an in-sync replica of this shard' }]);
    }
    if (!inSync.length) throw new AppError('conflict', `shard ${index} has no in-sync replica to switch over to`);
    return { cluster, operation: await insertOperation(tx, cluster, 'switchover', { shardIndex: index, nodeId: body.nodeId ?? null, fromNodeId: shard.primary.id }) };
  });
}
