import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Cluster as RedisCluster, Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { passwordHash } from '@slotplane/core';
import { startControlPlane, tenantClient, waitFor, type ControlPlane } from '@slotplane/testkit';

// Password rotation on a running 2x1 cluster, with clients that keep working through it.
//
// "No downtime" here means, precisely:
// - a client that started on the old password and never changes it gets no error from any
//   command for the whole test, grace period included (its connections stay logged in), and a
//   NEW connection with the old password is accepted by every node until the grace period ends;
// - a client that switches to the password GET /credentials gives it, the moment the rotation
//   operation succeeds, gets no error from any command, before or after switching;
// - no redis-server process restarts (same pids before and after).
// Then, the grace period over, every node refuses a new login with the old password and takes the new one.
const HOSTS = [
  { name: 'rot-a', address: '127.0.0.121', zone: 'a' },
  { name: 'rot-b', address: '127.0.0.122', zone: 'b' },
  { name: 'rot-c', address: '127.0.0.123', zone: 'c' },
];
const GRACE_SECONDS = 3;
let cp: ControlPlane;
let call: ReturnType<typeof tenantClient>['call'];
let settled: ReturnType<typeof tenantClient>['settled'];

beforeAll(async () => {
  cp = await startControlPlane({ hosts: HOSTS, portMin: 22500, portMax: 22599 });
  ({ call, settled } = tenantClient(cp.api.app, (await cp.api.tenant()).auth));
});
afterAll(() => cp?.stop());

type Endpoint = { host: string; port: number };
type Credentials = { username: string; password: string; endpoints: Endpoint[] };

/** A fresh connection to one node, then AUTH: the node's own answer ('OK', or the error) for this password. */
async function login(node: Endpoint, username: string, password: string): Promise<string> {
  const c = new Redis({ ...node, lazyConnect: true, enableReadyCheck: false, maxRetriesPerRequest: 0, retryStrategy: () => null, connectTimeout: 2000 });
  c.on('error', () => {});
  try {
    await c.connect();
    return String(await c.call('AUTH', username, password).catch((err: Error) => err.message));
  } finally {
    c.disconnect();
  }
}
const loginEverywhere = (nodes: Endpoint[], username: string, password: string) => Promise.all(nodes.map((n) => login(n, username, password)));

/** A client that keeps writing and reading its own keys back, counting every command that failed and why. */
function startClient(name: string, creds: Credentials) {
  const connect = (c: Credentials) => {
    const client = new RedisCluster(c.endpoints.slice(0, 1), { redisOptions: { username: c.username, password: c.password }, clusterRetryStrategy: () => 100 });
    client.on('error', () => {});
    return client;
  };
  let client = connect(creds);
  const failures: string[] = [];
  let ok = 0;
  let running = true;
  const loops = Array.from({ length: 8 }, async (_, i) => {
    for (let n = 0; running; n++) {
      const key = `${name}:${i}`;
      try {
        await client.set(key, String(n));
        if ((await client.get(key)) !== String(n)) throw new Error(`read back something else than ${n}`);
        ok++;
      } catch (err) {
        failures.push((err as Error).message);
        await new Promise((r) => setTimeout(r, 50));
      }
    }
  });
  return {
    ok: () => ok,
    failures,
    /** Goes on with a client logged in with `next`; the old one is closed once no command uses it. */
    switchTo(next: Credentials) {
      const old = client;
      client = connect(next);
      setTimeout(() => old.disconnect(), 1000);
    },
    async stop() {
      running = false;
      await Promise.all(loops);
      client.disconnect();
    },
  };
}

