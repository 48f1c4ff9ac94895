import { sql } from 'drizzle-orm';
import type { Db } from './client.ts';

/**
 * Postgres NOTIFY channel that says "the instances of host <payload> changed". Sent inside the
 * transaction that changes them, so it is delivered exactly when the change is visible; the
 * API's long-polls for that host wake on it instead of re-querying.
 */
export const ASSIGNMENTS_CHANNEL = 'slotplane_assignments';

export async function notifyAssignments(tx: Pick<Db, 'execute'>, hostIds: Iterable<string>): Promise<void> {
  for (const hostId of new Set(hostIds)) await tx.execute(sql`select pg_notify(${ASSIGNMENTS_CHANNEL}, ${hostId})`);
}

/** Postgres NOTIFY channel that says "events were committed" (sent by a trigger on events, migration 0008). */
export const EVENTS_CHANNEL = 'slotplane_events';
