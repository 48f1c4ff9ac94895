import { randomBytes } from 'node:crypto';

import { inject } from 'vitest';
import { buildApp, createTenant, type Api, type ApiDeps } from '@slotplane/api';
type KeyScope = Parameters<typeof createTenant>[2];

import type { Database } from '@slotplane/db';
import { ReconcileQueue, connect, watchedQueues } from '@slotplane/queue';
import { Keyring, generateKey, parseKey } from '@slotplane/secrets';
import type { NetworkPolicy } from '@slotplane/webhooks';
import { createTestDatabase } from './database.ts';

export interface ApiHarness {
  app: Api;
  database: Database & { url: string };
  redisUrl: string;
  /** BullMQ key prefix private to this harness. */
  queuePrefix: string;
  queue: ReconcileQueue;
  /** The key ring the API (and the harness's workers) encrypt and decrypt stored secrets with. */
  secrets: Keyring;
  /** Its current key as SECRETS_KEY, for worker processes. */
  secretsKey: string;
  /** A new tenant and the Authorization header for its key. */
  tenant(name?: string, scope?: KeyScope): Promise<{ tenantId: string; auth: { authorization: string } }>;
  close(): Promise<void>;
}

/** The real API on a fresh database and the run's redis-server, with a queue prefix of its own. */
export async function startApiHarness(
  opts: { hostLostAfterMs?: number | undefined; webhookNetworks?: NetworkPolicy | undefined; secrets?: Keyring } & Pick<ApiDeps, 'quotas' | 'limits' | 'rateLimitPerMinute' | 'rateLimitRedis' | 'rateLimitWindowMs' | 'console'> = {},
): Promise<ApiHarness> {
  const database = await createTestDatabase();
  const redisUrl = inject('redisUrl');
  const queuePrefix = `t${randomBytes(4).toString('hex')}`;
  const connection = connect({ redisUrl });
  const queue = new ReconcileQueue(connection, queuePrefix);
  const queues = watchedQueues(connection, queuePrefix);
  const { hostLostAfterMs, webhookNetworks, secrets: given, ...limits } = opts;
  const secrets = given ?? new Keyring(parseKey(generateKey()));
  const app = await buildApp({ database, queue, queues, secrets, ...(hostLostAfterMs ? { hostLostAfterMs } : {}), ...(webhookNetworks ? { webhookNetworks } : {}), ...limits });
  return {
    app,
    database,
    redisUrl,
    queuePrefix,
    queue,
    secrets,
    secretsKey: secrets.current.bytes.toString('base64'),
    async tenant(name = `tenant-${randomBytes(3).toString('hex')}`, scope: KeyScope = 'write') {
      const t = await createTenant(database.db, name, scope);
      return { tenantId: t.tenantId, auth: { authorization: `Bearer ${t.apiKey}` } };
    },
    async close() {
      await app.close();
      await queue.close();
      await Promise.all(queues.map((q) => q.close()));
      connection.disconnect();
      await database.close();
    },
  };
}
