import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { childCommand, startControlPlane, waitFor, type ControlPlane } from '@slotplane/testkit';

// The tenant CLI against a whole control plane: three agents on addresses of their own.
const HOSTS = [
  { name: 'host-a', address: '127.0.0.131', zone: 'a' },
  { name: 'host-b', address: '127.0.0.132', zone: 'b' },
  { name: 'host-c', address: '127.0.0.133', zone: 'c' },
];
const root = fileURLToPath(new URL('../..', import.meta.url));
const [node, cli] = childCommand('cli');
// No config file: the one in the developer's home (an "output", say) is not read.
const noConfig = mkdtempSync(join(tmpdir(), 'slotplane-no-config-'));
let cp: ControlPlane;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  cp = await startControlPlane({ hosts: HOSTS, portMin: 12500, portMax: 12549 });
  const { auth } = await cp.api.tenant();
  env = { ...process.env, XDG_CONFIG_HOME: noConfig, SLOTPLANE_CONFIG: '', SLOTPLANE_API_URL: cp.baseUrl, SLOTPLANE_API_KEY: auth.authorization.replace('Bearer ', '') };
});
afterAll(async () => {
  await cp?.stop();
  rmSync(noConfig, { recursive: true, force: true });
});

function slotplane(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  return new Promise((resolve) => {
    execFile(node, [...cli, ...args], { cwd: root, env }, (error, out, err) => resolve({ code: error ? Number(error.code ?? 1) : 0, out, err }));
  });
}

describe('slotplane clusters with --wait and events tail, on a real control plane', () => {
  it('create --wait returns once the cluster is available', { timeout: 180_000 }, async () => {
    const res = await slotplane('clusters', 'create', 'tenant-cli', '--shards', '2', '--replicas', '1', '--wait', '--output', 'json');
    expect(res.code, res.err).toBe(0);
    const { cluster, operation } = JSON.parse(res.out);
    expect(operation).toMatchObject({ kind: 'create', status: 'succeeded', progress: 100 });
    expect(cluster).toMatchObject({ name: 'tenant-cli', status: 'available' });
    const creds = JSON.parse((await slotplane('clusters', 'credentials', 'tenant-cli', '--output', 'json')).out);
    expect(creds.endpoints).toHaveLength(4);
  });

  it('scale --wait adds a shard while events tail shows the operation succeed', { timeout: 180_000 }, async () => {
    const tail = spawn(node, [...cli, 'events', 'tail', '--cluster', 'tenant-cli', '--from-start', '--output', 'json'], { cwd: root, env });
    let lines = '';
    tail.stdout.on('data', (chunk: Buffer) => (lines += chunk.toString()));
    const types = () => lines.split('\n').filter(Boolean).map((l) => (JSON.parse(l) as { type: string }).type);
    try {
      // From the start: it prints the create's events first, so it is connected before the change.
      await waitFor('the tail to print the create', async () => (types().includes('operation.succeeded') ? true : undefined), { timeoutMs: 30_000, intervalMs: 100 });
      const res = await slotplane('clusters', 'scale', 'tenant-cli', '--shards', '3', '--wait', '--output', 'json');
      expect(res.code, res.err).toBe(0);
      expect(JSON.parse(res.out)).toMatchObject({ operation: { kind: 'update', status: 'succeeded' }, cluster: { spec: { shards: 3 }, status: 'available' } });
      const got = JSON.parse((await slotplane('clusters', 'get', 'tenant-cli', '--output', 'json')).out);
      expect(got.shards).toHaveLength(3);
      await waitFor('the tail to print the scale succeeding', async () => (types().filter((t) => t === 'operation.succeeded').length === 2 ? true : undefined), { timeoutMs: 30_000, intervalMs: 100 });
      expect(types()).toContain('cluster.updated');
    } finally {
      tail.kill('SIGTERM');
    }
  });

  it('delete --wait returns once the cluster is gone', { timeout: 120_000 }, async () => {
    const res = await slotplane('clusters', 'delete', 'tenant-cli', '--wait');
    expect(res.code, res.err).toBe(0);
    expect(res.out).toMatch(/delete\s+succeeded\s+100%/);
    expect(res.out).toMatch(/: deleted\n/);
    expect((await slotplane('clusters', 'get', 'tenant-cli')).code).toBe(1);
  });
});
