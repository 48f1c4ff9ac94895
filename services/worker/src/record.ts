import type { ClusterStatus } from '@slotplane/contracts';
import { describeObservation, normalizeRanges, observedStatus, type NodeFacts, type Plan } from '@slotplane/core';
import { and, appendEvent, clusters, eq, nodes, shards, sql, type ClusterRow, type Db } from '@slotplane/db';
import type { Lease } from './lease.ts';
import type { Observation } from './observe.ts';
import { cancelOpen, failOpen, reportProgress, succeedConverged } from './operations.ts';

/**
 * Writes what an observation showed: each node's observed role, primary, link, offset and
 * reachability, each shard's slot ranges, and when the cluster was observed. Only what
 * changed is written, and only while the lease holds.
 */
export async function recordObservation(db: Db, lease: Lease, cluster: ClusterRow, { observed, rows, shardRows }: Observation): Promise<void> {
  const { nodes: facts, shardSlots } = describeObservation(observed);
  await db.transaction(async (tx) => {
    const [held] = await tx.update(clusters).set({ observedAt: new Date() }).where(lease.held()).returning({ id: clusters.id });
    if (!held) return;
    for (const row of rows) {
      const f = facts.get(row.id);
      if (!f || same(row, f)) continue;
      if (row.observedRole === 'replica' && f.role === 'primary' && f.reachable && !row.removedAt && (shardSlots.get(row.shardIndex)?.length ?? 0) > 0) {
        await recordRedisFailover(tx, cluster, rows, row);
      }
      await tx
        .update(nodes)
        .set({
          redisNodeId: f.redisNodeId,
          observedRole: f.role,
          primaryRedisId: f.primaryRedisId,
          linkStatus: f.linkStatus,
          replOffset: f.replOffset,
          configEpoch: f.configEpoch,
          reachable: f.reachable,
          health: f.health,
          unreachableSince: f.reachable === false ? (row.unreachableSince ?? new Date()) : null,
          updatedAt: new Date(),
        })
        .where(eq(nodes.id, row.id));
    }
    for (const shard of shardRows) {
      const slots = normalizeRanges(shardSlots.get(shard.index) ?? []);
      if (JSON.stringify(slots) !== JSON.stringify(shard.slots)) await tx.update(shards).set({ slots }).where(eq(shards.id, shard.id));
    }
  });
}

/**
 * A replica Slotplane did not promote now leads its shard: Redis elected it after its peers flagged
 * the primary FAIL (a silent host), or someone ran CLUSTER FAILOVER by hand. Timed from when the
 * old primary stopped answering the control plane, when it did.
 */
async function recordRedisFailover(tx: Db, cluster: ClusterRow, rows: Observation['rows'], to: Observation['rows'][number]): Promise<void> {
  const from = rows.find((r) => r.shardIndex === to.shardIndex && r !== to && r.observedRole === 'primary' && !r.removedAt);
  const durationMs = from?.unreachableSince ? Date.now() - from.unreachableSince.getTime() : null;
  await appendEvent(tx, { tenantId: cluster.tenantId, clusterId: cluster.id, type: 'shard.failover', data: { shardIndex: to.shardIndex, from: from?.id ?? null, to: to.id, trigger: 'redis', durationMs } });
}

/** Replication offsets move all the time; they are recorded when something else about the node changes. */
function same(row: Observation['rows'][number], f: NodeFacts): boolean {
  return (
    row.redisNodeId === f.redisNodeId &&
    row.observedRole === f.role &&
    row.primaryRedisId === f.primaryRedisId &&
    row.linkStatus === f.linkStatus &&
    row.reachable === f.reachable &&
    row.health === f.health &&
    row.configEpoch === f.configEpoch &&
    (row.replOffset === null) === (f.replOffset === null)
  );
}

interface Settle {
  db: Db;
  lease: Lease;
  cluster: ClusterRow;
  formed: boolean;
  /** A rebalance or switchover is open: a change asked for, as a new spec is. */
  requested: boolean;
}

