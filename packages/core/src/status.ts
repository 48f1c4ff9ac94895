import type { ClusterStatus } from '@slotplane/contracts';

export interface ClusterState {
  status: ClusterStatus;
  generation: number;
  observedGeneration: number;
  deletionRequestedAt: Date | null;
}

/**
 * The status a client should see. Workers write `status` as they observe it; a request the
 * workers have not picked up yet already shows, so a client never reads "available" right
 * after asking for a change.
 */
export function presentStatus(c: ClusterState): ClusterStatus {
  if (c.status === 'deleted') return 'deleted';
  if (c.deletionRequestedAt) return 'deleting';
  if (c.status === 'available' && c.generation > c.observedGeneration) return 'modifying';
  return c.status;
}

/**
 * The status a worker records after planning: what the cluster is, as observed.
 * - done: available (deleted when deletion was asked);
 * - blocked: failed when no retry can help (no capacity for a node it needs, a node that
 *   refuses to be configured), with the reason in lastError; otherwise degraded (a formed
 *   cluster) or still creating;
 * - steps or waiting: creating / deleting / modifying when a change is being made (a new spec,
 *   or a rebalance or switchover asked for); a formed cluster with nothing asked that still
 *   needs steps differs from its desired shape: degraded.
 */
export function observedStatus(c: { formed: boolean; deleting: boolean; changePending: boolean }, outcome: 'act' | 'wait' | 'done' | 'blocked', permanent = false): ClusterStatus {
  if (c.deleting) return outcome === 'done' ? 'deleted' : 'deleting';
  if (outcome === 'done') return 'available';
  if (outcome === 'blocked' && permanent) return 'failed';
  if (!c.formed) return 'creating';
  if (outcome === 'blocked') return 'degraded';
  return c.changePending ? 'modifying' : 'degraded';
}
