import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { OperationJob } from '@slotplane/contracts';
import type { Database } from '@slotplane/db';
import type { Logger } from '@slotplane/logger';
import { OperationQueue, connect, createOperationWorker, type Job } from '@slotplane/queue';
import { loadOperation, markFailed, markRunning } from './operations.ts';
import { PlacementError } from '@slotplane/core';
import { CreateRefused } from './create.ts';
import { reconcileCluster } from './reconcile.ts';
import { sweepOnce } from './sweeper.ts';

export interface WorkerDeps {
  database: Database;
  redisUrl: string;
  queuePrefix?: string;
  logger: Logger;
  concurrency?: number;
  sweepIntervalMs?: number;
  /** How long a cluster lease lasts without renewal; a dead worker's clusters are free after this. */
  leaseTtlMs?: number;
  /** BullMQ job lock; a killed worker's job is picked up again after about this long. */
  lockDurationMs?: number;
}

export interface RunningWorker {
  close(): Promise<void>;
}

/** Consumes the operations queue and sweeps forgotten operations back onto it. */
export async function startWorker(deps: WorkerDeps): Promise<RunningWorker> {
  const { database, logger } = deps;
  const db = database.db;
  const workerId = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  const queueConnection = connect({ redisUrl: deps.redisUrl });
  const workerConnection = connect({ redisUrl: deps.redisUrl });
  const queue = new OperationQueue(queueConnection, deps.queuePrefix);

  async function handle(job: Job<OperationJob>) {
    const { operationId, clusterId } = OperationJob.parse(job.data);
    const log = logger.child({ operationId, clusterId, jobId: job.id });
    const op = await loadOperation(db, operationId);
    if (!op || !['pending', 'running'].includes(op.status)) return; // already settled
    await markRunning(db, op, 'reconciling');
    try {
      // The lease belongs to this job, not the process: two jobs of one cluster never both hold it.
      await reconcileCluster({ db, log, workerId: `${workerId}/${operationId}`, leaseTtlMs: deps.leaseTtlMs ?? 10_000 }, clusterId, operationId);
    } catch (err) {
      // Retrying cannot help these: fail the operation now, with the reason.
      if (err instanceof PlacementError || err instanceof CreateRefused) {
        await markFailed(db, operationId, { code: err instanceof PlacementError ? 'placement_failed' : 'create_refused', message: err.message });
        return;
      }
      throw err;
    }
    const after = await loadOperation(db, operationId);
    if (after && ['pending', 'running'].includes(after.status)) {
      throw new Error(`operation ${operationId} is still ${after.status} after reconciling; will retry`);
    }
  }

  const lockDuration = deps.lockDurationMs ?? 10_000;
  const worker = createOperationWorker(workerConnection, handle, {
    prefix: deps.queuePrefix,
    concurrency: deps.concurrency,
    lockDuration,
    stalledInterval: lockDuration,
  });
  worker.on('failed', (job, err) => {
    if (!job) return;
    const final = job.attemptsMade >= (job.opts.attempts ?? 1);
    logger.warn({ err, jobId: job.id, attempt: job.attemptsMade, final }, 'operation job failed');
    if (final) void markFailed(db, job.data.operationId, { code: 'reconcile_failed', message: err.message });
  });
  worker.on('error', (err) => logger.error({ err }, 'worker error'));

  const sweepMs = deps.sweepIntervalMs ?? 5_000;
  const sweeper = setInterval(() => {
    sweepOnce(db, queue, logger).catch((err) => logger.warn({ err }, 'sweep failed'));
  }, sweepMs);

  return {
    close: async () => {
      clearInterval(sweeper);
      await worker.close();
      await queue.close();
      queueConnection.disconnect();
      workerConnection.disconnect();
    },
  };
}
