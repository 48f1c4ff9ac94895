import { z } from 'zod';
import { Id } from './common.ts';

/** The BullMQ queue that carries operations from the API to the workers. */
export const OPERATIONS_QUEUE = 'operations';

export const OperationJob = z.object({ operationId: Id, clusterId: Id });
export type OperationJob = z.infer<typeof OperationJob>;

/** Deterministic: enqueueing the same operation twice yields one job. */
export const operationJobId = (operationId: string) => `op-${operationId}`;
