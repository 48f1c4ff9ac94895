import { createHash, randomBytes } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { apiKeys, and, eq, isNull, type Db } from '@slotplane/db';
import { AppError } from './errors.ts';

export interface Principal {
  tenantId: string;
  role: 'tenant' | 'admin';
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

/** The tenant and role of an API key, or 401. */
export async function principalOf(db: Db, key: string): Promise<Principal> {
  const [row] = await db
    .select({ tenantId: apiKeys.tenantId, role: apiKeys.role })
    .from(apiKeys)
    .where(and(eq(apiKeys.keyHash, hashCredential(key)), isNull(apiKeys.revokedAt)))
    .limit(1);
  if (!row) throw new AppError('unauthorized', 'the API key is not valid');
  return row;
}
