import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { mkdtempSync, openSync, readFileSync, readdirSync, rmSync, unlinkSync } from 'node:fs';
import { fillToLastByte } from './fill-disk.ts';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createEnrollmentToken, type ConsoleFiles } from '@slotplane/api';
import { waitFor } from '@slotplane/embedded';
import { clusters, eq, hosts } from '@slotplane/db';
import { createLogger } from '@slotplane/logger';
import type { WebhookRetry } from '@slotplane/queue';
import type { NetworkPolicy } from '@slotplane/webhooks';
import { startWorker, type RunningWorker } from '@slotplane/worker';
import { startApiHarness, type ApiHarness } from './api.ts';
import { childCommand } from './bundles.ts';

const root = fileURLToPath(new URL('../../..', import.meta.url));

/** A stand-in host; `diskMb` puts its agent's data dir on a tmpfs of that size (see startControlPlane). */
export interface HostSpec {
  name: string;
  address: string;
  zone?: string;
  diskMb?: number;
}

export interface AgentProcess {
  name: string;
  address: string;
  dataDir: string;
  child: ChildProcess;
  /** Fills its tmpfs to the last byte (a host with `diskMb` only); `freeDisk` deletes the filler. */
  fillDisk(): void;
  freeDisk(): void;
  /** kill -9 the agent (its redis-servers keep running). */
  kill(): Promise<void>;
  /** Start the agent again on the same data dir; resolves once its host heartbeats again. */
  restart(): Promise<void>;
  /** The whole host dies: kill -9 the agent and every redis-server it runs. */
  killHost(): Promise<void>;
  /** The whole host is cut off, its processes alive but silent (SIGSTOP); `thawHost` brings it back (SIGCONT). */
  freezeHost(): void;
  thawHost(): void;
  /** Pids of the redis-servers this agent's data dir says it runs (of one cluster, if given). */
  redisPids(clusterId?: string): number[];
}

export interface ControlPlane {
  api: ApiHarness;
  baseUrl: string;
  agents: AgentProcess[];
  worker: RunningWorker | undefined;
  startWorker(): Promise<RunningWorker>;
  /**
   * A worker in a process of its own, to kill -9; `failpoint` makes it SIGKILL itself there.
   * `env` overrides its environment (e.g. shorter lease and lock, so a successor starts sooner).
   */
  startWorkerProcess(failpoint?: string, env?: Record<string, string>): ChildProcess;
  /** The password of the control plane's own Redis user on a cluster's nodes (tests inspect nodes with it). */
  adminPassword(clusterId: string): Promise<string>;
  stop(): Promise<void>;
}

function signalAll(pids: number[], signal: NodeJS.Signals): void {
  for (const pid of pids) {
    try {
      process.kill(pid, signal);
    } catch {
      // gone already
    }
  }
}

function exited(child: ChildProcess): Promise<void> {
  return child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise((r) => child.once('exit', () => r()));
}

/**
 * A whole control plane on this machine: the API on a real port, a worker, and one agent
 * process per loopback address standing in for a host.
 */
