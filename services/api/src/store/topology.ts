import type { Shard, Node } from '@slotplane/contracts';
import { and, asc, eq, hosts, inArray, isNull, nodes, shards, type Db } from '@slotplane/db';

/** The observed topology of each cluster: shards with their primary and replicas. One query per table. */
export async function loadTopology(db: Db, clusterIds: string[]): Promise<Map<string, Shard[]>> {
  const out = new Map<string, Shard[]>(clusterIds.map((id) => [id, []]));
  if (!clusterIds.length) return out;
  const shardRows = await db.select().from(shards).where(inArray(shards.clusterId, clusterIds)).orderBy(asc(shards.index));
  const nodeRows = await db
    .select({ node: nodes, address: hosts.address })
    .from(nodes)
    .innerJoin(hosts, eq(nodes.hostId, hosts.id))
    .where(and(inArray(nodes.clusterId, clusterIds), isNull(nodes.removedAt)))
    .orderBy(asc(nodes.id));
  for (const s of shardRows) {
    const members: Node[] = nodeRows
      .filter((r) => r.node.shardId === s.id)
      .map(({ node, address }) => ({
        id: node.id,
        hostId: node.hostId,
        host: address,
        port: node.port,
        redisNodeId: node.redisNodeId,
        role: node.role,
        status: node.status,
      }));
    out.get(s.clusterId)!.push({
      id: s.id,
      index: s.index,
      slots: s.slots,
      primary: members.find((m) => m.role === 'primary') ?? null,
      replicas: members.filter((m) => m.role === 'replica'),
    });
  }
  return out;
}
