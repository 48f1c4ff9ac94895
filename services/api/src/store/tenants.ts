import type { CreateTenantBody, KeyScope, PatchTenantBody, Usage } from '@slotplane/contracts';
import { exceededQuota } from '@slotplane/core';
import { apiKeys, and, clusters, eq, gt, inArray, isNull, newId, ne, sql, tenants, type Db, type TenantRow } from '@slotplane/db';
import { AppError, notFound } from '../errors.ts';
import { generateApiKey, hashCredential } from '../auth.ts';

/** The operator's quotas for tenants that have none of their own (QUOTA_* in the environment). */
export const DEFAULT_QUOTAS: Usage = { clusters: 25, nodes: 200, memoryMb: 262_144 };

/** Caps on what one tenant's keys can multiply, the same for every tenant (WEBHOOKS_PER_TENANT...). */
export interface Limits {
  /** Webhooks per tenant: each can hold delivery slots with an endpoint that never answers. */
  webhooksPerTenant: number;
  /** Live (not revoked) API keys per tenant: each has a rate limit of its own. */
  apiKeysPerTenant: number;
  /** Event streams open at once per API key, on each API instance. */
  streamsPerKey: number;
  /** Requests a minute per agent credential, on each API instance (an agent makes about 3 a second). */
  agentRequestsPerMinute: number;
  /**
   * Refused agent credentials a minute per client address, on each API instance, before every
   * agent request from it is refused for the rest of the minute. Above what a revoked agent still
   * running sends (a few a second), so agents sharing its address are not shut out.
   */
  agentAuthFailuresPerMinute: number;
}
export const DEFAULT_LIMITS: Limits = { webhooksPerTenant: 10, apiKeysPerTenant: 100, streamsPerKey: 10, agentRequestsPerMinute: 1200, agentAuthFailuresPerMinute: 600 };

/**
 * Inside the transaction that adds one of `name`: locks the tenant's row (two requests of one
 * tenant are counted one after the other) and refuses with 403 quota_exceeded when `count`
 * already reaches `limit`.
 */
export async function enforceCap(tx: Db, tenantId: string, name: 'webhooks' | 'apiKeys', limit: number, count: (tx: Db) => Promise<number>): Promise<void> {
  const [tenant] = await tx.select({ id: tenants.id }).from(tenants).where(eq(tenants.id, tenantId)).for('update');
  if (!tenant) throw notFound('tenant');
  const used = await count(tx);
  if (used < limit) return;
  const what = name === 'webhooks' ? 'webhooks, its limit: delete one first' : 'live API keys, its limit: revoke one first';
  throw new AppError('quota_exceeded', `your tenant has ${used} ${what}`, undefined, { name, limit, used, requested: 1 });
}

export interface NewTenant {
  tenantId: string;
  name: string;
  /** Shown once; only its hash is stored. */
  apiKey: string;
}

/** Creates a tenant (or reuses the one of that name) and issues it a new API key: the CLI's bootstrap. */
export async function createTenant(db: Db, name: string, scope: KeyScope = 'write'): Promise<NewTenant> {
  return db.transaction(async (tx) => {
    await tx.insert(tenants).values({ id: newId(), name }).onConflictDoNothing({ target: tenants.name });
    const [tenant] = await tx.select().from(tenants).where(eq(tenants.name, name));
    const key = generateApiKey();
    await tx.insert(apiKeys).values({ id: newId(), tenantId: tenant!.id, keyHash: key.hash, prefix: key.prefix, role: scope });
    return { tenantId: tenant!.id, name, apiKey: key.key };
  });
}

/** True when `key` is a live key of some tenant. */
export async function isValidApiKey(db: Db, key: string): Promise<boolean> {
  const [row] = await db.select({ id: apiKeys.id }).from(apiKeys).where(and(eq(apiKeys.keyHash, hashCredential(key)), isNull(apiKeys.revokedAt)));
  return Boolean(row);
}