export async function startControlPlane(opts: {
  hosts: HostSpec[];
  portMin: number;
  portMax: number;
  worker?: boolean;
  /** HOST_LOST_AFTER_MS for the API and the worker. */
  hostLostAfterMs?: number;
  /** Where webhooks may be sent (default: public addresses only), and how fast they are retried. */
  webhookNetworks?: NetworkPolicy;
  webhookRetry?: WebhookRetry;
  /** The built admin console, for the API to serve. */
  console?: ConsoleFiles;
  /** The worker's HOST_MIN_FREE_DISK_MB (default 1024). */
  minFreeDiskMb?: number;
}): Promise<ControlPlane> {
  const api = await startApiHarness({ hostLostAfterMs: opts.hostLostAfterMs, webhookNetworks: opts.webhookNetworks, ...(opts.console ? { console: opts.console } : {}) });
  const baseUrl = await api.app.listen({ host: '127.0.0.1', port: 0 });
  // One token per host: a token enrolls one host, once (a restart finds the credential in its data dir).
  const enrollTokens = await Promise.all(opts.hosts.map(() => createEnrollmentToken(api.database.db)));
  const children: ChildProcess[] = [];

  const spawnAgent = (h: HostSpec, dataDir: string, enrollToken: string) => {
    const [bin, pre] = childCommand('agent');
    const args = [...pre, '--api-url', baseUrl, '--enroll-token', enrollToken, '--name', h.name, '--address', h.address,
      '--port-min', String(opts.portMin), '--port-max', String(opts.portMax), '--data-dir', dataDir, ...(h.zone ? ['--zone', h.zone] : [])];
    const options: SpawnOptions = { cwd: root, stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, LOG_LEVEL: 'warn' } };
    // A small disk of its own: a tmpfs over the data dir in a private mount namespace (root only),
    // which the agent and its redis-servers share; the same pid execs on (unshare, sh, node).
    const child = h.diskMb
      ? spawn('unshare', ['--mount', '--propagation', 'private', '--', 'sh', '-c', `mount -t tmpfs -o size=${h.diskMb}m slotplane-test-disk "$0" && exec "$@"`, dataDir, bin, ...args], options)
      : spawn(bin, args, options);
    children.push(child);
    return child;
  };

  const agents: AgentProcess[] = opts.hosts.map((h, i) => {
    const enrollToken = enrollTokens[i]!;
    const dataDir = mkdtempSync(join(tmpdir(), `slotplane-agent-${h.name}-`));
    /** The data dir as the agent sees it: a tmpfs one only through its mount namespace. */
    const seen = () => (h.diskMb ? `/proc/${agent.child.pid}/root${dataDir}` : dataDir);
    const filler = () => join(seen(), 'filler');
    const agent: AgentProcess = {
      ...h,
      dataDir,
      child: spawnAgent(h, dataDir, enrollToken),
      fillDisk() {
        if (!h.diskMb) throw new Error(`host ${h.name} has no disk of its own to fill`);
        fillToLastByte(filler());
      },
      freeDisk() {
        unlinkSync(filler());
      },
      async kill() {
        agent.child.kill('SIGKILL');
        await exited(agent.child);
      },
      async restart() {
        // A new agent process would get a new, empty tmpfs: its redis-servers keep the old one.
        if (h.diskMb) throw new Error(`host ${h.name} runs on a tmpfs of its own: restarting its agent is not supported`);
        const since = new Date();
        agent.child = spawnAgent(h, dataDir, enrollToken);
        // An agent process takes a few seconds to start on a busy machine: back once it heartbeats.
        await waitFor(`agent ${h.name} to heartbeat again`, async () => {
          const [row] = await api.database.db.select({ at: hosts.lastHeartbeatAt }).from(hosts).where(eq(hosts.name, h.name));
          return row?.at !== null && row?.at !== undefined && row.at > since;
        }, { timeoutMs: 60_000, intervalMs: 100 });
      },
      async killHost() {
        const pids = agent.redisPids();
        await agent.kill();
        signalAll(pids, 'SIGKILL');
      },
      freezeHost() {
        signalAll([agent.child.pid!, ...agent.redisPids()], 'SIGSTOP');
      },
      thawHost() {
        signalAll([agent.child.pid!, ...agent.redisPids()], 'SIGCONT');
      },
      redisPids(clusterId) {
        const dir = join(seen(), 'instances');
        return readdirSync(dir).flatMap((id) => {
          try {
            const instance = JSON.parse(readFileSync(join(dir, id, 'instance.json'), 'utf8')) as { clusterId: string };
            if (clusterId && instance.clusterId !== clusterId) return [];
            return [Number(readFileSync(join(dir, id, 'redis.pid'), 'utf8'))];
          } catch {
            return [];
          }
        });
      },
    };
    return agent;
  });

  // Every host enrolled and heartbeating before anyone asks for a cluster.
  await waitFor('every agent to report', async () => {
    const res = await fetch(`${baseUrl}/readyz`);
    if (!res.ok) return false;
    const rows = await api.database.db.query.hosts.findMany();
    return rows.filter((r) => r.lastHeartbeatAt && Date.now() - r.lastHeartbeatAt.getTime() < 3000).length === opts.hosts.length;
  }, { timeoutMs: 30_000, intervalMs: 100 });

  const workerDeps = {
    database: api.database,
    redisUrl: api.redisUrl,
    queuePrefix: api.queuePrefix,
    secrets: api.secrets,
    logger: createLogger('worker', { level: (process.env.TEST_WORKER_LOG_LEVEL as 'warn' | undefined) ?? 'warn' }),
    sweepIntervalMs: 500,
    leaseTtlMs: 3000,
    lockDurationMs: 3000,
    hostLostAfterMs: opts.hostLostAfterMs,
    ...(opts.minFreeDiskMb === undefined ? {} : { minFreeDiskBytes: opts.minFreeDiskMb * 1024 * 1024 }),
    webhookNetworks: opts.webhookNetworks,
    webhookRetry: opts.webhookRetry,
  };
  const plane: ControlPlane = {
    api,
    baseUrl,
    agents,
    worker: undefined,
    async startWorker() {
      plane.worker = await startWorker(workerDeps);
      return plane.worker;
    },
    async adminPassword(clusterId) {
      const [row] = await api.database.db.select({ pw: clusters.adminPassword }).from(clusters).where(eq(clusters.id, clusterId));
      return api.secrets.decrypt(row!.pw);
    },
    startWorkerProcess(failpoint, extraEnv = {}) {
      const [bin, args] = childCommand('worker');
      // TEST_WORKER_LOG_LEVEL (e.g. debug) writes each worker process's log to a file of its own, named on stderr.
      const level = process.env.TEST_WORKER_LOG_LEVEL;
      const logFile = level ? join(tmpdir(), `slotplane-worker-${Date.now()}-${children.length}.log`) : undefined;
      if (logFile) process.stderr.write(`worker process log (${failpoint ?? 'no failpoint'}): ${logFile}\n`);
      const child = spawn(bin, [...args], {
        cwd: root,
        stdio: ['ignore', logFile ? openSync(logFile, 'a') : 'ignore', 'inherit'],
        env: { ...process.env, DATABASE_URL: api.database.url, REDIS_URL: api.redisUrl, QUEUE_PREFIX: api.queuePrefix, SECRETS_KEY: api.secretsKey, LOG_LEVEL: level ?? 'warn', WORKER_LEASE_TTL_MS: '3000', WORKER_LOCK_MS: '3000', SLOTPLANE_FAILPOINT: failpoint ?? '', ...extraEnv },
      });
      children.push(child);
      return child;
    },
    async stop() {
      await plane.worker?.close();
      // Read before the agents die: a tmpfs data dir is seen through its agent's process.
      const pids = new Map(agents.map((a) => [a, a.redisPids()]));
      for (const c of children) {
        c.kill('SIGKILL');
        await exited(c);
      }
      // Leave no redis-server behind, whatever the test did.
      for (const a of agents) {
        for (const pid of pids.get(a) ?? []) {
          try {
            process.kill(pid, 'SIGKILL');
          } catch {
            // gone
          }
        }
        rmSync(a.dataDir, { recursive: true, force: true });
      }
      await api.close();
    },
  };
  if (opts.worker !== false) await plane.startWorker();
  return plane;
}
