import { sql } from 'drizzle-orm';
import { bigint, index, integer, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import type { ClusterSpec, ClusterStatus, SlotRange } from '@slotplane/contracts';
import { tenants } from './tenants.ts';

export const clusters = pgTable(
  'clusters',
  {
    id: uuid('id').primaryKey(),
    tenantId: uuid('tenant_id').notNull().references(() => tenants.id),
    name: text('name').notNull(),
    // Desired state: written only by the API.
    spec: jsonb('spec').$type<ClusterSpec>().notNull(),
    // Passwords of the nodes' Redis users, generated at create: `password` is the tenant's user,
    // the other two the control plane's and replication's. Stored encrypted (@slotplane/secrets:
    // `enc:v1:<key id>:...`); a value without that prefix is plaintext from an earlier version.
    password: text('password').notNull().default(''),
    adminPassword: text('admin_password').notNull().default(''),
    replicationPassword: text('replication_password').notNull().default(''),
    // A password rotation: the tenant's password before it (encrypted like the others), honoured
    // beside `password` while the rotation runs (until null: the new one does not work on every
    // node yet) and until `previous_password_until`, set when it does. Cleared by the worker once
    // that time has passed: then only `password` works.
    previousPassword: text('previous_password'),
    previousPasswordUntil: timestamp('previous_password_until', { withTimezone: true }),
    generation: integer('generation').notNull().default(1),
    deletionRequestedAt: timestamp('deletion_requested_at', { withTimezone: true }),
    // Observed state: written only by workers.
    status: text('status').$type<ClusterStatus>().notNull(),
    observedGeneration: integer('observed_generation').notNull().default(0),
    lastError: text('last_error'),
    observedAt: timestamp('observed_at', { withTimezone: true }),
    // Per-cluster lease; the token only ever grows, so a stale holder's writes can be fenced off.
    leaseOwner: text('lease_owner'),
    leaseToken: bigint('lease_token', { mode: 'number' }).notNull().default(0),
    leaseExpiresAt: timestamp('lease_expires_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    // A deleted cluster gives its name back.
    uniqueIndex('clusters_tenant_name_live').on(t.tenantId, t.name).where(sql`status <> 'deleted'`),
    index('clusters_tenant_id').on(t.tenantId, t.id),
  ],
);

export const shards = pgTable(
  'shards',
  {
    id: uuid('id').primaryKey(),
    clusterId: uuid('cluster_id').notNull().references(() => clusters.id),
    index: integer('index').notNull(),
    // Observed slot ranges owned by this shard's primary.
    slots: jsonb('slots').$type<SlotRange[]>().notNull().default([]),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    // Set once a shard removed by scaling in is drained and its nodes are gone.
    removedAt: timestamp('removed_at', { withTimezone: true }),
  },
  (t) => [uniqueIndex('shards_cluster_index_live').on(t.clusterId, t.index).where(sql`removed_at is null`)],
);
