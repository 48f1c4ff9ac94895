import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { ReconcileJob } from '@slotplane/contracts';
import { HOST_LOST_AFTER_MS, MIN_FREE_DISK_MB } from '@slotplane/core';
import { EVENTS_CHANNEL, clusters, eq, pruneEvents, pruneIdempotencyKeys, type Database, type Db } from '@slotplane/db';
import type { Logger } from '@slotplane/logger';
import { DelayedError, MaintenanceQueue, ReconcileQueue, WEBHOOK_RETRY, WebhookQueue, connect, createMaintenanceWorker, createReconcileWorker, createWebhookWorker, type Job, type WebhookRetry } from '@slotplane/queue';
import type { Keyring } from '@slotplane/secrets';
import { parseNetworkPolicy, type NetworkPolicy } from '@slotplane/webhooks';
import { isRetryable } from './errors.ts';
import { LeaseBusy } from './lease.ts';
import { failOpen } from './operations.ts';
import { reconcileCluster, type Outcome } from './reconcile.ts';
import { watchHosts } from './hosts.ts';
import { Prober } from './prober.ts';
import { sweepOnce } from './sweeper.ts';
import { TenantShares, deliver, dispatchOnce, requeueStranded } from './webhooks.ts';

export interface WorkerDeps {
  database: Database;
  redisUrl: string;
  queuePrefix?: string;
  logger: Logger;
  /** Decrypts the cluster passwords and webhook secrets stored in Postgres. */
  secrets: Keyring;
  concurrency?: number;
  sweepIntervalMs?: number;
  /** How long a cluster lease lasts without renewal; a dead worker's clusters are free after this. */
  leaseTtlMs?: number;
  /** BullMQ job lock; a killed worker's job is picked up again after about this long. */
  lockDurationMs?: number;
  /** A converged cluster is observed again after this long (Redis may have changed it meanwhile). */
  resyncMs?: number;
  /** A host silent this long is lost (default HOST_LOST_AFTER_MS). */
  hostLostAfterMs?: number;
  /** A host takes a new node only with this much free disk (default MIN_FREE_DISK_MB; HOST_MIN_FREE_DISK_MB). */
  minFreeDiskBytes?: number;
  /** How often the health prober asks each formed cluster's nodes how they see it (default 1 s). */
  probeIntervalMs?: number;
  /** Events older than this are pruned (default 30 days), once an hour (pruneEveryMs). */
  eventRetentionDays?: number;
  pruneEveryMs?: number;
  /** Where webhook URLs may resolve to (default: public addresses only). */
  webhookNetworks?: NetworkPolicy;
  /** Webhook retries (default WEBHOOK_RETRY: about 12 hours). */
  webhookRetry?: WebhookRetry;
}

export interface RunningWorker {
  close(): Promise<void>;
}

const HOST_WATCH_MS = 1000;
const PRUNE_EVERY_MS = 3_600_000;
/** Each formed cluster's nodes are asked how they see it this often. */
const PROBE_MS = 1000;

/**
 * Runs `task` every `ms`, never two at once (a slow round skips the ticks it overlaps); `now()`
 * asks for a round at once (after the one running, if any).
 */
function repeat(ms: number, task: () => Promise<unknown>, onError: (err: unknown) => void): { now(): void; stop(): Promise<void> } {
  let running: Promise<unknown> | undefined;
  let again = false;
  const run = () => {
    if (running) {
      again = true;
      return;
    }
    running = task()
      .catch(onError)
      .finally(() => {
        running = undefined;
        if (again) {
          again = false;
          run();
        }
      });
  };
  const timer = setInterval(run, ms);
  return {
    now: run,
    async stop() {
      clearInterval(timer);
      again = false;
      await running;
    },
  };
}

/** After this many failed runs in a row, the cluster's open operations fail with the last error. */
const FAILURES_BEFORE_GIVING_UP = 8;

