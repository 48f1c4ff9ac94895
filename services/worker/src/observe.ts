import type { InstanceReport } from '@slotplane/contracts';
import type { ObservedCluster, ObservedNode } from '@slotplane/core';
import { asc, eq, hosts, isNull, nodes, shards, sql, type ClusterRow, type Db, type NodeRow, type ShardRow } from '@slotplane/db';
import type { NodeAdminPool } from '@slotplane/redis-admin';

/** A host whose agent has not been heard from for this long takes no new nodes. */
const HOST_FRESH_MS = 10_000;

export type MemberRow = NodeRow & { address: string; shardIndex: number };

/** A snapshot of one cluster, with the rows it was built from (to record what changed). */
export interface Observation {
  observed: ObservedCluster;
  rows: MemberRow[];
  shardRows: ShardRow[];
}

/**
 * Observes one cluster: its rows in Postgres (assignments, what the agents reported) and every
 * node with a running process over the Redis protocol, all nodes at once, each with a timeout.
 * A node that does not answer is part of the snapshot, never an exception.
 */
export async function observe(db: Db, cluster: ClusterRow, admins: NodeAdminPool): Promise<Observation> {
  const [rows, shardRows, fleet] = await Promise.all([
    db
      .select({ node: nodes, address: hosts.address, shardIndex: shards.index })
      .from(nodes)
      .innerJoin(hosts, eq(nodes.hostId, hosts.id))
      .innerJoin(shards, eq(nodes.shardId, shards.id))
      .where(eq(nodes.clusterId, cluster.id))
      .orderBy(asc(shards.index), asc(nodes.id)),
    db.select().from(shards).where(eq(shards.clusterId, cluster.id)),
    loadFleet(db),
  ]);
  const members: MemberRow[] = rows.map((r) => ({ ...r.node, address: r.address, shardIndex: r.shardIndex }));
  const observedNodes: ObservedNode[] = await Promise.all(
    members.map(async (m) => ({
      id: m.id,
      shardIndex: m.shardIndex,
      hostId: m.hostId,
      host: m.address,
      port: m.port,
      placedRole: m.role,
      removed: m.removedAt !== null,
      agent: m.status,
      runGeneration: m.runGeneration,
      agentRunGeneration: m.agentRunGeneration,
      agentRevision: m.agentRevision,
      redisNodeId: m.redisNodeId,
      silentForMs: m.reachable === false && m.unreachableSince ? Date.now() - m.unreachableSince.getTime() : 0,
      redis:
        m.removedAt === null && m.status === 'running'
          ? await admins.get({ host: m.address, port: m.port, password: cluster.adminPassword }).observe()
          : null,
    })),
  );
  return {
    observed: { nodes: observedNodes, shardCount: shardRows.length, fleet, formed: cluster.observedGeneration > 0 },
    rows: members,
    shardRows,
  };
}

/** Hosts heard from recently, with every port taken on each (assigned nodes and processes still reported). */
async function loadFleet(db: Db): Promise<ObservedCluster['fleet']> {
  const [fresh, taken] = await Promise.all([
    db.select().from(hosts).where(sql`${hosts.lastHeartbeatAt} > now() - ${`${HOST_FRESH_MS} milliseconds`}::interval`),
    db.select({ hostId: nodes.hostId, port: nodes.port }).from(nodes).where(isNull(nodes.removedAt)),
  ]);
  return fresh.map((h) => ({
    id: h.id,
    zone: h.zone,
    portMin: h.portMin,
    portMax: h.portMax,
    usedPorts: [...taken.filter((n) => n.hostId === h.id).map((n) => n.port), ...((h.report as InstanceReport[] | null) ?? []).map((r) => r.port)],
  }));
}
