import type { InstanceReport } from '@slotplane/contracts';
import { HOST_SUSPECT_AFTER_MS, hostState, hostWatchAt, type ObservedCluster, type ObservedNode, type Request } from '@slotplane/core';
import { and, asc, eq, hosts, inArray, isNull, ne, nodes, operations, readHostWatch, shards, slotMoves, sql, type ClusterRow, type Db, type NodeRow, type ShardRow } from '@slotplane/db';
import type { NodeAdmin, NodeAdminPool } from '@slotplane/redis-admin';

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
export async function observe(db: Db, cluster: ClusterRow, admins: NodeAdminPool, hostLostAfterMs: number, minFreeDiskBytes: number): Promise<Observation> {
  const [rows, shardRows, fleet, moves, requests, clock, reshaping] = await Promise.all([
    db
      .select({
        node: nodes, address: hosts.address, lastHeartbeatAt: hosts.lastHeartbeatAt, revokedAt: hosts.revokedAt, state: hosts.state, shardIndex: shards.index,
        // By Postgres's clock, which wrote exited_at.
        exitedForMs: sql<number | null>`(extract(epoch from now() - ${nodes.exitedAt}) * 1000)::float8`,
      })
      .from(nodes)
      .innerJoin(hosts, eq(nodes.hostId, hosts.id))
      .innerJoin(shards, eq(nodes.shardId, shards.id))
      .where(eq(nodes.clusterId, cluster.id))
      .orderBy(asc(shards.index), asc(nodes.id)),
    db.select().from(shards).where(and(eq(shards.clusterId, cluster.id), isNull(shards.removedAt))),
    loadFleet(db),
    db
      .select({ slot: slotMoves.slot, sourceNodeId: slotMoves.sourceNodeId, targetNodeId: slotMoves.targetNodeId, state: slotMoves.state, generation: slotMoves.specGeneration })
      .from(slotMoves)
      // The literal matches the partial index of open moves.
      .where(and(eq(slotMoves.clusterId, cluster.id), isNull(slotMoves.finishedAt))),
    loadRequests(db, cluster.id),
    readHostWatch(db),
    db
      .select({ id: operations.id })
      .from(operations)
      .where(and(eq(operations.clusterId, cluster.id), eq(operations.kind, 'update'), inArray(operations.status, ['pending', 'running']), sql`${operations.params}->'changed' ? 'shards'`))
      .limit(1),
  ]);
  const members: MemberRow[] = rows.map((r) => ({ ...r.node, address: r.address, shardIndex: r.shardIndex }));
  // This worker is watching now: after a gap in the host watch (the control plane was down) silence
  // counts from now, as the watch's next round will count it; a host is not lost for that gap.
  const { now } = clock;
  const { since } = hostWatchAt(clock.watch, now);
  const liveness = new Map(rows.map((r) => [r.node.id, r]));
  const observedNodes: ObservedNode[] = await Promise.all(
    members.map(async (m) => {
      const host = liveness.get(m.id);
      const state = hostState(host ?? { lastHeartbeatAt: null }, now, hostLostAfterMs, since);
      return {
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
        startFailure: m.startFailure,
        redisNodeId: m.redisNodeId,
        silentForMs: silentFor(m, state === 'up' ? null : (host?.lastHeartbeatAt ?? null), now),
        lastEpoch: m.configEpoch,
        exitedForMs: m.status === 'exited' ? (host?.exitedForMs ?? null) : null,
        hostState: state,
        // An exited node is asked too: its agent's word is checked before it counts as dead.
        redis:
          m.removedAt === null && (m.status === 'running' || m.status === 'exited')
            ? await admins.get({ host: m.address, port: m.port, password: cluster.adminPassword }).observe()
            : null,
      };
    }),
  );
  const measure = requests.some((r) => r.kind === 'rebalance' && r.by === 'memory' && r.movesDone + r.movesOpen === 0);
  const slotBytes = measure ? await measureSlots(observedNodes, members, cluster, admins) : null;
  return {
    observed: { nodes: observedNodes, shardCount: shardRows.length, fleet, minFreeDiskBytes, formed: cluster.observedGeneration > 0, moves, requests, slotBytes, reshaping: reshaping.length > 0 },
    rows: members,
    shardRows,
  };
}

/**
 * How long a node has not answered, as recorded across observations. On a host that went silent,
 * at least since its last heartbeat: the worker may first look only when the host is suspect, and
 * a death dated late would make a replica whose link dropped with it look as if it fell behind first.
 */
function silentFor(m: MemberRow, silentHostSince: Date | null, now: Date): number {
  const recorded = m.reachable === false && m.unreachableSince ? now.getTime() - m.unreachableSince.getTime() : 0;
  return silentHostSince ? Math.max(recorded, now.getTime() - silentHostSince.getTime()) : recorded;
}

