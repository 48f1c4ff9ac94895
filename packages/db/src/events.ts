import { sql } from 'drizzle-orm';
import type { Event, EventData, EventType } from '@slotplane/contracts';
import type { Db } from './client.ts';
import { events, metricTotals } from './schema/index.ts';

/** An event to write: its `data` is the shape the catalogue (contracts) gives its type. */
export type EventInput = {
  [T in EventType]: {
    /** Null for events of the fleet itself (host.*). */
    tenantId: string | null;
    clusterId?: string | null;
    operationId?: string | null;
    type: T;
    data: EventData<T>;
  };
}[EventType];

/** The upper bounds (seconds) of the failover duration histogram's buckets. */
export const FAILOVER_BUCKETS_S = [0.1, 0.25, 0.5, 1, 2, 5, 10, 20, 60] as const;

/** What an event adds to the metric totals: the keys a migration moved, a failover's duration. */
function totalsOf(e: EventInput): Array<{ name: string; labels: string; value: number }> {
  if (e.type === 'slot_migration.progress') return e.data.keys > 0 ? [{ name: 'slot_migration_keys', labels: '', value: e.data.keys }] : [];
  if (e.type !== 'shard.failover' || e.data.durationMs === null) return [];
  const seconds = e.data.durationMs / 1000;
  const trigger = `trigger=${e.data.trigger}`;
  return [
    { name: 'failover_seconds_count', labels: trigger, value: 1 },
    { name: 'failover_seconds_sum', labels: trigger, value: seconds },
    ...FAILOVER_BUCKETS_S.filter((le) => seconds <= le).map((le) => ({ name: 'failover_seconds_bucket', labels: `le=${le},${trigger}`, value: 1 })),
  ];
}

/**
 * Appends to the event log; call it inside the transaction that makes the change it describes.
 * What the event counts is added to the metric totals in the same transaction.
 */
export async function appendEvent(tx: Pick<Db, 'insert'>, e: EventInput): Promise<void> {
  await tx.insert(events).values({
    tenantId: e.tenantId,
    clusterId: e.clusterId ?? null,
    operationId: e.operationId ?? null,
    type: e.type,
    data: e.data as Record<string, unknown>,
  });
  const totals = totalsOf(e);
  if (totals.length) {
    await tx
      .insert(metricTotals)
      .values(totals)
      .onConflictDoUpdate({ target: [metricTotals.name, metricTotals.labels], set: { value: sql`${metricTotals.value} + excluded.value` } });
  }
}

/** Serializes sequencers across every process that shares the database. */
const SEQUENCER_LOCK = 0x51075e9;

/**
 * Gives every committed event that has no position yet the next positions, in id order. One
 * sequencer at a time (a transaction-scoped advisory lock), and it only sees committed rows, so a
 * position is never given below one already given: a reader that follows positions sees every
 * event exactly once, in the order they became visible, even when their transactions committed
 * out of id order. Cheap when there is nothing to do (a partial index holds the unsequenced).
 */
export async function sequenceEvents(db: Pick<Db, 'transaction'>): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(${SEQUENCER_LOCK})`);
    await tx.execute(sql`
      update ${events} e set position = t.base + t.n
      from (
        select id, (select coalesce(max(position), 0) from ${events}) as base, row_number() over (order by id) as n
        from ${events} where position is null
      ) t
      where e.id = t.id`);
  });
}

/**
 * Deletes the events older than `days` (they are numbered first, so a follower's order holds
 * for what stays). A cursor older than the window reads on from the oldest event kept.
 */
export async function pruneEvents(db: Pick<Db, 'transaction' | 'execute'>, days: number): Promise<number> {
  await sequenceEvents(db);
  const res = await db.execute(sql`delete from ${events} where created_at < now() - make_interval(days => ${days}) and position is not null`);
  return (res as unknown as { rowCount?: number; affectedRows?: number }).rowCount ?? (res as unknown as { affectedRows?: number }).affectedRows ?? 0;
}

/** Cursors are opaque to clients: the base64url of an event's position in the log. */
export const eventCursor = (position: number) => Buffer.from(`e${position}`).toString('base64url');

/** An events row as raw SQL returns it. */
export type EventRow = { type: string; tenant_id: string | null; cluster_id: string | null; operation_id: string | null; data: Record<string, unknown>; created_at: Date | string; position: number | string };

/** The event as every reader shows it (the list, the stream, webhook bodies): its id is its cursor. */
export function toEvent(r: EventRow): Event {
  // As written: appendEvent only writes a known type with its data's shape.
  return {
    id: eventCursor(Number(r.position)),
    type: r.type,
    tenantId: r.tenant_id,
    clusterId: r.cluster_id,
    operationId: r.operation_id,
    data: r.data,
    createdAt: new Date(r.created_at).toISOString(),
  } as Event;
}