/** Consumes the reconcile queue (one job per cluster) and sweeps clusters that need a pass back onto it. */
export async function startWorker(deps: WorkerDeps): Promise<RunningWorker> {
  const { database, logger } = deps;
  const db = database.db;
  const workerId = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  const queueConnection = connect({ redisUrl: deps.redisUrl });
  const workerConnection = connect({ redisUrl: deps.redisUrl });
  const queue = new ReconcileQueue(queueConnection, deps.queuePrefix);
  const resyncMs = deps.resyncMs ?? 30_000;
  const hostLostAfterMs = deps.hostLostAfterMs ?? HOST_LOST_AFTER_MS;
  const minFreeDiskBytes = deps.minFreeDiskBytes ?? MIN_FREE_DISK_MB * 1024 * 1024;

  async function handle(job: Job<ReconcileJob>, token?: string) {
    const { clusterId, failures: failedBefore } = ReconcileJob.parse(job.data);
    let failures = failedBefore;
    const log = logger.child({ clusterId, jobId: job.id });
    let outcome: Outcome;
    let failed = false;
    // What was asked before this run is seen by it; what is asked during it, by the next one.
    await queue.takeRequest(clusterId);
    try {
      // The lease belongs to this run of the job, not the process.
      outcome = await reconcileCluster({ db, log, workerId: `${workerId}/${randomUUID().slice(0, 8)}`, leaseTtlMs: deps.leaseTtlMs ?? 10_000, hostLostAfterMs, minFreeDiskBytes, secrets: deps.secrets }, clusterId);
      failures = 0;
    } catch (err) {
      if (err instanceof LeaseBusy) {
        outcome = { kind: 'again', delayMs: 500 };
      } else {
        failed = true;
        const n = (failures = failedBefore + 1);
        log.warn({ err, failures: n }, 'reconcile failed; will retry');
        await giveUpIfStuck(db, clusterId, err, n);
        outcome = { kind: 'again', delayMs: Math.min(30_000, 200 * 2 ** (n - 1)) };
      }
    }
    if (outcome.kind === 'finished') return;
    // (A run that failed keeps its backoff.)
    const asked = !failed && (await queue.takeRequest(clusterId));
    const delayMs = asked ? 0 : outcome.kind === 'again' ? outcome.delayMs : Math.min(resyncMs, outcome.wakeInMs ?? resyncMs);
    await job.updateData({ clusterId, failures, readyAt: Date.now() + delayMs });
    await job.moveToDelayed(Date.now() + delayMs, token);
    // Asked between the check above and the move: the asker saw the job active, not delayed.
    if (!asked && !failed) await queue.promoteIfRequested(clusterId);
    throw new DelayedError();
  }

  const lockDuration = deps.lockDurationMs ?? 10_000;
  const worker = createReconcileWorker(workerConnection, handle, {
    prefix: deps.queuePrefix,
    concurrency: deps.concurrency,
    lockDuration,
    stalledInterval: lockDuration,
  });
  worker.on('failed', (job, err) => logger.error({ err, jobId: job?.id }, 'reconcile job failed; the sweeper adds it again'));
  worker.on('error', (err) => logger.error({ err }, 'worker error'));

  const sweepMs = deps.sweepIntervalMs ?? 5_000;
  const sweeper = setInterval(() => {
    sweepOnce(db, queue, logger).catch((err) => logger.warn({ err }, 'sweep failed'));
  }, sweepMs);
  // Heartbeats are one a second: a host's state is looked at as often.
  const hostWatch = repeat(HOST_WATCH_MS, () => watchHosts(db, queue, hostLostAfterMs, logger), (err) => logger.warn({ err }, 'host watch failed'));
  // Upkeep on a BullMQ job scheduler: each run happens once, whichever worker takes it.
  const maintenanceConnection = connect({ redisUrl: deps.redisUrl });
  const maintenance = new MaintenanceQueue(queueConnection, deps.queuePrefix);
  await maintenance.schedule('prune-events', deps.pruneEveryMs ?? PRUNE_EVERY_MS);
  const upkeep = createMaintenanceWorker(
    maintenanceConnection,
    async (task) => {
      if (task !== 'prune-events') return;
      const pruned = await pruneEvents(db, deps.eventRetentionDays ?? 30);
      if (pruned) logger.info({ pruned }, 'pruned old events');
      const forgotten = await pruneIdempotencyKeys(db);
      if (forgotten) logger.info({ forgotten }, 'forgot expired idempotency keys');
    },
    deps.queuePrefix,
  );
  upkeep.on('error', (err) => logger.error({ err }, 'maintenance worker error'));
  // Webhooks: the log turned into deliveries (woken by each commit's NOTIFY), and their jobs.
  const webhookRetry = deps.webhookRetry ?? WEBHOOK_RETRY;
  const webhookPolicy = deps.webhookNetworks ?? parseNetworkPolicy('public');
  const webhookQueue = new WebhookQueue(queueConnection, deps.queuePrefix, webhookRetry);
  const webhookConnection = connect({ redisUrl: deps.redisUrl });
  const shares = new TenantShares();
  const senders = createWebhookWorker(webhookConnection, (id) => deliver(db, deps.secrets, webhookPolicy, webhookRetry, id, shares), { prefix: deps.queuePrefix, retry: webhookRetry });
  senders.on('error', (err) => logger.error({ err }, 'webhook worker error'));
  const dispatch = repeat(
    1000,
    async () => {
      while (await dispatchOnce(db, webhookQueue));
    },
    (err) => logger.warn({ err }, 'webhook dispatch failed'),
  );
  const unlisten = await database.listen(EVENTS_CHANNEL, () => dispatch.now()).catch(() => undefined);
  const stranded = repeat(30_000, () => requeueStranded(db, webhookQueue), (err) => logger.warn({ err }, 'webhook requeue failed'));
  const prober = new Prober(db, deps.secrets, queue, logger);
  const probe = repeat(deps.probeIntervalMs ?? PROBE_MS, () => prober.probeOnce(), (err) => logger.warn({ err }, 'probe failed'));

  return {
    close: async () => {
      clearInterval(sweeper);
      await hostWatch.stop();
      await probe.stop();
      prober.close();
      await unlisten?.();
      await dispatch.stop();
      await stranded.stop();
      await senders.close();
      await webhookQueue.close();
      webhookConnection.disconnect();
      await upkeep.close();
      await maintenance.close();
      maintenanceConnection.disconnect();
      await worker.close();
      await queue.close();
      queueConnection.disconnect();
      workerConnection.disconnect();
    },
  };
}

/**
 * A run that keeps failing (a node that does not take a command, Postgres errors) must not
 * leave operations running forever: after a few failures the cluster says why, and after
 * FAILURES_BEFORE_GIVING_UP (or at once for a permanent error) its open operations fail.
 */
async function giveUpIfStuck(db: Db, clusterId: string, err: unknown, failures: number): Promise<void> {
  const message = err instanceof Error ? err.message : String(err);
  const permanent = !isRetryable(err);
  if (failures < 3 && !permanent) return;
  await db
    .transaction(async (tx) => {
      await tx.update(clusters).set({ lastError: message, updatedAt: new Date() }).where(eq(clusters.id, clusterId));
      if (permanent || failures >= FAILURES_BEFORE_GIVING_UP) {
        await failOpen(tx, clusterId, { code: (err as { code?: string }).code ?? 'reconcile_failed', message });
      }
    })
    .catch(() => {});
}
