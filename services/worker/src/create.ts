import { PlacementError, SLOT_COUNT, countSlots, placeCluster, slotMapSignature, splitSlots } from '@slotplane/core';
import { and, clusters, eq, hosts, isNull, newId, nodes, operations, shards, sql, type Db } from '@slotplane/db';
import type { Logger } from '@slotplane/logger';
import { NodeAdmin } from '@slotplane/redis-admin';
import { waitFor } from '@slotplane/embedded';
import { failpoint } from './failpoint.ts';
import type { Lease } from './lease.ts';

type ClusterRow = typeof clusters.$inferSelect;
type NodeRow = typeof nodes.$inferSelect;
type Member = NodeRow & { address: string; shardIndex: number };

/** Node timeout while bootstrapping: joining nodes wait min(timeout, 5 s) before they report ok. */
const BOOTSTRAP_NODE_TIMEOUT_MS = 1000;
/** The timeout the cluster runs with afterwards (also what the agent writes in redis.conf). */
const RUNNING_NODE_TIMEOUT_MS = 5000;
/** A host whose agent has not reported for this long takes no new nodes. */
const HOST_FRESH_MS = 10_000;

export class CreateRefused extends Error {
  readonly code = 'create_refused';
}

export interface StepContext {
  db: Db;
  log: Logger;
  lease: Lease;
  operationId: string;
  progress(percent: number, step: string): Promise<void>;
}

/** Step 1: choose hosts and ports, and write the node assignments. Once per cluster, ever. */
async function place(ctx: StepContext, cluster: ClusterRow): Promise<void> {
  const { db } = ctx;
  const [existing] = await db.select({ id: shards.id }).from(shards).where(eq(shards.clusterId, cluster.id)).limit(1);
  if (existing) return;
  const fleet = await db.select().from(hosts).where(sql`${hosts.lastHeartbeatAt} > now() - ${`${HOST_FRESH_MS} milliseconds`}::interval`);
  if (!fleet.length) throw new PlacementError('no host agent has reported in the last 10 s: start slotplane-agent on at least one host');
  const live = await db.select({ hostId: nodes.hostId, port: nodes.port }).from(nodes).where(isNull(nodes.removedAt));
  const placement = placeCluster(
    fleet.map((h) => ({
      id: h.id,
      zone: h.zone,
      portMin: h.portMin,
      portMax: h.portMax,
      usedPorts: [
        ...live.filter((n) => n.hostId === h.id).map((n) => n.port),
        ...((h.report as Array<{ port: number }> | null) ?? []).map((r) => r.port),
      ],
    })),
    cluster.spec,
  );
  const ranges = splitSlots(cluster.spec.shards);
  await db.transaction(async (tx) => {
    const [held] = await tx.select({ id: clusters.id }).from(clusters).where(ctx.lease.held()).for('update');
    if (!held) throw new Error('lease lost before placement');
    const shardIds = ranges.map(() => newId());
    await tx.insert(shards).values(ranges.map((_, index) => ({ id: shardIds[index]!, clusterId: cluster.id, index, slots: [] })));
    await tx.insert(nodes).values(
      placement.nodes.map((n) => ({ id: newId(), clusterId: cluster.id, shardId: shardIds[n.shardIndex]!, hostId: n.hostId, port: n.port, role: n.role })),
    );
    if (placement.warnings.length) {
      await tx
        .update(operations)
        .set({ warnings: sql`${operations.warnings} || ${JSON.stringify(placement.warnings)}::jsonb` })
        .where(eq(operations.id, ctx.operationId));
    }
  });
  ctx.log.info({ nodes: placement.nodes.length, warnings: placement.warnings }, 'placed cluster');
  failpoint('after-placement');
}

