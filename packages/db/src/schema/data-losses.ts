import { sql } from 'drizzle-orm';
import { index, integer, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import type { DataLossKind } from '@slotplane/contracts';
import { clusters } from './clusters.ts';
import { nodes } from './hosts.ts';
import { apiKeys, tenants } from './tenants.ts';

/**
 * Data a shard lost when a worker restarted a node in place whose persistence could not give it
 * all back (written with the `shard.data_lost` event). Shown on the cluster until a user
 * acknowledges it; kept after, as the record of who did and when.
 */
export const dataLosses = pgTable(
  'data_losses',
  {
    id: uuid('id').primaryKey(),
    clusterId: uuid('cluster_id').notNull().references(() => clusters.id),
    tenantId: uuid('tenant_id').notNull().references(() => tenants.id),
    // Null when the node's shard row could not be read (the event says the same).
    shardIndex: integer('shard_index'),
    nodeId: uuid('node_id').notNull().references(() => nodes.id),
    loss: text('loss').$type<DataLossKind>().notNull(),
    detail: text('detail').notNull(),
    declaredAt: timestamp('declared_at', { withTimezone: true }).notNull().defaultNow(),
    acknowledgedAt: timestamp('acknowledged_at', { withTimezone: true }),
    // The API key that acknowledged it.
    acknowledgedBy: uuid('acknowledged_by').references(() => apiKeys.id),
  },
  // Every read of a cluster looks for its unacknowledged losses.
  (t) => [index('data_losses_unacknowledged').on(t.clusterId).where(sql`acknowledged_at is null`)],
);
