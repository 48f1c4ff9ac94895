import { Queue, Worker, type Job, type Processor, type WorkerOptions } from 'bullmq';
import { Redis } from 'ioredis';
import { OPERATIONS_QUEUE, operationJobId, type OperationJob } from '@slotplane/contracts';

export interface QueueConfig {
  redisUrl: string;
  /** Key prefix in Redis; lets several installations (or test runs) share one Redis. */
  prefix?: string;
}

/** A connection for BullMQ: workers need maxRetriesPerRequest null to block on the queue. */
export function connect(config: QueueConfig): Redis {
  return new Redis(config.redisUrl, { maxRetriesPerRequest: null, enableReadyCheck: true, lazyConnect: false });
}

export class OperationQueue {
  readonly queue: Queue<OperationJob>;
  constructor(private readonly connection: Redis, prefix = 'slotplane') {
    this.queue = new Queue<OperationJob>(OPERATIONS_QUEUE, { connection, prefix });
  }

  /** Idempotent: the job id is the operation's, so a second add while the job exists is a no-op. */
  async enqueue(job: OperationJob): Promise<void> {
    await this.queue.add('operation', job, {
      jobId: operationJobId(job.operationId),
      attempts: 20,
      backoff: { type: 'exponential', delay: 200 },
      removeOnComplete: { count: 1000 },
      removeOnFail: { count: 5000 },
    });
  }

  async ping(): Promise<void> {
    await this.connection.ping();
  }

  async close(): Promise<void> {
    await this.queue.close();
  }
}

export function createOperationWorker(
  connection: Redis,
  processor: Processor<OperationJob>,
  opts: { prefix?: string; concurrency?: number } & Partial<WorkerOptions> = {},
): Worker<OperationJob> {
  const { prefix = 'slotplane', concurrency = 8, ...rest } = opts;
  return new Worker<OperationJob>(OPERATIONS_QUEUE, processor, { connection, prefix, concurrency, ...rest });
}

export type { Job, Worker };
