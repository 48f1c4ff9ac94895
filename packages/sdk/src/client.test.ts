import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loseShardData, startApiHarness, type ApiHarness } from '@slotplane/testkit';
import { SlotplaneError, createClient, type Event, type SlotplaneClient } from './index.ts';

let h: ApiHarness;
let baseUrl: string;
let apiKey: string;
let sdk: SlotplaneClient;

beforeAll(async () => {
  h = await startApiHarness();
  await h.app.listen({ host: '127.0.0.1', port: 0 });
  baseUrl = `http://127.0.0.1:${(h.app.server.address() as AddressInfo).port}`;
  apiKey = (await h.tenant()).auth.authorization.replace('Bearer ', '');
  sdk = createClient({ baseUrl, apiKey });
});
afterAll(() => h?.close());

const waitUntil = async (ok: () => boolean) => {
  while (!ok()) await new Promise((r) => setTimeout(r, 10));
};

const spec = (name: string) => ({ name, shards: 1, replicasPerShard: 0 });

/** The first `n` events of a stream, then the stream is closed. */
async function take(stream: AsyncIterable<Event>, n: number): Promise<Event[]> {
  const got: Event[] = [];
  for await (const e of stream) {
    got.push(e);
    if (got.length === n) break;
  }
  return got;
}

