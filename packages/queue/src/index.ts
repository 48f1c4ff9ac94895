import { DelayedError, Queue, Worker, type Job, type Processor, type WorkerOptions } from 'bullmq';
import { Redis } from 'ioredis';
import { RECONCILE_QUEUE, reconcileJobId, type ReconcileJob } from '@slotplane/contracts';

export interface QueueConfig {
  redisUrl: string;
  /** Key prefix in Redis; lets several installations (or test runs) share one Redis. */
  prefix?: string;
}

/** A connection for BullMQ: workers need maxRetriesPerRequest null to block on the queue. */
export function connect(config: QueueConfig): Redis {
  return new Redis(config.redisUrl, { maxRetriesPerRequest: null, enableReadyCheck: true, lazyConnect: false });
}

/**
 * The reconcile queue: one job per cluster, alive as long as the cluster is. A job that has
 * nothing to do now moves itself to "delayed" (until its next look); asking for a reconcile
 * of a cluster whose job waits there brings it forward.
 */
export class ReconcileQueue {
  readonly queue: Queue<ReconcileJob>;
  constructor(
    private readonly connection: Redis,
    private readonly prefix = 'slotplane',
  ) {
    this.queue = new Queue<ReconcileJob>(RECONCILE_QUEUE, { connection, prefix });
  }

  /**
   * Idempotent: adds the cluster's job if it has none; with `promote`, a delayed job runs now,
   * and a running one runs again as soon as it ends (it may have observed before the change).
   */
  async enqueue(clusterId: string, { promote = true } = {}): Promise<void> {
    const jobId = reconcileJobId(clusterId);
    await this.queue.add('reconcile', { clusterId, failures: 0 }, { jobId, removeOnComplete: true, removeOnFail: true });
    if (!promote) return;
    await this.connection.set(this.againKey(clusterId), '1', 'EX', 600);
    const job = await this.queue.getJob(jobId);
    if (job && (await job.isDelayed())) await job.promote().catch(() => {}); // it may have just started
  }

  /** Whether a pass was asked for since the last call (and forgets that it was). */
  async takeRequest(clusterId: string): Promise<boolean> {
    return (await this.connection.getdel(this.againKey(clusterId))) !== null;
  }

  /** After a job moved itself to delayed: a pass asked for meanwhile brings it forward. */
  async promoteIfRequested(clusterId: string): Promise<void> {
    if (!(await this.connection.exists(this.againKey(clusterId)))) return;
    const job = await this.queue.getJob(reconcileJobId(clusterId));
    if (job && (await job.isDelayed())) await job.promote().catch(() => {});
  }

  private againKey(clusterId: string) {
    return `${this.prefix}:reconcile-again:${clusterId}`;
  }

  async ping(): Promise<void> {
    await this.connection.ping();
  }

  async close(): Promise<void> {
    await this.queue.close();
  }
}

/** Recurring upkeep (pruning old events): BullMQ job schedulers, so each run happens once across all workers. */
export const MAINTENANCE_QUEUE = 'maintenance';
export type MaintenanceTask = 'prune-events';

export class MaintenanceQueue {
  readonly queue: Queue;
  constructor(connection: Redis, prefix = 'slotplane') {
    this.queue = new Queue(MAINTENANCE_QUEUE, { connection, prefix });
  }

  /** Idempotent: every worker upserts the same scheduler at start; the last interval given wins. */
  async schedule(task: MaintenanceTask, everyMs: number): Promise<void> {
    await this.queue.upsertJobScheduler(task, { every: everyMs }, { name: task, opts: { removeOnComplete: true, removeOnFail: 100 } });
  }

  async close(): Promise<void> {
    await this.queue.close();
  }
}

export function createMaintenanceWorker(connection: Redis, processor: (task: MaintenanceTask) => Promise<unknown>, prefix = 'slotplane'): Worker {
  return new Worker(MAINTENANCE_QUEUE, (job) => processor(job.name as MaintenanceTask), { connection, prefix, concurrency: 1 });
}

