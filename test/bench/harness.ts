// A whole Slotplane on this machine for benchmarks: its own throwaway Postgres and queue Redis,
// the API on a port, a worker, and one agent process per loopback address standing in for a host.
// By default the API and the worker run in this process; with `processes` they run as child
// processes of their own (and the queue's redis-server keeps an AOF), so a fault bench can kill -9
// them and start them again; with `agentDiskMb` every agent's data dir is a tmpfs of that size.
import { parseNetworkPolicy } from '@slotplane/webhooks';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildApp, createEnrollmentToken, createTenant } from '@slotplane/api';
import { clusters, eq, openDatabase, type Database } from '@slotplane/db';
import { startRedisServer, startThrowawayPostgres, waitFor, type RedisServer } from '@slotplane/embedded';
import { createLogger } from '@slotplane/logger';
import { ReconcileQueue, connect } from '@slotplane/queue';
import { Keyring, generateKey, parseKey } from '@slotplane/secrets';
import { startWorker } from '@slotplane/worker';
import { controlPlaneProcesses, signalAll, startAgents, type BenchAgent, type ControlPlaneProcesses } from './harness-processes.ts';

export { exited } from './harness-processes.ts';
export type { BenchAgent, ControlPlaneProcesses } from './harness-processes.ts';

export async function startSlotplane(opts: {
  addresses: string[];
  portMin: number;
  portMax: number;
  postgresSettings?: Record<string, string>;
  /** API, worker and queue Redis as child processes, on these fixed ports (restarts keep them). */
  processes?: { apiPort: number; queuePort: number; env?: Record<string, string> };
  /** Each agent's data dir on a tmpfs of this many MiB in a mount namespace of its own (root only). */
  agentDiskMb?: number;
}) {
  const tmpDirs: string[] = [];
  const pgServer = await startThrowawayPostgres({ settings: opts.postgresSettings });
  const queueDir = mkdtempSync(join(tmpdir(), 'slotplane-bench-queue-'));
  tmpDirs.push(queueDir);
  let redis: RedisServer | undefined;
  let database: Database | undefined;
  let queueConnection: ReturnType<typeof connect> | undefined;
  let queue: ReconcileQueue | undefined;
  let planeProcesses: ControlPlaneProcesses | undefined;
  let inProcess: { close(): Promise<void> } | undefined;
  let agents: BenchAgent[] = [];
  /** Stops whatever has been started (also when the start failed half-way). */
  const stop = async () => {
    await inProcess?.close();
    await planeProcesses?.stop();
    for (const a of agents) {
      // Read before the agent goes: a tmpfs data dir is seen through its namespace.
      const pids = a.redisPids();
      signalAll([a.pid(), ...pids], 'SIGCONT');
      await a.stop();
      signalAll(pids, 'SIGKILL');
    }
    await queue?.close();
    queueConnection?.disconnect();
    await database?.close();
    await (planeProcesses ? planeProcesses.stopQueue() : redis?.stop());
    await pgServer.stop();
    for (const d of tmpDirs) rmSync(d, { recursive: true, force: true });
  };
  // Benchmarks send webhooks to a receiver on this machine.
  const webhookNetworks = parseNetworkPolicy('public,127.0.0.0/8');
  const secretsKey = generateKey();
  const secrets = new Keyring(parseKey(secretsKey));
  let baseUrl: string;
  let apiKey: string;
  try {
    redis = opts.processes ? await startRedisServer({ port: opts.processes.queuePort, dir: queueDir }) : await startRedisServer();
    database = await openDatabase({ url: pgServer.url });
    await database.migrate();
    queueConnection = connect({ redisUrl: redis.url });
    queueConnection.on('error', () => {}); // a fault bench may kill the queue's redis-server; this connection comes back with it
    queue = new ReconcileQueue(queueConnection, 'bench');
    ({ apiKey } = await createTenant(database.db, 'bench'));
    // A token enrolls one host, once.
    const enrollTokens = await Promise.all(opts.addresses.map(() => createEnrollmentToken(database!.db)));

    if (opts.processes) {
      planeProcesses = controlPlaneProcesses({ databaseUrl: pgServer.url, queue: redis, queueDir, apiPort: opts.processes.apiPort, secretsKey, env: opts.processes.env });
      await planeProcesses.startApi();
      planeProcesses.startWorker();
      baseUrl = `http://127.0.0.1:${opts.processes.apiPort}`;
    } else {
      const app = await buildApp({ database, queue, webhookNetworks, secrets });
      baseUrl = await app.listen({ host: '127.0.0.1', port: 0 });
      const worker = await startWorker({ database, redisUrl: redis.url, queuePrefix: 'bench', webhookNetworks, secrets, logger: createLogger('bench', { level: 'warn' }) });
      inProcess = { close: async () => { await worker.close(); await app.close(); } };
    }
    const dataDirs = opts.addresses.map((_, i) => mkdtempSync(join(tmpdir(), `slotplane-bench-agent-${i}-`)));
    tmpDirs.push(...dataDirs);
    agents = await startAgents({ database, baseUrl, addresses: opts.addresses, enrollTokens, dataDirs, portMin: opts.portMin, portMax: opts.portMax, diskMb: opts.agentDiskMb });
    await waitFor('every agent to heartbeat', async () => {
      const rows = await database!.db.query.hosts.findMany();
      return rows.filter((r) => r.lastHeartbeatAt && Date.now() - r.lastHeartbeatAt.getTime() < 3000).length === opts.addresses.length;
    }, { timeoutMs: 30_000, intervalMs: 100 });
  } catch (err) {
    await stop().catch(() => {});
    throw err;
  }
  const db = database;

  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- benchmarks read a few fields of the bodies
  async function api<T = any>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await fetch(`${baseUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${apiKey}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
      signal: AbortSignal.timeout(30_000),
    });
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
    return (await res.json()) as T;
  }

  return {
    api,
    database: db,
    secrets,
    baseUrl,
    apiKey,
    queue: queue!,
    postgresPid: pgServer.postmasterPid,
    agents,
    agentPids: agents.map((a) => a.pid()),
    /** The API, worker and queue Redis as processes (only with `processes`). */
    get controlPlane(): ControlPlaneProcesses {
      if (!planeProcesses) throw new Error('the control plane runs in the bench process: start it with `processes`');
      return planeProcesses;
    },
    /** Waits until the operation settles; throws unless it succeeded. */
    async settled(operationId: string, timeoutMs = 600_000, intervalMs = 10) {
      return waitFor(`operation ${operationId}`, async () => {
        const op = await api('GET', `/v1/operations/${operationId}`);
        if (op.status === 'failed' || op.status === 'cancelled') throw Object.assign(new Error(`operation ${op.status}: ${JSON.stringify(op.error)}`), { final: true });
        return op.status === 'succeeded' ? op : undefined;
      }, { timeoutMs, intervalMs });
    },
    async adminPassword(clusterId: string) {
      const [row] = await db.db.select({ pw: clusters.adminPassword }).from(clusters).where(eq(clusters.id, clusterId));
      return secrets.decrypt(row!.pw);
    },
    stop,
  };
}