async function members(db: Db, clusterId: string): Promise<Member[]> {
  const rows = await db
    .select({ node: nodes, address: hosts.address, shardIndex: shards.index })
    .from(nodes)
    .innerJoin(hosts, eq(nodes.hostId, hosts.id))
    .innerJoin(shards, eq(nodes.shardId, shards.id))
    .where(and(eq(nodes.clusterId, clusterId), isNull(nodes.removedAt)))
    .orderBy(shards.index, sql`${nodes.role} = 'replica'`, nodes.id);
  return rows.map((r) => ({ ...r.node, address: r.address, shardIndex: r.shardIndex }));
}

/** Step 2: every assigned node reported running by its agent. */
async function awaitRunning(ctx: StepContext, clusterId: string): Promise<Member[]> {
  const ms = await waitFor('every node to be reported running by its agent', async () => {
    const rows = await members(ctx.db, clusterId);
    return rows.some((m) => m.status === 'exited') || rows.every((m) => m.status === 'running') ? rows : undefined;
  }, { timeoutMs: 60_000, intervalMs: 25 });
  const exited = ms.find((m) => m.status === 'exited');
  if (exited) {
    throw new CreateRefused(`node ${exited.address}:${exited.port} exited (code ${exited.exitCode}, signal ${exited.exitSignal}) before the cluster was configured; see its redis.log on the host`);
  }
  return ms;
}

/**
 * Step 3: refuse nodes that hold data or know nodes outside this cluster: running create steps
 * on them is how operators destroy data. A node that knows only members of this cluster is a
 * resumed create, and carries on.
 */
async function checkFresh(admins: Map<string, NodeAdmin>, ms: Member[]): Promise<Map<string, string>> {
  const ids = new Map<string, string>();
  for (const m of ms) ids.set(m.id, await admins.get(m.id)!.myId());
  const ours = new Set(ids.values());
  for (const m of ms) {
    const admin = admins.get(m.id)!;
    const view = await admin.nodes();
    const strangers = view.filter((e) => !ours.has(e.id) && !e.handshake);
    if (strangers.length) throw new CreateRefused(`node ${admin.label} already knows nodes outside this cluster (${strangers.map((s) => s.id.slice(0, 8)).join(', ')}); refusing to configure it`);
    const slotsAssigned = view.some((e) => e.slots.length);
    if (!slotsAssigned && (await admin.dbsize()) > 0) throw new CreateRefused(`node ${admin.label} already holds keys; refusing to configure it`);
  }
  return ids;
}

async function agreement(admins: NodeAdmin[], total: number): Promise<boolean> {
  const views = await Promise.all(admins.map((a) => a.nodes()));
  if (!views.every((v) => v.filter((e) => !e.handshake).length === total)) return false;
  const sigs = new Set(views.map(slotMapSignature));
  if (sigs.size !== 1) return false;
  return countSlots(views[0]!.flatMap((e) => e.slots)) === SLOT_COUNT;
}

/**
 * Steps 3-9 against Redis. Each one looks at what Redis already has before acting, so a
 * worker that died halfway and a new one that resumes converge on the same cluster.
 */
