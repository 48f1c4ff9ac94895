import { z } from 'zod';
import { LogLevel, parseEnv } from '@slotplane/contracts';
import { HOST_LOST_AFTER_MS } from '@slotplane/core';
import { secretsEnv } from '@slotplane/secrets';
import { networkPolicyEnv } from '@slotplane/webhooks';
import { DEFAULT_LIMITS, DEFAULT_QUOTAS } from './store/tenants.ts';

/** Limits on tenants: quotas of tenants without their own, and requests per minute per key. */
export const TenancyEnv = z.object({
  QUOTA_MAX_CLUSTERS: z.coerce.number().int().min(0).default(DEFAULT_QUOTAS.clusters),
  QUOTA_MAX_NODES: z.coerce.number().int().min(0).default(DEFAULT_QUOTAS.nodes),
  QUOTA_MAX_MEMORY_MB: z.coerce.number().int().min(0).default(DEFAULT_QUOTAS.memoryMb),
  RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).default(600),
  WEBHOOKS_PER_TENANT: z.coerce.number().int().min(0).default(DEFAULT_LIMITS.webhooksPerTenant),
  API_KEYS_PER_TENANT: z.coerce.number().int().min(1).default(DEFAULT_LIMITS.apiKeysPerTenant),
  EVENT_STREAMS_PER_KEY: z.coerce.number().int().min(1).default(DEFAULT_LIMITS.streamsPerKey),
  AGENT_REQUESTS_PER_MINUTE: z.coerce.number().int().min(60).default(DEFAULT_LIMITS.agentRequestsPerMinute),
  AGENT_AUTH_FAILURES_PER_MINUTE: z.coerce.number().int().min(1).default(DEFAULT_LIMITS.agentAuthFailuresPerMinute),
});
export const tenancyDeps = (env: z.infer<typeof TenancyEnv>) => ({
  quotas: { clusters: env.QUOTA_MAX_CLUSTERS, nodes: env.QUOTA_MAX_NODES, memoryMb: env.QUOTA_MAX_MEMORY_MB },
  rateLimitPerMinute: env.RATE_LIMIT_PER_MINUTE,
  limits: {
    webhooksPerTenant: env.WEBHOOKS_PER_TENANT,
    apiKeysPerTenant: env.API_KEYS_PER_TENANT,
    streamsPerKey: env.EVENT_STREAMS_PER_KEY,
    agentRequestsPerMinute: env.AGENT_REQUESTS_PER_MINUTE,
    agentAuthFailuresPerMinute: env.AGENT_AUTH_FAILURES_PER_MINUTE,
  },
});

const ApiEnv = TenancyEnv.extend({
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
