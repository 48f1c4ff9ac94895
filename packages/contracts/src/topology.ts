import { z } from 'zod';
import { Id } from './common.ts';

export const SlotRange = z
  .tuple([z.number().int().min(0).max(16383), z.number().int().min(0).max(16383)])
  .describe('Inclusive range of hash slots [start, end].');
export type SlotRange = z.infer<typeof SlotRange>;

export const NodeRole = z.enum(['primary', 'replica']);
export type NodeRole = z.infer<typeof NodeRole>;

export const NodeStatus = z.enum(['pending', 'starting', 'running', 'exited', 'stopping', 'stopped']);
export type NodeStatus = z.infer<typeof NodeStatus>;

export const LinkStatus = z.enum(['up', 'down']);
export type LinkStatus = z.infer<typeof LinkStatus>;

export const NodeHealth = z
  .enum(['ok', 'lagging', 'syncing', 'cannot_persist', 'suspected', 'failed', 'unreachable'])
  .describe(
    'As last observed: ok; cannot_persist (its last AOF write or RDB snapshot failed, e.g. a full disk: it refuses writes with MISCONF until one succeeds); lagging (a replica more than 1 MiB of replication stream behind its primary); syncing (a replica whose link to its primary is down); suspected (a peer flags it PFAIL); failed (its peers flag it FAIL); unreachable (it does not answer the control plane, and no peer flags it yet). null until observed, or while no process runs.',
  );
export type NodeHealth = z.infer<typeof NodeHealth>;

export const Node = z
  .object({
    id: Id,
    hostId: Id,
    host: z.string().describe('Address clients connect to.'),
    port: z.number().int(),
    redisNodeId: z.string().nullable().describe('The 40-character id Redis Cluster knows the node by.'),
    role: NodeRole.nullable().describe('Observed role: what Redis says this node is now (null until first observed).'),
    status: NodeStatus.describe('What the host agent reports of the process.'),
    reachable: z.boolean().nullable().describe('Whether the node answered the last observation (null until first observed).'),
    primaryRedisNodeId: z.string().nullable().describe('For a replica: the Redis node id of the primary it follows.'),
    linkStatus: LinkStatus.nullable().describe('For a replica: its replication link to the primary (master_link_status).'),
    health: NodeHealth.nullable(),
    startError: z.string().nullable().describe('Why its agent could not start it (its current run), e.g. a full disk; null otherwise.'),
    replicationOffset: z.number().int().nullable().describe('Replication offset the node reported.'),
    lastSeenAt: z.iso.datetime({ offset: true }).nullable().describe('When the node last answered the control plane.'),
  })
  .meta({ id: 'Node' });
export type Node = z.infer<typeof Node>;

export const Shard = z
  .object({
    id: Id,
    index: z.number().int(),
    slots: z.array(SlotRange).describe('Slot ranges the primary owns, as read from CLUSTER NODES.'),
    primary: Node.nullable().describe('The member observed as primary (owning the slots); null when none is.'),
    replicas: z.array(Node).describe('Every other member, live or not.'),
  })
  .meta({ id: 'Shard' });
export type Shard = z.infer<typeof Shard>;
