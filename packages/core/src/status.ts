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
