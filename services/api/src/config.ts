import { z } from 'zod';
import { LogLevel, parseEnv } from '@slotplane/contracts';
import { HOST_LOST_AFTER_MS } from '@slotplane/core';
import { secretsEnv } from '@slotplane/secrets';
import { networkPolicyEnv } from '@slotplane/webhooks';

const ApiEnv = z.object({
  DATABASE_URL: z.string().url('must be a postgres:// URL'),
  REDIS_URL: z.string().url('must be a redis:// URL'),
  QUEUE_PREFIX: z.string().default('slotplane'),
  HOST: z.string().default('0.0.0.0'),
  PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  LOG_LEVEL: z.enum(LogLevel).default('info'),
  HOST_LOST_AFTER_MS: z.coerce.number().int().min(1000).default(HOST_LOST_AFTER_MS),
  /** Where webhook URLs may resolve to: `public` and/or CIDRs, comma-separated. */
  WEBHOOK_ALLOWED_NETWORKS: networkPolicyEnv(),
  ...secretsEnv,
});
export type ApiEnv = z.infer<typeof ApiEnv>;

export const loadApiEnv = (env: NodeJS.ProcessEnv = process.env): ApiEnv => parseEnv(ApiEnv, env);
