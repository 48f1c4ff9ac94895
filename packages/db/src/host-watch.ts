import { eq, sql } from 'drizzle-orm';
import type { Db } from './client.ts';
import { hostWatch } from './schema/index.ts';

/** The host watch's record: core's HostWatch (null before its first round), and the round that wrote it. */
export interface HostWatchRecord {
  round: number;
  watch: { ranAt: Date; since: Date } | null;
}

/**
 * The host watch as recorded, and Postgres's clock now: heartbeats are stamped by Postgres's clock,
 * so a host's silence is measured on it too, whichever process reads it.
 */
export async function readHostWatch(db: Db): Promise<HostWatchRecord & { now: Date }> {
  const [row] = await db
    .select({ now: sql<Date>`now()`.mapWith(hostWatch.ranAt), round: hostWatch.round, ranAt: hostWatch.ranAt, since: hostWatch.since })
    .from(hostWatch)
    .where(eq(hostWatch.id, 1));
  if (!row) return { now: new Date(), round: 0, watch: null };
  const { now, round, ranAt, since } = row;
  return { now, round, watch: ranAt && since ? { ranAt, since } : null };
}

/**
 * Records a round of the host watch that read the record at `round`: false when another worker
 * recorded one in between (that round is the one that judges the hosts now).
 */
export async function recordHostWatch(db: Db, round: number, watch: { ranAt: Date; since: Date }): Promise<boolean> {
  const done = await db
    .insert(hostWatch)
    .values({ id: 1, round: round + 1, ...watch })
    .onConflictDoUpdate({ target: hostWatch.id, set: { round: round + 1, ...watch }, setWhere: eq(hostWatch.round, round) })
    .returning({ round: hostWatch.round });
  return done.length > 0;
}
