// A whole Slotplane on this machine for benchmarks: its own throwaway Postgres and queue Redis,
// the API on a port, a worker, and one agent process per loopback address standing in for a host.
import { parseNetworkPolicy } from '@slotplane/webhooks';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildApp, createEnrollmentToken, createTenant } from '@slotplane/api';
import { clusters, eq, openDatabase } from '@slotplane/db';
import { startRedisServer, startThrowawayPostgres, waitFor } from '@slotplane/embedded';
import { createLogger } from '@slotplane/logger';
import { ReconcileQueue, connect } from '@slotplane/queue';
import { Keyring, generateKey, parseKey } from '@slotplane/secrets';
import { startWorker } from '@slotplane/worker';

const root = fileURLToPath(new URL('../..', import.meta.url));
export const exited = (c: ChildProcess) => (c.exitCode !== null || c.signalCode !== null ? Promise.resolve() : new Promise<void>((r) => c.once('exit', () => r())));

export async function startSlotplane(opts: { addresses: string[]; portMin: number; portMax: number; postgresSettings?: Record<string, string> }) {
  const tmpDirs: string[] = [];
  const pgServer = await startThrowawayPostgres({ settings: opts.postgresSettings });
  const redis = await startRedisServer();
  const database = await openDatabase({ url: pgServer.url });
  await database.migrate();
  const queueConnection = connect({ redisUrl: redis.url });
  const queue = new ReconcileQueue(queueConnection, 'bench');
  // Benchmarks send webhooks to a receiver on this machine.
  const webhookNetworks = parseNetworkPolicy('public,127.0.0.0/8');
  const secrets = new Keyring(parseKey(generateKey()));
  const app = await buildApp({ database, queue, webhookNetworks, secrets });
  const baseUrl = await app.listen({ host: '127.0.0.1', port: 0 });
  const { apiKey } = await createTenant(database.db, 'bench');
  // A token enrolls one host, once.
  const enrollTokens = await Promise.all(opts.addresses.map(() => createEnrollmentToken(database.db)));
  const worker = await startWorker({ database, redisUrl: redis.url, queuePrefix: 'bench', webhookNetworks, secrets, logger: createLogger('bench', { level: 'warn' }) });
  const agents = opts.addresses.map((address, i) => {
    const dataDir = mkdtempSync(join(tmpdir(), `slotplane-bench-agent-${i}-`));
    tmpDirs.push(dataDir);
    const args = ['--import', 'tsx', 'packages/agent/src/main.ts', '--api-url', baseUrl, '--enroll-token', enrollTokens[i]!, '--name', `bench-${i}`,
      '--address', address, '--port-min', String(opts.portMin), '--port-max', String(opts.portMax), '--data-dir', dataDir];
    const child = spawn(process.execPath, args, { cwd: root, stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, LOG_LEVEL: 'warn' } });
    return { child, dataDir };
  });
  await waitFor('every agent to heartbeat', async () => {
    const rows = await database.db.query.hosts.findMany();
    return rows.filter((r) => r.lastHeartbeatAt && Date.now() - r.lastHeartbeatAt.getTime() < 3000).length === opts.addresses.length;
  }, { timeoutMs: 30_000, intervalMs: 100 });

  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- benchmarks read a few fields of the bodies
  async function api<T = any>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await fetch(`${baseUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${apiKey}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
    return (await res.json()) as T;
  }

  return {
    api,
    database,
    secrets,
    baseUrl,
    apiKey,
    queue,
    postgresPid: pgServer.postmasterPid,
    agentPids: agents.map((a) => a.child.pid!),
    /** Waits until the operation settles; throws unless it succeeded. */
    async settled(operationId: string, timeoutMs = 600_000, intervalMs = 10) {
      return waitFor(`operation ${operationId}`, async () => {
        const op = await api('GET', `/v1/operations/${operationId}`);
        if (op.status === 'failed' || op.status === 'cancelled') throw Object.assign(new Error(`operation ${op.status}: ${JSON.stringify(op.error)}`), { final: true });
        return op.status === 'succeeded' ? op : undefined;
      }, { timeoutMs, intervalMs });
    },
    async adminPassword(clusterId: string) {
      const [row] = await database.db.select({ pw: clusters.adminPassword }).from(clusters).where(eq(clusters.id, clusterId));
      return secrets.decrypt(row!.pw);
    },
    async stop() {
      await worker.close();
      for (const a of agents) {
        a.child.kill('SIGKILL');
        await exited(a.child);
        const dir = join(a.dataDir, 'instances');
        for (const id of existsSync(dir) ? readdirSync(dir) : []) {
          try {
            process.kill(Number(readFileSync(join(dir, id, 'redis.pid'), 'utf8')), 'SIGKILL');
          } catch {
            // gone already
          }
        }
      }
      await app.close();
      await queue.close();
      queueConnection.disconnect();
      await database.close();
      await redis.stop();
      await pgServer.stop();
      for (const d of tmpDirs) rmSync(d, { recursive: true, force: true });
    },
  };
}
