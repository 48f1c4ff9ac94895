import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clusters, eq, events, operations, sql } from '@slotplane/db';
import { startApiHarness, type ApiHarness } from '@slotplane/testkit';

let h: ApiHarness;
let alice: { authorization: string };
let bob: { authorization: string };

beforeAll(async () => {
  h = await startApiHarness();
  alice = (await h.tenant()).auth;
  bob = (await h.tenant()).auth;
});
afterAll(() => h?.close());

const rotate = (clusterId: string, payload?: object, headers: Record<string, string> = alice) =>
  h.app.inject({ method: 'POST', url: `/v1/clusters/${clusterId}/credentials/rotate`, headers, ...(payload ? { payload } : {}) });
const password = async (clusterId: string) => (await h.app.inject({ method: 'GET', url: `/v1/clusters/${clusterId}/credentials`, headers: alice })).json().password as string;
const row = async (clusterId: string) => (await h.database.db.select().from(clusters).where(eq(clusters.id, clusterId)))[0]!;

/** A cluster as the worker leaves it once created (no worker runs here): formed, available. */
async function availableCluster(name: string): Promise<string> {
  const { cluster } = (await h.app.inject({ method: 'POST', url: '/v1/clusters', headers: alice, payload: { name, shards: 1, replicasPerShard: 0 } })).json();
  await h.database.db.update(clusters).set({ status: 'available', observedGeneration: 1 }).where(eq(clusters.id, cluster.id));
  await h.database.db.update(operations).set({ status: 'succeeded' }).where(eq(operations.clusterId, cluster.id));
  return cluster.id;
}

/** What the worker does when the rotation is observed on every node: the operation succeeds and the grace begins. */
async function succeed(operationId: string, clusterId: string, graceSeconds: number) {
  await h.database.db.update(operations).set({ status: 'succeeded' }).where(eq(operations.id, operationId));
  await h.database.db.update(clusters).set({ previousPasswordUntil: sql`now() + make_interval(secs => ${graceSeconds}::int)` }).where(eq(clusters.id, clusterId));
}

describe('GET /v1/clusters/{id}/credentials', () => {
  it('refuses a read key (403 saying why): the Redis user it would hand out can write', async () => {
    const id = await availableCluster('read-only');
    const reader = (await h.app.inject({ method: 'POST', url: '/v1/api-keys', headers: alice, payload: { scope: 'read' } })).json().key;
    const res = await h.app.inject({ method: 'GET', url: `/v1/clusters/${id}/credentials`, headers: { authorization: `Bearer ${reader}` } });
    expect(res.statusCode).toBe(403);
    expect(res.json().detail).toMatch(/a read key gets no Redis credentials: "app" can write/);
    expect(res.body).not.toContain(await password(id));
    // The same key still reads the cluster.
    expect((await h.app.inject({ method: 'GET', url: `/v1/clusters/${id}`, headers: { authorization: `Bearer ${reader}` } })).statusCode).toBe(200);
  });
});

