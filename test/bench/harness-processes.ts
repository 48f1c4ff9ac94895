// The processes of a bench's Slotplane that a fault bench kills, freezes or starves: agents (their
// data dir optionally on a small tmpfs of their own) and, when asked, the API, the worker and the
// queue's redis-server as child processes of their own. Used by harness.ts.
import { spawn, spawnSync, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, unlinkSync } from 'node:fs';
import { fillToLastByte } from '@slotplane/testkit';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { eq, hosts, type Database } from '@slotplane/db';
import { startRedisServer, waitFor, type RedisServer } from '@slotplane/embedded';

export const root = fileURLToPath(new URL('../..', import.meta.url));
export const exited = (c: ChildProcess) => (c.exitCode !== null || c.signalCode !== null ? Promise.resolve() : new Promise<void>((r) => c.once('exit', () => r())));
// node --import tsx: one process, so a SIGKILL hits the agent or worker itself, not a wrapper.
const nodeArgs = (script: string) => ['--import', 'tsx', script];

export function signalAll(pids: number[], signal: NodeJS.Signals): void {
  for (const pid of pids) {
    try {
      process.kill(pid, signal);
    } catch {
      // gone already
    }
  }
}

export interface BenchAgent {
  name: string;
  address: string;
  /** The data dir's path (on a tmpfs, it is only that through the host's mount namespace: see `seen`). */
  dataDir: string;
  /** The agent process's pid now (a restart changes it). */
  pid(): number;
  /** The data dir as this host's processes see it. */
  seen(): string;
  /** kill -9 the agent (its redis-servers keep running). */
  kill(): Promise<void>;
  /** Starts the agent again with the same arguments and data dir; resolves once its host heartbeats again. */
  start(): Promise<void>;
  /** Pids of the redis-servers its data dir says it runs (of one cluster, if given). */
  redisPids(clusterId?: string): number[];
  /** The instances its data dir holds: Slotplane node id, cluster, port and pid (null if no pid file). */
  instances(): Array<{ nodeId: string; clusterId: string; port: number; pid: number | null }>;
  /** Fills its tmpfs to the last byte (agents with a disk of their own only); `freeDisk` deletes the filler. */
  fillDisk(): void;
  freeDisk(): void;
  /** Stops the agent for good, the namespace holder too (not its redis-servers). */
  stop(): Promise<void>;
}

/**
 * One agent per loopback address. With `diskMb`, each host gets a private mount namespace with a
 * tmpfs of that size over its data dir, held open by a `sleep` (root only): the agent is started
 * inside it with nsenter (which execs, so its pid is the agent's), and so are its redis-servers; a
 * restarted agent enters the same namespace and finds its data dir as it left it.
 */
export async function startAgents(opts: { database: Database; baseUrl: string; addresses: string[]; enrollTokens: string[]; dataDirs: string[]; portMin: number; portMax: number; diskMb?: number }): Promise<BenchAgent[]> {
  return Promise.all(opts.addresses.map(async (address, i) => {
    const name = `bench-${i}`;
    const dataDir = opts.dataDirs[i]!;
    let holder: ChildProcess | undefined;
    if (opts.diskMb) {
      holder = spawn('unshare', ['--mount', '--propagation', 'private', '--', 'sh', '-c', `mount -t tmpfs -o size=${opts.diskMb}m slotplane-bench-disk "$0" && exec sleep infinity`, dataDir], { stdio: ['ignore', 'ignore', 'inherit'] });
      // Mounted once the shell has exec'd sleep.
      await waitFor(`the tmpfs of ${name}`, () => {
        if (holder!.exitCode !== null) throw new Error(`unshare/mount for ${name} failed (exit ${holder!.exitCode}): it needs root`);
        return readFileSync(`/proc/${holder!.pid}/comm`, 'utf8').trim() === 'sleep';
      }, { timeoutMs: 10_000, intervalMs: 20 });
    }
    const args = [...nodeArgs('packages/agent/src/main.ts'), '--api-url', opts.baseUrl, '--enroll-token', opts.enrollTokens[i]!, '--name', name,
      '--address', address, '--port-min', String(opts.portMin), '--port-max', String(opts.portMax), '--data-dir', dataDir];
    const options: SpawnOptions = { cwd: root, stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, LOG_LEVEL: 'warn' } };
    // Entering a mount namespace moves the working directory to its root: --wd brings it back.
    const spawnAgent = () => (holder ? spawn('nsenter', ['-t', String(holder.pid), '-m', `--wd=${root}`, '--', process.execPath, ...args], options) : spawn(process.execPath, args, options));
    const seen = () => (holder ? `/proc/${holder.pid}/root${dataDir}` : dataDir);
    const filler = () => join(seen(), 'chaos-filler');
    let child = spawnAgent();
    const agent: BenchAgent = {
      name,
      address,
      dataDir,
      pid: () => child.pid!,
      seen,
      async kill() {
        child.kill('SIGKILL');
        await exited(child);
      },
      async start() {
        const since = new Date();
        child = spawnAgent();
        await waitFor(`agent ${name} to heartbeat again`, async () => {
          const [row] = await opts.database.db.select({ at: hosts.lastHeartbeatAt }).from(hosts).where(eq(hosts.name, name));
          return !!row?.at && row.at > since;
        }, { timeoutMs: 60_000, intervalMs: 100 });
      },
      instances() {
        const dir = join(seen(), 'instances');
        return (existsSync(dir) ? readdirSync(dir) : []).flatMap((nodeId) => {
          try {
            const instance = JSON.parse(readFileSync(join(dir, nodeId, 'instance.json'), 'utf8')) as { clusterId: string; port: number };
            const pidFile = join(dir, nodeId, 'redis.pid');
            const pid = existsSync(pidFile) ? Number(readFileSync(pidFile, 'utf8')) : null;
            return [{ nodeId, clusterId: instance.clusterId, port: instance.port, pid }];
          } catch {
            return [];
          }
        });
      },
      redisPids(clusterId) {
        return agent.instances().filter((x) => x.pid && (!clusterId || x.clusterId === clusterId)).map((x) => x.pid!);
      },
      fillDisk() {
        if (!holder) throw new Error(`host ${name} has no disk of its own to fill`);
        fillToLastByte(filler());
      },
      freeDisk() {
        if (existsSync(filler())) unlinkSync(filler());
      },
      async stop() {
        child.kill('SIGKILL');
        await exited(child);
        if (holder) {
          holder.kill('SIGKILL');
          await exited(holder);
        }
      },
    };
    return agent;
  }));
}

