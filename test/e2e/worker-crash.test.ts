import type { ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asc, eq, nodes } from '@slotplane/db';
import { startControlPlane, waitFor, type ControlPlane } from '@slotplane/testkit';

// A worker killed with SIGKILL mid-create; a new worker finishes the same cluster with the same nodes.
let cp: ControlPlane;
let auth: { authorization: string };

beforeAll(async () => {
  cp = await startControlPlane({
    hosts: [
      { name: 'crash-a', address: '127.0.0.21' },
      { name: 'crash-b', address: '127.0.0.22' },
      { name: 'crash-c', address: '127.0.0.23' },
    ],
    portMin: 22000,
    portMax: 22099,
    worker: false,
  });
  auth = (await cp.api.tenant()).auth;
});
afterAll(() => cp?.stop());

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- bodies are checked by the assertions
const call = async (method: string, url: string, body?: unknown): Promise<any> =>
  (await cp.api.app.inject({ method: method as 'GET', url, headers: auth, ...(body ? { payload: body as object } : {}) })).json();

const exitOf = (child: ChildProcess) =>
  new Promise<NodeJS.Signals | null>((resolve) => (child.signalCode ? resolve(child.signalCode) : child.once('exit', (_code, signal) => resolve(signal))));

const nodeRows = (clusterId: string) =>
  cp.api.database.db.select({ id: nodes.id, hostId: nodes.hostId, port: nodes.port, redisNodeId: nodes.redisNodeId }).from(nodes).where(eq(nodes.clusterId, clusterId)).orderBy(asc(nodes.id));

describe.each(['after-placement', 'after-meet'])('a worker killed -9 %s', (failpoint) => {
  it('is replaced by a new worker that finishes the same cluster with the same nodes', async () => {
    const doomed = cp.startWorkerProcess(failpoint);
    const res = await call('POST', '/v1/clusters', { name: `crash-${failpoint}`, shards: 3, replicasPerShard: 1 });
    expect(await exitOf(doomed)).toBe('SIGKILL');
    const before = await nodeRows(res.cluster.id);
    expect(before).toHaveLength(6);
    expect((await call('GET', `/v1/operations/${res.operation.id}`)).status).toBe('running');

    const survivor = cp.startWorkerProcess();
    const op = await waitFor('the create to succeed', async () => {
      const o = await call('GET', `/v1/operations/${res.operation.id}`);
      if (o.status === 'failed') throw new Error(o.error.message);
      return o.status === 'succeeded' ? o : undefined;
    }, { timeoutMs: 60_000, intervalMs: 100 });
    expect(op.status).toBe('succeeded');

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
