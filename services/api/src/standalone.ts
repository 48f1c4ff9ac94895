
import { openDatabase } from '@slotplane/db';
import { createLogger } from '@slotplane/logger';
import { ReconcileQueue, connect, watchedQueues } from '@slotplane/queue';
import { keyringFromEnv } from '@slotplane/secrets';
import { buildApp, type Api } from './app.ts';
import { tenancyDeps, type ApiEnv } from './config.ts';
import { rateLimitRedis } from './rate-limit.ts';

/** The API on real Postgres and Redis from its environment: what server.ts and lambda.ts run. */
export async function createApiFromEnv(env: ApiEnv, opts: { streaming?: boolean } = {}): Promise<{ app: Api; close(): Promise<void> }> {
  const logger = createLogger('api', { level: env.LOG_LEVEL });
  const database = await openDatabase({ url: env.DATABASE_URL });
  const redis = connect({ redisUrl: env.REDIS_URL });
  const queue = new ReconcileQueue(redis, env.QUEUE_PREFIX);
  const queues = watchedQueues(redis, env.QUEUE_PREFIX);
  const limits = rateLimitRedis(env.REDIS_URL);
  const app = await buildApp({
    database, queue, queues, logger, ...tenancyDeps(env), rateLimitRedis: limits, secrets: keyringFromEnv(env),
    hostLostAfterMs: env.HOST_LOST_AFTER_MS, webhookNetworks: env.WEBHOOK_ALLOWED_NETWORKS, ...opts,
  });
  return {
    app,
    close: async () => {
      await app.close();
      await queue.close();
      await Promise.all(queues.map((q) => q.close()));
      redis.disconnect();
      limits.disconnect();
      await database.close();
    },
  };
}
