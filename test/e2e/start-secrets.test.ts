import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { waitFor } from '@slotplane/embedded';
import { parseKey } from '@slotplane/secrets';
import { childCommand } from '@slotplane/testkit';

const root = fileURLToPath(new URL('../..', import.meta.url));
const dataDir = mkdtempSync(join(tmpdir(), 'slotplane-start-secrets-'));
const running: ChildProcess[] = [];
// This file's own addresses and ports: the API on 127.0.0.101:21001, nodes on 21100-21199 (bus +10000).
const base = 'http://127.0.0.101:21001';

function slotplane(args: string[]) {
  const env: NodeJS.ProcessEnv = { ...process.env, CONSOLE_DIR: inject('consoleDir'), DATA_DIR: dataDir, HOST: '127.0.0.101', PORT: '21001', AGENT_PORT_MIN: '21100', AGENT_PORT_MAX: '21199' };
  for (const name of ['DATABASE_URL', 'REDIS_URL', 'SECRETS_KEY', 'SECRETS_KEY_PREVIOUS']) delete env[name];
  const [node, cli] = childCommand('cli');
  const child = spawn(node, [...cli, ...args], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
  running.push(child);
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, out: () => out, exited };
}

async function start() {
  const run = slotplane(['start']);
  await waitFor('slotplane start to print its API key', () => {
    if (run.child.exitCode !== null) throw new Error(`exited ${run.child.exitCode}: ${run.out()}`);
    return /API key:\s+sp_\S+/.test(run.out());
  }, { timeoutMs: 60_000 });
  return run;
}

async function stop(child: ChildProcess) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  await new Promise((resolve) => {
    child.once('exit', resolve);
    child.kill('SIGINT');
  });
}

/** Every directory and file under `dir` whose mode is not 0700 / 0600. */
function notPrivate(dir: string): string[] {
  const found: string[] = [];
  const walk = (path: string) => {
    const st = lstatSync(path, { throwIfNoEntry: false });
    if (!st || st.isSymbolicLink()) return;
    const want = st.isDirectory() ? 0o700 : 0o600;
    if ((st.mode & 0o777) !== want) found.push(`${path.slice(dataDir.length)} ${(st.mode & 0o777).toString(8)}`);
    if (st.isDirectory()) for (const name of readdirSync(path)) walk(join(path, name));
  };
  walk(dir);
  return found;
}

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

describe('slotplane start: secrets and the data dir', () => {
  it('keeps the data dir private, the queue behind a password, and the clusters working across a key rotation', { timeout: 240_000 }, async () => {
    // What an earlier version left: a world-readable key file and directory.
    mkdirSync(join(dataDir, 'redis'), { mode: 0o755 });
    writeFileSync(join(dataDir, 'api-key'), 'sp_stale\n', { mode: 0o644 });

    const first = await start();
    const headers = { authorization: `Bearer ${readFileSync(join(dataDir, 'api-key'), 'utf8').trim()}`, 'content-type': 'application/json' };
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- response bodies are checked by the assertions
    const call = async (method: string, path: string, body?: unknown): Promise<any> => (await fetch(base + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) })).json();
    const settled = (opId: string) =>
      waitFor(`operation ${opId}`, async () => {
        const op = await call('GET', `/v1/operations/${opId}`);
        if (op.status === 'failed') throw new Error(`operation failed: ${JSON.stringify(op.error)}`);
        return op.status === 'succeeded';
      }, { timeoutMs: 60_000, intervalMs: 200 });

    const created = await call('POST', '/v1/clusters', { name: 'kept', shards: 1, replicasPerShard: 0 });
    await settled(created.operation.id);
    const id = created.cluster.id;
    const before = await call('GET', `/v1/clusters/${id}/credentials`);

    // Everything under the data dir is the owner's alone: PGlite's files, Redis's, the agent's
    // (redis.conf holds the node passwords), the keys; what the earlier version left included.
    expect(notPrivate(dataDir)).toEqual([]);
    for (const file of ['secrets-key', 'redis-password', 'api-key', 'pg']) expect(existsSync(join(dataDir, file)), file).toBe(true);
    const firstKey = parseKey(readFileSync(join(dataDir, 'secrets-key'), 'utf8'));

    // The queue's Redis answers only with the password kept in the data dir.
    const queuePort = Number(/Queue:\s+redis:\/\/127\.0\.0\.1:(\d+)/.exec(first.out())?.[1]);
    const anonymous = new Redis({ host: '127.0.0.1', port: queuePort, lazyConnect: true, enableReadyCheck: false, maxRetriesPerRequest: 0, retryStrategy: () => null });
    await expect(anonymous.ping()).rejects.toThrow(/NOAUTH/);
    anonymous.disconnect();
    const authed = new Redis({ host: '127.0.0.1', port: queuePort, password: readFileSync(join(dataDir, 'redis-password'), 'utf8').trim(), lazyConnect: true, maxRetriesPerRequest: 0 });
    expect(await authed.ping()).toBe('PONG');
    authed.disconnect();
    await stop(first.child);

    const rotation = slotplane(['secrets', 'rotate-key']);
    expect(await rotation.exited, rotation.out()).toBe(0);
    expect(rotation.out()).toContain(`key ${firstKey.id} is deleted`);
    const secondKey = parseKey(readFileSync(join(dataDir, 'secrets-key'), 'utf8'));
    expect(secondKey.id).not.toBe(firstKey.id);

    // Under the new key: the same password for the tenant, and the worker still commands the
    // nodes (a replica joins, authenticating to its primary).
    const second = await start();
    expect((await call('GET', `/v1/clusters/${id}/credentials`)).password).toBe(before.password);
    await settled((await call('PATCH', `/v1/clusters/${id}`, { replicasPerShard: 1 })).operation.id);
    expect(parseKey(readFileSync(join(dataDir, 'secrets-key'), 'utf8')).id).toBe(secondKey.id);
    await settled((await call('DELETE', `/v1/clusters/${id}`)).operation.id);
    await stop(second.child);

    // A lost key file is not replaced by a new key (the stored secrets would be lost with it).
    renameSync(join(dataDir, 'secrets-key'), join(dataDir, 'secrets-key.lost'));
    const refused = slotplane(['start']);
    expect(await refused.exited).not.toBe(0);
    expect(refused.out()).toContain('secrets-key is missing, but the database holds secrets encrypted under a key');
    expect(existsSync(join(dataDir, 'secrets-key'))).toBe(false);
  });
});
