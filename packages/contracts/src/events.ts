import { z } from 'zod';
import { HostState } from './agent.ts';
import { ClusterSpec, ClusterStatus, DataLossKind } from './clusters.ts';
import { Id, Timestamp, decimal, wholeNumber } from './common.ts';
import { OperationError, OperationKind } from './operations.ts';

const requested = z.object({
  generation: z.number().int().describe('The generation the request asks for.'),
  spec: ClusterSpec.optional().describe('The whole desired spec (create, update, delete).'),
  params: z.record(z.string(), z.unknown()).optional().describe("The request's parameters (rebalance, switchover, password rotation)."),
});
const generation = z.object({ generation: z.number().int() });
const operation = z.object({ kind: OperationKind });
const host = z.object({ hostId: Id, name: z.string(), from: HostState.describe('The state it was in before.'), lastHeartbeatAt: Timestamp.nullable() });

/**
 * The event catalogue: every kind of event the control plane writes (each in the transaction of
 * the change it describes) and the shape of its `data`. Closed: a writer cannot invent a type.
 */
export const EVENT_DATA = {
  'cluster.created': requested.describe('The cluster was asked for (POST): its spec is stored, the create operation runs.'),
  'cluster.updated': requested.describe('Its desired spec changed (PATCH); the update operation runs.'),
  'cluster.delete_requested': requested.describe('Its deletion was asked for; cluster.deleted follows when its nodes are gone.'),
  'cluster.rebalance_requested': requested,
  'cluster.switchover_requested': requested,
  'cluster.password_rotation_requested': requested.describe(
    "A new password for the tenant's user was asked for (params: graceSeconds); the rotate_password operation runs. The new password is handed out once it works on every node.",
  ),
  'cluster.previous_password_retired': z
    .object({})
    .describe("The previous password's grace period ended: the control plane no longer honours it, and takes it off every node and every redis.conf."),
  'cluster.available': generation.describe('The cluster was observed at the generation asked for.'),
  'cluster.deleted': generation.describe('Every node of the cluster is stopped and erased.'),
  'cluster.status_changed': z.object({ from: ClusterStatus, to: ClusterStatus }),
  'cluster.data_loss_acknowledged': z
    .object({ lossId: Id, shardIndex: z.number().int().nullable(), nodeId: Id, loss: DataLossKind, acknowledgedBy: Id.describe('The API key that acknowledged it.') })
    .describe("A user acknowledged a data loss (shard.data_lost): it is no longer in the cluster's `dataLoss`."),
  'cluster.step_done': z.object({ phase: z.string(), steps: z.array(z.record(z.string(), z.unknown())).describe('Each step: its kind and the nodes it touched.') }),
  'operation.started': operation,
  'operation.progress': operation.extend({
    progress: z.number().int().min(0).max(100).describe('Percent done.'),
    step: z.string().describe('What it is doing now.'),
  }).describe('Written when the step changes or the progress passes a tenth: coarse, for a progress bar.'),
  'operation.succeeded': operation,
  'operation.failed': operation.extend({ error: OperationError }),
  'operation.cancelled': operation.extend({ reason: z.string() }),
  'node.started': z.object({ nodeId: Id, hostId: Id, port: z.number().int(), pid: z.number().int().nullable() }).describe("The node's redis-server process was seen running (first start, restart, or a new pid)."),
  'node.exited': z.object({
    nodeId: Id,
    exitCode: z.number().int().nullable(),
    signal: z.string().nullable(),
    startError: z.string().nullable().optional().describe('Set when its agent could not start it at all (redis.conf not written, redis-server exited at once), e.g. a full disk.'),
  }),
  'node.wedged': z
    .object({
      nodeId: Id,
      stoppedBy: z.enum(['script_kill', 'shutdown']).describe('script_kill: the script was killed and the node serves on; shutdown: the script had written, so the node was shut down (SHUTDOWN NOSAVE) and is healed like any that exits.'),
      reason: z.string(),
    })
    .describe('A node that answered only BUSY (a script that does not end) for too long was stopped.'),
  'node.replaced': z.object({ shardIndex: z.number().int(), from: Id.describe('The dead node.'), to: Id.describe('The node placed in its stead.'), hostId: Id, port: z.number().int(), reason: z.string() }),
  'shard.failover': z.object({
    shardIndex: z.number().int(),
    from: Id.nullable().describe('The primary it replaced, when known.'),
    to: Id.describe('The new primary.'),
    trigger: z
      .enum(['agent_exit', 'primary_failed', 'redis', 'switchover', 'takeover'])
      .describe(
        "agent_exit: Slotplane promoted after the agent saw the primary exit; primary_failed: Slotplane promoted in Redis's place a replica of a primary its peers flag FAIL (frozen, cut off, or on a lost host) while the shard was giving slots away; redis: Redis's own election; switchover: asked for; takeover: the takeoverWhenQuorumLost policy.",
      ),
    durationMs: z.number().nullable().describe('From the death (or silence) of the old primary to the promotion, when known.'),
  }),
  'slot_migration.progress': z
    .object({
      from: Id.describe('The source primary.'),
      to: Id.describe('The target primary.'),
      slots: z.number().int().describe('Slots this batch handed over (at most 256).'),
      keys: z.number().int().describe('Keys those slots carried.'),
      bytes: z.number().int(),
      slotsDone: z.number().int().describe("Slots the operation has moved so far."),
      slotsTotal: z.number().int().describe('Slots the operation moves in all.'),
    })
    .describe('One batch of slots changed owner (coarse: one event per up to 256 slots, not per key).'),
  'shard.data_lost': z
    .object({
      lossId: Id.optional().describe("The loss as the cluster's `dataLoss` shows it until acknowledged (absent on events written before losses were kept)."),
      shardIndex: z.number().int().nullable(),
      nodeId: Id,
      loss: DataLossKind,
      detail: z.string(),
    })
    .describe('A node was restarted in place from what its persistence kept, which was not all it held; the loss stays on the cluster (`dataLoss`) until acknowledged.'),
  'host.enrolled': z.object({ hostId: Id, name: z.string(), address: z.string(), zone: z.string().nullable() }).describe('An agent enrolled a new host with a one-time enrollment token.'),
  'host.revoked': z
    .object({ hostId: Id, name: z.string(), address: z.string() })
    .describe("An admin revoked the host: its credential is refused and it counts as lost (host.lost follows); its nodes are replaced once they stop answering."),
  'host.credential_rotated': z.object({ hostId: Id, name: z.string() }).describe("The host was given a new credential; the old one is refused."),
  'host.suspect': host,
  'host.lost': host,
  'host.recovered': host,
} as const;

