import { createHash, randomBytes } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import type { KeyScope } from '@slotplane/contracts';
import { apiKeys, and, eq, isNull, sql, type Db } from '@slotplane/db';
import { AppError } from './errors.ts';

export interface Principal {
  tenantId: string;
  keyId: string;
  scope: KeyScope;
}

/** Each scope can do what the ones before it can. */
const RANK: Record<KeyScope, number> = { read: 0, write: 1, admin: 2 };
export const allows = (held: KeyScope, needed: KeyScope) => RANK[held] >= RANK[needed];

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The scope a key needs for this route; by default read for GET, write for the rest. */
    scope?: KeyScope;
  }
}

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal;
  }
}

/** What is stored instead of any credential (API keys, enrollment tokens, host tokens): high-entropy secrets need no slow hash. */
export const hashCredential = (secret: string) => createHash('sha256').update(secret).digest('hex');

/** A new API key: `sp_` and 32 random bytes. Only its hash is stored. */
export function generateApiKey(): { key: string; hash: string; prefix: string } {
  const key = `sp_${randomBytes(32).toString('base64url')}`;
  return { key, hash: hashCredential(key), prefix: key.slice(0, 8) };
}

/** The credential of an `Authorization: Bearer <credential>` header, if there is one. */
export const bearerToken = (header: string | undefined) => header?.match(/^Bearer\s+(\S+)$/i)?.[1];

/** Resolves `Authorization: Bearer <key>` to the tenant that owns the key, or throws 401. */
export async function authenticate(db: Db, request: FastifyRequest): Promise<Principal> {
  const key = bearerToken(request.headers.authorization);
  if (!key) throw new AppError('unauthorized', 'send your API key as "Authorization: Bearer <key>"');
  return principalOf(db, key);
}

/** The tenant and scope of a live API key, or 401. Notes when the key was last used, to the minute. */
export async function principalOf(db: Db, key: string): Promise<Principal> {
  const [row] = await db
    .select({ keyId: apiKeys.id, tenantId: apiKeys.tenantId, scope: apiKeys.role, lastUsedAt: apiKeys.lastUsedAt })
    .from(apiKeys)
    .where(and(eq(apiKeys.keyHash, hashCredential(key)), isNull(apiKeys.revokedAt)))
    .limit(1);
  if (!row) throw new AppError('unauthorized', 'the API key is not valid (unknown or revoked)');
  if (!row.lastUsedAt || Date.now() - row.lastUsedAt.getTime() > 60_000) {
    await db.update(apiKeys).set({ lastUsedAt: sql`now()` }).where(eq(apiKeys.id, row.keyId));
  }
  return { keyId: row.keyId, tenantId: row.tenantId, scope: row.scope };
}

/**
 * The tenant whose resources a principal reaches: its own, or every tenant's (null) for an admin
 * key, the operator's. Routes pass it to the store (`ownedBy`), so none has an admin branch of its
 * own; another tenant's resource is simply not found for a read or write key.
 */
export const visibleTenant = (principal: Principal): string | null => (principal.scope === 'admin' ? null : principal.tenantId);

/**
 * The tenant a request names (`body.tenantId`, `query.tenantId`) when the principal may act for it:
 * its own (the default), or with an admin key any. A read or write key naming another tenant gets a
 * 403 naming `field` (the same whether that tenant exists or not).
 */
export function namedTenant(principal: Principal, named: string | undefined, field: string): string {
  if (named === undefined || named === principal.tenantId) return principal.tenantId;
  if (principal.scope !== 'admin') throw new AppError('forbidden', `${field}: only an admin key may act for another tenant`, [{ field, message: 'needs an admin key' }]);
  return named;
}

/** 403 unless the principal's key has `needed` scope. */
export function requireScope(principal: Principal, needed: KeyScope, what: string): void {
  if (!allows(principal.scope, needed)) throw new AppError('forbidden', `${what} needs a key with scope "${needed}" (this key's is "${principal.scope}")`);
}
