import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asc, eq, nodes } from '@slotplane/db';
import { NodeAdmin } from '@slotplane/redis-admin';
import { startControlPlane, tenantClient, waitFor, type ControlPlane } from '@slotplane/testkit';

// A worker killed with SIGKILL mid-create; a new worker finishes the same cluster with the same nodes.
let cp: ControlPlane;
let auth: { authorization: string };
let call: ReturnType<typeof tenantClient>['call'];
let settled: ReturnType<typeof tenantClient>['settled'];

beforeAll(async () => {
  cp = await startControlPlane({
    hosts: [
      { name: 'crash-a', address: '127.0.0.21' },
      { name: 'crash-b', address: '127.0.0.22' },
      { name: 'crash-c', address: '127.0.0.23' },
    ],
    portMin: 12000,
    portMax: 12099,
    worker: false,
  });
  auth = (await cp.api.tenant()).auth;
  ({ call, settled } = tenantClient(cp.api.app, auth));
});
afterAll(() => cp?.stop());


const exitOf = (child: ChildProcess) =>
  new Promise<NodeJS.Signals | null>((resolve) => (child.signalCode ? resolve(child.signalCode) : child.once('exit', (_code, signal) => resolve(signal))));

const nodeRows = (clusterId: string) =>
  cp.api.database.db.select({ id: nodes.id, hostId: nodes.hostId, port: nodes.port, redisNodeId: nodes.redisNodeId }).from(nodes).where(eq(nodes.clusterId, clusterId)).orderBy(asc(nodes.id));

describe.each(['after-place', 'after-meet'])('a worker killed -9 %s', (failpoint) => {
  it('is replaced by a new worker that finishes the same cluster with the same nodes', async () => {
    const doomed = cp.startWorkerProcess(failpoint);
    const res = await call('POST', '/v1/clusters', { name: `crash-${failpoint}`, shards: 3, replicasPerShard: 1 });
    expect(await exitOf(doomed)).toBe('SIGKILL');
    const before = await nodeRows(res.cluster.id);
    expect(before).toHaveLength(6);
    expect((await call('GET', `/v1/operations/${res.operation.id}`)).status).toBe('running');

    const survivor = cp.startWorkerProcess();
    expect((await settled(res.operation.id)).status).toBe('succeeded');

    const after = await nodeRows(res.cluster.id);
    expect(after.map(({ id, hostId, port }) => ({ id, hostId, port }))).toEqual(before.map(({ id, hostId, port }) => ({ id, hostId, port })));
    if (failpoint === 'after-meet') expect(after.map((n) => n.redisNodeId)).toEqual(before.map((n) => n.redisNodeId));
    // One set of processes: exactly the six assigned, across the three hosts.
    expect(new Set(cp.agents.flatMap((a) => a.redisPids(res.cluster.id))).size).toBe(6);
    expect((await call('GET', `/v1/clusters/${res.cluster.id}`)).status).toBe('available');
    survivor.kill('SIGKILL');
    await exitOf(survivor);
  });
});

describe.each([
  { failpoint: 'after-replicate', from: 1, to: 2 },
  { failpoint: 'after-remove', from: 2, to: 1 },
])('a worker killed -9 $failpoint while replicas go from $from to $to', ({ failpoint, from, to }) => {
  it('is replaced by a new worker that converges: the desired processes, every removed node forgotten', async () => {
    const first = cp.startWorkerProcess();
    const res = await call('POST', '/v1/clusters', { name: `replicas-${failpoint}`, shards: 2, replicasPerShard: from });
    expect((await settled(res.operation.id)).status).toBe('succeeded');
    first.kill('SIGKILL');
    await exitOf(first);

    const doomed = cp.startWorkerProcess(failpoint);
    const patch = await call('PATCH', `/v1/clusters/${res.cluster.id}`, { replicasPerShard: to });
    expect(await exitOf(doomed)).toBe('SIGKILL');
    expect((await call('GET', `/v1/operations/${patch.operation.id}`)).status).toBe('running');

    const survivor = cp.startWorkerProcess();
    expect((await settled(patch.operation.id)).status).toBe('succeeded');
    const cluster = await call('GET', `/v1/clusters/${res.cluster.id}`);
    expect(cluster.status).toBe('available');
    const live = cluster.shards.flatMap((s: { primary: { host: string; port: number }; replicas: Array<{ host: string; port: number }> }) => [s.primary, ...s.replicas]);
    expect(live).toHaveLength(2 * (1 + to));
    expect(new Set(cp.agents.flatMap((a) => a.redisPids(res.cluster.id))).size).toBe(2 * (1 + to));
    const password = await cp.adminPassword(res.cluster.id);
    for (const n of live) {
      const admin = new NodeAdmin({ host: n.host, port: n.port, password });
      expect(await admin.nodes()).toHaveLength(2 * (1 + to));
      admin.close();
    }
    survivor.kill('SIGKILL');
    await exitOf(survivor);
  });
});

describe('create steps against a node that is not fresh', () => {
  it('are refused: the operation fails naming the node, and nothing is joined', async () => {
    const doomed = cp.startWorkerProcess('after-place');
    const res = await call('POST', '/v1/clusters', { name: 'tampered', shards: 1, replicasPerShard: 0 });
    expect(await exitOf(doomed)).toBe('SIGKILL');
    const [node] = await nodeRows(res.cluster.id);
    const agent = await waitFor('the agent to start the node', () => cp.agents.find((a) => a.redisPids(res.cluster.id).length), { timeoutMs: 20_000 });
    const endpoints = [{ host: agent.address, port: node!.port }];
    const ours = new NodeAdmin({ ...endpoints[0]!, password: await cp.adminPassword(res.cluster.id) });

    // Someone else's cluster node, and ours introduced to it while the worker was down.
    const dir = mkdtempSync(join(tmpdir(), 'slotplane-stranger-'));
    const strangerPort = 12098;
    const stranger = spawn('redis-server', ['--port', String(strangerPort), '--bind', agent.address, '--cluster-enabled', 'yes', '--dir', dir, '--save', '', '--cluster-announce-ip', agent.address, '--bind-source-addr', agent.address], { stdio: 'ignore' });
    try {
      await waitFor('our node to answer', async () => (await ours.myId()).length === 40, { timeoutMs: 20_000 });
      await waitFor('the stranger to be met', async () => {
        await ours.meet(agent.address, strangerPort);
        return (await ours.nodes()).length === 2;
      }, { timeoutMs: 20_000, intervalMs: 200 });

      const survivor = cp.startWorkerProcess();
      const op = await settled(res.operation.id);
      expect(op.status).toBe('failed');
      expect(op.error.code).toBe('create_refused');
      expect(op.error.message).toContain(`${node!.port}`);
      expect(op.error.message).toMatch(/knows nodes outside this cluster/);
      const cluster = await call('GET', `/v1/clusters/${res.cluster.id}`);
      expect(cluster.status).toBe('failed');
      expect(cluster.lastError).toMatch(/refusing/);
      // Nothing was configured on it: no slots.
      expect((await ours.nodes()).flatMap((e) => e.slots)).toEqual([]);
      survivor.kill('SIGKILL');
      await exitOf(survivor);
    } finally {
      ours.close();
      stranger.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
