import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort, waitFor } from '@slotplane/embedded';

const root = fileURLToPath(new URL('../..', import.meta.url));
const dataDir = mkdtempSync(join(tmpdir(), 'slotplane-start-'));
const running: ChildProcess[] = [];

// Node ports 16100-16199: their cluster-bus ports (+10000) stay below the kernel's ephemeral range
// (32768+), where an outgoing connection's local port on 127.0.0.1 could hold one first.
/** Runs the README's start command (`./slotplane start`) with nothing configured but DATA_DIR and PORT. */
async function startSlotplane(port: number, { ownProcessGroup = false } = {}) {
  const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dataDir, PORT: String(port), AGENT_PORT_MIN: '16100', AGENT_PORT_MAX: '16199' };
  delete env.DATABASE_URL;
  delete env.REDIS_URL;
  // (In a process group of its own, as a shell runs it in the foreground: Ctrl-C signals the whole group.)
  const child = spawn(join(root, 'slotplane'), ['start'], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'], detached: ownProcessGroup });
  running.push(child);
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  await waitFor('slotplane start to print its API key', () => {
    if (child.exitCode !== null) throw new Error(`exited ${child.exitCode}: ${output}`);
    return /API key:\s+(sp_\S+)/.exec(output)?.[1];
  }, { timeoutMs: 60_000 });
  return { child, output: () => output };
}

async function stop(child: ChildProcess) {
  if (child.exitCode !== null) return;
  await new Promise((resolve) => {
    child.once('exit', resolve);
    child.kill('SIGINT');
  });
}

/** Waits for `child` to exit, up to `timeoutMs`; its exit code, or null for a signal (the test fails if it never exits). */
async function exited(child: ChildProcess, timeoutMs = 20_000): Promise<number | null> {
  await waitFor('slotplane start to exit', () => child.exitCode !== null || child.signalCode !== null, { timeoutMs, intervalMs: 100 });
  return child.exitCode;
}

/** The pid of the queue's redis-server that `start` runs (it says so itself: INFO server). */
function queueRedisPid(output: string): number {
  const port = /Queue:\s+redis:\/\/127\.0\.0\.1:(\d+)/.exec(output)?.[1];
  if (!port) throw new Error(`no queue address in: ${output}`);
  const password = readFileSync(join(dataDir, 'redis-password'), 'utf8').trim();
  const info = execFileSync('redis-cli', ['-p', port, '--no-auth-warning', '-a', password, 'info', 'server'], { encoding: 'utf8' });
  return Number(/process_id:(\d+)/.exec(info)![1]);
}
const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

afterAll(async () => {
  for (const c of running) await stop(c);
  // Cluster nodes outlive `slotplane start` by design; a failed test must not leave them behind.
  const instances = join(dataDir, 'agent', 'instances');
  for (const id of existsSync(instances) ? readdirSync(instances) : []) {
    try {
      process.kill(Number(readFileSync(join(instances, id, 'redis.pid'), 'utf8')), 'SIGKILL');
    } catch {
      // not running
    }
  }
  rmSync(dataDir, { recursive: true, force: true });
});

describe('slotplane start (embedded defaults)', () => {
  it('serves the API with a printed key, runs operations, and keeps its data across restarts', { timeout: 120_000 }, async () => {
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const first = await startSlotplane(port);
    const key = readFileSync(join(dataDir, 'api-key'), 'utf8').trim();
    expect(first.output()).toContain(key);
    expect(first.output()).toContain(`${base}/docs`);
    const headers = { authorization: `Bearer ${key}`, 'content-type': 'application/json' };
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- response bodies are checked by the assertions
    const call = async (method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> => {
      const res = await fetch(base + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
      return { status: res.status, body: await res.json() };
    };
    const settled = (opId: string) =>
      waitFor(`operation ${opId}`, async () => {
        const { body } = await call('GET', `/v1/operations/${opId}`);
        if (body.status === 'failed') throw new Error(`operation failed: ${JSON.stringify(body.error)}`);
        return body.status === 'succeeded' ? body : undefined;
      }, { timeoutMs: 30_000 });

    const created = await call('POST', '/v1/clusters', { name: 'demo', shards: 3, replicasPerShard: 1 });
    expect(created.status).toBe(202);
    await settled(created.body.operation.id);
    const id = created.body.cluster.id;
    expect((await call('GET', `/v1/clusters/${id}`)).body.status).toBe('available');

    // The README's last step: redis-cli -c against the new cluster.
    const { body: creds } = await call('GET', `/v1/clusters/${id}/credentials`);
    const cli = (...args: string[]) =>
      execFileSync('redis-cli', ['-c', '--user', creds.username, '-a', creds.password, '--no-auth-warning', '-h', creds.endpoints[0].host, '-p', String(creds.endpoints[0].port), ...args], { encoding: 'utf8' }).trim();
    expect(cli('set', 'greeting', 'hello')).toBe('OK');
    expect(cli('get', 'greeting')).toBe('hello');

    const docs = await fetch(`${base}/docs`);
    expect(docs.status).toBe(200);
    // The one test where start builds the admin console itself (the others serve the run's CONSOLE_DIR).
    expect(first.output()).toContain(`${base}/console/`);
    expect((await fetch(`${base}/console/`)).status).toBe(200);
    const spec = (await (await fetch(`${base}/openapi.json`)).json()) as { openapi: string };
    expect(spec.openapi).toMatch(/^3\./);

    await stop(first.child);
    const second = await startSlotplane(port);
    expect(second.output()).toContain(key);
    const listed = await call('GET', '/v1/clusters');
    expect(listed.body.items.map((c: { name: string }) => c.name)).toEqual(['demo']);

    const patched = await call('PATCH', `/v1/clusters/${id}`, { replicasPerShard: 2 });
    await settled(patched.body.operation.id);
    const deleted = await call('DELETE', `/v1/clusters/${id}`);
    await settled(deleted.body.operation.id);
    expect((await call('GET', `/v1/clusters/${id}`)).body.status).toBe('deleted');
    expect(() => cli('ping')).toThrow();
    await stop(second.child);
    expect(second.child.exitCode).toBe(0);
  });

  it('stops on SIGINT even when the queue\'s Redis died first (no retrying it forever)', { timeout: 90_000 }, async () => {
    const { child, output } = await startSlotplane(await freePort());
    const redisPid = queueRedisPid(output());
    process.kill(redisPid, 'SIGKILL');
    await waitFor('the queue\'s redis-server to be gone', () => !alive(redisPid));
    child.kill('SIGINT');
    expect(await exited(child)).toBe(0);
  });

  it('on Ctrl-C (SIGINT to its whole process group) stops the queue\'s Redis after what uses it', { timeout: 90_000 }, async () => {
    const { child, output } = await startSlotplane(await freePort(), { ownProcessGroup: true });
    const redisPid = queueRedisPid(output());
    const before = output().length;
    process.kill(-child.pid!, 'SIGINT');
    expect(await exited(child)).toBe(0);
    expect(alive(redisPid)).toBe(false);
    // Nothing that uses the queue saw it go away: it went last (only Postgres after it).
    expect(output().slice(before)).not.toMatch(/ECONNREFUSED|did not stop|while stopping/);
  });
});
