import { REDIS_USERS } from '@slotplane/contracts';
import type { Step } from '@slotplane/core';
import { appendEvent, clusters, pgArray, slotMoves, sql, type Db, type SlotMoveState } from '@slotplane/db';
import type { NodeAdmin } from '@slotplane/redis-admin';
import type { ActContext } from './act.ts';
import { WorkerError } from './errors.ts';
import { failpoint } from './failpoint.ts';
import { reportProgress } from './operations.ts';

/** Keys listed per GETKEYSINSLOT. */
const KEYS_PER_LISTING = 1000;
/**
 * One MIGRATE carries at most this many bytes: MIGRATE blocks both nodes while it runs, and a
 * node blocked past cluster-node-timeout gets failed over.
 */
const BYTES_PER_MIGRATE = 4 * 1024 * 1024;
const MIGRATE_TIMEOUT_MS = 10_000;

type MoveStep = Extract<Step, { kind: 'moveSlots' }>;

/**
 * Moves slots from one primary to another, each through the states of the journal, writing
 * every state before the Redis commands of that state. Where a slot stands is read from the two
 * nodes first, so a move cut off at any point (a worker killed between two commands) resumes
 * where Redis shows it, and a slot is never left open.
 *
 * THE rule: the owner of a slot is set to the target only after COUNTKEYSINSLOT on the source
 * says 0, read right before; otherwise the source would delete the keys it still holds.
 */
export async function moveSlots(ctx: ActContext, step: MoveStep): Promise<void> {
  const chunks: number[][] = [];
  for (let i = 0; i < step.slots.length; i += SLOTS_PER_CHUNK) chunks.push(step.slots.slice(i, i + SLOTS_PER_CHUNK));
  // Chunks overlap: one drains keys while another waits on its journal writes and owner changes.
  // On an error the others finish the chunk they hold (each is consistent on its own), then it is thrown.
  let next = 0;
  let failed: { err: unknown } | undefined;
  await Promise.all(
    Array.from({ length: CHUNKS_IN_FLIGHT }, async () => {
      while (next < chunks.length && !failed) {
        const chunk = chunks[next++]!;
        await moveChunk(ctx, step, chunk).catch((err: unknown) => (failed ??= { err }));
      }
    }),
  );
  if (failed) throw failed.err;
}

/** Slots journaled and switched together; a crash loses at most one chunk's progress. */
const SLOTS_PER_CHUNK = 256;
const CHUNKS_IN_FLIGHT = 2;
/** Slots drained at once: their commands pipeline on the two nodes' connections. */
const DRAIN_CONCURRENCY = 16;