/** After a plan with steps or a wait: the cluster's status, and the operations' progress. */
export async function recordProgress(s: Settle, next: Extract<Plan, { kind: 'act' | 'wait' }>): Promise<void> {
  await s.db.transaction(async (tx) => {
    if (!(await setStatus(tx, s, next.kind))) return;
    await reportProgress(tx, s.cluster.id, next.progress, next.phase);
  });
}

/**
 * The cluster is observed at its desired generation: it is available (or deleted), and every
 * operation up to that generation succeeds. Guarded on the generation the plan was made for,
 * so a change that landed meanwhile is not reported done. False when the guard failed.
 */
export async function recordConverged(s: Settle, requestsSeen: string[]): Promise<boolean> {
  const { cluster } = s;
  const deleting = cluster.deletionRequestedAt !== null;
  const status: ClusterStatus = deleting ? 'deleted' : 'available';
  if (cluster.status === status && cluster.observedGeneration === cluster.generation && cluster.lastError === null) {
    // Nothing changed: only requests (rebalance, switchover) the plan has just found done remain.
    if (requestsSeen.length) await succeedConverged(s.db, cluster.id, cluster.generation, requestsSeen);
    return true;
  }
  return s.db.transaction(async (tx) => {
    const [row] = await tx
      .update(clusters)
      .set({ status, observedGeneration: cluster.generation, lastError: null, updatedAt: new Date() })
      .where(and(s.lease.held(), eq(clusters.generation, cluster.generation)))
      .returning({ id: clusters.id });
    if (!row) return false;
    if (cluster.status !== status) {
      await appendEvent(tx, { tenantId: cluster.tenantId, clusterId: cluster.id, type: 'cluster.status_changed', data: { from: cluster.status, to: status } });
    }
    if (cluster.status !== status || cluster.observedGeneration !== cluster.generation) {
      await appendEvent(tx, { tenantId: cluster.tenantId, clusterId: cluster.id, type: deleting ? 'cluster.deleted' : 'cluster.available', data: { generation: cluster.generation } });
    }
    // After the cluster's own events: what was observed, then the operations it fulfils. A delete
    // fulfils only itself: what else was still asked (a scale, a switchover) can no longer happen,
    // and is cancelled, never reported done.
    if (deleting) await cancelOpen(tx, cluster.id, 'the cluster was deleted');
    await succeedConverged(tx, cluster.id, cluster.generation, requestsSeen);
    return true;
  });
}

/** The planner is blocked: the cluster says why, and the open operations fail with the reason. */
export async function recordBlocked(s: Settle, next: Extract<Plan, { kind: 'blocked' }>): Promise<void> {
  await s.db.transaction(async (tx) => {
    if (!(await setStatus(tx, s, 'blocked', next.permanent))) return;
    if (s.cluster.lastError !== next.reason) {
      await tx.update(clusters).set({ lastError: next.reason, updatedAt: new Date() }).where(s.lease.held());
    }
    await failOpen(tx, s.cluster.id, { code: next.code, message: next.reason }, s.cluster.generation);
  });
}

/** Writes the status the outcome implies when it changed; false when the lease no longer holds. */
async function setStatus(tx: Db, s: Settle, outcome: 'act' | 'wait' | 'blocked', permanent = false): Promise<boolean> {
  const { cluster } = s;
  const status = observedStatus(
    { formed: s.formed, deleting: cluster.deletionRequestedAt !== null, changePending: cluster.generation > cluster.observedGeneration || s.requested },
    outcome,
    permanent,
  );
  const [row] = await tx
    .update(clusters)
    .set({ status, updatedAt: sql`case when ${clusters.status} = ${status} then ${clusters.updatedAt} else now() end` })
    .where(s.lease.held())
    .returning({ id: clusters.id });
  if (!row) return false;
  if (status !== cluster.status) {
    await appendEvent(tx, { tenantId: cluster.tenantId, clusterId: cluster.id, type: 'cluster.status_changed', data: { from: cluster.status, to: status } });
  }
  return true;
}
