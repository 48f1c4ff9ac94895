import type { ClusterNodeEntry } from '../cluster-nodes.ts';
import type { ObservedNode, RedisAnswer } from './types.ts';

/** A node that answered this observation. */
export type Answering = ObservedNode & { redis: RedisAnswer };
export const answering = (n: ObservedNode): n is Answering => n.redis?.reachable === true;
/** The node's own entry in its CLUSTER NODES. */
export const me = (n: Answering): ClusterNodeEntry | undefined => n.redis.view.find((e) => e.myself);
export const label = (n: ObservedNode) => `${n.host}:${n.port}`;
