import { apiKeys, eq, newId, tenants, type Db } from '@slotplane/db';
import { generateApiKey, hashCredential } from './auth.ts';

export interface NewTenant {
  tenantId: string;
  name: string;
  /** Shown once; only its hash is stored. */
  apiKey: string;
}

/** Creates a tenant (or reuses the one of that name) and issues it a new API key. */
export async function createTenant(db: Db, name: string, role: 'tenant' | 'admin' = 'tenant'): Promise<NewTenant> {
  return db.transaction(async (tx) => {
    await tx.insert(tenants).values({ id: newId(), name }).onConflictDoNothing({ target: tenants.name });
    const [tenant] = await tx.select().from(tenants).where(eq(tenants.name, name));
    const key = generateApiKey();
    await tx.insert(apiKeys).values({ id: newId(), tenantId: tenant!.id, keyHash: key.hash, prefix: key.prefix, role });
    return { tenantId: tenant!.id, name, apiKey: key.key };
  });
}

/** True when `key` is a live key of some tenant. */
export async function isValidApiKey(db: Db, key: string): Promise<boolean> {
  const [row] = await db.select({ id: apiKeys.id }).from(apiKeys).where(eq(apiKeys.keyHash, hashCredential(key)));
  return Boolean(row);
}