/** Hosts that are up (a heartbeat within HOST_SUSPECT_AFTER_MS, not revoked), with every port taken on each (assigned nodes and processes still reported) and their free disk. */
async function loadFleet(db: Db): Promise<ObservedCluster['fleet']> {
  const [fresh, taken] = await Promise.all([
    db.select().from(hosts).where(and(sql`${hosts.lastHeartbeatAt} > now() - ${`${HOST_SUSPECT_AFTER_MS} milliseconds`}::interval`, isNull(hosts.revokedAt))),
    db.select({ hostId: nodes.hostId, port: nodes.port }).from(nodes).where(isNull(nodes.removedAt)),
  ]);
  return fresh.map((h) => ({
    id: h.id,
    name: h.name,
    zone: h.zone,
    portMin: h.portMin,
    portMax: h.portMax,
    usedPorts: [...taken.filter((n) => n.hostId === h.id).map((n) => n.port), ...((h.report as InstanceReport[] | null) ?? []).map((r) => r.port)],
    freeDiskBytes: h.diskFreeBytes,
  }));
}

/** Open rebalance and switchover operations, with how far the journal got for each rebalance. */
async function loadRequests(db: Db, clusterId: string): Promise<Request[]> {
  const open = await db
    .select({ id: operations.id, kind: operations.kind, params: operations.params })
    .from(operations)
    .where(and(eq(operations.clusterId, clusterId), inArray(operations.status, ['pending', 'running']), inArray(operations.kind, ['rebalance', 'switchover'])))
    .orderBy(asc(operations.id));
  if (!open.length) return [];
  const counts = await db
    .select({ operationId: slotMoves.operationId, done: sql<number>`count(*) filter (where ${slotMoves.state} = 'done')::int`, open: sql<number>`count(*) filter (where ${slotMoves.state} <> 'done')::int` })
    .from(slotMoves)
    .where(inArray(slotMoves.operationId, open.map((o) => o.id)))
    .groupBy(slotMoves.operationId);
  return open.map((o): Request => {
    const p = o.params ?? {};
    if (o.kind === 'switchover') {
      return { kind: 'switchover', operationId: o.id, shardIndex: Number(p.shardIndex), nodeId: (p.nodeId as string | null) ?? null, fromNodeId: String(p.fromNodeId) };
    }
    const c = counts.find((x) => x.operationId === o.id);
    return { kind: 'rebalance', operationId: o.id, by: p.by === 'memory' ? 'memory' : 'slots', thresholdPercent: Number(p.threshold ?? 2), movesDone: c?.done ?? 0, movesOpen: c?.open ?? 0 };
  });
}

/** Keys sampled per slot to estimate the bytes it holds. */
const SAMPLE_KEYS = 16;

/**
 * Bytes each slot holds on its primary: COUNTKEYSINSLOT for every owned slot, and for slots with
 * keys the mean MEMORY USAGE of up to SAMPLE_KEYS of them times the count. Pipelined per node.
 */
export async function measureSlots(nodes: ObservedNode[], rows: MemberRow[], cluster: ClusterRow, admins: NodeAdminPool): Promise<Map<number, number>> {
  const bytes = new Map<number, number>();
  await Promise.all(
    nodes.map(async (n) => {
      if (!n.redis?.reachable || n.removed) return;
      const self = n.redis.view.find((e) => e.myself);
      if (!self || self.role !== 'primary' || !self.slots.length) return;
      const row = rows.find((r) => r.id === n.id)!;
      const admin = admins.get({ host: row.address, port: row.port, password: cluster.adminPassword });
      for (const [slot, size] of await slotSizes(admin, self.slots)) bytes.set(slot, size);
    }),
  );
  return bytes;
}

export async function slotSizes(admin: NodeAdmin, ranges: Array<[number, number]>): Promise<Map<number, number>> {
  const slots = ranges.flatMap(([a, b]) => Array.from({ length: b - a + 1 }, (_, i) => a + i));
  const out = new Map<number, number>();
  for (let i = 0; i < slots.length; i += 2000) {
    const chunk = slots.slice(i, i + 2000);
    const counts = await admin.countKeysInSlots(chunk);
    const withKeys = chunk.filter((_, j) => counts[j]! > 0);
    const countOf = new Map(chunk.map((s, j) => [s, counts[j]!]));
    const pipe = admin.redis.pipeline();
    for (const s of withKeys) pipe.call('CLUSTER', 'GETKEYSINSLOT', String(s), String(SAMPLE_KEYS));
    const samples = ((await pipe.exec()) ?? []).map(([err, v]) => (err ? [] : (v as string[])));
    const sizes = await admin.memoryUsage(samples.flat());
    let k = 0;
    withKeys.forEach((slot, j) => {
      const sample = samples[j]!;
      const sum = sizes.slice(k, k + sample.length).reduce((a, b) => a + b, 0);
      k += sample.length;
      out.set(slot, sample.length ? (sum / sample.length) * countOf.get(slot)! : 0);
    });
  }
  return out;
}
