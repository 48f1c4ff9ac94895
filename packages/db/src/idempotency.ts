import { sql } from 'drizzle-orm';
import type { Db } from './client.ts';
import { idempotencyKeys } from './schema/index.ts';

/** How long the first response to an Idempotency-Key is kept and replayed. */
export const IDEMPOTENCY_TTL_HOURS = 24;

/** Forgets kept responses older than their time to live. */
export async function pruneIdempotencyKeys(db: Db): Promise<number> {
  const gone = await db
    .delete(idempotencyKeys)
    .where(sql`${idempotencyKeys.createdAt} < now() - make_interval(hours => ${IDEMPOTENCY_TTL_HOURS})`)
    .returning({ key: idempotencyKeys.key });
  return gone.length;
}
