import type { Event, EventType } from '@slotplane/contracts';
import { eventCursor, sequenceEvents, sql, toEvent, type Db, type EventRow } from '@slotplane/db';
import { AppError } from '../errors.ts';

export { eventCursor };

/** The position a cursor stands for; a 400 naming `field` when the API did not make it. */
export function positionOf(cursor: string | undefined, field = 'query.cursor'): number {
  if (cursor === undefined) return 0;
  const text = Buffer.from(cursor, 'base64url').toString();
  if (!/^e\d{1,15}$/.test(text)) {
    throw new AppError('validation_failed', `${field}: is not an event cursor this API returned`, [{ field, message: 'is not an event cursor this API returned' }]);
  }
  return Number(text.slice(1));
}

export interface EventFilter {
  /** null: every tenant's events and the fleet's (an admin key). */
  tenantId: string | null;
  clusterId?: string | undefined;
  /** Any of these types. */
  types?: EventType[] | undefined;
}

type Row = Omit<EventRow, 'position'> & { position: number | string | null; horizon: number | string };

/**
 * The events after `cursor` that `filter` lets through, in log order, and the cursor to read on
 * from. Events committed since the last read get their positions first (sequenceEvents). The
 * page and the log's last position come from one statement (one snapshot): the next cursor never
 * passes an event the page did not see.
 */
export async function readEvents(db: Db, filter: EventFilter, cursor: string | undefined, limit: number): Promise<{ items: Event[]; nextCursor: string }> {
  // 'now': nothing of the past, only what comes next.
  if (cursor === 'now') return { items: [], nextCursor: eventCursor(await logHorizon(db)) };
  const after = positionOf(cursor);
  await sequenceEvents(db);
  const result = await db.execute(sql`
    with page as (
      select * from events
      where position > ${after}
        ${filter.tenantId === null ? sql`` : sql`and tenant_id = ${filter.tenantId}`}
        ${filter.clusterId ? sql`and cluster_id = ${filter.clusterId}` : sql``}
        ${filter.types ? sql`and type in (${sql.join(filter.types.map((t) => sql`${t}`), sql`, `)})` : sql``}
      order by position
      limit ${limit}
    )
    select page.*, (select coalesce(max(position), 0) from events) as horizon
    from (select 1) one left join page on true
    order by page.position`);
  const all = (result as unknown as { rows: Row[] }).rows;
  const rows = all.filter((r) => r.position !== null);
  const horizon = Number(all[0]?.horizon ?? after);
  const items = rows.map((r) => toEvent(r as EventRow));
  // A full page may have more behind it; a short one saw everything up to the horizon.
  const next = rows.length === limit ? Number(rows[rows.length - 1]!.position) : Math.max(after, horizon);
  return { items, nextCursor: eventCursor(next) };
}

/** The log's last position (after numbering what was committed): where a reader that wants only what comes next starts. */
export async function logHorizon(db: Db): Promise<number> {
  await sequenceEvents(db);
  const res = await db.execute(sql`select coalesce(max(position), 0) as top from events`);
  return Number((res as unknown as { rows: Array<{ top: number | string }> }).rows[0]?.top ?? 0);
}
