import { openDatabase } from '@slotplane/db';
import { createLogger } from '@slotplane/logger';
import { keyringFromEnv } from '@slotplane/secrets';
import { loadWorkerEnv } from './config.ts';
import { startWorker } from './worker.ts';

const env = loadWorkerEnv();
const logger = createLogger('worker', { level: env.LOG_LEVEL });
const database = await openDatabase({ url: env.DATABASE_URL });
const worker = await startWorker({ database, redisUrl: env.REDIS_URL, queuePrefix: env.QUEUE_PREFIX, concurrency: env.WORKER_CONCURRENCY, leaseTtlMs: env.WORKER_LEASE_TTL_MS, lockDurationMs: env.WORKER_LOCK_MS, hostLostAfterMs: env.HOST_LOST_AFTER_MS, minFreeDiskBytes: env.HOST_MIN_FREE_DISK_MB * 1024 * 1024, eventRetentionDays: env.EVENT_RETENTION_DAYS, webhookNetworks: env.WEBHOOK_ALLOWED_NETWORKS, secrets: keyringFromEnv(env), logger });
logger.info('worker started');
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => void worker.close().then(() => database.close()).then(() => process.exit(0)));
}
