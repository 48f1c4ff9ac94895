import { sql } from 'drizzle-orm';
import { bigint, check, index, integer, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { clusters } from './clusters.ts';
import { nodes } from './hosts.ts';
import { operations } from './operations.ts';

/**
 * The journal of slot moves: one row per slot, written in the moving step's fenced transaction
 * before each Redis command of the move, so a worker that dies at any point is followed by one
 * that finishes the move (or sees it finished) instead of leaving a slot open.
 * planned -> importing (target) -> migrating (source) -> draining (keys) -> owner_target ->
 * owner_source -> owner_all -> done.
 */
export const SLOT_MOVE_STATES = ['planned', 'importing', 'migrating', 'draining', 'owner_target', 'owner_source', 'owner_all', 'done'] as const;
export type SlotMoveState = (typeof SLOT_MOVE_STATES)[number];

export const slotMoves = pgTable(
  'slot_moves',
  {
    id: uuid('id').primaryKey(),
    clusterId: uuid('cluster_id').notNull().references(() => clusters.id),
    // The operation the move serves (progress is counted per operation).
    operationId: uuid('operation_id').references(() => operations.id),
    slot: integer('slot').notNull(),
    sourceNodeId: uuid('source_node_id').notNull().references(() => nodes.id),
    targetNodeId: uuid('target_node_id').notNull().references(() => nodes.id),
    state: text('state').$type<SlotMoveState>().notNull().default('planned'),
    keysMoved: integer('keys_moved').notNull().default(0),
    bytesMoved: bigint('bytes_moved', { mode: 'number' }).notNull().default(0),
    // The cluster's spec generation a scale's moves were planned for (null: a rebalance's): a move
    // planned for an older spec is dropped before it starts, or undone once started.
    specGeneration: integer('spec_generation'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
    // Set with state 'done'. Open moves are found by this column, not by state, so the six state
    // writes before it change no indexed column and Postgres updates the rows in place (HOT; the
    // table keeps free room on each page for it: fillfactor 70, set in migration 0013).
    finishedAt: timestamp('finished_at', { withTimezone: true }),
  },
  (t) => [
    index('slot_moves_operation').on(t.operationId),
    // The open moves of a cluster, at most one per slot; each journal write finds its chunk's rows
    // by slot. (No index on state: every journal write would update it too.)
    uniqueIndex('slot_moves_open_slot').on(t.clusterId, t.slot).where(sql`${t.finishedAt} is null`),
    check('slot_moves_finished_when_done', sql`(${t.state} = 'done') = (${t.finishedAt} is not null)`),
  ],
);
