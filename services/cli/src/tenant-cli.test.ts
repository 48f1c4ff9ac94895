import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliCommand, loseShardData, startApiHarness, waitFor, type ApiHarness } from '@slotplane/testkit';

const root = fileURLToPath(new URL('../../..', import.meta.url));
// No config file but the ones a test writes: the one in the developer's home is not read.
const noConfig = mkdtempSync(join(tmpdir(), 'slotplane-no-config-'));
let h: ApiHarness;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  h = await startApiHarness();
  await h.app.listen({ host: '127.0.0.1', port: 0 });
  const { auth } = await h.tenant();
  env = { ...process.env, XDG_CONFIG_HOME: noConfig, SLOTPLANE_CONFIG: '', SLOTPLANE_API_URL: `http://127.0.0.1:${(h.app.server.address() as AddressInfo).port}`, SLOTPLANE_API_KEY: auth.authorization.replace('Bearer ', '') };
});
afterAll(async () => {
  await h?.close();
  rmSync(noConfig, { recursive: true, force: true });
});

/** Runs `slotplane <args>` against the API under test. */
function slotplane(args: string[], environment = env): Promise<{ code: number; out: string; err: string }> {
  return new Promise((resolve) => {
    execFile(...cliCommand(args), { cwd: root, env: environment }, (error, out, err) =>
      resolve({ code: error ? Number(error.code ?? 1) : 0, out, err }),
    );
  });
}

describe('slotplane clusters, operations (a tenant, over the API)', () => {
  it('creates a cluster and shows it in the list and by name', async () => {
    const made = await slotplane(['clusters', 'create', 'orders', '--shards', '3', '--replicas', '1', '--memory', '512', '--persistence', 'aof']);
    expect(made.code, made.err).toBe(0);
    expect(made.out).toMatch(/cluster orders \(\S+\): creating/);
    expect(made.out).toMatch(/create\s+pending\s+0%/);

    const listed = await slotplane(['clusters', 'list']);
    expect(listed.code).toBe(0);
    expect(listed.out).toMatch(/^NAME\s+STATUS\s+SHARDS/);
    expect(listed.out).toMatch(/orders\s+creating\s+3\s+1\s+512 MB\s+aof/);

    const got = await slotplane(['clusters', 'get', 'orders']);
    expect(got.code).toBe(0);
    expect(got.out).toMatch(/persistence\s+aof/);
    expect(got.out).toMatch(/durability\s+strict/);
    expect(got.out).toMatch(/shards\s+3/);
  });

  it('prints JSON with --output json', async () => {
    const made = await slotplane(['clusters', 'create', 'ledger', '--shards', '1', '--replicas', '0', '--output', 'json']);
    const { cluster, operation } = JSON.parse(made.out);
    expect(cluster).toMatchObject({ name: 'ledger', spec: { shards: 1, replicasPerShard: 0 } });
    const op = await slotplane(['operations', 'get', operation.id, '--output', 'json']);
    expect(JSON.parse(op.out)).toMatchObject({ id: operation.id, kind: 'create', clusterId: cluster.id });
    const listed = JSON.parse((await slotplane(['clusters', 'list', '--output', 'json'])).out) as { name: string }[];
    expect(listed.map((c) => c.name)).toContain('ledger');
  });

  it('answers an API error with exit 1 and the problem on stderr', async () => {
    const missing = await slotplane(['operations', 'get', '00000000-0000-4000-8000-000000000000']);
    expect(missing.code).toBe(1);
    expect(missing.err).toMatch(/error: .*operation/i);
    expect(missing.err).toContain('404 not_found');

    const invalid = await slotplane(['clusters', 'create', 'Bad_Name', '--shards', '1', '--replicas', '0']);
    expect(invalid.code).toBe(1);
    expect(invalid.err).toContain('body.name');
    expect(invalid.err).toContain('400 validation_failed');

    const unknown = await slotplane(['clusters', 'get', 'nope']);
    expect(unknown.code).toBe(1);
    expect(unknown.err).toContain('no cluster named "nope"');

    const stranger = await slotplane(['clusters', 'list'], { ...env, SLOTPLANE_API_KEY: 'sp_wrong' });
    expect(stranger.code).toBe(1);
    expect(stranger.err).toContain('401 unauthorized');
  });

  it('refuses bad usage with exit 2, sending nothing', async () => {
    for (const args of [
      ['clusters', 'create', 'bad-usage', '--shards', 'three', '--replicas', '0'],
      ['clusters', 'create', 'bad-usage', '--replicas', '0'],
      ['clusters', 'create', 'bad-usage', '--shards', '1', '--replicas', '0', '--persistence', 'sometimes'],
      ['clusters', 'create', 'bad-usage', '--shards', '1', '--replicas', '0', '--output', 'yaml'],
      ['clusters', 'get'],
      ['clusters', 'list', '--colour'],
    ]) {
      const res = await slotplane(args);
      expect(res.code, args.join(' ')).toBe(2);
      expect(res.err, args.join(' ')).toContain('usage: slotplane clusters');
    }
    const unconfigured = await slotplane(['clusters', 'list'], { ...env, SLOTPLANE_API_URL: '' });
    expect(unconfigured.code).toBe(2);
    expect(unconfigured.err).toContain('SLOTPLANE_API_URL');
    expect((await slotplane(['clusters', 'list', '--output', 'json'])).out).not.toContain('bad-usage');
  });

  it('takes the API from --api-url and --api-key too', async () => {
    const res = await slotplane(['clusters', 'list', '--api-url', env.SLOTPLANE_API_URL!, '--api-key', env.SLOTPLANE_API_KEY!], { ...env, SLOTPLANE_API_URL: '', SLOTPLANE_API_KEY: '' });
    expect(res.code, res.err).toBe(0);
    expect(res.out).toContain('orders');
  });

  it('scales and deletes by name, each starting an operation', async () => {
    await slotplane(['clusters', 'create', 'elastic', '--shards', '1', '--replicas', '0']);
    const scaled = await slotplane(['clusters', 'scale', 'elastic', '--shards', '2', '--replicas', '1', '--output', 'json']);
    expect(scaled.code, scaled.err).toBe(0);
    expect(JSON.parse(scaled.out)).toMatchObject({ cluster: { spec: { shards: 2, replicasPerShard: 1 } }, operation: { kind: 'update' } });
    const deleted = await slotplane(['clusters', 'delete', 'elastic']);
    expect(deleted.code, deleted.err).toBe(0);
    expect(deleted.out).toMatch(/delete\s+pending/);
  });

  it("shows a shard's data loss in clusters get until ack-loss acknowledges it", async () => {
    await slotplane(['clusters', 'create', 'lossy', '--shards', '1', '--replicas', '0']);
    const id = JSON.parse((await slotplane(['clusters', 'get', 'lossy', '--output', 'json'])).out).id;
    const { lossId } = await loseShardData(h.database.db, id);
    const shown = await slotplane(['clusters', 'get', 'lossy']);
    expect(shown.out).toMatch(new RegExp(`${lossId}\\s+0\\s+\\S+\\s+persistence is none`));
    expect(shown.out).toContain('slotplane clusters ack-loss lossy <id>');
    const acked = await slotplane(['clusters', 'ack-loss', 'lossy', lossId, '--output', 'json']);
    expect(acked.code, acked.err).toBe(0);
    expect(JSON.parse(acked.out).dataLoss).toEqual([]);
    expect((await slotplane(['clusters', 'get', 'lossy'])).out).not.toContain(lossId);
    const unknown = await slotplane(['clusters', 'ack-loss', 'lossy', '01890a5d-ac96-774b-bcce-b302099a8057']);
    expect(unknown.code).toBe(1);
    expect(unknown.err).toContain('404 not_found');
  });
});

