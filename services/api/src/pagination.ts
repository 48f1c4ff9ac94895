import { AppError } from './errors.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Cursors are opaque to clients: the base64url of the last id of the previous page (ids are time-ordered). */
export const encodeCursor = (lastId: string) => Buffer.from(lastId).toString('base64url');

export function decodeCursor(cursor: string | undefined): string | undefined {
  if (cursor === undefined) return undefined;
  const id = Buffer.from(cursor, 'base64url').toString();
  if (!UUID.test(id)) {
    throw new AppError('validation_failed', 'query.cursor: is not a cursor this API returned', [
      { field: 'query.cursor', message: 'is not a cursor this API returned' },
    ]);
  }
  return id;
}

/** Given limit+1 rows, returns the page and the cursor of the next one. */
export function toPage<T extends { id: string }, V>(rows: T[], limit: number, view: (r: T) => V) {
  const items = rows.slice(0, limit);
  const more = rows.length > limit;
  return { items: items.map(view), nextCursor: more ? encodeCursor(items[items.length - 1]!.id) : null };
}