async function moveChunk(ctx: ActContext, step: MoveStep, slots: number[]): Promise<void> {
  const source = member(ctx, step.nodeId);
  const target = member(ctx, step.targetNodeId);
  const src = ctx.admins.get({ host: source.address, port: source.port, password: ctx.cluster.adminPassword });
  const dst = ctx.admins.get({ host: target.address, port: target.port, password: ctx.cluster.adminPassword });
  const [srcSelf, dstSelf] = await Promise.all([src.nodes(), dst.nodes()]).then((views) => views.map((v) => v.find((e) => e.myself)!));
  const sourceId = srcSelf!.id;
  const targetId = dstSelf!.id;
  const has = (owned: Array<[number, number]>, s: number) => owned.some(([a, b]) => a <= s && s <= b);

  // Slots whose owner is the target already only need the owner set on the others.
  const moving = slots.filter((s) => !has(dstSelf!.slots, s));
  const strays = moving.filter((s) => !has(srcSelf!.slots, s));
  if (strays.length) throw new WorkerError('move_inconsistent', `slots ${strays.slice(0, 5).join(', ')} are owned by neither ${src.label} nor ${dst.label}; stopping the move`, false);

  // 1. Target imports (first, so it accepts the ASK redirects the source starts sending).
  const importing = new Set(dstSelf!.importing.filter((i) => i.from === sourceId).map((i) => i.slot));
  await journal(ctx, moving, 'importing');
  failpoint('move-importing');
  await expectOk(dst, moving.filter((s) => !importing.has(s)), 'IMPORTING', sourceId);

  // 2. Source migrates.
  const migrating = new Set(srcSelf!.migrating.filter((m) => m.to === targetId).map((m) => m.slot));
  await journal(ctx, moving, 'migrating');
  failpoint('move-migrating');
  await expectOk(src, moving.filter((s) => !migrating.has(s)), 'MIGRATING', targetId);

  // 3. Keys, a few slots at a time, in batches bounded by count and bytes.
  await journal(ctx, moving, 'draining');
  const replicas = moving.length ? await dst.onlineReplicas() : 0;
  failpoint('move-draining');
  const moved = new Map<number, { keys: number; bytes: number }>();
  let next = 0;
  await Promise.all(
    Array.from({ length: DRAIN_CONCURRENCY }, async () => {
      while (next < moving.length) {
        const slot = moving[next++]!;
        moved.set(slot, await drain(ctx, src, dst, target, slot, replicas));
      }
    }),
  );
  await recordMoved(ctx, moved);

  // 4. Owner: target, then source, then every other primary — only for slots the source has emptied.
  // (Slots the target owns already were checked before that; a source that gave away its last
  // slot is a replica of the target by now and holds copies of them.)
  const left = await src.countKeysInSlots(moving);
  const full = moving.filter((_, i) => left[i]! > 0);
  if (full.length) throw new WorkerError('keys_left', `slot ${full[0]} still has ${left[moving.indexOf(full[0]!)]} key(s) on ${src.label}; not giving it away yet`, true);
  await ctx.lease.verify();
  await journal(ctx, slots, 'owner_target');
  failpoint('move-owner_target');
  await expectOk(dst, moving, 'NODE', targetId);
  await journal(ctx, slots, 'owner_source');
  failpoint('move-owner_source');
  // The source may have learned the new owner by gossip already, or turned replica after its last slot.
  await src.setSlots(slots, 'NODE', targetId);
  await journal(ctx, slots, 'owner_all');
  failpoint('move-owner_all');
  await Promise.all(
    step.otherPrimaryIds.map(async (id) => {
      const o = ctx.rows.find((r) => r.id === id);
      if (o) await ctx.admins.get({ host: o.address, port: o.port, password: ctx.cluster.adminPassword }).setSlots(slots, 'NODE', targetId).catch(() => []);
    }),
  );
  await finishChunk(ctx, step, slots, moved);
}

