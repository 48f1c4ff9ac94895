import type { Node, Shard } from '@slotplane/contracts';
import { and, asc, eq, hosts, inArray, isNull, nodes, shards, type ClusterRow, type Db, type NodeRow } from '@slotplane/db';

/**
 * The observed topology of each cluster: per shard the slot ranges read from CLUSTER NODES,
 * the member Redis says is primary, and the others. Everything here was written by workers
 * and agents from what they saw; nothing is derived from the spec. One query per table.
 */
export async function loadTopology(db: Db, clusterIds: string[], clusterRows: Pick<ClusterRow, 'id' | 'observedAt'>[]): Promise<Map<string, Shard[]>> {
  const out = new Map<string, Shard[]>(clusterIds.map((id) => [id, []]));
  if (!clusterIds.length) return out;
  const observedAt = new Map(clusterRows.map((c) => [c.id, c.observedAt]));
  const shardRows = await db.select().from(shards).where(and(inArray(shards.clusterId, clusterIds), isNull(shards.removedAt))).orderBy(asc(shards.index));
  const nodeRows = await db
    .select({ node: nodes, address: hosts.address })
    .from(nodes)
    .innerJoin(hosts, eq(nodes.hostId, hosts.id))
    .where(and(inArray(nodes.clusterId, clusterIds), isNull(nodes.removedAt)))
    .orderBy(asc(nodes.id));
  for (const s of shardRows) {
    const members = nodeRows.filter((r) => r.node.shardId === s.id).map(({ node, address }) => nodeView(node, address, observedAt.get(s.clusterId) ?? null));
    // A dead primary stays "primary" (as its peers see it) until a replica takes over; a live one wins.
    const primaries = members.filter((m) => m.role === 'primary');
    const primary = primaries.find((m) => m.reachable) ?? primaries[0] ?? null;
    out.get(s.clusterId)!.push({ id: s.id, index: s.index, slots: s.slots, primary, replicas: members.filter((m) => m !== primary) });
  }
  return out;
}

function nodeView(node: NodeRow, address: string, observedAt: Date | null): Node {
  const lastSeen = node.reachable === true ? observedAt : node.reachable === false ? node.unreachableSince : null;
  return {
    id: node.id,
    hostId: node.hostId,
    host: address,
    port: node.port,
    redisNodeId: node.redisNodeId,
    role: node.observedRole,
    status: node.status,
    reachable: node.reachable,
    primaryRedisNodeId: node.primaryRedisId,
    linkStatus: node.linkStatus,
    health: node.health,
    startError: node.status === 'exited' ? (node.startFailure?.reason ?? null) : null,
    replicationOffset: node.replOffset,
    lastSeenAt: lastSeen?.toISOString() ?? null,
  };
}