describe('rotating the tenant password of a running 2x1 cluster', () => {
  it('hands out a new password that works on every node once the operation succeeds, keeps the old one for the grace period, then refuses it; clients run on throughout', async () => {
    const created = await call('POST', '/v1/clusters', { name: 'rotated', shards: 2, replicasPerShard: 1 });
    const clusterId: string = created.cluster.id;
    expect((await settled(created.operation.id)).status).toBe('succeeded');
    const old: Credentials = await call('GET', `/v1/clusters/${clusterId}/credentials`);
    const nodes = old.endpoints.map(({ host, port }) => ({ host, port }));
    expect(nodes).toHaveLength(4);
    const pids = cp.agents.flatMap((a) => a.redisPids(clusterId)).sort();

    let fresh: Credentials | undefined;
    const stayer = startClient('stayer', old);
    const switcher = startClient('switcher', old);
    try {
      await waitFor('both clients to be writing', () => stayer.ok() > 50 && switcher.ok() > 50, { timeoutMs: 20_000 });

      const { operation } = await call('POST', `/v1/clusters/${clusterId}/credentials/rotate`, { graceSeconds: GRACE_SECONDS });
      expect(operation).toMatchObject({ kind: 'rotate_password', status: 'pending' });
      // Until the rotation succeeds, /credentials keeps answering the password every node takes.
      const during: Credentials = await call('GET', `/v1/clusters/${clusterId}/credentials`);
      const op = await settled(operation.id);
      expect(op, JSON.stringify(op.error)).toMatchObject({ status: 'succeeded' });
      if (during.password !== old.password) expect(await loginEverywhere(nodes, during.username, during.password)).toEqual(nodes.map(() => 'OK'));

      const next: Credentials = await call('GET', `/v1/clusters/${clusterId}/credentials`);
      fresh = next;
      expect(next.username).toBe(old.username);
      expect(next.password).not.toBe(old.password);
      switcher.switchTo(next);
      // Once succeeded: the new password works on every node, and the old one still does (grace).
      expect(await loginEverywhere(nodes, next.username, next.password)).toEqual(nodes.map(() => 'OK'));
      expect(await loginEverywhere(nodes, old.username, old.password)).toEqual(nodes.map(() => 'OK'));
      // Every node's redis.conf carries both (their SHA-256: no password is on a host), so a node restarted now would take either.
      const confs = () => cp.agents.flatMap((a) => confsOf(a.dataDir, clusterId));
      expect(confs()).toHaveLength(4);
      for (const conf of confs()) {
        expect(conf).toContain(`#${passwordHash(next.password)}`);
        expect(conf).toContain(`#${passwordHash(old.password)}`);
      }
      const switched = switcher.ok();
      await waitFor('the switched client to go on writing', () => switcher.ok() > switched + 50, { timeoutMs: 10_000 });

      // The grace period over: the old password is refused by every node, the new one taken.
      await waitFor('every node to refuse the old password', async () => (await loginEverywhere(nodes, old.username, old.password)).every((r) => r.startsWith('WRONGPASS')), { timeoutMs: 30_000, intervalMs: 200 });
      expect(await loginEverywhere(nodes, next.username, next.password)).toEqual(nodes.map(() => 'OK'));
      await waitFor('every redis.conf to drop the old password', () => confs().every((c) => !c.includes(`#${passwordHash(old.password)}`) && c.includes(`#${passwordHash(next.password)}`)), { timeoutMs: 30_000, intervalMs: 200 });
      const [stayed, moved] = [stayer.ok(), switcher.ok()];
      await waitFor('both clients to go on after the old password was retired', () => stayer.ok() > stayed + 50 && switcher.ok() > moved + 50, { timeoutMs: 10_000 });
    } finally {
      await stayer.stop();
      await switcher.stop();
    }
    expect(switcher.failures).toEqual([]);
    // Logged in before the old password was retired: Redis keeps such connections.
    expect(stayer.failures).toEqual([]);
    expect(cp.agents.flatMap((a) => a.redisPids(clusterId)).sort()).toEqual(pids);

    const page = await call('GET', `/v1/events?clusterId=${clusterId}&limit=500`);
    const types = page.items.map((e: { type: string }) => e.type);
    expect(types).toEqual(expect.arrayContaining(['cluster.password_rotation_requested', 'cluster.previous_password_retired']));
    expect(types.indexOf('cluster.previous_password_retired')).toBeGreaterThan(types.indexOf('cluster.password_rotation_requested'));
    expect(JSON.stringify(page.items)).not.toContain(old.password);
    expect(JSON.stringify(page.items)).not.toContain(fresh!.password);
  });
});

/** The redis.conf of every instance of the cluster in an agent's data dir. */
function confsOf(dataDir: string, clusterId: string): string[] {
  const dir = join(dataDir, 'instances');
  return readdirSync(dir).flatMap((id) => {
    try {
      const instance = JSON.parse(readFileSync(join(dir, id, 'instance.json'), 'utf8')) as { clusterId: string };
      return instance.clusterId === clusterId ? [readFileSync(join(dir, id, 'redis.conf'), 'utf8')] : [];
    } catch {
      return [];
    }
  });
}
