import { spawnSync, type ChildProcess } from 'node:child_process';
import { Cluster as RedisCluster } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq, ne, slotMoves } from '@slotplane/db';
import { NodeAdmin } from '@slotplane/redis-admin';
import { startControlPlane, tenantClient, waitFor, type ControlPlane } from '@slotplane/testkit';
import { startCountedWrites } from './counted-writes.ts';

// A worker killed -9 again and again in the middle of slot migration, at every journal state.
let cp: ControlPlane;
let call: ReturnType<typeof tenantClient>['call'];
let settled: ReturnType<typeof tenantClient>['settled'];

beforeAll(async () => {
  cp = await startControlPlane({
    hosts: [
      { name: 'rc-a', address: '127.0.0.81' },
      { name: 'rc-b', address: '127.0.0.82' },
      { name: 'rc-c', address: '127.0.0.83' },
    ],
    portMin: 19000,
    portMax: 19099,
    worker: false,
  });
  ({ call, settled } = tenantClient(cp.api.app, (await cp.api.tenant()).auth));
});
afterAll(() => cp?.stop());

const exitOf = (child: ChildProcess) =>
  new Promise<NodeJS.Signals | null>((resolve) => (child.exitCode !== null || child.signalCode ? resolve(child.signalCode) : child.once('exit', (_c, signal) => resolve(signal))));

// The first worker dies right after journaling the moves; the next ones at each state of a chunk's move.
// (Each dies within its first chunk of 256 slots, so every round moves at most one chunk per pair.)
const FAILPOINTS = ['move-importing', 'move-migrating', 'move-draining', 'move-owner_target', 'move-owner_source', 'move-owner_all'];
const KEYS = 10_000;
/** A dead worker's cluster is taken over after about a second, not the default ten. */
const FAST_TAKEOVER = { WORKER_LEASE_TTL_MS: '1000', WORKER_LOCK_MS: '1000' };

describe('resharding with the worker killed -9 at every journal state', () => {
  it('converges: every key kept, no acknowledged write lost, no slot left open', { timeout: 300_000 }, async () => {
    let worker = cp.startWorkerProcess();
    const { cluster, operation } = await call('POST', '/v1/clusters', { name: 'crashy', shards: 2, replicasPerShard: 0 });
    expect((await settled(operation.id)).status).toBe('succeeded');
    const creds = await call('GET', `/v1/clusters/${cluster.id}/credentials`);
    const tenant = { username: creds.username, password: creds.password };
    const client = new RedisCluster([creds.endpoints[0]], { redisOptions: tenant, enableAutoPipelining: true });
    for (let i = 0; i < KEYS; i += 1000) await Promise.all(Array.from({ length: 1000 }, (_, j) => client.set(`key:${i + j}`, `value-${i + j}`)));
    worker.kill('SIGKILL');
    await exitOf(worker);

    const writes = startCountedWrites(creds.endpoints[0], tenant);
    const patch = await call('PATCH', `/v1/clusters/${cluster.id}`, { shards: 3 });
    let kills = 0;
    // How long each round took, printed: a slow round is where a flake would come from.
    const rounds: string[] = [];
    // Each worker dies at the next failpoint it reaches; the next one resumes from the journal and Redis.
    for (let round = 0; round < 13; round++) {
      // Twelve workers die at a failpoint; the thirteenth is left to finish.
      const failpoint = round === 0 ? 'after-journalMoves' : round < 12 ? FAILPOINTS[(round - 1) % FAILPOINTS.length] : undefined;
      worker = cp.startWorkerProcess(failpoint, FAST_TAKEOVER);
      const roundStarted = Date.now();
      // A worker that dies at a failpoint does so in its first chunk (seconds); the last one moves
      // every slot left (about 26 s on an idle machine, 50 s with the suite beside it).
      // (Its polling stops with the round: left running, twelve rounds' pollers met the API's rate limit.)
      let over = false;
      const done = waitFor('the operation to settle', async () => {
        if (over) return { status: 'round over' };
        const op = await call('GET', `/v1/operations/${patch.operation.id}`);
        return ['succeeded', 'failed'].includes(op.status) ? op : undefined;
      }, { timeoutMs: failpoint ? 60_000 : 180_000, intervalMs: 100 });
      const outcome = await Promise.race([exitOf(worker).then((signal) => ({ signal })), done.then((op) => ({ op }))]);
      over = true;
      rounds.push(`${failpoint ?? 'to the end'} ${((Date.now() - roundStarted) / 1000).toFixed(1)} s`);
      if ('signal' in outcome) {
        expect(outcome.signal).toBe('SIGKILL');
        kills++;
        continue;
      }
      worker.kill('SIGKILL');
      await exitOf(worker);
      expect(outcome.op.status).toBe('succeeded');
      break;
    }
    const result = await writes.stop();
    expect(kills).toBeGreaterThanOrEqual(10);
    console.log(`resharding survived ${kills} kill -9s of its worker; rounds: ${rounds.join(', ')}`);
    expect(result.lost).toEqual([]);
    expect((await call('GET', `/v1/operations/${patch.operation.id}`)).status).toBe('succeeded');

    // Nothing left open: the journal is done, and Redis agrees (the reference tool's check).
    const open = await cp.api.database.db.select().from(slotMoves).where(and(eq(slotMoves.clusterId, cluster.id), ne(slotMoves.state, 'done')));
    expect(open).toEqual([]);
    const after = await call('GET', `/v1/clusters/${cluster.id}`);
    expect(after.shards).toHaveLength(3);
    const password = await cp.adminPassword(cluster.id);
    const check = spawnSync('redis-cli', ['--cluster', 'check', `${after.shards[0].primary.host}:${after.shards[0].primary.port}`, '--user', 'slotplane', '--pass', password, '--no-auth-warning'], { encoding: 'utf8' }).stdout;
    expect(check).toContain('[OK] All 16384 slots covered.');
    expect(check).not.toMatch(/\[WARNING\]|\[ERR\]/);
    for (const s of after.shards) {
      const admin = new NodeAdmin({ host: s.primary.host, port: s.primary.port, password });
      const self = (await admin.nodes()).find((e) => e.myself)!;
      expect(self.migrating.concat(self.importing as never[])).toEqual([]);
      admin.close();
    }
    client.disconnect();
    const reader = new RedisCluster([after.shards[0].primary], { redisOptions: tenant, enableAutoPipelining: true });
    const values = await Promise.all(Array.from({ length: KEYS }, (_, i) => reader.get(`key:${i}`)));
    expect(values.findIndex((v, i) => v !== `value-${i}`)).toBe(-1);
    reader.disconnect();
  });
});
