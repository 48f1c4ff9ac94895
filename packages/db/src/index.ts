export * from './schema/index.ts';
export * from './client.ts';
export { newId } from './ids.ts';
export { pgArray } from './arrays.ts';
export { and, asc, count, desc, eq, gt, inArray, isNotNull, isNull, lt, lte, ne, notInArray, or, sql } from 'drizzle-orm';
export { appendEvent, eventCursor, pruneEvents, sequenceEvents, toEvent, type EventInput, type EventRow } from './events.ts';
export { readHostWatch, recordHostWatch, type HostWatchRecord } from './host-watch.ts';
export { IDEMPOTENCY_TTL_HOURS, pruneIdempotencyKeys } from './idempotency.ts';
export { ASSIGNMENTS_CHANNEL, EVENTS_CHANNEL, notifyAssignments } from './notify.ts';
