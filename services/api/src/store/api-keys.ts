import { Id, type ApiKey, type KeyScope } from '@slotplane/contracts';
import { and, apiKeys, eq, gt, isNull, newId, sql, tenants, type ApiKeyRow, type Db } from '@slotplane/db';
import { generateApiKey } from '../auth.ts';
import { notFound } from '../errors.ts';
import { apiKeyView } from '../views.ts';
import { ownedBy } from './owned-by.ts';

/** A new key of the tenant; the key itself is returned once, only its hash is kept. */
export async function insertApiKey(db: Db, tenantId: string, scope: KeyScope, name: string | null): Promise<{ row: ApiKeyRow; key: string }> {
  const key = generateApiKey();
  const [row] = await db.insert(apiKeys).values({ id: newId(), tenantId, keyHash: key.hash, prefix: key.prefix, role: scope, name }).returning();
  return { row: row!, key: key.key };
}

/** How many keys of the tenant are not revoked. */
export const countLiveApiKeys = (tenantId: string) => async (db: Db) =>
  (await db.select({ n: sql<number>`count(*)::int` }).from(apiKeys).where(and(eq(apiKeys.tenantId, tenantId), isNull(apiKeys.revokedAt))))[0]!.n;

export const listApiKeys = (db: Db, tenantId: string, limit: number, afterId?: string) =>
  db
    .select()
    .from(apiKeys)
    .where(and(eq(apiKeys.tenantId, tenantId), afterId ? gt(apiKeys.id, afterId) : undefined))
    .orderBy(apiKeys.id)
    .limit(limit + 1);

/** A key of the tenant (of any tenant when `tenantId` is null), or 404. */
export async function getApiKey(db: Db, tenantId: string | null, keyId: string): Promise<ApiKeyRow> {
  const [row] = await db.select().from(apiKeys).where(and(eq(apiKeys.id, keyId), ownedBy(apiKeys.tenantId, tenantId)));
  if (!row) throw notFound('API key');
  return row;
}

/** Revokes a key of the tenant, at once for every later request; revoking again changes nothing. */
export async function revokeApiKey(db: Db, tenantId: string, keyId: string): Promise<ApiKeyRow> {
  const [row] = await db
    .update(apiKeys)
    .set({ revokedAt: sql`coalesce(${apiKeys.revokedAt}, now())` })
    .where(and(eq(apiKeys.id, keyId), eq(apiKeys.tenantId, tenantId)))
    .returning();
  if (!row) throw notFound('API key');
  return row;
}

/** The CLI's view: every key of the tenant of that name (views, never the keys), or null for no such tenant. */
export async function listKeysOf(db: Db, tenantName: string): Promise<ApiKey[] | null> {
  const [tenant] = await db.select().from(tenants).where(eq(tenants.name, tenantName));
  if (!tenant) return null;
  return (await db.select().from(apiKeys).where(eq(apiKeys.tenantId, tenant.id)).orderBy(apiKeys.id)).map(apiKeyView);
}

/** The CLI's revoke, by key id (any tenant); null when there is no such key. */
export async function revokeKeyById(db: Db, keyId: string): Promise<ApiKey | null> {
  if (!Id.safeParse(keyId).success) return null;
  const [row] = await db.select().from(apiKeys).where(eq(apiKeys.id, keyId.toLowerCase()));
  return row ? apiKeyView(await revokeApiKey(db, row.tenantId, row.id)) : null;
}