/** The chunk's last journal state, and one coarse slot_migration.progress event, in one transaction. */
async function finishChunk(ctx: ActContext, step: MoveStep, slots: number[], moved: Map<number, { keys: number; bytes: number }>): Promise<void> {
  await ctx.db.transaction(async (tx) => {
    await journal(ctx, slots, 'done', tx);
    // Chunks finish in parallel: one at a time counts (and commits), so each count includes every
    // chunk committed before it and the last event of an operation says all its slots are done.
    await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${ctx.cluster.id}::text, 0))`);
    const { rows } = (await tx.execute(sql`
      select ${slotMoves.operationId} as op, count(*) filter (where ${slotMoves.state} = 'done')::int as done, count(*)::int as total
      from ${slotMoves}
      where ${slotMoves.operationId} is not distinct from (select ${slotMoves.operationId} from ${slotMoves} where ${slotMoves.clusterId} = ${ctx.cluster.id} and ${slotMoves.slot} = ${slots[0]!} order by ${slotMoves.updatedAt} desc limit 1)
        and ${slotMoves.clusterId} = ${ctx.cluster.id}
      group by 1`)) as unknown as { rows: Array<{ op: string | null; done: number; total: number }> };
    const sum = (k: 'keys' | 'bytes') => [...moved.values()].reduce((a, m) => a + m[k], 0);
    await appendEvent(tx, {
      tenantId: ctx.cluster.tenantId,
      clusterId: ctx.cluster.id,
      operationId: rows[0]?.op ?? null,
      type: 'slot_migration.progress',
      data: { from: step.nodeId, to: step.targetNodeId, slots: slots.length, keys: sum('keys'), bytes: sum('bytes'), slotsDone: rows[0]?.done ?? slots.length, slotsTotal: rows[0]?.total ?? slots.length },
    });
    // The operation's progress follows the slots moved (60-90 %: the plan's steps before the moves
    // report less, those after more).
    if (rows[0]) await reportProgress(tx, ctx.cluster.id, 60 + (30 * rows[0].done) / rows[0].total, `moving slots (${rows[0].total - rows[0].done} to go)`);
  });
}

/** Keys and bytes moved per slot, added to the journal in one statement. */
async function recordMoved(ctx: ActContext, moved: Map<number, { keys: number; bytes: number }>): Promise<void> {
  const rows = [...moved].filter(([, m]) => m.keys > 0);
  if (!rows.length) return;
  await ctx.db.execute(sql`
    update ${slotMoves} set keys_moved = ${slotMoves.keysMoved} + v.keys, bytes_moved = ${slotMoves.bytesMoved} + v.bytes, updated_at = now()
    from unnest(${pgArray(rows.map(([slot]) => slot), 'int')}, ${pgArray(rows.map(([, m]) => m.keys), 'int')}, ${pgArray(rows.map(([, m]) => m.bytes), 'bigint')}) as v(slot, keys, bytes)
    where ${slotMoves.clusterId} = ${ctx.cluster.id} and ${slotMoves.slot} = v.slot and ${slotMoves.finishedAt} is null`);
}

function member(ctx: ActContext, nodeId: string) {
  const row = ctx.rows.find((r) => r.id === nodeId);
  if (!row) throw new Error(`unreachable: node ${nodeId} is not in the observation`);
  return row;
}

/**
 * Bulk state change of the journal rows of these slots, fenced by the lease: one statement. The
 * rows are joined to the slot list (not `slot = any(...)`, which Postgres checks against every
 * open row of the cluster and plans slowly with 256 constants), and change no indexed column
 * before 'done', so they are updated in place.
 */
async function journal(ctx: ActContext, slots: number[], state: SlotMoveState, db: Pick<Db, 'execute'> = ctx.db): Promise<void> {
  if (!slots.length) return;
  // Both drivers (pg, PGlite) answer raw SQL with { rows }.
  const { rows } = (await db.execute(sql`
    with held as (select ${clusters.id} from ${clusters} where ${ctx.lease.held()}),
    moved as (
      update ${slotMoves} set state = ${state}, updated_at = now()${state === 'done' ? sql`, finished_at = now()` : sql``}
      from unnest(${pgArray(slots, 'int')}) as s(slot)
      where ${slotMoves.clusterId} = ${ctx.cluster.id} and exists (select from held)
        and ${slotMoves.slot} = s.slot and ${slotMoves.finishedAt} is null
      returning 1)
    select count(*)::int as held from held`)) as unknown as { rows: Array<{ held: number }> };
  if (!rows[0]?.held) throw new WorkerError('lease_lost', 'lease lost while moving slots', true);
}

async function expectOk(admin: NodeAdmin, slots: number[], how: 'IMPORTING' | 'MIGRATING' | 'NODE', nodeId: string): Promise<void> {
  const errors = await admin.setSlots(slots, how, nodeId);
  const failed = errors.findIndex((e) => e !== null);
  if (failed >= 0) throw new WorkerError('setslot_failed', `CLUSTER SETSLOT ${slots[failed]} ${how} on ${admin.label}: ${errors[failed]}`, true);
}

/** Copy rounds of one slot before keys still changing under every copy are moved outright. */
const COPY_ROUNDS = 20;
/** How long the target's replica may take to acknowledge a copy before the move stops (retried). */
const REPLICA_ACK_MS = 5_000;

/**
 * Moves every key of `slot` from the source to the target without a moment when the only copy
 * of a key is on a target whose replica lacks it: a plain MIGRATE deletes the source's copy as
 * soon as the target has it, and a target killed before its replica got the key loses it (Redis
 * replicates asynchronously; seen in the chaos bench). So each listing is copied (COPY_LISTING),
 * the target's replica acknowledges it (WAIT), and only then does the source delete the keys
 * whose value has not changed since the copy (DELETE_UNCHANGED); a key written meanwhile is
 * copied again. A key changing under COPY_ROUNDS copies in a row is moved by a plain MIGRATE
 * and acknowledged right after: lost only if the target dies within that round trip.
 * `replicas`: the target's replicas in sync; with none there is no acknowledgement to wait for,
 * and keys move by plain MIGRATE.
 */
async function drain(ctx: ActContext, src: NodeAdmin, dst: NodeAdmin, target: { address: string; port: number }, slot: number, replicas: number): Promise<{ keys: number; bytes: number }> {
  const to = { host: target.address, port: target.port, username: REDIS_USERS.admin, password: ctx.cluster.adminPassword, timeoutMs: MIGRATE_TIMEOUT_MS };
  let keys = 0;
  let bytes = 0;
  if (!replicas) {
    // No replica to wait for: a plain MIGRATE, the source's delete in the same command.
    for (;;) {
      const moved = await src.copyListing(slot, KEYS_PER_LISTING, BYTES_PER_MIGRATE, to, 'move');
      keys += moved.keys.length;
      bytes += moved.bytes;
      if (moved.listed < KEYS_PER_LISTING) return { keys, bytes };
    }
  }
  for (let round = 0; ; round++) {
    const copy = await src.copyListing(slot, KEYS_PER_LISTING, BYTES_PER_MIGRATE, to);
    if (copy.keys.length) await acknowledged(dst, replicas);
    const deleted = await src.deleteUnchanged(copy.keys, copy.sums);
    keys += deleted;
    bytes += copy.bytes;
    // A short listing was the whole slot: while it migrates, a key the source does not hold is
    // written on the target (ASK), so none can appear here. (COUNTKEYSINSLOT checks again before the owner changes.)
    if (copy.listed < KEYS_PER_LISTING && deleted === copy.keys.length) return { keys, bytes };
    if (round >= COPY_ROUNDS && deleted < copy.keys.length) {
      const hot = copy.keys.length - deleted;
      ctx.log.warn({ slot, keys: hot, source: src.label, target: dst.label }, 'keys written under every copy; moving them with a plain MIGRATE');
      const left = (await src.redis.call('CLUSTER', 'GETKEYSINSLOT', String(slot), String(KEYS_PER_LISTING))) as string[];
      if (left.length) await src.redis.call('MIGRATE', to.host, String(to.port), '', '0', String(MIGRATE_TIMEOUT_MS), 'REPLACE', 'AUTH2', to.username, to.password, 'KEYS', ...left);
      await acknowledged(dst, replicas);
      keys += left.length;
      round = 0;
    }
  }
}

async function acknowledged(dst: NodeAdmin, replicas: number): Promise<void> {
  if ((await dst.replicated(1, REPLICA_ACK_MS)) >= 1) return;
  throw new WorkerError('replica_behind', `no replica of ${dst.label} acknowledged the keys copied to it within ${REPLICA_ACK_MS / 1000} s; the source keeps them, and the move goes on once one does`, true);
}

type UndoStep = Extract<Step, { kind: 'undoMoves' }>;
/** Keys MIGRATEd back per command while undoing (undone moves hold what was moved so far: little). */
const KEYS_PER_UNDO = 100;

/**
 * Undoes started moves of an older spec: the source still owns the slots, the target (the step's
 * node) imports them and holds the keys moved so far. Redis has no way back for an open slot: a
 * migrating source answers ASK for a key it lacks, a RESTORE of the keys coming back included. So
 * slot by slot, as `redis-cli --cluster fix` does for keys left on an importing node, "cold": the
 * source stops migrating, the target's keys MIGRATE back at once (ASKING: the target answers for
 * a slot it does not own only while importing, so it imports again if a cut attempt left it
 * holding keys without), then the target stops importing. From the source's STABLE to the last
 * key back (milliseconds for the few keys a stuck move holds), a key still on the target is not
 * seen through the source: a client that writes it then creates it on the source, and that copy,
 * the newest write, is kept. From wherever a cut attempt left the slot, the same steps finish it.
 */
export async function undoMoves(ctx: ActContext, step: UndoStep): Promise<void> {
  const target = member(ctx, step.nodeId);
  const source = member(ctx, step.sourceNodeId);
  const dst = ctx.admins.get({ host: target.address, port: target.port, password: ctx.cluster.adminPassword });
  const src = ctx.admins.get({ host: source.address, port: source.port, password: ctx.cluster.adminPassword });
  const self = async (a: NodeAdmin) => (await a.nodes()).find((e) => e.myself)!;
  const [srcSelf, dstSelf] = await Promise.all([self(src), self(dst)]);
  const has = (owned: Array<[number, number]>, s: number) => owned.some(([a, b]) => a <= s && s <= b);
  const wrong = step.slots.filter((s) => !has(srcSelf.slots, s) || has(dstSelf.slots, s));
  if (wrong.length) throw new WorkerError('move_inconsistent', `slot ${wrong[0]} is not owned by ${src.label} alone; not undoing its move`, true);
  await ctx.lease.verify();
  const importing = new Set(dstSelf.importing.filter((i) => i.from === srcSelf.id).map((i) => i.slot));
  const counts = await dst.countKeysInSlots(step.slots);
  let next = 0;
  await Promise.all(
    Array.from({ length: DRAIN_CONCURRENCY }, async () => {
      while (next < step.slots.length) {
        const i = next++;
        const slot = step.slots[i]!;
        for (let round = 0; ; round++) {
          if (counts[i]! > 0 && !importing.has(slot)) await expectOk(dst, [slot], 'IMPORTING', srcSelf.id);
          await src.stableSlots([slot]);
          await drainBack(ctx, dst, src, { address: source.address, port: source.port }, slot);
          await dst.stableSlots([slot]);
          // A client sent to the target by an ASK just before the source's STABLE may have written there.
          counts[i] = (await dst.countKeysInSlots([slot]))[0]!;
          if (!counts[i]) break;
          importing.delete(slot);
          if (round >= 3) throw new WorkerError('undo_incomplete', `keys kept arriving on ${dst.label} in slot ${slot} while it was returned to ${src.label}; trying again`, true);
        }
      }
    }),
  );
  await ctx.db.execute(sql`
    delete from ${slotMoves} using unnest(${pgArray(step.slots, 'int')}) as s(slot)
    where ${slotMoves.clusterId} = ${ctx.cluster.id} and ${slotMoves.slot} = s.slot and ${slotMoves.finishedAt} is null
      and exists (select from ${clusters} where ${ctx.lease.held()})`);
  ctx.log.info({ slots: step.slots.length, from: dst.label, to: src.label }, 'returned imported slots and their keys to their owner');
}

/** MIGRATEs every key of `slot` from the target back to the source (ASKING: the target does not own the slot). */
async function drainBack(ctx: ActContext, dst: NodeAdmin, src: NodeAdmin, to: { address: string; port: number }, slot: number): Promise<void> {
  for (;;) {
    const keys = (await dst.redis.call('CLUSTER', 'GETKEYSINSLOT', String(slot), String(KEYS_PER_UNDO))) as string[];
    if (!keys.length) return;
    const args = [to.address, String(to.port), '', '0', String(MIGRATE_TIMEOUT_MS), 'AUTH2', REDIS_USERS.admin, ctx.cluster.adminPassword, 'KEYS', ...keys];
    const replies = ((await dst.redis.pipeline().call('ASKING').call('MIGRATE', ...args).exec()) ?? []) as Array<[Error | null, unknown]>;
    const err = replies[1]?.[0] ?? null;
    if (!err) continue;
    if (!err.message.includes('BUSYKEY')) throw new WorkerError('migrate_failed', `MIGRATE back from ${dst.label}: ${err.message}`, true);
    // Keys the source holds too: a MIGRATE cut before its delete (the source kept serving its copy),
    // or a write that reached the source once it stopped migrating: its copy is the newest.
    const held = ((await src.redis.pipeline(keys.map((k) => ['exists', k])).exec()) ?? []).map(([, n]) => Number(n) > 0);
    const stale = keys.filter((_, i) => held[i]);
    if (stale.length) await dst.redis.pipeline().call('ASKING').call('DEL', ...stale).exec();
  }
}

/** Longest wait for a replica told to take over to report itself primary. */
const FAILOVER_WAIT_MS = 15_000;

/**
 * CLUSTER FAILOVER on a replica, waited for until it reports itself primary: coordinated with a
 * live primary, FORCE when the primary is known dead or flagged FAIL (no handshake with it; the
 * other primaries still vote), TAKEOVER when too few primaries are left to vote (the cluster
 * allows it).
 *
 * With moves to go on (`migrating`), the replica's writes are held (CLIENT PAUSE WRITE) from
 * before the promotion until those slots are MIGRATING on it: a write to a key already moved is
 * then answered by ASK to its target, never by a new key here. A held write is looked at again
 * after the pause, redirection included. The pause lapses by itself should the worker die.
 */
export async function failover(ctx: ActContext, step: Extract<Step, { kind: 'failover' }>): Promise<void> {
  const row = member(ctx, step.nodeId);
  const admin = ctx.admins.get({ host: row.address, port: row.port, password: ctx.cluster.adminPassword });
  const held = step.migrating?.length ? step.migrating : undefined;
  if (held) await admin.redis.call('CLIENT', 'PAUSE', String(FAILOVER_WAIT_MS + 5_000), 'WRITE');
  // A primary whose MIGRATING could not be set stays held until the pause lapses: the next plan
  // sets it (moveSlots), and a write meanwhile would make a new key of a moved one.
  let release = true;
  try {
    await admin.redis.call('CLUSTER', 'FAILOVER', ...(step.mode ? [step.mode.toUpperCase()] : []));
    const deadline = Date.now() + FAILOVER_WAIT_MS;
    let primary = false;
    while (!primary && Date.now() < deadline) {
      // (A promotion takes the role and the slots at once; a primary that had none gives none.)
      primary = (await admin.nodes()).find((e) => e.myself)?.role === 'primary';
      // Polled closely: writes are held until the moves' slots are MIGRATING.
      if (!primary) await new Promise((r) => setTimeout(r, 10));
    }
    if (!primary) throw new WorkerError('failover_timeout', `${admin.label} did not become primary within ${FAILOVER_WAIT_MS / 1000} s of CLUSTER FAILOVER${step.mode ? ` ${step.mode.toUpperCase()}` : ''}`, true);
    // One command each, not the SETSLOT script: EVAL counts as a write and waits out the pause.
    for (const { redisId, slots } of held ?? []) {
      const replies = await Promise.all(slots.map((slot) => admin.redis.call('CLUSTER', 'SETSLOT', String(slot), 'MIGRATING', redisId).then(() => null, (err: Error) => `${slot}: ${err.message}`)));
      const failed = replies.find((r) => r !== null);
      if (failed) {
        release = false;
        throw new WorkerError('step_failed', `CLUSTER SETSLOT ${failed} MIGRATING ${redisId} on ${admin.label}`, true);
      }
    }
  } finally {
    if (held && release) await admin.redis.call('CLIENT', 'UNPAUSE').catch(() => {});
  }
}