export type EventType = keyof typeof EVENT_DATA;
export const EVENT_TYPES = Object.keys(EVENT_DATA) as [EventType, ...EventType[]];
export const EventType = z.enum(EVENT_TYPES);
export type EventData<T extends EventType> = z.infer<(typeof EVENT_DATA)[T]>;

const envelope = {
  id: z.string().describe("The event's cursor: pass it as ?cursor= to read what came after it."),
  tenantId: Id.nullable().describe('null for events of the fleet itself (host.*), which only admin keys see.'),
  clusterId: Id.nullable(),
  operationId: Id.nullable(),
  createdAt: Timestamp,
};

/** One event of the log: the envelope, its type, and that type's data. */
export const Event = z
  .discriminatedUnion(
    'type',
    EVENT_TYPES.map((type) => z.object({ ...envelope, type: z.literal(type), data: EVENT_DATA[type] })) as unknown as [z.ZodObject, ...z.ZodObject[]],
  )
  .meta({ id: 'Event' });
export type Event = { [T in EventType]: { id: string; type: T; tenantId: string | null; clusterId: string | null; operationId: string | null; data: EventData<T>; createdAt: string } }[EventType];

export const EventQuery = z.object({
  cursor: z.string().max(100).optional().describe('Read the events after this one (an event id, or a nextCursor); `now` for only what comes next; from the oldest kept when absent.'),
  clusterId: Id.optional(),
  type: z
    .preprocess((v) => (typeof v === 'string' ? v.split(',') : v), z.array(EventType).min(1).max(EVENT_TYPES.length))
    .optional()
    .describe('Only events of these types: one, several separated by commas (`type=shard.failover,node.replaced`), or the parameter repeated.'),
  limit: decimal(wholeNumber().min(1).max(500).default(100)).describe('Events per page (1-500).'),
});

export const EventPage = z
  .object({
    items: z.array(Event).describe('In the order the events became visible; a follower sees each exactly once.'),
    nextCursor: z.string().describe('Pass as ?cursor= to read on. Never null: poll with it for what comes next.'),
  })
  .meta({ id: 'EventPage' });