describe('slotplane events tail --type', () => {
  /** `events tail --from-start --output json <args>` until `done` holds for the types it printed; returns them. */
  async function tailTypes(args: string[], done: (types: string[]) => boolean): Promise<string[]> {
    const tail = spawn(...cliCommand(['events', 'tail', '--from-start', '--output', 'json', ...args]), { cwd: root, env });
    let lines = '';
    tail.stdout.on('data', (chunk: Buffer) => (lines += chunk.toString()));
    const types = () => lines.split('\n').filter(Boolean).map((l) => (JSON.parse(l) as { type: string }).type);
    try {
      return await waitFor(`events tail ${args.join(' ')}`, async () => (done(types()) ? types() : undefined), { timeoutMs: 30_000, intervalMs: 100 });
    } finally {
      tail.kill('SIGTERM');
    }
  }

  it('prints only the events of the types asked for, one or several', async () => {
    const auth = { authorization: `Bearer ${env.SLOTPLANE_API_KEY}` };
    const { cluster } = (await h.app.inject({ method: 'POST', url: '/v1/clusters', headers: auth, payload: { name: 'typed', shards: 1, replicasPerShard: 0 } })).json();
    await h.app.inject({ method: 'PATCH', url: `/v1/clusters/${cluster.id}`, headers: auth, payload: { shards: 2 } });
    await h.app.inject({ method: 'DELETE', url: `/v1/clusters/${cluster.id}`, headers: auth });

    const [one, several] = await Promise.all([
      // One type: the API filters.
      tailTypes(['--type', 'cluster.updated'], (types) => types.includes('cluster.updated')),
      // Several, repeated and comma-separated: the CLI filters the stream.
      tailTypes(['--type', 'cluster.created', '--type', 'operation.cancelled,cluster.delete_requested'], (types) => types.includes('cluster.delete_requested')),
    ]);
    expect(new Set(one)).toEqual(new Set(['cluster.updated']));
    expect(new Set(several)).toEqual(new Set(['cluster.created', 'cluster.delete_requested']));
  });

  it('refuses a type not in the catalogue with exit 2', async () => {
    const res = await slotplane(['events', 'tail', '--type', 'cluster.created,cluster.exploded']);
    expect(res.code).toBe(2);
    expect(res.err).toContain('--type "cluster.exploded" is not an event type: one of cluster.created,');
  });
});
