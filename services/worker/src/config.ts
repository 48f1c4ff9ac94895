import { z } from 'zod';
import { LogLevel, parseEnv } from '@slotplane/contracts';
import { HOST_LOST_AFTER_MS, MIN_FREE_DISK_MB } from '@slotplane/core';
import { secretsEnv } from '@slotplane/secrets';
import { networkPolicyEnv } from '@slotplane/webhooks';

const WorkerEnv = z.object({
  DATABASE_URL: z.string().url('must be a postgres:// URL'),
  REDIS_URL: z.string().url('must be a redis:// URL'),
  QUEUE_PREFIX: z.string().default('slotplane'),
  WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(256).default(8),
  WORKER_LEASE_TTL_MS: z.coerce.number().int().min(500).default(10_000),
  WORKER_LOCK_MS: z.coerce.number().int().min(500).default(10_000),
  HOST_LOST_AFTER_MS: z.coerce.number().int().min(1000).default(HOST_LOST_AFTER_MS),
  /** A host takes a new node only with this much free disk in its agent's data dir (or the node's maxmemory with AOF/RDB, if more). */
  HOST_MIN_FREE_DISK_MB: z.coerce.number().int().min(0).default(MIN_FREE_DISK_MB),
  /** Where webhook URLs may resolve to: `public` and/or CIDRs, comma-separated. */
  WEBHOOK_ALLOWED_NETWORKS: networkPolicyEnv(),
  EVENT_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(30),
  LOG_LEVEL: z.enum(LogLevel).default('info'),
  ...secretsEnv,
});
export type WorkerEnv = z.infer<typeof WorkerEnv>;

export const loadWorkerEnv = (env: NodeJS.ProcessEnv = process.env): WorkerEnv => parseEnv(WorkerEnv, env);
