import { z } from 'zod';
import { Id, Timestamp } from './common.ts';

export const OperationKind = z.enum(['create', 'update', 'delete', 'rebalance', 'switchover', 'rotate_password']);
export type OperationKind = z.infer<typeof OperationKind>;

export const OperationStatus = z.enum(['pending', 'running', 'succeeded', 'failed', 'cancelled']);
export type OperationStatus = z.infer<typeof OperationStatus>;

export const OperationError = z.object({ code: z.string(), message: z.string() }).meta({ id: 'OperationError' });
export type OperationError = z.infer<typeof OperationError>;

export const Operation = z
  .object({
    id: Id,
    clusterId: Id,
    kind: OperationKind,
    status: OperationStatus,
    targetGeneration: z.number().int().describe('The cluster generation this operation brings about.'),
    progress: z.number().int().min(0).max(100).describe('Percent done.'),
    step: z.string().nullable().describe('What the operation is doing now.'),
    error: OperationError.nullable(),
    warnings: z.array(z.string()),
    moves: z
      .object({
        slotsTotal: z.number().int(),
        slotsMoved: z.number().int(),
        keysMoved: z.number().int(),
        bytesMoved: z.number().int(),
      })
      .nullable()
      .describe('Slot migration done for this operation so far (null when it moves no slots).'),
    createdAt: Timestamp,
    startedAt: Timestamp.nullable(),
    finishedAt: Timestamp.nullable(),
  })
  .meta({ id: 'Operation' });
export type Operation = z.infer<typeof Operation>;

export const OperationIdParams = z.object({ operationId: Id });
export const TERMINAL_OPERATION_STATUSES: readonly OperationStatus[] = ['succeeded', 'failed', 'cancelled'];