describe('the SDK against the API', () => {
  it('creates a cluster and gets it back, defaults applied', async () => {
    const { cluster, operation } = await sdk.clusters.create({ name: 'orders', shards: 2, replicasPerShard: 1 });
    expect(operation).toMatchObject({ kind: 'create', status: 'pending', clusterId: cluster.id });
    expect(await sdk.clusters.get(cluster.id)).toMatchObject({ name: 'orders', spec: { shards: 2, replicasPerShard: 1, maxMemoryMb: 256 } });
    expect((await sdk.operations.get(operation.id)).id).toBe(operation.id);
  });

  it('lists every cluster across pages with for await', async () => {
    const names = ['page-a', 'page-b', 'page-c', 'page-d', 'page-e'];
    for (const name of names) await sdk.clusters.create(spec(name));
    const listed: string[] = [];
    for await (const c of sdk.clusters.list({ limit: 2 })) listed.push(c.name);
    expect(listed).toEqual(expect.arrayContaining(names));
    expect(new Set(listed).size).toBe(listed.length);
    expect((await sdk.clusters.findByName('page-d'))?.name).toBe('page-d');
  });

  it("with an admin key lists every tenant's clusters, or one tenant's, and finds a name within a tenant", async () => {
    const other = await h.tenant();
    const otherSdk = createClient({ baseUrl, apiKey: other.auth.authorization.replace('Bearer ', '') });
    const { cluster: theirs } = await otherSdk.clusters.create(spec('page-a'));
    const admin = createClient({ baseUrl, apiKey: (await h.tenant('fleet-operator', 'admin')).auth.authorization.replace('Bearer ', '') });
    const all: Array<{ id: string; tenantId: string }> = [];
    for await (const c of admin.clusters.list({ limit: 2 })) all.push(c);
    expect(all.map((c) => c.id)).toContain(theirs.id);
    expect(new Set(all.map((c) => c.tenantId)).size).toBeGreaterThan(1);
    const only: string[] = [];
    for await (const c of admin.clusters.list({ tenantId: other.tenantId })) only.push(c.id);
    expect(only).toEqual([theirs.id]);
    expect((await admin.clusters.findByName('page-a', { tenantId: other.tenantId }))?.id).toBe(theirs.id);
    // Both tenants have a page-a: without a tenant the name does not say which.
    await expect(admin.clusters.findByName('page-a')).rejects.toThrow(/2 clusters are named "page-a"/);
  });

  it('with an admin key reads the tenants page by page and the fleet; a tenant key is refused both', async () => {
    const named = await h.tenant('sdk-tenant-named');
    const admin = createClient({ baseUrl, apiKey: (await h.tenant('sdk-fleet', 'admin')).auth.authorization.replace('Bearer ', '') });
    const first = await admin.tenants.page({ limit: 1 });
    expect(first.items).toHaveLength(1);
    expect(first.nextCursor).not.toBeNull();
    const all: string[] = [];
    for await (const t of admin.tenants.list({ limit: 2 })) all.push(t.name);
    expect(all).toContain('sdk-tenant-named');
    expect((await admin.tenants.get(named.tenantId)).name).toBe('sdk-tenant-named');
    expect((await admin.hosts.list()).items).toEqual([]);
    await expect(sdk.hosts.list()).rejects.toMatchObject({ status: 403 });
    await expect(sdk.tenants.page()).rejects.toMatchObject({ status: 403 });
  });

  it('throws a typed SlotplaneError naming every bad field', async () => {
    const err = await sdk.clusters.create({ name: 'Bad Name', shards: 99, replicasPerShard: 0 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SlotplaneError);
    const problem = err as SlotplaneError;
    expect(problem).toMatchObject({ status: 400, code: 'validation_failed' });
    expect(problem.errors.map((e) => e.field).sort()).toEqual(['body.name', 'body.shards']);
    expect(problem.requestId).toBeTruthy();
    expect(problem.detail).toContain('body.shards');
  });

  it("shows a shard's data loss on the cluster until acknowledged", async () => {
    const { cluster } = await sdk.clusters.create(spec('lossy'));
    const { lossId } = await loseShardData(h.database.db, cluster.id);
    expect((await sdk.clusters.get(cluster.id)).dataLoss).toEqual([expect.objectContaining({ id: lossId, shardIndex: 0, loss: 'all' })]);
    expect((await sdk.clusters.acknowledgeDataLoss(cluster.id, lossId)).dataLoss).toEqual([]);
    expect((await sdk.clusters.get(cluster.id)).dataLoss).toEqual([]);
  });

  it('throws not_found for a cluster that is not there', async () => {
    const err = (await sdk.clusters.get('00000000-0000-4000-8000-000000000000').catch((e: unknown) => e)) as SlotplaneError;
    expect(err).toBeInstanceOf(SlotplaneError);
    expect(err).toMatchObject({ status: 404, code: 'not_found' });
  });

  it('throws unauthorized for a bad key', async () => {
    const stranger = createClient({ baseUrl, apiKey: 'sp_not-a-key' });
    await expect(stranger.clusters.get('00000000-0000-4000-8000-000000000000')).rejects.toMatchObject({ status: 401, code: 'unauthorized' });
  });

  it('sends the same Idempotency-Key again: the same request twice makes one cluster', async () => {
    const first = await sdk.clusters.create(spec('once'), { idempotencyKey: 'order-42' });
    const again = await sdk.clusters.create(spec('once'), { idempotencyKey: 'order-42' });
    expect(again.operation.id).toBe(first.operation.id);
  });

  it('gives every write a key of its own, so a write whose answer was lost to a 503 is retried and made once', async () => {
    let failed = false;
    const flaky = createClient({
      baseUrl,
      apiKey,
      // A proxy that answers 503 after the API took the first POST.
      fetch: async (input, init) => {
        const response = await fetch(input, init);
        if (failed || (input as Request).method !== 'POST') return response;
        failed = true;
        return new Response('{}', { status: 503, headers: { 'retry-after': '0' } });
      },
    });
    const { operation } = await flaky.clusters.create(spec('lost-answer'));
    expect(failed).toBe(true);
    const ops = [];
    for await (const c of sdk.clusters.list({ limit: 100 })) if (c.name === 'lost-answer') ops.push(c);
    expect(ops).toHaveLength(1);
    expect(operation.clusterId).toBe(ops[0]!.id);
  });

  it('streams events and resumes after the last one seen', async () => {
    const { cluster } = await sdk.clusters.create(spec('streamed'));
    await sdk.clusters.update(cluster.id, { maxMemoryMb: 512 });
    await sdk.clusters.delete(cluster.id);
    const first = await take(sdk.events.stream({ clusterId: cluster.id }), 2);
    expect(first.map((e) => e.type)).toEqual(['cluster.created', 'cluster.updated']);
    const rest = await take(sdk.events.stream({ clusterId: cluster.id, cursor: first[1]!.id }), 1);
    expect(rest.map((e) => e.type)).toEqual(['cluster.delete_requested']);
  });

  it('reconnects a dropped stream and goes on after the last event, none twice', async () => {
    const { cluster } = await sdk.clusters.create(spec('dropped'));
    const stream = sdk.events.stream({ clusterId: cluster.id, reconnectDelayMs: 50 })[Symbol.asyncIterator]();
    try {
      expect((await stream.next()).value).toMatchObject({ type: 'cluster.created' });
      h.app.server.closeAllConnections();
      await sdk.clusters.update(cluster.id, { maxMemoryMb: 300 });
      expect((await stream.next()).value).toMatchObject({ type: 'cluster.updated' });
    } finally {
      await stream.return?.(undefined);
    }
  });

  it('tells where the stream is: connecting, live, then retrying and live again after a drop', async () => {
    const { cluster } = await sdk.clusters.create(spec('stated'));
    const states: string[] = [];
    const stream = sdk.events.stream({ clusterId: cluster.id, reconnectDelayMs: 50, onState: (s) => states.push(s) })[Symbol.asyncIterator]();
    try {
      await stream.next();
      expect(states).toEqual(['connecting', 'live']);
      h.app.server.closeAllConnections();
      await sdk.clusters.update(cluster.id, { maxMemoryMb: 300 });
      await stream.next();
      expect(states).toEqual(['connecting', 'live', 'retrying', 'live']);
    } finally {
      await stream.return?.(undefined);
    }
  });

  it('with waitForApi, waits for an API that is not there yet instead of throwing', async () => {
    const nowhere = createClient({ baseUrl: 'http://127.0.0.1:1', apiKey, retry: { max: 0 } });
    const states: string[] = [];
    const abort = new AbortController();
    const reading = take(nowhere.events.stream({ waitForApi: true, reconnectDelayMs: 20, signal: abort.signal, onState: (s) => states.push(s) }), 1);
    await waitUntil(() => states.length >= 3);
    abort.abort();
    expect(await reading).toEqual([]);
    expect(states.slice(0, 3)).toEqual(['connecting', 'retrying', 'retrying']);
  });

  it('says so when the API cannot be reached, rather than waiting for it', async () => {
    const nowhere = createClient({ baseUrl: 'http://127.0.0.1:1', apiKey, retry: { max: 0 } });
    await expect(take(nowhere.events.stream(), 1)).rejects.toThrow('fetch failed');
    await expect(nowhere.clusters.get(crypto.randomUUID())).rejects.toThrow('fetch failed');
  });

  it('streams events written after it opened', async () => {
    const live = sdk.events.stream({ cursor: 'now', type: 'cluster.created' });
    const next = take(live, 1);
    // The stream resolves "now" when it opens; keep creating until the stream has seen one.
    let seen: Event[] | undefined;
    for (let i = 0; !seen; i++) {
      await sdk.clusters.create(spec(`live-${i}`));
      seen = await Promise.race([next, new Promise<undefined>((r) => setTimeout(() => r(undefined), 200))]);
    }
    expect(seen[0]).toMatchObject({ type: 'cluster.created' });
  });
});
