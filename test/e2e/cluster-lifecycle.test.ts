import { execFileSync } from 'node:child_process';
import { Cluster as RedisCluster, Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SLOT_COUNT, countSlots, slotMapSignature } from '@slotplane/core';
import { NodeAdmin } from '@slotplane/redis-admin';
import { startControlPlane, tenantClient, type ControlPlane } from '@slotplane/testkit';

// Three hosts: three agents on their own loopback addresses.
const HOSTS = [
  { name: 'host-a', address: '127.0.0.11', zone: 'a' },
  { name: 'host-b', address: '127.0.0.12', zone: 'b' },
  { name: 'host-c', address: '127.0.0.13', zone: 'c' },
];
let cp: ControlPlane;
let auth: { authorization: string };
let call: ReturnType<typeof tenantClient>['call'];
let settled: ReturnType<typeof tenantClient>['settled'];

beforeAll(async () => {
  cp = await startControlPlane({ hosts: HOSTS, portMin: 11000, portMax: 11099 });
  auth = (await cp.api.tenant()).auth;
  ({ call, settled } = tenantClient(cp.api.app, auth));
});
afterAll(() => cp?.stop());

/** Listening TCP ports on `address`, from the kernel's table. */
function listeningPorts(address: string): number[] {
  const out = execFileSync('ss', ['-Hltn'], { encoding: 'utf8' });
  return out.split('\n').flatMap((l) => {
    const m = l.match(new RegExp(`${address.replace(/\./g, '\\.')}:(\\d+)`));
    return m ? [Number(m[1])] : [];
  });
}

