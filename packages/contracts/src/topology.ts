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

export const Node = z
  .object({
    id: Id,
    hostId: Id,
    host: z.string().describe('Address clients connect to.'),
    port: z.number().int(),
    redisNodeId: z.string().nullable().describe('The 40-character id Redis Cluster knows the node by.'),
    role: NodeRole,
    status: NodeStatus,
  })
  .meta({ id: 'Node' });
export type Node = z.infer<typeof Node>;

export const Shard = z
  .object({
    id: Id,
    index: z.number().int(),
    slots: z.array(SlotRange),
    primary: Node.nullable(),
    replicas: z.array(Node),
  })
  .meta({ id: 'Shard' });
export type Shard = z.infer<typeof Shard>;
