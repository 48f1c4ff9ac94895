import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AgentInstance, InstanceReport, StartFailure } from '@slotplane/contracts';
import { requireBinary } from '@slotplane/embedded';
import type { Logger } from '@slotplane/logger';
import { EARLY_EXIT_MS, diskSpace, earlyExit, failedWrite, readLastLogLine } from './disk.ts';
import { renderRedisConf } from './redis-conf.ts';

interface Tracked {
  nodeId: string;
  port: number;
  pid: number | null;
  state: InstanceReport['state'];
  exitCode: number | null;
  signal: string | null;
  /** The run generation the process was started for. */
  runGeneration: number;
  /** The configuration revision redis.conf was last written for. */
  revision: string | null;
  /** Why this run could not start (it is then exited, with no process). */
  startFailure: StartFailure | null;
}

/**
 * Writes a file whole or not at all: a full disk must not leave a truncated instance.json (the
 * next agent could not adopt the node) or redis.conf (the node could not restart).
 */
function writeWhole(file: string, text: string): void {
  const tmp = `${file}.tmp`;
  try {
    writeFileSync(tmp, text, { mode: 0o600 });
    renameSync(tmp, file);
  } catch (err) {
    try {
      unlinkSync(tmp);
    } catch {
      // never written
    }
    throw err;
  }
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** True when `pid` is the redis-server serving address:port (not a recycled pid). */
function isOurRedis(pid: number, address: string, port: number): boolean {
  try {
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    return cmdline.includes('redis-server') && cmdline.includes(`${address}:${port}`);
  } catch {
    return alive(pid);
  }
}

/**
 * The local redis-server processes. An instance directory exists from the moment the agent
 * first starts an instance until it is removed, so a crashed instance stays "exited" (and is
 * reported) instead of being restarted behind the control plane's back; the control plane
 * restarts it by raising its run generation.
 */
export class Supervisor {
  private readonly tracked = new Map<string, Tracked>();
  private readonly redisServer = requireBinary('redis-server', 'Install Redis 7 (Debian/Ubuntu: `apt-get install redis-server`).');
  private watcher: NodeJS.Timeout | undefined;

  constructor(
    private readonly dataDir: string,
    private readonly address: string,
    private readonly log: Logger,
    private readonly onChange: () => void,
  ) {
    mkdirSync(this.instancesDir, { recursive: true });
  }

  private get instancesDir() {
    return join(this.dataDir, 'instances');
  }

  private dirOf(nodeId: string) {
    return join(this.instancesDir, nodeId);
  }

  /** Takes over instances left running by an earlier agent process, without restarting them. */
  adopt(): void {
    for (const nodeId of readdirSync(this.instancesDir)) {
      const dir = this.dirOf(nodeId);
      let instance: AgentInstance;
      try {
        instance = JSON.parse(readFileSync(join(dir, 'instance.json'), 'utf8')) as AgentInstance;
      } catch {
        continue;
      }
      const pidText = existsSync(join(dir, 'redis.pid')) ? readFileSync(join(dir, 'redis.pid'), 'utf8').trim() : '';
      const pid = Number(pidText) || null;
      const running = pid !== null && isOurRedis(pid, this.address, instance.port);
      this.tracked.set(nodeId, {
        nodeId,
        port: instance.port,
        pid: running ? pid : null,
        state: running ? 'running' : 'exited',
        exitCode: null,
        signal: null,
        runGeneration: instance.runGeneration ?? 1,
        revision: instance.revision ?? null,
        startFailure: null,
      });
      this.log.info({ nodeId, port: instance.port, pid, running }, 'adopted instance');
    }
    // Adopted processes are not our children: notice their exit by polling.
    this.watcher = setInterval(() => this.checkAdopted(), 200);
  }

  private checkAdopted() {
    for (const t of this.tracked.values()) {
      if (t.state === 'running' && t.pid !== null && !alive(t.pid)) {
        t.state = 'exited';
        this.log.warn({ nodeId: t.nodeId, pid: t.pid }, 'instance exited');
        this.onChange();
      }
    }
  }

  report(): InstanceReport[] {
    return [...this.tracked.values()].map(({ nodeId, port, pid, state, exitCode, signal, runGeneration, revision, startFailure }) => ({ nodeId, port, pid, state, exitCode, signal, runGeneration, revision, startFailure }));
  }

  /**
   * Starts what is assigned and was never started here; restarts what has a newer run
   * generation; rewrites redis.conf of what has a new configuration (Redis itself is changed
   * online by the control plane); stops and erases what is no longer assigned.
   */
  async converge(instances: AgentInstance[]): Promise<void> {
    const wanted = new Map(instances.map((i) => [i.nodeId, i]));
    // One instance that fails (a full disk) does not hold the others up; the next change tries it again.
    const each = async (nodeId: string, what: string, fn: () => Promise<void> | void) => {
      try {
        await fn();
      } catch (err) {
        this.log.error({ err, nodeId }, `could not ${what} the instance`);
      }
    };
    for (const nodeId of [...this.tracked.keys()]) if (!wanted.has(nodeId)) await each(nodeId, 'remove', () => this.remove(nodeId));
    for (const i of instances) {
      const t = this.tracked.get(i.nodeId);
      if (!t) this.start(i);
      else if (i.runGeneration > t.runGeneration) await this.restart(t, i);
      else {
        await each(i.nodeId, 'rewrite redis.conf of', () => {
          if (!this.writeConfig(i)) return;
          t.revision = i.revision;
          this.onChange();
        });
      }
    }
  }

  /** Writes instance.json and redis.conf; true when redis.conf changed. */
  private writeConfig(i: AgentInstance): boolean {
    const dir = this.dirOf(i.nodeId);
    mkdirSync(dir, { recursive: true });
    const conf = renderRedisConf(i, { address: this.address, dir });
    const file = join(dir, 'redis.conf');
    const before = existsSync(file) ? readFileSync(file, 'utf8') : '';
    const json = JSON.stringify(i);
    if (!existsSync(join(dir, 'instance.json')) || readFileSync(join(dir, 'instance.json'), 'utf8') !== json) writeWhole(join(dir, 'instance.json'), json);
    if (before === conf) return false;
    writeWhole(file, conf);
    return true;
  }

  /**
   * Starts the instance's run. One that cannot start (redis.conf not written, redis-server gone
   * within EARLY_EXIT_MS) is reported exited with the reason, and not retried here: the control
   * plane starts it again (a new run generation) or places it elsewhere.
   */
  private start(i: AgentInstance) {
    const dir = this.dirOf(i.nodeId);
    const t: Tracked = { nodeId: i.nodeId, port: i.port, pid: null, state: 'running', exitCode: null, signal: null, runGeneration: i.runGeneration, revision: i.revision, startFailure: null };
    this.tracked.set(i.nodeId, t);
    const fail = (failure: StartFailure, extra: Record<string, unknown> = {}) => {
      Object.assign(t, { state: 'exited', pid: null, startFailure: failure, ...extra });
      this.log.error({ nodeId: i.nodeId, port: i.port, reason: failure.reason, noSpace: failure.noSpace }, 'could not start instance');
      this.onChange();
    };
    try {
      this.writeConfig(i);
    } catch (err) {
      t.revision = null;
      fail(failedWrite(err, diskSpace(this.dataDir)));
      return;
    }
    // Detached: a redis-server outlives the agent, and the next agent adopts it.
    const startedAt = Date.now();
    const child = spawn(this.redisServer, [join(dir, 'redis.conf')], { detached: true, stdio: 'ignore', cwd: dir });
    child.unref();
    t.pid = child.pid ?? null;
    child.once('error', (err) => {
      if (this.tracked.get(i.nodeId) === t && t.state !== 'stopping') fail({ reason: `could not spawn redis-server: ${err.message}`, noSpace: false, freeDiskBytes: diskSpace(this.dataDir)?.freeBytes ?? null });
    });
    child.once('exit', (code, signal) => {
      if (this.tracked.get(i.nodeId) !== t || t.state === 'stopping') return;
      if (Date.now() - startedAt < EARLY_EXIT_MS) {
        fail(earlyExit({ code, signal }, readLastLogLine(dir), diskSpace(this.dataDir)), { exitCode: code, signal });
        return;
      }
      Object.assign(t, { state: 'exited', exitCode: code, signal });
      this.log.warn({ nodeId: i.nodeId, port: i.port, code, signal }, 'instance exited');
      this.onChange();
    });
    this.log.info({ nodeId: i.nodeId, port: i.port, pid: child.pid, runGeneration: i.runGeneration }, 'started instance');
    this.onChange();
  }

  /** Stops the process (if it runs) and starts it again on the same data dir. */
  private async restart(t: Tracked, i: AgentInstance) {
    this.log.info({ nodeId: t.nodeId, from: t.runGeneration, to: i.runGeneration }, 'restarting instance');
    await this.stop(t);
    this.start(i);
  }

  private async stop(t: Tracked) {
    t.state = 'stopping';
    this.onChange();
    if (t.pid !== null && alive(t.pid)) {
      process.kill(t.pid, 'SIGTERM');
      const deadline = Date.now() + 5000;
      while (alive(t.pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      if (alive(t.pid)) process.kill(t.pid, 'SIGKILL');
    }
  }

  private async remove(nodeId: string) {
    const t = this.tracked.get(nodeId)!;
    // Reported as stopping until the process is gone and its data erased: the control plane
    // must not see "removed" while the node can still serve.
    await this.stop(t);
    rmSync(this.dirOf(nodeId), { recursive: true, force: true });
    this.tracked.delete(nodeId);
    this.log.info({ nodeId, port: t.port }, 'removed instance');
    this.onChange();
  }

  close() {
    clearInterval(this.watcher);
  }
}
