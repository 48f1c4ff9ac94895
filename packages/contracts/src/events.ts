import { z } from 'zod';
import { Id, Timestamp } from './common.ts';

/** Every kind of event the control plane writes, each in the transaction of the change it describes. */
export const EVENT_TYPES = [
  'cluster.create_requested',
  'cluster.update_requested',
  'cluster.delete_requested',
  'cluster.rebalance_requested',
  'cluster.switchover_requested',
  'cluster.available',
  'cluster.deleted',
  'cluster.status_changed',
  'cluster.step_done',
  'operation.started',
  'operation.succeeded',
  'operation.failed',
  'operation.cancelled',
  'node.exited',
  'node.replaced',
  'shard.failover',
  'shard.data_lost',
  'host.suspect',
  'host.lost',
  'host.recovered',
] as const;
export const EventType = z.enum(EVENT_TYPES);
export type EventType = z.infer<typeof EventType>;

export const Event = z
  .object({
    id: z.string().describe("The event's cursor: pass it as ?cursor= to read what came after it."),
    type: EventType,
    tenantId: Id.nullable().describe('null for events of the fleet itself (host.*), which only admin keys see.'),
    clusterId: Id.nullable(),
    operationId: Id.nullable(),
    data: z.record(z.string(), z.unknown()),
    createdAt: Timestamp,
  })
  .meta({ id: 'Event' });
export type Event = z.infer<typeof Event>;

export const EventQuery = z.object({
  cursor: z.string().max(100).optional().describe('Read the events after this one (an event id, or a nextCursor); from the oldest kept when absent.'),
  clusterId: Id.optional(),
  type: EventType.optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100).describe('Events per page (1-500).'),
});

export const EventPage = z
  .object({
    items: z.array(Event).describe('In the order the events became visible; a follower sees each exactly once.'),
    nextCursor: z.string().describe('Pass as ?cursor= to read on. Never null: poll with it for what comes next.'),
  })
  .meta({ id: 'EventPage' });
