import { randomBytes } from 'node:crypto';
import { and, clusters, declareDataLoss, eq, hosts, isNull, newId, nodes, shards, type Db, type DeclaredLoss } from '@slotplane/db';

/**
 * A data loss on shard `shardIndex` of a cluster, declared as the worker declares one when it
 * restarts a node in place (declareDataLoss, in one transaction with the node it restarts). The
 * shard and a primary on a host of its own are placed first, as a worker would have placed them.
 */
export async function loseShardData(db: Db, clusterId: string, opts: { shardIndex?: number; loss?: DeclaredLoss['loss'] } = {}): Promise<{ lossId: string; nodeId: string }> {
  const index = opts.shardIndex ?? 0;
  return db.transaction(async (tx) => {
    const [cluster] = await tx.select({ tenantId: clusters.tenantId }).from(clusters).where(eq(clusters.id, clusterId));
    if (!cluster) throw new Error(`no cluster ${clusterId}`);
    const hostId = newId();
    const suffix = randomBytes(4).toString('hex');
    await tx.insert(hosts).values({ id: hostId, name: `lossy-${suffix}`, address: '127.0.0.1', tokenHash: `test-${suffix}`, portMin: 30000, portMax: 30099 });
    let [shard] = await tx.select({ id: shards.id }).from(shards).where(and(eq(shards.clusterId, clusterId), eq(shards.index, index), isNull(shards.removedAt)));
    if (!shard) [shard] = await tx.insert(shards).values({ id: newId(), clusterId, index }).returning({ id: shards.id });
    const nodeId = newId();
    await tx.insert(nodes).values({ id: nodeId, clusterId, shardId: shard!.id, hostId, port: 30000, role: 'primary', runGeneration: 2 });
    const lossId = await declareDataLoss(tx, { tenantId: cluster.tenantId, clusterId, shardIndex: index, nodeId, loss: opts.loss ?? 'all' });
    return { lossId, nodeId };
  });
}
