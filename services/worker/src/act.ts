import { FENCED_STEPS, POSTGRES_STEPS, type Step } from '@slotplane/core';
import { and, appendEvent, clusters, declareDataLoss, desc, eq, events, inArray, isNull, lte, newId, nodes, notifyAssignments, operations, pgArray, shards, slotMoves, sql, type ClusterRow, type Db } from '@slotplane/db';
import type { Logger } from '@slotplane/logger';
import type { NodeAdminPool } from '@slotplane/redis-admin';
import { WorkerError } from './errors.ts';
import { failpoint } from './failpoint.ts';
import { failover, moveSlots, undoMoves } from './migrate.ts';
import type { Lease } from './lease.ts';
import type { MemberRow } from './observe.ts';

export interface ActContext {
  db: Db;
  log: Logger;
  lease: Lease;
  cluster: ClusterRow;
  admins: NodeAdminPool;
  /** The rows of the observation the steps were planned from. */
  rows: MemberRow[];
}

type DbStep = Extract<Step, { kind: 'place' | 'remove' | 'restart' | 'journalMoves' | 'dropMoves' | 'repointMoves' | 'finishMoves' | 'retireShards' | 'retirePreviousPassword' }>;
type RedisStep = Exclude<Step, DbStep>;
const isDbStep = (s: Step): s is DbStep => POSTGRES_STEPS.has(s.kind);

/**
 * Performs one plan's steps: Postgres steps in one fenced transaction (a dead node's removal and
 * its replacement land together), then Redis steps grouped per
 * node (in order on one node, nodes in parallel), after re-checking the lease in Postgres when
 * any of them changes ownership, membership or roles. Records what was done as one event.
 */
export async function perform(ctx: ActContext, phase: string, steps: Step[]): Promise<void> {
  const redisSteps = steps.filter((s): s is RedisStep => !isDbStep(s));
  const dbSteps = steps.filter(isDbStep);
  if (dbSteps.length) {
    await fenced(ctx, phase, async (tx) => {
      for (const step of dbSteps) {
        if (step.kind === 'place') await place(ctx, tx, step);
        if (step.kind === 'remove') await remove(ctx, tx, step);
        if (step.kind === 'restart') await restart(ctx, tx, step);
        if (step.kind === 'journalMoves') await journalMoves(ctx, tx, step);
        if (step.kind === 'dropMoves') await dropMoves(ctx, tx, step);
        if (step.kind === 'repointMoves') await repointMoves(ctx, tx, step);
        if (step.kind === 'finishMoves') await finishMoves(ctx, tx, step);
        if (step.kind === 'retireShards') await retireShards(ctx, tx, step);
        if (step.kind === 'retirePreviousPassword') await retirePreviousPassword(ctx, tx);
      }
    });
  }
  if (redisSteps.length) {
    if (redisSteps.some((s) => FENCED_STEPS.has(s.kind))) await ctx.lease.verify();
    else ctx.lease.check();
    const byNode = new Map<string, RedisStep[]>();
    for (const s of redisSteps) byNode.set(s.nodeId, [...(byNode.get(s.nodeId) ?? []), s]);
    await Promise.all([...byNode].map(([nodeId, own]) => runOnNode(ctx, nodeId, own)));
  }
  await ctx.db.transaction(async (tx) => {
    const [held] = await tx.select({ id: clusters.id }).from(clusters).where(ctx.lease.held());
    if (!held) return;
    await appendEvent(tx, { tenantId: ctx.cluster.tenantId, clusterId: ctx.cluster.id, type: 'cluster.step_done', data: { phase, steps: steps.map(summary) } });
  });
  // Crash tests kill the worker right after a kind of step, e.g. SLOTPLANE_FAILPOINT=after-meet.
  for (const kind of new Set(steps.map((s) => s.kind))) failpoint(`after-${kind}`);
}

