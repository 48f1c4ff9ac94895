import { createHash } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { IDEMPOTENCY_TTL_HOURS, and, eq, idempotencyKeys, sql, type Db } from '@slotplane/db';
import type { Keyring } from '@slotplane/secrets';
import { canonicalJson } from './canonical-json.ts';
import { AppError } from './errors.ts';

/** A response computed inside the transaction of the change it reports, so it can be kept with it. */
export interface Reply {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

export const IdempotencyHeader = z.looseObject({
  'idempotency-key': z
    .string()
    .min(1)
    .max(255)
    .regex(/^[\x21-\x7e]+$/, 'must be 1-255 visible ASCII characters')
    .optional()
    .describe(
      `Makes a retry safe: the first response to this key (a UUID is a good one) is kept ${IDEMPOTENCY_TTL_HOURS} h, and the same request sent again with it gets that response back (with \`Idempotent-Replayed: true\`) instead of making a second change. The same key with another method, path or body: 422. Error responses are not kept.`,
    ),
});

export const IfMatchHeader = z.looseObject({
  'if-match': z
    .string()
    .max(100)
    .optional()
    .describe('The ETag of a GET of the cluster (its generation, e.g. `"3"`), or `*`: the change is made only if nobody changed the cluster since; else 412.'),
});

/** The generation an If-Match header asks for: undefined for none or `*`; 400 for anything but one strong ETag. */
export function ifMatchGeneration(header: string | undefined): number | undefined {
  if (header === undefined || header.trim() === '*') return undefined;
  const m = header.trim().match(/^"(\d{1,9})"$/);
  if (!m) {
    throw new AppError('validation_failed', 'header.if-match: must be one ETag from a GET of the cluster, e.g. "3", or *', [
      { field: 'header.if-match', message: 'must be one ETag from a GET of the cluster, e.g. "3", or *' },
    ]);
  }
  return Number(m[1]);
}

export const etagOf = (generation: number) => `"${generation}"`;

/** Runs a write at most once per Idempotency-Key; see `idempotency`. */
export type Idempotent = (request: FastifyRequest, write: (db: Db) => Promise<Reply>) => Promise<Reply>;

/**
 * Runs `write` at most once per Idempotency-Key of the tenant. The first response is written in
 * the transaction of the change it reports (`write` gets that transaction), so a crash leaves
 * either both or neither; requests with the same key wait for each other on an advisory lock,
 * and the later ones get the first response back. Without the header, `write` just runs. Kept
 * responses are encrypted: some carry a secret shown once (a new API key, a webhook's secret).
 */
export const idempotency = (db: Db, secrets: Keyring): Idempotent => (request, write) => idempotent(db, secrets, request, write);

async function idempotent(db: Db, secrets: Keyring, request: FastifyRequest, write: (db: Db) => Promise<Reply>): Promise<Reply> {
  const key = request.headers['idempotency-key'];
  if (typeof key !== 'string') return write(db);
  const tenantId = request.principal.tenantId;
  const fingerprint = createHash('sha256')
    .update(canonicalJson([request.method, request.routeOptions.url, request.params, request.body ?? null]))
    .digest('hex');
  return db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${`${tenantId}:${key}`}, 0))`);
    const [kept] = await tx
      .select()
      .from(idempotencyKeys)
      .where(and(eq(idempotencyKeys.tenantId, tenantId), eq(idempotencyKeys.key, key), sql`${idempotencyKeys.createdAt} > now() - make_interval(hours => ${IDEMPOTENCY_TTL_HOURS})`));
    if (kept) {
      if (kept.fingerprint !== fingerprint) {
        throw new AppError('idempotency_key_reused', 'this Idempotency-Key was first used for another request (method, path or body differ); use a new key for a new request');
      }
      return { status: kept.status, body: JSON.parse(secrets.decrypt(kept.body as string)), headers: { ...kept.headers, 'idempotent-replayed': 'true' } };
    }
    const reply = await write(tx);
    const row = { fingerprint, status: reply.status, headers: reply.headers ?? {}, body: secrets.encrypt(JSON.stringify(reply.body ?? null)), createdAt: sql`now()` };
    // An expired row of the same key is replaced.
    await tx
      .insert(idempotencyKeys)
      .values({ tenantId, key, ...row })
      .onConflictDoUpdate({ target: [idempotencyKeys.tenantId, idempotencyKeys.key], set: row });
    return reply;
  });
}

/** Sends a Reply. */
export const send = (reply: FastifyReply, r: Reply) => reply.status(r.status).headers(r.headers ?? {}).send(r.body);
