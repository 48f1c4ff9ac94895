import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { startAgent } from '@slotplane/agent';
import { TenancyEnv, buildApp, createEnrollmentToken, createTenant, findHostId, isValidApiKey, rotateHostCredential, tenancyDeps } from '@slotplane/api';
import { CONSOLE_BASE, buildConsole } from '@slotplane/console';
import { LogLevel, parseEnv } from '@slotplane/contracts';
import { startRedisServer } from '@slotplane/embedded';
import { createLogger } from '@slotplane/logger';
import { ReconcileQueue, connect, watchedQueues } from '@slotplane/queue';
import { networkPolicyEnv } from '@slotplane/webhooks';
import { startWorker } from '@slotplane/worker';
import { dataDir, openDb } from './database.ts';
import { openKeyring } from './keys.ts';
import { makePrivate, readOrCreateSecret } from './private-files.ts';
import { Shutdown } from './shutdown.ts';

/** The one host of the embedded setup. */
const LOCAL_HOST = 'local';

const StartEnv = TenancyEnv.extend({
  PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  AGENT_PORT_MIN: z.coerce.number().int().min(1024).max(55535).default(7000),
  AGENT_PORT_MAX: z.coerce.number().int().min(1024).max(55535).default(7099),
  HOST: z.string().default('127.0.0.1'),
  REDIS_URL: z.string().url('must be a redis:// URL').optional(),
  LOG_LEVEL: z.enum(LogLevel).default('warn'),
  // Development: webhooks may also reach this machine (a receiver on localhost).
  WEBHOOK_ALLOWED_NETWORKS: networkPolicyEnv('public,127.0.0.0/8,::1/128'),
  // As the worker's (default there: 1024): the one host takes new nodes only with this much free disk.
  HOST_MIN_FREE_DISK_MB: z.coerce.number().int().min(0).optional(),
  // A console built beforehand (its index.html and assets) to serve instead of building one.
  CONSOLE_DIR: z.string().min(1).optional(),
});

/**
 * Reuses a key kept in the data dir, or issues one and writes it there: the `default` tenant's
 * write key, and the `operator`'s admin key (tenants, keys, hosts, metrics), since the CLI cannot
 * open the embedded database while start runs.
 */
async function keptApiKey(db: Parameters<typeof createTenant>[0], file: string, tenant: string, scope: 'write' | 'admin'): Promise<string> {
  if (existsSync(file)) {
    const key = readFileSync(file, 'utf8').trim();
    if (await isValidApiKey(db, key)) return key;
  }
  const { apiKey } = await createTenant(db, tenant, scope);
  writeFileSync(file, `${apiKey}\n`, { mode: 0o600 });
  return apiKey;
}

/**
 * What the local agent needs to come up: nothing when its data dir holds its credential; an
 * enrollment token on the first start. A host "local" that exists while the credential is gone
 * (its agent dir was deleted, the database kept) cannot enroll again: as an admin would, this
 * process gives it a new credential and writes it where the agent reads it.
 */
async function localCredential(db: Parameters<typeof createTenant>[0], agentDir: string): Promise<string | undefined> {
  const file = join(agentDir, 'host-token');
  if (existsSync(file)) return undefined;
  const hostId = await findHostId(db, LOCAL_HOST);
  if (!hostId) return createEnrollmentToken(db);
  const { hostToken } = await rotateHostCredential(db, hostId);
  mkdirSync(agentDir, { recursive: true });
  writeFileSync(file, `${hostToken}\n`, { mode: 0o600 });
  return undefined;
}

/**
 * Everything on one machine: the same API and worker code as production, with PGlite in
 * place of Postgres and a private redis-server in place of a managed Redis.
 */