async function runOnNode(ctx: ActContext, nodeId: string, steps: RedisStep[]): Promise<void> {
  const row = ctx.rows.find((r) => r.id === nodeId);
  if (!row) throw new Error(`unreachable: a step for node ${nodeId}, which is not in the observation`);
  const admin = ctx.admins.get({ host: row.address, port: row.port, password: ctx.cluster.adminPassword });
  for (const step of steps) {
    // Multi-command steps with a journal of their own.
    if (step.kind === 'moveSlots') {
      await moveSlots(ctx, step);
      continue;
    }
    if (step.kind === 'undoMoves') {
      await undoMoves(ctx, step);
      continue;
    }
    if (step.kind === 'failover') {
      await claimNewestEpoch(ctx, step.nodeId);
      await failover(ctx, step);
      await recordFailover(ctx, step, row.shardIndex);
      continue;
    }
    try {
      switch (step.kind) {
        case 'configSet':
          await admin.configSet(step.params);
          break;
        case 'setConfigEpoch':
          await admin.setConfigEpoch(step.epoch);
          break;
        case 'addSlots':
          await admin.addSlotsRange(step.ranges);
          break;
        case 'meet':
          await admin.meet(step.host, step.port);
          break;
        case 'replicate':
          await admin.replicate(step.primaryRedisId);
          break;
        case 'forget':
          await admin.forget(step.forgetRedisId);
          break;
        case 'setSlots': {
          const errors = await admin.setSlots(step.slots, step.how, step.redisId);
          const failed = errors.findIndex((e) => e !== null);
          if (failed >= 0) throw new Error(`CLUSTER SETSLOT ${step.slots[failed]} ${step.how} ${step.redisId}: ${errors[failed]}`);
          break;
        }
        case 'setTenantPasswords':
          await admin.setTenantPasswords(step.hashes);
          break;
        case 'stopWedged': {
          const how = await admin.stopWedged();
          ctx.log.warn({ node: admin.label, how, reason: step.reason }, 'stopped a wedged node');
          await appendEvent(ctx.db, { tenantId: ctx.cluster.tenantId, clusterId: ctx.cluster.id, type: 'node.wedged', data: { nodeId: step.nodeId, stoppedBy: how, reason: step.reason } });
          break;
        }
      }
    } catch (err) {
      // The next observation shows what happened; the planner decides again from there.
      throw new WorkerError('step_failed', `${step.kind} on ${admin.label}: ${err instanceof Error ? err.message : String(err)}`, true);
    }
  }
}

/** Journal rows (state planned) for the moves a plan needs, under the lease. */
async function journalMoves(ctx: ActContext, tx: Tx, step: Extract<Step, { kind: 'journalMoves' }>): Promise<void> {
  // Moves of a shards change serve the newest open update (the one asking for this shape).
  const [update] = step.operationId
    ? [{ id: step.operationId }]
    : await tx
        .select({ id: operations.id })
        .from(operations)
        .where(and(eq(operations.clusterId, ctx.cluster.id), eq(operations.kind, 'update'), inArray(operations.status, ['pending', 'running'])))
        .orderBy(desc(operations.id))
        .limit(1);
  const { moves } = step;
  await tx.execute(sql`
    insert into ${slotMoves} (id, cluster_id, operation_id, spec_generation, slot, source_node_id, target_node_id)
    select id, ${ctx.cluster.id}, ${update?.id ?? null}::uuid, ${step.generation}::int, slot, source, target
    from unnest(${pgArray(moves.map(() => newId()), 'uuid')}, ${pgArray(moves.map((m) => m.slot), 'int')},
                ${pgArray(moves.map((m) => m.sourceNodeId), 'uuid')}, ${pgArray(moves.map((m) => m.targetNodeId), 'uuid')}) as m(id, slot, source, target)`);
  ctx.log.info({ moves: step.moves.length }, 'journaled slot moves');
}

/** Moves planned for an older spec, not started: gone from the journal. */
async function dropMoves(ctx: ActContext, tx: Tx, step: Extract<Step, { kind: 'dropMoves' }>): Promise<void> {
  await tx.execute(sql`
    delete from ${slotMoves} using unnest(${pgArray(step.slots, 'int')}) as s(slot)
    where ${slotMoves.clusterId} = ${ctx.cluster.id} and ${slotMoves.slot} = s.slot and ${slotMoves.finishedAt} is null and ${slotMoves.state} = 'planned'`);
  ctx.log.info({ slots: step.slots.length }, 'dropped slot moves planned for an older spec');
}

/** The open moves of these slots now name the nodes that lead their shards (a move cut by a death). */
async function repointMoves(ctx: ActContext, tx: Tx, step: Extract<Step, { kind: 'repointMoves' }>): Promise<void> {
  await tx.execute(sql`
    update ${slotMoves} set source_node_id = ${step.sourceNodeId}, target_node_id = ${step.targetNodeId}, updated_at = now()
    from unnest(${pgArray(step.slots, 'int')}) as s(slot)
    where ${slotMoves.clusterId} = ${ctx.cluster.id} and ${slotMoves.slot} = s.slot and ${slotMoves.finishedAt} is null`);
  ctx.log.warn({ slots: step.slots.length, source: step.sourceNodeId, target: step.targetNodeId, reason: step.reason }, 'slot moves handed to new nodes');
}

/** Open moves with nothing left to do (their target owns the slots, their source is gone): done. */
async function finishMoves(ctx: ActContext, tx: Tx, step: Extract<Step, { kind: 'finishMoves' }>): Promise<void> {
  await tx.execute(sql`
    update ${slotMoves} set state = 'done', finished_at = now(), updated_at = now()
    from unnest(${pgArray(step.slots, 'int')}) as s(slot)
    where ${slotMoves.clusterId} = ${ctx.cluster.id} and ${slotMoves.slot} = s.slot and ${slotMoves.finishedAt} is null`);
  ctx.log.warn({ slots: step.slots.length, reason: step.reason }, 'slot moves finished without their source');
}