/** Whether this machine lets the bench give a host a tmpfs of its own (root and unshare --mount). */
export const privateMountsWork = () => process.getuid?.() === 0 && spawnSync('unshare', ['--mount', '--propagation', 'private', 'true']).status === 0;

export interface ControlPlaneProcesses {
  apiPid(): number | undefined;
  workerPid(): number | undefined;
  startApi(): Promise<void>;
  killApi(): Promise<void>;
  startWorker(): void;
  killWorker(): Promise<void>;
  /** kill -9 the queue's redis-server; `startQueue` starts it again on the same port and AOF dir. */
  killQueue(): Promise<void>;
  startQueue(): Promise<void>;
  /** Stops the worker and the API (kill -9: nothing of theirs needs a clean shutdown here). */
  stop(): Promise<void>;
  stopQueue(): Promise<void>;
}

/**
 * The API (on a fixed port, so agents find it again after a restart) and the worker as child
 * processes, each started from its real entry point with its environment.
 */
export function controlPlaneProcesses(opts: { databaseUrl: string; queue: RedisServer; queueDir: string; apiPort: number; secretsKey: string; env?: Record<string, string> }): ControlPlaneProcesses {
  let queue = opts.queue;
  const common = { ...process.env, DATABASE_URL: opts.databaseUrl, QUEUE_PREFIX: 'bench', SECRETS_KEY: opts.secretsKey, LOG_LEVEL: 'warn', WEBHOOK_ALLOWED_NETWORKS: 'public,127.0.0.0/8', ...opts.env };
  let api: ChildProcess | undefined;
  let worker: ChildProcess | undefined;
  const spawnService = (script: string, env: Record<string, string>) => spawn(process.execPath, nodeArgs(script), { cwd: root, stdio: ['ignore', 'ignore', 'inherit'], env: { ...common, REDIS_URL: queue.url, ...env } });
  const kill = async (c: ChildProcess | undefined) => {
    if (!c) return;
    c.kill('SIGKILL');
    await exited(c);
  };
  const plane: ControlPlaneProcesses = {
    apiPid: () => api?.pid,
    workerPid: () => worker?.pid,
    async startApi() {
      const child = spawnService('services/api/src/server.ts', { HOST: '127.0.0.1', PORT: String(opts.apiPort) });
      api = child;
      await waitFor('the API to be ready', async () => {
        if (child.exitCode !== null || child.signalCode !== null) throw Object.assign(new Error(`the API exited (code ${child.exitCode}, signal ${child.signalCode})`), { final: true });
        return (await fetch(`http://127.0.0.1:${opts.apiPort}/readyz`, { signal: AbortSignal.timeout(2000) })).status === 200;
      }, { timeoutMs: 60_000, intervalMs: 50 });
    },
    killApi: () => kill(api),
    startWorker() {
      worker = spawnService('services/worker/src/main.ts', {});
    },
    killWorker: () => kill(worker),
    async killQueue() {
      queue.process.kill('SIGKILL');
      await exited(queue.process);
    },
    async startQueue() {
      queue = await startRedisServer({ port: queue.port, password: queue.password, dir: opts.queueDir });
    },
    async stop() {
      await kill(worker);
      await kill(api);
    },
    stopQueue: () => queue.stop(),
  };
  return plane;
}
