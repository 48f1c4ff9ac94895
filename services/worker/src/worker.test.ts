import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '@slotplane/api';
import { createLogger } from '@slotplane/logger';
import { startApiHarness, waitFor, type ApiHarness } from '@slotplane/testkit';
import { startWorker, type RunningWorker } from './index.ts';

let h: ApiHarness;
let worker: RunningWorker;
let auth: { authorization: string };

beforeAll(async () => {
  h = await startApiHarness();
  auth = (await h.tenant()).auth;
  worker = await startWorker({
    database: h.database,
    redisUrl: h.redisUrl,
    queuePrefix: h.queuePrefix,
    logger: createLogger('worker-test', { level: 'silent' }),
    sweepIntervalMs: 200,
  });
});
afterAll(async () => {
  await worker?.close();
  await h?.close();
});

const get = async (url: string) => (await h.app.inject({ method: 'GET', url, headers: auth })).json();
const settled = (operationId: string) =>
  waitFor(`operation ${operationId} to settle`, async () => {
    const op = await get(`/v1/operations/${operationId}`);
    return ['succeeded', 'failed', 'cancelled'].includes(op.status) ? op : undefined;
  });

describe('operations worker', () => {
  it('takes a created cluster to available and its operation to succeeded', async () => {
    const { cluster, operation } = (await h.app.inject({ method: 'POST', url: '/v1/clusters', headers: auth, payload: { name: 'w1', shards: 1, replicasPerShard: 0 } })).json();
    const op = await settled(operation.id);
    expect(op).toMatchObject({ status: 'succeeded', progress: 100 });
    expect(op.startedAt).not.toBeNull();
    expect(op.finishedAt).not.toBeNull();
    expect(await get(`/v1/clusters/${cluster.id}`)).toMatchObject({ status: 'available', observedGeneration: 1 });
  });

  it('converges an update, then a delete', async () => {
    const { cluster, operation } = (await h.app.inject({ method: 'POST', url: '/v1/clusters', headers: auth, payload: { name: 'w2', shards: 1, replicasPerShard: 0 } })).json();
    await settled(operation.id);
    const update = (await h.app.inject({ method: 'PATCH', url: `/v1/clusters/${cluster.id}`, headers: auth, payload: { shards: 2 } })).json();
    expect(update.cluster.status).toBe('modifying');
    expect((await settled(update.operation.id)).status).toBe('succeeded');
    expect(await get(`/v1/clusters/${cluster.id}`)).toMatchObject({ status: 'available', generation: 2, observedGeneration: 2 });

    const del = (await h.app.inject({ method: 'DELETE', url: `/v1/clusters/${cluster.id}`, headers: auth })).json();
    expect((await settled(del.operation.id)).status).toBe('succeeded');
    expect((await get(`/v1/clusters/${cluster.id}`)).status).toBe('deleted');
    const list = await get('/v1/clusters');
    expect(list.items.map((c: { id: string }) => c.id)).not.toContain(cluster.id);
  });

  it('gives a deleted cluster’s name back', async () => {
    const first = (await h.app.inject({ method: 'POST', url: '/v1/clusters', headers: auth, payload: { name: 'reuse', shards: 1, replicasPerShard: 0 } })).json();
    await settled(first.operation.id);
    const del = (await h.app.inject({ method: 'DELETE', url: `/v1/clusters/${first.cluster.id}`, headers: auth })).json();
    await settled(del.operation.id);
    const again = await h.app.inject({ method: 'POST', url: '/v1/clusters', headers: auth, payload: { name: 'reuse', shards: 1, replicasPerShard: 0 } });
    expect(again.statusCode).toBe(202);
  });

  it('still runs an operation whose enqueue failed (the sweeper finds it)', async () => {
    const offline = await buildApp({
      database: h.database,
      queue: { enqueue: () => Promise.reject(new Error('redis is down')), ping: async () => {} },
    });
    const res = await offline.inject({ method: 'POST', url: '/v1/clusters', headers: auth, payload: { name: 'swept', shards: 1, replicasPerShard: 0 } });
    await offline.close();
    expect(res.statusCode).toBe(202);
    const op = await settled(res.json().operation.id);
    expect(op.status).toBe('succeeded');
  });
});