/** Webhook deliveries: one job per (webhook, event), retried with exponential backoff. */
export const WEBHOOK_QUEUE = 'webhooks';
export interface WebhookRetry {
  /** Wait after the first failed attempt; doubled after each next one… */
  baseMs: number;
  /** …up to this. */
  maxMs: number;
  /** Attempts in all before the delivery is failed. */
  attempts: number;
}
/** 10 s doubling to an hour apart, 20 attempts: about 12 hours of retries. */
export const WEBHOOK_RETRY: WebhookRetry = { baseMs: 10_000, maxMs: 3_600_000, attempts: 20 };
/** The wait after `failed` failed attempts. */
export const webhookBackoff = (retry: WebhookRetry, failed: number) => Math.min(retry.maxMs, retry.baseMs * 2 ** Math.max(0, failed - 1));

export class WebhookQueue {
  readonly queue: Queue<{ deliveryId: string }>;
  constructor(
    connection: Redis,
    prefix = 'slotplane',
    private readonly retry = WEBHOOK_RETRY,
  ) {
    this.queue = new Queue(WEBHOOK_QUEUE, { connection, prefix });
  }

  /** Idempotent: a delivery that has its job already keeps it. */
  async add(deliveryIds: string[]): Promise<void> {
    if (!deliveryIds.length) return;
    await this.queue.addBulk(
      deliveryIds.map((deliveryId) => ({
        name: 'deliver',
        data: { deliveryId },
        opts: { jobId: deliveryId, attempts: this.retry.attempts, backoff: { type: 'webhook' }, removeOnComplete: true, removeOnFail: true },
      })),
    );
  }

  async close(): Promise<void> {
    await this.queue.close();
  }
}

/** Thrown by a delivery that is not to be attempted now (its tenant has its share of the slots): run again after `delayMs`, no attempt counted. */
export class DeliverLater extends Error {
  constructor(readonly delayMs: number) {
    super('deliver later');
  }
}

/** Deliveries in flight at once in one worker process. */
export const WEBHOOK_CONCURRENCY = 16;

export function createWebhookWorker(connection: Redis, processor: (deliveryId: string) => Promise<void>, opts: { prefix?: string; retry?: WebhookRetry; concurrency?: number } = {}): Worker {
  const retry = opts.retry ?? WEBHOOK_RETRY;
  return new Worker(WEBHOOK_QUEUE, async (job, token) => {
    const { deliveryId } = job.data as { deliveryId: string };
    try {
      await processor(deliveryId);
    } catch (err) {
      if (err instanceof DeliverLater) {
        await job.moveToDelayed(Date.now() + err.delayMs, token);
        throw new DelayedError();
      }
      // It waits its backoff, then waits for a worker: the latter is what the metrics show.
      await job.updateData({ deliveryId, readyAt: Date.now() + webhookBackoff(retry, job.attemptsMade + 1) }).catch(() => {});
      throw err;
    }
  }, {
    connection,
    prefix: opts.prefix ?? 'slotplane',
    // Receivers are slow or down: many at once, each waiting on the network.
    concurrency: opts.concurrency ?? WEBHOOK_CONCURRENCY,
    settings: { backoffStrategy: (attemptsMade: number) => webhookBackoff(retry, attemptsMade) },
  });
}

export function createReconcileWorker(
  connection: Redis,
  processor: Processor<ReconcileJob>,
  opts: { prefix?: string; concurrency?: number } & Partial<WorkerOptions> = {},
): Worker<ReconcileJob> {
  const { prefix = 'slotplane', concurrency = 8, ...rest } = opts;
  // A killed worker's job comes back as stalled; it must come back as often as workers die.
  return new Worker<ReconcileJob>(RECONCILE_QUEUE, processor, { connection, prefix, concurrency, maxStalledCount: 1000, ...rest });
}

/**
 * Every queue of an installation, for watching (metrics, the bull-board UI): what the API opens
 * besides its ReconcileQueue. Jobs set `readyAt` in their data when they wait again (a reconcile
 * job parked until its next look, a delivery waiting out its backoff): see `waitingSince`.
 */
export function watchedQueues(connection: Redis, prefix = 'slotplane'): Queue[] {
  return [RECONCILE_QUEUE, WEBHOOK_QUEUE, MAINTENANCE_QUEUE].map((name) => new Queue(name, { connection, prefix }));
}

/** When a waiting job began to wait: when it was added, or when its last delay ended. */
export const waitingSince = (job: Pick<Job, 'timestamp' | 'data'>) => Math.max(job.timestamp, Number((job.data as { readyAt?: number } | undefined)?.readyAt ?? 0));

export { DelayedError, Queue, type Job, type Worker };
