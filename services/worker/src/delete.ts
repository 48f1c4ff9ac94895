import { and, clusters, eq, hosts, isNull, nodes, type Db } from '@slotplane/db';
import { waitFor } from '@slotplane/embedded';
import type { StepContext } from './create.ts';

type ClusterRow = typeof clusters.$inferSelect;

/**
 * Takes every node away from its host (the agents stop the processes and erase their data
 * dirs), waits until no agent reports any of them, then marks the cluster deleted.
 */
export async function deleteCluster(ctx: StepContext, cluster: ClusterRow, onCommit: (tx: Db) => Promise<void>): Promise<void> {
  const { db } = ctx;
  await ctx.progress(10, 'stopping nodes');
  const ids = await db.transaction(async (tx) => {
    const [held] = await tx.select({ id: clusters.id }).from(clusters).where(ctx.lease.held()).for('update');
    if (!held) throw new Error('lease lost before removing nodes');
    await tx.update(nodes).set({ removedAt: new Date(), updatedAt: new Date() }).where(and(eq(nodes.clusterId, cluster.id), isNull(nodes.removedAt)));
    return (await tx.select({ id: nodes.id }).from(nodes).where(eq(nodes.clusterId, cluster.id))).map((n) => n.id);
  });
  const wanted = new Set(ids);
  await waitFor('every agent to stop this cluster’s nodes', async () => {
    const reports = await db.select({ report: hosts.report }).from(hosts);
    return !reports.some((h) => ((h.report as Array<{ nodeId: string }> | null) ?? []).some((i) => wanted.has(i.nodeId)));
  }, { timeoutMs: 60_000, intervalMs: 50 });
  ctx.lease.check();
  await db.transaction(async (tx) => {
    const [held] = await tx
      .update(clusters)
      .set({ status: 'deleted', observedGeneration: cluster.generation, lastError: null, updatedAt: new Date() })
      .where(ctx.lease.held())
      .returning({ id: clusters.id });
    if (held) await onCommit(tx);
  });
}
