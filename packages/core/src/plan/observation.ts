import type { LinkStatus, NodeHealth, NodeRole, SlotRange } from '@slotplane/contracts';
import { normalizeRanges } from '../slots.ts';
import type { ObservedCluster, ObservedNode, RedisAnswer } from './types.ts';

/** A replica further behind its primary than this (bytes of replication stream) is `lagging`. */
export const LAG_LIMIT_BYTES = 1024 * 1024;

/** What the control plane records of one node after an observation (the `nodes` table's observed columns). */
export interface NodeFacts {
  redisNodeId: string | null;
  role: NodeRole | null;
  primaryRedisId: string | null;
  linkStatus: LinkStatus | null;
  replOffset: number | null;
  /** Its config epoch, as it (or, silent, its peers) last said. */
  configEpoch: number | null;
  /** null: not asked (no process); false: asked and did not answer. */
  reachable: boolean | null;
  /** What the node's answer and its peers' flags say together; null when not asked. */
  health: NodeHealth | null;
}

/**
 * The facts to record for every node of an observation, and each shard's slot ranges. A node
 * that does not answer is described as its peers see it (a dead primary shows as "master,fail"
 * until a replica takes over); a shard's slots are those its members own in the view of the
 * members that answered.
 */
export function describeObservation(observed: ObservedCluster): { nodes: Map<string, NodeFacts>; shardSlots: Map<number, SlotRange[]> } {
  const answering = observed.nodes.filter((n): n is ObservedNode & { redis: RedisAnswer } => n.redis?.reachable === true);
  const nodes = new Map<string, NodeFacts>();
  // The worst flag any answering peer puts on a node.
  const flagged = (id: string | null): 'failed' | 'suspected' | null => {
    const flags = id ? answering.flatMap((a) => a.redis.view.filter((e) => e.id === id && !e.myself).flatMap((e) => e.flags)) : [];
    return flags.includes('fail') ? 'failed' : flags.includes('fail?') ? 'suspected' : null;
  };
  for (const n of observed.nodes) {
    if (n.redis?.reachable) {
      const self = n.redis.view.find((e) => e.myself);
      const primary = self?.role === 'replica' ? answering.find((a) => a.redis.myId === self.primaryId) : undefined;
      const behind = primary ? primary.redis.offset - n.redis.offset : 0;
      // A node that cannot persist refuses writes: worse than a replica behind.
      const health: NodeHealth =
        flagged(n.redis.myId) ?? (n.redis.persistenceError ? 'cannot_persist' : n.redis.linkUp === false ? 'syncing' : behind > LAG_LIMIT_BYTES ? 'lagging' : 'ok');
      nodes.set(n.id, {
        redisNodeId: n.redis.myId,
        role: self?.role ?? null,
        primaryRedisId: self?.role === 'replica' ? self.primaryId : null,
        linkStatus: n.redis.linkUp === null ? null : n.redis.linkUp ? 'up' : 'down',
        replOffset: n.redis.offset,
        configEpoch: self?.configEpoch ?? null,
        reachable: true,
        health,
      });
      continue;
    }
    const peer = n.redisNodeId ? answering.map((a) => a.redis.view.find((e) => e.id === n.redisNodeId)).find(Boolean) : undefined;
    nodes.set(n.id, {
      redisNodeId: n.redisNodeId,
      role: peer?.role ?? null,
      primaryRedisId: peer?.role === 'replica' ? peer.primaryId : null,
      linkStatus: peer?.role === 'replica' ? 'down' : null,
      replOffset: null,
      configEpoch: peer?.configEpoch ?? n.lastEpoch,
      reachable: n.redis === null ? null : false,
      health: n.redis === null ? null : (flagged(n.redisNodeId) ?? 'unreachable'),
    });
  }

  // Slot owners as the answering nodes see them; the most common answer wins a disagreement.
  const owners = new Map<string, SlotRange[]>();
  const votes = new Map<string, number>();
  for (const a of answering) {
    for (const e of a.redis.view) {
      if (e.role !== 'primary' || !e.slots.length) continue;
      const key = `${e.id}:${JSON.stringify(e.slots)}`;
      const count = (votes.get(key) ?? 0) + 1;
      votes.set(key, count);
      const current = owners.get(e.id);
      if (!current || count > (votes.get(`${e.id}:${JSON.stringify(current)}`) ?? 0)) owners.set(e.id, e.slots);
    }
  }
  const shardSlots = new Map<number, SlotRange[]>();
  for (const n of observed.nodes) {
    if (n.removed) continue;
    const id = nodes.get(n.id)?.redisNodeId;
    const slots = id ? owners.get(id) : undefined;
    shardSlots.set(n.shardIndex, normalizeRanges([...(shardSlots.get(n.shardIndex) ?? []), ...(slots ?? [])]));
  }
  return { nodes, shardSlots };
}