describe('a 3x1 cluster on three hosts', () => {
  let clusterId: string;
  let username: string;
  let password: string;
  let adminPassword: string;
  let endpoints: Array<{ host: string; port: number }>;

  it('is created from one POST and becomes available', async () => {
    const res = await call('POST', '/v1/clusters', { name: 'demo', shards: 3, replicasPerShard: 1 });
    clusterId = res.cluster.id;
    const op = await settled(res.operation.id);
    expect(op.status).toBe('succeeded');
    expect(op.warnings).toEqual([]);
    const cluster = await call('GET', `/v1/clusters/${clusterId}`);
    expect(cluster.status).toBe('available');
    expect(cluster.shards).toHaveLength(3);
    const creds = await call('GET', `/v1/clusters/${clusterId}/credentials`);
    ({ username, password } = creds);
    endpoints = creds.endpoints.map(({ host, port }: { host: string; port: number }) => ({ host, port }));
    expect(endpoints).toHaveLength(6);
    expect(creds.endpoints.slice(0, 3).every((e: { role: string }) => e.role === 'primary')).toBe(true);
    adminPassword = await cp.adminPassword(clusterId);
  });

  it('tells its story in the event log, in order', async () => {
    const page = await call('GET', `/v1/events?clusterId=${clusterId}&limit=500`);
    const types: string[] = page.items.map((e: { type: string }) => e.type);
    expect(types[0]).toBe('cluster.created');
    expect(types.filter((t) => t === 'node.started')).toHaveLength(6);
    const order = ['cluster.created', 'operation.started', 'node.started', 'cluster.available', 'operation.succeeded'];
    const firsts = order.map((t) => types.indexOf(t));
    expect(firsts.every((i) => i >= 0), types.join(',')).toBe(true);
    expect(firsts).toEqual([...firsts].sort((a, b) => a - b));
    // Progress is told coarsely (new steps), between the start and the end.
    const progress = types.flatMap((t, i) => (t === 'operation.progress' ? [i] : []));
    expect(progress.length).toBeGreaterThan(1);
    expect(progress.every((i) => i > firsts[1]! && i < firsts[4]!)).toBe(true);
    const started = page.items.filter((e: { type: string }) => e.type === 'node.started').map((e: { data: { nodeId: string; pid: number } }) => e.data);
    const cluster = await call('GET', `/v1/clusters/${clusterId}`);
    const nodeIds = cluster.shards.flatMap((s: { primary: { id: string }; replicas: Array<{ id: string }> }) => [s.primary.id, ...s.replicas.map((r) => r.id)]);
    expect(new Set(started.map((d: { nodeId: string }) => d.nodeId))).toEqual(new Set(nodeIds));
    expect(started.every((d: { pid: number }) => d.pid > 0)).toBe(true);
  });

  it('shows its topology: slots covered, one primary and one replica per shard, never on the same host', async () => {
    const cluster = await call('GET', `/v1/clusters/${clusterId}`);
    expect(countSlots(cluster.shards.flatMap((s: { slots: [number, number][] }) => s.slots))).toBe(SLOT_COUNT);
    for (const shard of cluster.shards) {
      expect(shard.primary.status).toBe('running');
      expect(shard.replicas).toHaveLength(1);
      expect(shard.replicas[0].hostId).not.toBe(shard.primary.hostId);
      expect(shard.primary.redisNodeId).toMatch(/^[0-9a-f]{40}$/);
    }
    expect(new Set(cluster.shards.map((s: { primary: { hostId: string } }) => s.primary.hostId)).size).toBe(3);
  });

  it('is a real Redis Cluster: every node agrees on the slot map, replicas are in sync', async () => {
    const admins = endpoints.map((e) => new NodeAdmin({ ...e, password: adminPassword }));
    try {
      const views = await Promise.all(admins.map((a) => a.nodes()));
      expect(new Set(views.map(slotMapSignature)).size).toBe(1);
      for (const a of admins) expect((await a.clusterInfo()).cluster_state).toBe('ok');
      const replicas = views[0]!.filter((e) => e.role === 'replica');
      expect(replicas).toHaveLength(3);
      for (const a of admins) {
        const info = await a.info('replication');
        if (info.role === 'slave') expect(info.master_link_status).toBe('up');
      }
    } finally {
      admins.forEach((a) => a.close());
    }
  });

  it('serves 10,000 keys over all slots to a cluster-aware client', async () => {
    const client = new RedisCluster([endpoints[0]!], { redisOptions: { username, password } });
    try {
      const keys = Array.from({ length: 10_000 }, (_, i) => `key:${i}`);
      for (let i = 0; i < keys.length; i += 500) {
        await Promise.all(keys.slice(i, i + 500).map((k) => client.set(k, `value-${k}`)));
      }
      const values = await Promise.all(keys.map((k) => client.get(k)));
      expect(values.every((v, i) => v === `value-${keys[i]}`)).toBe(true);
      const perPrimary = await Promise.all(client.nodes('master').map((n) => n.dbsize()));
      expect(perPrimary.reduce((a, b) => a + b, 0)).toBe(10_000);
      expect(perPrimary.every((n) => n > 3000)).toBe(true);
    } finally {
      client.disconnect();
    }
  });

  it('refuses a client without the password', async () => {
    const r = new Redis({ ...endpoints[0]!, lazyConnect: true, maxRetriesPerRequest: 0 });
    r.on('error', () => {});
    await expect(r.set('x', '1')).rejects.toThrow(/NOAUTH/);
    r.disconnect();
  });

  it('is deleted without a trace: no process, no listening port, no data dir', async () => {
    const pids = cp.agents.flatMap((a) => a.redisPids());
    expect(pids).toHaveLength(6);
    const res = await call('DELETE', `/v1/clusters/${clusterId}`);
    expect((await settled(res.operation.id)).status).toBe('succeeded');
    expect((await call('GET', `/v1/clusters/${clusterId}`)).status).toBe('deleted');
    for (const pid of pids) expect(() => process.kill(pid, 0)).toThrow();
    for (const e of endpoints) expect(listeningPorts(e.host)).not.toContain(e.port);
    expect(cp.agents.flatMap((a) => a.redisPids())).toEqual([]);
  });
});