export async function start(): Promise<void> {
  const env = parseEnv(StartEnv);
  const dir = dataDir();
  mkdirSync(dir, { recursive: true });
  // New files are private by the umask; what an earlier version made is made so here.
  makePrivate(dir);
  const logger = createLogger('slotplane', { level: env.LOG_LEVEL });
  const shutdown = new Shutdown(logger);

  const database = await openDb();
  shutdown.add('database', 'the database', () => database.close());
  await database.migrate();
  // Before any process is started: a lost key file stops the start here, with nothing left running.
  const { ring: secrets } = await openKeyring(database.db);
  const apiKey = await keptApiKey(database.db, join(dir, 'api-key'), 'default', 'write');
  await keptApiKey(database.db, join(dir, 'admin-key'), 'operator', 'admin');
  const agentDir = join(dir, 'agent');
  // Settled before the worker and API start: a local host that cannot come up (revoked) ends the start here, leaving nothing running.
  const enrollToken = await localCredential(database.db, agentDir).catch(async (err: unknown) => {
    await shutdown.run();
    throw err;
  });

  // The queue's Redis takes a password: any local user can reach a loopback port. Ctrl-C does not
  // reach it (its own process group): it is stopped after everything that uses it.
  const redis = env.REDIS_URL
    ? undefined
    : await startRedisServer({ dir: join(dir, 'redis'), password: readOrCreateSecret(join(dir, 'redis-password'), () => randomBytes(24).toString('base64url')), ownProcessGroup: true });
  if (redis) shutdown.add('queue', "the queue's redis-server", redis.stop);
  const redisUrl = env.REDIS_URL ?? redis!.url;

  const worker = await startWorker({ database, redisUrl, logger, secrets, webhookNetworks: env.WEBHOOK_ALLOWED_NETWORKS, ...(env.HOST_MIN_FREE_DISK_MB === undefined ? {} : { minFreeDiskBytes: env.HOST_MIN_FREE_DISK_MB * 1024 * 1024 }) });
  shutdown.add('work', 'the worker', () => worker.close());
  const queueConnection = connect({ redisUrl });
  const queue = new ReconcileQueue(queueConnection);
  const queues = watchedQueues(queueConnection);
  shutdown.add('work', "the API's queue connections", async () => {
    await queue.close();
    await Promise.all(queues.map((q) => q.close()));
    queueConnection.disconnect();
  });
  // The admin console is built into the data dir, which this process holds locked (skipped when
  // that build is fresh), unless CONSOLE_DIR names one built already; without it the API still runs.
  const consoleDir = env.CONSOLE_DIR
    ? existsSync(join(env.CONSOLE_DIR, 'index.html'))
      ? env.CONSOLE_DIR
      : (logger.warn({ dir: env.CONSOLE_DIR }, 'CONSOLE_DIR holds no index.html: /console is not served'), undefined)
    : await buildConsole(join(dir, 'console')).catch((err: unknown) => {
        logger.warn({ err }, 'the admin console could not be built: /console is not served');
        return undefined;
      });
  const consoleFiles = consoleDir ? { console: { dir: consoleDir, path: CONSOLE_BASE } } : {};
  // One API process: its rate limits are counted in memory.
  const app = await buildApp({ database, queue, queues, logger, secrets, webhookNetworks: env.WEBHOOK_ALLOWED_NETWORKS, ...consoleFiles, ...tenancyDeps(env) });
  shutdown.add('api', 'the API', () => app.close());
  const address = await app.listen({ host: env.HOST, port: env.PORT });

  // One local agent: this machine is the only host. Its redis-servers are detached and keep
  // serving when slotplane stops; the next start adopts them.
  const agent = await startAgent(
    {
      SLOTPLANE_API_URL: address,
      SLOTPLANE_ENROLL_TOKEN: enrollToken,
      AGENT_NAME: LOCAL_HOST,
      AGENT_ADDRESS: '127.0.0.1',
      AGENT_PORT_MIN: env.AGENT_PORT_MIN,
      AGENT_PORT_MAX: env.AGENT_PORT_MAX,
      AGENT_DATA_DIR: agentDir,
      AGENT_ZONE: undefined,
      AGENT_RACK: undefined,
      LOG_LEVEL: env.LOG_LEVEL,
    },
    logger.child({ service: 'agent' }),
  );
  shutdown.add('api', 'the local agent', () => agent.stop());

  console.log(`Slotplane is running (data in ${dir})
  API:      ${address}
  Docs:     ${address}/docs${consoleDir ? `
  Console:  ${address}${CONSOLE_BASE} (sign in with the admin key: cat ${join(dir, 'admin-key')})` : ''}
  API key:  ${apiKey}   (also in ${join(dir, 'api-key')})
  Admin:    an admin key is in ${join(dir, 'admin-key')} (tenants, keys, hosts, /metrics)
  Nodes:    127.0.0.1, ports ${env.AGENT_PORT_MIN}-${env.AGENT_PORT_MAX} (one local agent)${redis ? `
  Queue:    redis://127.0.0.1:${redis.port} (password in ${join(dir, 'redis-password')})` : ''}
Try:  curl -H "Authorization: Bearer $(cat ${join(dir, 'api-key')})" ${address}/v1/clusters
Stop with Ctrl-C (Redis nodes of your clusters keep running; DELETE a cluster to remove its nodes).`);

  // The queue's Redis is in a process group of its own: whatever way this process ends, it is told to stop.
  if (redis) process.once('exit', () => void redis.process.kill('SIGTERM'));
  let stopping = false;
  const stop = async () => {
    // (A signal may come twice: to this process and relayed by a wrapper. Every stop is bounded.)
    if (stopping) return;
    stopping = true;
    console.log('stopping...');
    await shutdown.run();
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}