/**
 * The previous tenant password's grace period is over (by Postgres's clock): it is no longer
 * honoured, and the hosts are told, so their agents write redis.conf without it. The nodes'
 * live ACL follows in the next plan.
 */
async function retirePreviousPassword(ctx: ActContext, tx: Tx): Promise<void> {
  const [retired] = await tx
    .update(clusters)
    .set({ previousPassword: null, previousPasswordUntil: null, updatedAt: new Date() })
    .where(and(eq(clusters.id, ctx.cluster.id), lte(clusters.previousPasswordUntil, sql`now()`)))
    .returning({ id: clusters.id });
  if (!retired) return;
  const hostsOf = await tx.selectDistinct({ hostId: nodes.hostId }).from(nodes).where(and(eq(nodes.clusterId, ctx.cluster.id), isNull(nodes.removedAt)));
  await notifyAssignments(tx, hostsOf.map((h) => h.hostId));
  await appendEvent(tx, { tenantId: ctx.cluster.tenantId, clusterId: ctx.cluster.id, type: 'cluster.previous_password_retired', data: {} });
  ctx.log.info('retired the previous tenant password');
}

/** Shards drained by a scale-in, whose nodes are gone: no longer part of the cluster. */
async function retireShards(ctx: ActContext, tx: Tx, step: Extract<Step, { kind: 'retireShards' }>): Promise<void> {
  await tx
    .update(shards)
    .set({ removedAt: new Date() })
    .where(and(eq(shards.clusterId, ctx.cluster.id), inArray(shards.index, step.shardIndexes), isNull(shards.removedAt)));
}

/** New shard rows and node assignments, once, under the lease; the agents are told at commit. */
async function place(ctx: ActContext, tx: Tx, step: Extract<Step, { kind: 'place' }>): Promise<void> {
  if (step.newShards.length) {
    await tx.insert(shards).values(step.newShards.map((index) => ({ id: newId(), clusterId: ctx.cluster.id, index, slots: [] })));
  }
  const shardRows = await tx.select({ id: shards.id, index: shards.index }).from(shards).where(and(eq(shards.clusterId, ctx.cluster.id), isNull(shards.removedAt)));
  const shardId = new Map(shardRows.map((s) => [s.index, s.id]));
  const placed = step.nodes.map((n) => ({ id: newId(), clusterId: ctx.cluster.id, shardId: shardId.get(n.shardIndex)!, hostId: n.hostId, port: n.port, role: n.role, shardIndex: n.shardIndex }));
  await tx.insert(nodes).values(placed.map(({ shardIndex: _, ...row }) => row));
  // Each dead node and the new node of its shard that takes its place.
  const unused = [...placed];
  for (const r of step.replaces ?? []) {
    const next = unused.find((n) => n.shardIndex === r.shardIndex);
    if (!next) continue;
    unused.splice(unused.indexOf(next), 1);
    await appendEvent(tx, { tenantId: ctx.cluster.tenantId, clusterId: ctx.cluster.id, type: 'node.replaced', data: { shardIndex: r.shardIndex, from: r.nodeId, to: next.id, hostId: next.hostId, port: next.port, reason: r.reason } });
  }
  if (step.warnings.length) {
    await tx
      .update(operations)
      .set({ warnings: sql`${operations.warnings} || ${JSON.stringify(step.warnings)}::jsonb` })
      .where(and(eq(operations.clusterId, ctx.cluster.id), inArray(operations.status, ['pending', 'running'])));
  }
  await notifyAssignments(tx, step.nodes.map((n) => n.hostId));
  ctx.log.info({ nodes: step.nodes.length, warnings: step.warnings }, 'placed nodes');
}

/** Takes nodes off their hosts, under the lease; the agents stop them when told at commit. */
async function remove(ctx: ActContext, tx: Tx, step: Extract<Step, { kind: 'remove' }>): Promise<void> {
  const taken = await tx
    .update(nodes)
    .set({ removedAt: new Date(), updatedAt: new Date() })
    .where(and(inArray(nodes.id, step.nodeIds), isNull(nodes.removedAt)))
    .returning({ hostId: nodes.hostId });
  await notifyAssignments(tx, taken.map((n) => n.hostId));
  ctx.log.info({ nodes: step.nodeIds.length, reason: step.reason }, 'removed nodes');
}

/**
 * Before a promotion, the node is recorded with an epoch above every one recorded in the cluster,
 * as the promotion will give it: should it and the old primary both die before the next
 * observation, the planner restarts this one to lead the shard, never the superseded primary
 * (whose restart would take writes the newer one then erases). An observation corrects it.
 */
