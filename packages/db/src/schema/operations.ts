import { sql } from 'drizzle-orm';
import { bigint, bigserial, index, integer, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import type { OperationError, OperationKind, OperationStatus } from '@slotplane/contracts';
import { clusters } from './clusters.ts';
import { tenants } from './tenants.ts';

export const operations = pgTable(
  'operations',
  {
    id: uuid('id').primaryKey(),
    tenantId: uuid('tenant_id').notNull().references(() => tenants.id),
    clusterId: uuid('cluster_id').notNull().references(() => clusters.id),
    kind: text('kind').$type<OperationKind>().notNull(),
    status: text('status').$type<OperationStatus>().notNull().default('pending'),
    targetGeneration: integer('target_generation').notNull(),
    // What a rebalance or switchover asks for (spec changes carry theirs in the cluster's spec).
    params: jsonb('params').$type<Record<string, unknown>>(),
    progress: integer('progress').notNull().default(0),
    step: text('step'),
    error: jsonb('error').$type<OperationError>(),
    warnings: jsonb('warnings').$type<string[]>().notNull().default([]),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    startedAt: timestamp('started_at', { withTimezone: true }),
    finishedAt: timestamp('finished_at', { withTimezone: true }),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('operations_cluster').on(t.clusterId, t.id),
    index('operations_status').on(t.status),
  ],
);

/** Append-only log of what happened, written in the same transaction as the change (outbox). */
export const events = pgTable(
  'events',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    // Null for the fleet's own events (a host lost or back), which belong to the operator.
    tenantId: uuid('tenant_id').references(() => tenants.id),
    clusterId: uuid('cluster_id').references(() => clusters.id),
    operationId: uuid('operation_id').references(() => operations.id),
    type: text('type').notNull(),
    data: jsonb('data').$type<Record<string, unknown>>().notNull().default({}),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    // Readers follow this, not id: ids are taken before commit, so they commit out of order;
    // positions are given after commit, one sequencer at a time (sequenceEvents), so never.
    position: bigint('position', { mode: 'number' }),
  },
  (t) => [
    index('events_cluster').on(t.clusterId, t.id),
    uniqueIndex('events_position').on(t.position),
    index('events_unsequenced').on(t.id).where(sql`position is null`),
    // Readers by type (?type=, the failover metrics).
    index('events_type').on(t.type, t.position),
  ],
);
