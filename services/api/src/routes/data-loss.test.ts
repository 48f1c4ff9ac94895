import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, dataLosses, eq, events } from '@slotplane/db';
import { loseShardData, startApiHarness, type ApiHarness } from '@slotplane/testkit';

let h: ApiHarness;
let alice: { authorization: string };
let bob: { authorization: string };

beforeAll(async () => {
  h = await startApiHarness();
  alice = (await h.tenant()).auth;
  bob = (await h.tenant()).auth;
});
afterAll(() => h?.close());

const create = async (name: string, headers = alice): Promise<string> =>
  (await h.app.inject({ method: 'POST', url: '/v1/clusters', headers, payload: { name, shards: 2, replicasPerShard: 0 } })).json().cluster.id;
const get = (clusterId: string, headers = alice) => h.app.inject({ method: 'GET', url: `/v1/clusters/${clusterId}`, headers });
const acknowledge = (clusterId: string, lossId: string, headers = alice) =>
  h.app.inject({ method: 'POST', url: `/v1/clusters/${clusterId}/data-loss/${lossId}/acknowledge`, headers });
const eventsOf = async (clusterId: string, type: 'shard.data_lost' | 'cluster.data_loss_acknowledged') =>
  h.database.db.select().from(events).where(and(eq(events.clusterId, clusterId), eq(events.type, type)));

describe("a declared data loss on the cluster's representation", () => {
  it('shows in GET and in the list until acknowledged, beside a status left as it was', async () => {
    const clusterId = await create('lossy');
    expect((await get(clusterId)).json().dataLoss).toEqual([]);
    const { lossId, nodeId } = await loseShardData(h.database.db, clusterId, { shardIndex: 1, loss: 'all' });

    const cluster = (await get(clusterId)).json();
    expect(cluster.status).toBe('creating');
    expect(cluster.dataLoss).toEqual([
      { id: lossId, shardIndex: 1, nodeId, loss: 'all', detail: 'persistence is none: every key the shard held is gone', declaredAt: expect.any(String) },
    ]);
    const listed = (await h.app.inject({ method: 'GET', url: '/v1/clusters?name=lossy', headers: alice })).json().items;
    expect(listed[0].dataLoss).toEqual(cluster.dataLoss);
    // The event the worker writes with it names the loss.
    expect((await eventsOf(clusterId, 'shard.data_lost')).map((e) => e.data)).toEqual([expect.objectContaining({ lossId, shardIndex: 1, nodeId, loss: 'all' })]);
  });

  it('lists several losses oldest first; acknowledging one leaves the others', async () => {
    const clusterId = await create('twice-lost');
    const first = await loseShardData(h.database.db, clusterId, { shardIndex: 0, loss: 'since_last_save' });
    const second = await loseShardData(h.database.db, clusterId, { shardIndex: 1 });
    expect((await get(clusterId)).json().dataLoss.map((l: { id: string }) => l.id)).toEqual([first.lossId, second.lossId]);
    const res = await acknowledge(clusterId, first.lossId);
    expect(res.statusCode).toBe(200);
    expect(res.json().dataLoss.map((l: { id: string }) => l.id)).toEqual([second.lossId]);
  });
});