describe('POST /v1/clusters/{id}/credentials/rotate', () => {
  it('starts a rotate_password operation (202, Location, a new generation) with the default grace, and writes the request event', async () => {
    const id = await availableCluster('rotating');
    const res = await rotate(id);
    expect(res.statusCode).toBe(202);
    const { cluster, operation } = res.json();
    expect(res.headers.location).toBe(`/v1/operations/${operation.id}`);
    expect(operation).toMatchObject({ kind: 'rotate_password', status: 'pending', targetGeneration: 2, clusterId: id });
    expect(cluster.generation).toBe(2);
    const evs = await h.database.db.select().from(events).where(eq(events.operationId, operation.id));
    expect(evs.map((e) => [e.type, e.data])).toEqual([['cluster.password_rotation_requested', { generation: 2, params: { graceSeconds: 3600 } }]]);
  });

  it('hands out the old password until the rotation succeeds, then the new one; the stored ones stay encrypted', async () => {
    const id = await availableCluster('handout');
    const before = await password(id);
    const { operation } = (await rotate(id, { graceSeconds: 60 })).json();
    expect(await password(id)).toBe(before);
    const stored = await row(id);
    expect(stored.previousPassword).toMatch(/^enc:v1:/);
    expect(h.secrets.decrypt(stored.previousPassword!)).toBe(before);
    expect(stored.previousPasswordUntil).toBeNull();
    await succeed(operation.id, id, 60);
    const after = await password(id);
    expect(after).not.toBe(before);
    expect(after).toBe(h.secrets.decrypt((await row(id)).password));
  });

  it('refuses a second rotation while one runs, and while the previous password is honoured (409)', async () => {
    const id = await availableCluster('twice');
    const { operation } = (await rotate(id, { graceSeconds: 60 })).json();
    const running = await rotate(id);
    expect(running.statusCode).toBe(409);
    expect(running.json()).toMatchObject({ code: 'conflict', detail: expect.stringMatching(/rotation is under way/) });
    await succeed(operation.id, id, 60);
    const grace = await rotate(id);
    expect(grace.statusCode).toBe(409);
    expect(grace.json().detail).toMatch(/previous password is honoured until/);
    const ops = await h.database.db.select().from(operations).where(eq(operations.clusterId, id));
    expect(ops.filter((o) => o.kind === 'rotate_password')).toHaveLength(1);
  });

  it('after a rotation that failed, rotates again keeping the password clients have (the failed one\'s was never handed out)', async () => {
    const id = await availableCluster('retry');
    const inUse = await password(id);
    const { operation } = (await rotate(id)).json();
    await h.database.db.update(operations).set({ status: 'failed' }).where(eq(operations.id, operation.id));
    const again = await rotate(id);
    expect(again.statusCode).toBe(202);
    const stored = await row(id);
    expect(h.secrets.decrypt(stored.previousPassword!)).toBe(inUse);
    expect(await password(id)).toBe(inUse);
  });

  it('refuses a cluster still being created or being deleted (409)', async () => {
    const { cluster } = (await h.app.inject({ method: 'POST', url: '/v1/clusters', headers: alice, payload: { name: 'young', shards: 1, replicasPerShard: 0 } })).json();
    const young = await rotate(cluster.id);
    expect(young.statusCode).toBe(409);
    expect(young.json().detail).toMatch(/still being created/);
    const id = await availableCluster('going');
    await h.app.inject({ method: 'DELETE', url: `/v1/clusters/${id}`, headers: alice });
    const going = await rotate(id);
    expect(going.statusCode).toBe(409);
    expect(going.json().detail).toMatch(/being deleted/);
  });

  it('names body.graceSeconds when it is out of range or not a whole number (400), changing nothing', async () => {
    const id = await availableCluster('bounds');
    for (const graceSeconds of [-1, 86_401, 1.5, 'soon']) {
      const res = await rotate(id, { graceSeconds });
      expect(res.statusCode, String(graceSeconds)).toBe(400);
      expect(res.json().errors.map((e: { field: string }) => e.field)).toEqual(['body.graceSeconds']);
    }
    const extra = await rotate(id, { graceSeconds: 10, password: 'mine' });
    expect(extra.statusCode).toBe(400);
    expect((await row(id)).generation).toBe(1);
    expect((await rotate(id, { graceSeconds: 0 })).statusCode).toBe(202);
  });

  it("answers 404 for another tenant's cluster, and leaves it alone", async () => {
    const id = await availableCluster('private');
    const res = await rotate(id, {}, bob);
    expect(res.statusCode).toBe(404);
    expect((await row(id)).previousPassword).toBeNull();
  });

  it('returns the same operation to a retry with the same Idempotency-Key, rotating once', async () => {
    const id = await availableCluster('retried');
    const headers = { ...alice, 'idempotency-key': `rotate-${id}` };
    const first = await rotate(id, { graceSeconds: 30 }, headers);
    const second = await rotate(id, { graceSeconds: 30 }, headers);
    expect(first.statusCode).toBe(202);
    expect(second.statusCode).toBe(202);
    expect(second.headers['idempotent-replayed']).toBe('true');
    expect(second.json().operation.id).toBe(first.json().operation.id);
    expect((await row(id)).generation).toBe(2);
  });
});