/** A new tenant with its quotas; 409 naming body.name when the name is taken. */
export async function insertTenant(db: Db, body: CreateTenantBody): Promise<TenantRow> {
  const [row] = await db
    .insert(tenants)
    .values({ id: newId(), name: body.name, maxClusters: body.maxClusters ?? null, maxNodes: body.maxNodes ?? null, maxMemoryMb: body.maxMemoryMb ?? null })
    .onConflictDoNothing({ target: tenants.name })
    .returning();
  if (!row) throw new AppError('name_taken', `a tenant named "${body.name}" exists`, [{ field: 'body.name', message: 'is already taken' }]);
  return row;
}

export async function getTenant(db: Db, tenantId: string): Promise<TenantRow> {
  const [row] = await db.select().from(tenants).where(eq(tenants.id, tenantId));
  if (!row) throw notFound('tenant');
  return row;
}

export const listTenants = (db: Db, limit: number, afterId?: string) =>
  db.select().from(tenants).where(afterId ? gt(tenants.id, afterId) : undefined).orderBy(tenants.id).limit(limit + 1);

/** Sets quotas; a field given as null goes back to the default, one left out is kept. */
export async function updateTenant(db: Db, tenantId: string, patch: PatchTenantBody): Promise<TenantRow> {
  const [row] = await db.update(tenants).set(patch).where(eq(tenants.id, tenantId)).returning();
  if (!row) throw notFound('tenant');
  return row;
}

export const limitsOf = (t: TenantRow, defaults: Usage): Usage => ({
  clusters: t.maxClusters ?? defaults.clusters,
  nodes: t.maxNodes ?? defaults.nodes,
  memoryMb: t.maxMemoryMb ?? defaults.memoryMb,
});

/** What the tenants' live clusters (not being deleted) count against their quotas. */
export async function usageOf(db: Db, tenantIds: string[]): Promise<Map<string, Usage>> {
  const nodes = sql<number>`coalesce(sum((${clusters.spec}->>'shards')::int * (1 + (${clusters.spec}->>'replicasPerShard')::int)), 0)::int`;
  const memory = sql<number>`coalesce(sum((${clusters.spec}->>'shards')::int * (1 + (${clusters.spec}->>'replicasPerShard')::int) * (${clusters.spec}->>'maxMemoryMb')::int), 0)::int`;
  const rows = tenantIds.length
    ? await db
        .select({ tenantId: clusters.tenantId, clusters: sql<number>`count(*)::int`, nodes, memoryMb: memory })
        .from(clusters)
        .where(and(inArray(clusters.tenantId, tenantIds), isNull(clusters.deletionRequestedAt), ne(clusters.status, 'deleted')))
        .groupBy(clusters.tenantId)
    : [];
  const byTenant = new Map(rows.map(({ tenantId, ...u }) => [tenantId, u]));
  return new Map(tenantIds.map((id) => [id, byTenant.get(id) ?? { clusters: 0, nodes: 0, memoryMb: 0 }]));
}

/**
 * Inside the transaction of a create or a spec change: locks the tenant's row (so concurrent
 * requests of one tenant are counted one after the other) and refuses with 403 when going from
 * `before` to `after` would break a quota.
 */
export async function enforceQuotas(tx: Db, tenantId: string, defaults: Usage, before: Usage, after: Usage): Promise<void> {
  const [tenant] = await tx.select().from(tenants).where(eq(tenants.id, tenantId)).for('update');
  if (!tenant) throw notFound('tenant');
  const used = (await usageOf(tx, [tenantId])).get(tenantId)!;
  const over = exceededQuota(limitsOf(tenant, defaults), used, before, after);
  if (!over) return;
  throw new AppError('quota_exceeded', `this would use ${over.used + over.requested} of your ${over.quota} quota of ${over.limit} (in use: ${over.used})`, undefined, {
    name: over.quota,
    limit: over.limit,
    used: over.used,
    requested: over.requested,
  });
}
