import { sql } from 'drizzle-orm';
import { bigint, boolean, check, index, integer, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import type { DeliveryStatus } from '@slotplane/contracts';
import { events } from './operations.ts';
import { tenants } from './tenants.ts';


/** Where a tenant (or the operator) wants events POSTed. */
export const webhooks = pgTable(
  'webhooks',
  {
    id: uuid('id').primaryKey(),
    tenantId: uuid('tenant_id').notNull().references(() => tenants.id),
    // Made with an admin key: every tenant's events and the fleet's, as the admin's event log.
    allTenants: boolean('all_tenants').notNull().default(false),
    url: text('url').notNull(),
    // Null: every type.
    types: text('types').array(),
    // The HMAC key of the signatures, shown to its owner once. Stored encrypted like the cluster passwords.
    secret: text('secret').notNull(),
    // Events after this position of the log are delivered (those written after the webhook was made).
    fromPosition: bigint('from_position', { mode: 'number' }).notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('webhooks_tenant').on(t.tenantId, t.id)],
);

/** One event for one webhook: the delivery log, and the truth the delivery jobs act on. */
export const webhookDeliveries = pgTable(
  'webhook_deliveries',
  {
    id: uuid('id').primaryKey(),
    webhookId: uuid('webhook_id').notNull().references(() => webhooks.id, { onDelete: 'cascade' }),
    eventId: bigint('event_id', { mode: 'number' }).notNull().references(() => events.id, { onDelete: 'cascade' }),
    eventType: text('event_type').notNull(),
    status: text('status').$type<DeliveryStatus>().notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    lastResponseCode: integer('last_response_code'),
    lastError: text('last_error'),
    nextAttemptAt: timestamp('next_attempt_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
    deliveredAt: timestamp('delivered_at', { withTimezone: true }),
  },
  (t) => [
    uniqueIndex('webhook_deliveries_once').on(t.webhookId, t.eventId),
    index('webhook_deliveries_log').on(t.webhookId, t.id),
    index('webhook_deliveries_pending').on(t.updatedAt).where(sql`status = 'pending'`),
  ],
);

/** How far the dispatcher has turned the event log into deliveries: one row. */
export const webhookDispatch = pgTable(
  'webhook_dispatch',
  {
    id: integer('id').primaryKey().default(1),
    position: bigint('position', { mode: 'number' }).notNull().default(0),
  },
  (t) => [check('webhook_dispatch_one', sql`${t.id} = 1`)],
);
