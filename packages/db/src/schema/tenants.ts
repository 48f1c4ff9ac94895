import { integer, jsonb, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import type { KeyScope } from '@slotplane/contracts';

export const tenants = pgTable('tenants', {
  id: uuid('id').primaryKey(),
  name: text('name').notNull().unique(),
  // Quotas; null takes the operator's default (QUOTA_* in the API's environment).
  maxClusters: integer('max_clusters'),
  maxNodes: integer('max_nodes'),
  maxMemoryMb: integer('max_memory_mb'),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});

/** Only a SHA-256 of each key is kept; the key itself is shown once, when created. */
export const apiKeys = pgTable('api_keys', {
  id: uuid('id').primaryKey(),
  tenantId: uuid('tenant_id').notNull().references(() => tenants.id),
  keyHash: text('key_hash').notNull().unique(),
  prefix: text('prefix').notNull(),
  // What the key may do: read, write (its tenant's resources), admin (the whole fleet).
  role: text('role').$type<KeyScope>().notNull().default('write'),
  name: text('name'),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  // Written at most once a minute per key, so a busy key costs no write per request.
  lastUsedAt: timestamp('last_used_at', { withTimezone: true }),
  revokedAt: timestamp('revoked_at', { withTimezone: true }),
});

/**
 * The first response to a request sent with an Idempotency-Key, written in the transaction of
 * the change it made: a retry with the same key gets this response back instead of a second
 * change. Kept 24 hours.
 */
export const idempotencyKeys = pgTable(
  'idempotency_keys',
  {
    tenantId: uuid('tenant_id').notNull().references(() => tenants.id),
    key: text('key').notNull(),
    // SHA-256 of method, route, path parameters and body: the same key with another request is refused.
    fingerprint: text('fingerprint').notNull(),
    status: integer('status').notNull(),
    headers: jsonb('headers').$type<Record<string, string>>().notNull(),
    body: jsonb('body').$type<unknown>(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.key] })],
);