async function claimNewestEpoch(ctx: ActContext, nodeId: string): Promise<void> {
  await ctx.db.execute(sql`
    update ${nodes} set config_epoch = (select coalesce(max(config_epoch), 0) + 1 from ${nodes} where cluster_id = ${ctx.cluster.id})
    where id = ${nodeId}`);
}

/**
 * A `shard.failover` event once the new primary reports itself primary: a switchover, or a
 * promotion after an exit its agent reported (timed from that report).
 */
async function recordFailover(ctx: ActContext, step: Extract<Step, { kind: 'failover' }>, shardIndex: number): Promise<void> {
  await ctx.db.transaction(async (tx) => {
    const [exit] = step.trigger === 'agent_exit'
      ? await tx
          .select({ at: events.createdAt })
          .from(events)
          .where(and(eq(events.clusterId, ctx.cluster.id), eq(events.type, 'node.exited'), sql`${events.data}->>'nodeId' = ${step.fromNodeId}`))
          .orderBy(desc(events.id))
          .limit(1)
      : [];
    const data = { shardIndex, from: step.fromNodeId, to: step.nodeId, trigger: step.trigger, durationMs: exit ? Date.now() - exit.at.getTime() : null };
    await appendEvent(tx, { tenantId: ctx.cluster.tenantId, clusterId: ctx.cluster.id, type: 'shard.failover', data });
    // Recorded as primary now, so the next observation does not take this promotion for Redis's own.
    await tx.update(nodes).set({ observedRole: 'primary', primaryRedisId: null, updatedAt: new Date() }).where(eq(nodes.id, step.nodeId));
  });
}

/**
 * A new run generation for a node that exited, so its agent starts it again in its own dir; what
 * its persistence cannot give back is declared in the same transaction: a data loss the cluster
 * shows until a user acknowledges it, and a `shard.data_lost` event.
 */
async function restart(ctx: ActContext, tx: Tx, step: Extract<Step, { kind: 'restart' }>): Promise<void> {
  const [node] = await tx
    .update(nodes)
    .set({ runGeneration: sql`${nodes.runGeneration} + 1`, updatedAt: new Date() })
    .where(and(eq(nodes.id, step.nodeId), isNull(nodes.removedAt)))
    .returning({ hostId: nodes.hostId, shardId: nodes.shardId });
  if (!node) return;
  await notifyAssignments(tx, [node.hostId]);
  if (step.loss) {
    const [shard] = await tx.select({ index: shards.index }).from(shards).where(eq(shards.id, node.shardId));
    await declareDataLoss(tx, { tenantId: ctx.cluster.tenantId, clusterId: ctx.cluster.id, shardIndex: shard?.index ?? null, nodeId: step.nodeId, loss: step.loss });
  }
  ctx.log.warn({ nodeId: step.nodeId, loss: step.loss }, 'restarting an exited node in place');
}

type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];

/** A Postgres step's transaction, with the cluster's lease row locked first: a worker that lost the lease writes nothing. */
async function fenced(ctx: ActContext, what: string, fn: (tx: Tx) => Promise<void>): Promise<void> {
  await ctx.db.transaction(async (tx) => {
    const [held] = await tx.select({ id: clusters.id }).from(clusters).where(ctx.lease.held()).for('update');
    if (!held) throw new WorkerError('lease_lost', `lease lost before ${what}`, true);
    await fn(tx);
  });
}

function summary(step: Step): Record<string, unknown> {
  switch (step.kind) {
    case 'place':
      return { kind: step.kind, nodes: step.nodes.length, shards: step.newShards.length };
    case 'remove':
      return { kind: step.kind, nodes: step.nodeIds };
    case 'configSet':
      return { kind: step.kind, node: step.nodeId, keys: Object.keys(step.params) };
    case 'journalMoves':
      return { kind: step.kind, moves: step.moves.length };
    case 'moveSlots':
      return { kind: step.kind, from: step.nodeId, to: step.targetNodeId, slots: step.slots.length };
    case 'repointMoves':
      return { kind: step.kind, from: step.sourceNodeId, to: step.targetNodeId, slots: step.slots.length };
    case 'finishMoves':
    case 'dropMoves':
      return { kind: step.kind, slots: step.slots.length };
    case 'undoMoves':
      return { kind: step.kind, from: step.nodeId, to: step.sourceNodeId, slots: step.slots.length };
    case 'setSlots':
      return { kind: step.kind, node: step.nodeId, how: step.how, redisId: step.redisId, slots: step.slots.length };
    case 'setTenantPasswords':
      // Hashes of secrets stay out of the event log.
      return { kind: step.kind, node: step.nodeId, passwords: step.hashes.length };
    default:
      return { ...step };
  }
}