async function configure(ctx: StepContext, cluster: ClusterRow, ms: Member[]): Promise<void> {
  const { db, lease } = ctx;
  const admins = new Map(ms.map((m) => [m.id, new NodeAdmin({ host: m.address, port: m.port, password: cluster.password })]));
  const all = [...admins.values()];
  try {
    await ctx.progress(30, 'checking nodes are fresh');
    const redisIds = await checkFresh(admins, ms);
    for (const m of ms) {
      if (m.redisNodeId !== redisIds.get(m.id)) {
        await db.update(nodes).set({ redisNodeId: redisIds.get(m.id)!, updatedAt: new Date() }).where(eq(nodes.id, m.id));
      }
    }
    lease.check();

    await ctx.progress(40, 'assigning config epochs and slots');
    await Promise.all(all.map((a) => a.configSet('cluster-node-timeout', BOOTSTRAP_NODE_TIMEOUT_MS)));
    const ranges = splitSlots(cluster.spec.shards);
    await Promise.all(
      ms.map(async (m, i) => {
        const admin = admins.get(m.id)!;
        const view = await admin.nodes();
        const me = view.find((e) => e.myself)!;
        // Distinct epochs up front: otherwise colliding epochs are resolved slowly by gossip.
        if (me.configEpoch === 0 && view.length === 1) await admin.setConfigEpoch(i + 1);
        if (m.role === 'primary' && me.slots.length === 0) await admin.addSlotsRange([ranges[m.shardIndex]!]);
      }),
    );
    lease.check();

    await ctx.progress(55, 'joining nodes (CLUSTER MEET)');
    const seed = ms[0]!;
    await Promise.all(
      ms.slice(1).map(async (m) => {
        const admin = admins.get(m.id)!;
        const known = new Set((await admin.nodes()).map((e) => e.id));
        if (!known.has(redisIds.get(seed.id)!)) await admin.meet(seed.address, seed.port);
      }),
    );
    await waitFor('every node to agree on the slot map', () => agreement(all, ms.length), { timeoutMs: 60_000, intervalMs: 20 });
    failpoint('after-meet');
    lease.check();

    await ctx.progress(70, 'attaching replicas');
    await Promise.all(
      ms
        .filter((m) => m.role === 'replica')
        .map(async (m) => {
          const primary = ms.find((p) => p.shardIndex === m.shardIndex && p.role === 'primary')!;
          const primaryId = redisIds.get(primary.id)!;
          const admin = admins.get(m.id)!;
          // REPLICATE fails until this node has heard of the primary: retry until gossip caught up.
          await waitFor(`${admin.label} to replicate ${primary.address}:${primary.port}`, async () => {
            const me = (await admin.nodes()).find((e) => e.myself)!;
            if (me.primaryId === primaryId) return true;
            await admin.replicate(primaryId);
            return false;
          }, { timeoutMs: 30_000, intervalMs: 20 });
        }),
    );
    lease.check();

    await ctx.progress(85, 'waiting for replicas to sync and cluster_state:ok');
    await waitFor('every replica in sync and every node cluster_state:ok', async () => {
      for (const m of ms) {
        const admin = admins.get(m.id)!;
        if ((await admin.clusterInfo()).cluster_state !== 'ok') return false;
        if (m.role === 'replica' && (await admin.info('replication')).master_link_status !== 'up') return false;
      }
      return agreement(all, ms.length);
    }, { timeoutMs: 60_000, intervalMs: 20 });
    await Promise.all(all.map((a) => a.configSet('cluster-node-timeout', RUNNING_NODE_TIMEOUT_MS)));
  } finally {
    all.forEach((a) => a.close());
  }
}

/** Records the observed topology and marks the cluster available at `generation`, under the lease. */
async function finish(ctx: StepContext, cluster: ClusterRow, generation: number, onCommit: (tx: Db) => Promise<void>) {
  const ranges = splitSlots(cluster.spec.shards);
  await ctx.db.transaction(async (tx) => {
    const [held] = await tx
      .update(clusters)
      .set({ status: 'available', observedGeneration: generation, lastError: null, updatedAt: new Date() })
      .where(and(ctx.lease.held(), sql`${clusters.observedGeneration} < ${generation}`))
      .returning({ id: clusters.id });
    if (!held) return;
    const shardRows = await tx.select().from(shards).where(eq(shards.clusterId, cluster.id));
    for (const s of shardRows) await tx.update(shards).set({ slots: [ranges[s.index]!] }).where(eq(shards.id, s.id));
    await onCommit(tx);
  });
}

/** Creates the cluster's nodes and forms the Redis Cluster, resuming wherever an earlier run stopped. */
export async function createCluster(ctx: StepContext, cluster: ClusterRow, onCommit: (tx: Db) => Promise<void>): Promise<void> {
  await ctx.progress(5, 'placing nodes');
  await place(ctx, cluster);
  ctx.lease.check();
  await ctx.progress(15, 'waiting for agents to start nodes');
  const ms = await awaitRunning(ctx, cluster.id);
  await configure(ctx, cluster, ms);
  await finish(ctx, cluster, cluster.generation, onCommit);
}
