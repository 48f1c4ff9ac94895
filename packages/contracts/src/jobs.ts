import { z } from 'zod';
import { Id } from './common.ts';

/** The BullMQ queue that carries "reconcile this cluster" from the API, agents' reports and the sweeper to the workers. */
export const RECONCILE_QUEUE = 'reconcile';

export const ReconcileJob = z.object({
  clusterId: Id,
  /** Consecutive passes that ended in an unexpected error; reset by a pass that completes. */
  failures: z.number().int().min(0).default(0),
  /** When the job's current wait began (it parks itself until its next look): for the queue metrics. */
  readyAt: z.number().optional(),
});
export type ReconcileJob = z.infer<typeof ReconcileJob>;

/** One job per cluster: enqueueing a cluster that already has a job (waiting, delayed or running) adds nothing. */
export const reconcileJobId = (clusterId: string) => `reconcile-${clusterId}`;