describe('POST /v1/clusters/{id}/data-loss/{lossId}/acknowledge', () => {
  it('takes the loss off the cluster, answers the cluster, and says so in an event naming the key', async () => {
    const clusterId = await create('acknowledged');
    const { lossId, nodeId } = await loseShardData(h.database.db, clusterId);
    const res = await acknowledge(clusterId, lossId);
    expect(res.statusCode).toBe(200);
    expect(res.headers.etag).toBe('"1"');
    expect(res.json()).toMatchObject({ id: clusterId, name: 'acknowledged', dataLoss: [] });
    expect((await get(clusterId)).json().dataLoss).toEqual([]);
    const [row] = await h.database.db.select().from(dataLosses).where(eq(dataLosses.id, lossId));
    expect(row!.acknowledgedAt).toBeInstanceOf(Date);
    const acked = await eventsOf(clusterId, 'cluster.data_loss_acknowledged');
    expect(acked.map((e) => e.data)).toEqual([{ lossId, shardIndex: 0, nodeId, loss: 'all', acknowledgedBy: row!.acknowledgedBy }]);
  });

  it('is idempotent: a second acknowledgement answers 200 the same and writes nothing', async () => {
    const clusterId = await create('acknowledged-twice');
    const { lossId } = await loseShardData(h.database.db, clusterId);
    const first = await acknowledge(clusterId, lossId);
    const [before] = await h.database.db.select().from(dataLosses).where(eq(dataLosses.id, lossId));
    const again = await acknowledge(clusterId, lossId);
    expect(again.statusCode).toBe(200);
    expect(again.json().dataLoss).toEqual([]);
    expect(again.json().id).toBe(first.json().id);
    const [after] = await h.database.db.select().from(dataLosses).where(eq(dataLosses.id, lossId));
    expect(after!.acknowledgedAt).toEqual(before!.acknowledgedAt);
    expect(await eventsOf(clusterId, 'cluster.data_loss_acknowledged')).toHaveLength(1);
  });

  it("answers 404 problem+json naming a loss the cluster does not have (unknown, or another cluster's)", async () => {
    const clusterId = await create('no-loss');
    const unknown = '01890a5d-ac96-774b-bcce-b302099a8057';
    const res = await acknowledge(clusterId, unknown);
    expect(res.statusCode).toBe(404);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.json()).toMatchObject({ code: 'not_found', detail: expect.stringContaining(unknown) });

    const elsewhere = await loseShardData(h.database.db, await create('lost-elsewhere'));
    const crossed = await acknowledge(clusterId, elsewhere.lossId);
    expect(crossed.statusCode).toBe(404);
    expect(crossed.json().detail).toContain(elsewhere.lossId);
  });

  it("is 404 for another tenant's cluster, which neither sees the loss nor takes it off", async () => {
    const clusterId = await create('not-yours');
    const { lossId } = await loseShardData(h.database.db, clusterId);
    expect((await get(clusterId, bob)).statusCode).toBe(404);
    expect((await h.app.inject({ method: 'GET', url: '/v1/clusters', headers: bob })).body).not.toContain(lossId);
    const res = await acknowledge(clusterId, lossId, bob);
    expect(res.statusCode).toBe(404);
    expect(res.json()).toMatchObject({ code: 'not_found', detail: 'cluster not found' });
    expect((await get(clusterId)).json().dataLoss.map((l: { id: string }) => l.id)).toEqual([lossId]);
  });

  it('needs a key with write scope; a read key gets 403 and the loss stays', async () => {
    const clusterId = await create('read-only');
    const { lossId } = await loseShardData(h.database.db, clusterId);
    const readKey = (await h.app.inject({ method: 'POST', url: '/v1/api-keys', headers: alice, payload: { scope: 'read' } })).json().key;
    const res = await acknowledge(clusterId, lossId, { authorization: `Bearer ${readKey}` });
    expect(res.statusCode).toBe(403);
    expect(res.json().code).toBe('forbidden');
    expect((await h.app.inject({ method: 'POST', url: `/v1/clusters/${clusterId}/data-loss/${lossId}/acknowledge` })).statusCode).toBe(401);
    expect((await get(clusterId)).json().dataLoss).toHaveLength(1);
  });

  it('rejects ids that are not UUIDs with 400 problem+json naming each path parameter', async () => {
    const clusterId = await create('bad-ids');
    const res = await acknowledge(clusterId, 'nope');
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.json().errors.map((e: { field: string }) => e.field)).toEqual(['path.lossId']);
    const both = await acknowledge('x', 'y');
    expect(both.json().errors.map((e: { field: string }) => e.field).sort()).toEqual(['path.clusterId', 'path.lossId']);
  });
});
