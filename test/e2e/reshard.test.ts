import { spawnSync } from 'node:child_process';
import { Cluster as RedisCluster } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SLOT_COUNT, countSlots } from '@slotplane/core';
import { startControlPlane, tenantClient, type ControlPlane } from '@slotplane/testkit';
import { startCountedWrites } from './counted-writes.ts';

// Resharding online: 3 -> 4 -> 2 -> 3 shards of a 3x1 cluster holding 50,000 keys, under writes.
const HOSTS = [
  { name: 'rs-a', address: '127.0.0.61', zone: 'a' },
  { name: 'rs-b', address: '127.0.0.62', zone: 'b' },
  { name: 'rs-c', address: '127.0.0.63', zone: 'c' },
];
const KEYS = 50_000;
let cp: ControlPlane;
let call: ReturnType<typeof tenantClient>['call'];
let settled: ReturnType<typeof tenantClient>['settled'];

beforeAll(async () => {
  cp = await startControlPlane({ hosts: HOSTS, portMin: 17000, portMax: 17099 });
  ({ call, settled } = tenantClient(cp.api.app, (await cp.api.tenant()).auth));
});
afterAll(() => cp?.stop());

type NodeView = { host: string; port: number; reachable: boolean };
type ShardView = { index: number; slots: [number, number][]; primary: NodeView | null; replicas: NodeView[] };

/** `redis-cli --cluster check`, the reference tool's verdict: all slots covered, nodes agree, no open slot. */
function clusterCheck(node: { host: string; port: number }, password: string): string {
  const out = spawnSync('redis-cli', ['--cluster', 'check', `${node.host}:${node.port}`, '--user', 'slotplane', '--pass', password, '--no-auth-warning'], { encoding: 'utf8' });
  return `${out.stdout}${out.stderr}`;
}

describe('resharding a cluster with data, online', () => {
  let clusterId: string;
  let tenant: { username: string; password: string };
  let endpoint: { host: string; port: number };

  it('starts as 3x1 holding 50,000 keys', async () => {
    const { cluster, operation } = await call('POST', '/v1/clusters', { name: 'reshard', shards: 3, replicasPerShard: 1, maxMemoryMb: 256 });
    clusterId = cluster.id;
    expect((await settled(operation.id)).status).toBe('succeeded');
    const creds = await call('GET', `/v1/clusters/${clusterId}/credentials`);
    tenant = { username: creds.username, password: creds.password };
    endpoint = creds.endpoints[0];
    const client = new RedisCluster([endpoint], { redisOptions: tenant, enableAutoPipelining: true });
    try {
      for (let i = 0; i < KEYS; i += 1000) {
        await Promise.all(Array.from({ length: 1000 }, (_, j) => client.set(`key:${i + j}`, `value-${i + j}`)));
      }
    } finally {
      client.disconnect();
    }
  });

  it.each([4, 2, 3])('goes to %i shards: every key kept, no acknowledged write lost, redis-cli --cluster check clean', async (shards) => {
    const writes = startCountedWrites(endpoint, tenant);
    let opId = '';
    let op: { status: string; moves: { slotsTotal: number; slotsMoved: number; keysMoved: number } | null; error: unknown };
    try {
      const { operation } = await call('PATCH', `/v1/clusters/${clusterId}`, { shards });
      opId = operation.id;
      op = await settled(operation.id, 180_000);
    } finally {
      const result = await writes.stop();
      expect(result.lost).toEqual([]);
    }
    expect(op, JSON.stringify(op.error)).toMatchObject({ status: 'succeeded' });
    expect(op.moves!.slotsMoved).toBe(op.moves!.slotsTotal);
    expect(op.moves!.slotsTotal).toBeGreaterThan(0);
    expect(op.moves!.keysMoved).toBeGreaterThan(0);
    // The event log tells the same story, a batch of slots at a time.
    const progress = (await call('GET', `/v1/events?clusterId=${clusterId}&type=slot_migration.progress&limit=500`)).items
      .filter((e: { operationId: string }) => e.operationId === opId)
      .map((e: { data: { slots: number; keys: number; slotsDone: number; slotsTotal: number } }) => e.data);
    expect(progress.reduce((a: number, d: { slots: number }) => a + d.slots, 0)).toBe(op.moves!.slotsTotal);
    expect(progress.reduce((a: number, d: { keys: number }) => a + d.keys, 0)).toBe(op.moves!.keysMoved);
    expect(progress.at(-1)).toMatchObject({ slotsDone: op.moves!.slotsTotal, slotsTotal: op.moves!.slotsTotal });
    // The operation's own progress never goes back, and climbs with the slots while they move.
    const steps = (await call('GET', `/v1/events?clusterId=${clusterId}&type=operation.progress&limit=500`)).items
      .filter((e: { operationId: string }) => e.operationId === opId)
      .map((e: { data: { progress: number; step: string } }) => e.data);
    expect(steps.map((d: { progress: number }) => d.progress)).toEqual(steps.map((d: { progress: number }) => d.progress).sort((a: number, b: number) => a - b));
    expect(steps.filter((d: { step: string }) => d.step.startsWith('moving slots')).length).toBeGreaterThan(2);

    const cluster = await call('GET', `/v1/clusters/${clusterId}`);
    expect(cluster.status).toBe('available');
    expect(cluster.shards).toHaveLength(shards);
    const sizes = (cluster.shards as ShardView[]).map((s) => countSlots(s.slots));
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(SLOT_COUNT);
    expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
    expect(cp.agents.flatMap((a) => a.redisPids(clusterId))).toHaveLength(shards * 2);

    const check = clusterCheck(cluster.shards[0].primary, await cp.adminPassword(clusterId));
    expect(check).toContain('[OK] All nodes agree about slots configuration.');
    expect(check).toContain('[OK] All 16384 slots covered.');
    expect(check).not.toMatch(/\[WARNING\]|\[ERR\]/);

    const client = new RedisCluster([cluster.shards[0].primary], { redisOptions: tenant, enableAutoPipelining: true });
    try {
      for (let i = 0; i < KEYS; i += 5000) {
        const values = await Promise.all(Array.from({ length: 5000 }, (_, j) => client.get(`key:${i + j}`)));
        const wrong = values.findIndex((v, j) => v !== `value-${i + j}`);
        expect(wrong, `key:${i + wrong}`).toBe(-1);
      }
    } finally {
      client.disconnect();
    }
    endpoint = { host: cluster.shards[0].primary.host, port: cluster.shards[0].primary.port };
  });
});
