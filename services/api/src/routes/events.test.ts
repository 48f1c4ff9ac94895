import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendEvent } from '@slotplane/db';
import { rawConnection, startApiHarness, waitFor, type ApiHarness } from '@slotplane/testkit';
import { buildApp } from '../app.ts';
import { createTenant } from '../store/tenants.ts';

let h: ApiHarness;
let alice: { tenantId: string; auth: { authorization: string } };
let bob: { tenantId: string; auth: { authorization: string } };
let admin: { authorization: string };

beforeAll(async () => {
  h = await startApiHarness();
  alice = await h.tenant();
  bob = await h.tenant();
  admin = { authorization: `Bearer ${(await createTenant(h.database.db, 'ops', 'admin')).apiKey}` };
});
afterAll(() => h?.close());

const step = (tenantId: string, phase: string) => ({ tenantId, type: 'cluster.step_done' as const, data: { phase, steps: [] } });
type Page = { items: Array<{ id: string; type: string; tenantId: string | null; data: Record<string, unknown> }>; nextCursor: string };
const read = async (auth: { authorization: string }, query = ''): Promise<Page> => {
  const res = await h.app.inject({ method: 'GET', url: `/v1/events${query}`, headers: auth });
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
};
/** Follows the log from `cursor` to its end, as a poller would. */
const follow = async (auth: { authorization: string }, cursor: string, query = ''): Promise<Page> => {
  const page = await read(auth, `?cursor=${cursor}&limit=2${query}`);
  return page.items.length === 2 ? { items: [...page.items, ...(await follow(auth, page.nextCursor, query)).items], nextCursor: '' } : page;
};

describe('GET /v1/events', () => {
  it('gives a follower every event exactly once when transactions commit out of id order', async () => {
    const start = (await read(alice.auth)).nextCursor;
    // Two overlapping transactions: the first takes the smaller id, the second commits first.
    const [a, b] = [await rawConnection(h.database.url), await rawConnection(h.database.url)];
    try {
      const insert = (c: typeof a, n: string) => c.query(`insert into events (tenant_id, type, data) values ($1, 'cluster.step_done', $2)`, [alice.tenantId, JSON.stringify({ phase: n, steps: [] })]);
      await a.query('begin');
      await insert(a, 'first-id');
      await b.query('begin');
      await insert(b, 'second-id');
      await b.query('commit');
      const seen1 = await read(alice.auth, `?cursor=${start}`);
      expect(seen1.items.map((e) => e.data.phase)).toEqual(['second-id']);
      await a.query('commit');
      const seen2 = await read(alice.auth, `?cursor=${seen1.nextCursor}`);
      // A reader by id (id > the second's) would never see the first: the cursor does.
      expect(seen2.items.map((e) => e.data.phase)).toEqual(['first-id']);
      // The event's id is its cursor: reading after it gives what came next.
      expect((await read(alice.auth, `?cursor=${seen1.items[0]!.id}`)).items.map((e) => e.data.phase)).toEqual(['first-id']);
      expect((await read(alice.auth, `?cursor=${seen2.nextCursor}`)).items).toEqual([]);
    } finally {
      await a.end();
      await b.end();
    }
  });

  it('pages through the log in order; a tenant sees only its own, an admin every tenant and the hosts', async () => {
    const start = (await read(admin)).nextCursor;
    await h.database.db.transaction(async (tx) => {
      for (let i = 0; i < 5; i++) await appendEvent(tx, step(alice.tenantId, `a${i}`));
      await appendEvent(tx, step(bob.tenantId, 'bob'));
      await appendEvent(tx, { tenantId: null, type: 'host.lost', data: { hostId: randomUUID(), name: 'h1', from: 'suspect', lastHeartbeatAt: null } });
    });
    const mine = await follow(alice.auth, start);
    expect(mine.items.map((e) => e.data.phase)).toEqual(['a0', 'a1', 'a2', 'a3', 'a4']);
    expect((await follow(bob.auth, start)).items.map((e) => e.data.phase)).toEqual(['bob']);
    const all = await follow(admin, start);
    expect(all.items.map((e) => e.type)).toEqual([...Array(6).fill('cluster.step_done'), 'host.lost']);
    expect(all.items.at(-1)!.tenantId).toBeNull();
    expect((await follow(admin, start, '&type=host.lost')).items.map((e) => e.data.name)).toEqual(['h1']);
    // Several types: separated by commas, or the parameter repeated.
    const both = [...Array(6).fill('cluster.step_done'), 'host.lost'];
    expect((await follow(admin, start, '&type=host.lost,cluster.step_done')).items.map((e) => e.type)).toEqual(both);
    expect((await follow(admin, start, '&type=host.lost&type=cluster.step_done')).items.map((e) => e.type)).toEqual(both);
    expect((await follow(admin, start, '&type=host.lost,shard.failover')).items.map((e) => e.type)).toEqual(['host.lost']);
  });

  it('reads from now: no past event, and a cursor from which the next one comes', async () => {
    const now = await read(alice.auth, '?cursor=now');
    expect(now.items).toEqual([]);
    await h.database.db.transaction(async (tx) => appendEvent(tx, step(alice.tenantId, 'after-now')));
    expect((await read(alice.auth, `?cursor=${now.nextCursor}`)).items.map((e) => e.data.phase)).toEqual(['after-now']);
  });

  it('refuses a cursor it did not make and an unknown type, naming the field', async () => {
    const bad = await h.app.inject({ method: 'GET', url: '/v1/events?cursor=nonsense', headers: alice.auth });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors[0].field).toBe('query.cursor');
    const type = await h.app.inject({ method: 'GET', url: '/v1/events?type=cluster.exploded', headers: alice.auth });
    expect(type.statusCode).toBe(400);
    expect(type.json().errors[0].field).toMatch(/^query\.type/);
    const second = await h.app.inject({ method: 'GET', url: '/v1/events?type=host.lost,cluster.exploded', headers: alice.auth });
    expect(second.statusCode).toBe(400);
    expect(second.json().errors[0].field).toMatch(/^query\.type/);
    expect((await h.app.inject({ method: 'GET', url: '/v1/events' })).statusCode).toBe(401);
  });
});

/** An SSE client over a real socket: the events it received, parsed, in order. */
async function openStream(url: string, auth: { authorization: string }, lastEventId?: string) {
  const abort = new AbortController();
  const res = await fetch(url, { headers: { ...auth, ...(lastEventId ? { 'last-event-id': lastEventId } : {}) }, signal: abort.signal });
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
  const received: Array<{ id: string; event: string; data: { type: string; clusterId: string | null; data: Record<string, unknown> } }> = [];
  const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  const pump = (async () => {
    for (;;) {
      const { value, done } = await reader.read().catch(() => ({ value: undefined, done: true }));
      if (done) return;
      buffer += value;
      for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const fields = Object.fromEntries(block.split('\n').filter((l) => !l.startsWith(':')).map((l) => [l.slice(0, l.indexOf(':')), l.slice(l.indexOf(':') + 2)]));
        if (fields.id) received.push({ id: fields.id, event: fields.event!, data: JSON.parse(fields.data!) });
      }
    }
  })();
  return {
    received,
    async close() {
      abort.abort();
      await pump;
    },
  };
}

describe('GET /v1/events/stream', () => {
  let url: string;
  beforeAll(async () => {
    url = `${await h.app.listen({ host: '127.0.0.1', port: 0 })}/v1/events/stream`;
  });

  it('streams events written through another API instance, and resumes after Last-Event-ID with each event exactly once', async () => {
    const other = await buildApp({ database: h.database, queue: h.queue, secrets: h.secrets });
    try {
      const stream = await openStream(url, alice.auth);
      const { cluster } = (await other.inject({ method: 'POST', url: '/v1/clusters', headers: alice.auth, payload: { name: 'streamed', shards: 1, replicasPerShard: 0 } })).json();
      await waitFor('the create to arrive on the stream', () => stream.received.some((e) => e.event === 'cluster.created' && e.data.clusterId === cluster.id));
      const last = stream.received.at(-1)!;
      await stream.close();

      // Written while nobody listens: a reconnect with the last id gets exactly these, in order.
      await h.database.db.transaction(async (tx) => {
        await appendEvent(tx, step(alice.tenantId, '1'));
        await appendEvent(tx, step(bob.tenantId, 'bob'));
        await appendEvent(tx, step(alice.tenantId, '2'));
      });
      const again = await openStream(url, alice.auth, last.id);
      await waitFor('the two missed events', () => again.received.length >= 2);
      await new Promise((r) => setTimeout(r, 200));
      expect(again.received.map((e) => e.data.data.phase)).toEqual(['1', '2']);
      expect(again.received.map((e) => e.id)).not.toContain(last.id);
      await again.close();
    } finally {
      await other.close();
    }
  });

  it('hands live events only to the streams whose tenant and filters let them through', async () => {
    // From now on (without a cursor a stream starts from the oldest event kept).
    const [mine, theirs, failovers, several] = [
      await openStream(`${url}?cursor=now`, alice.auth),
      await openStream(`${url}?cursor=now`, bob.auth),
      await openStream(`${url}?cursor=now&type=shard.failover`, alice.auth),
      await openStream(`${url}?cursor=now&type=host.lost&type=shard.failover`, alice.auth),
    ];
    try {
      await h.database.db.transaction(async (tx) => {
        await appendEvent(tx, step(alice.tenantId, 'a1'));
        await appendEvent(tx, step(bob.tenantId, 'b1'));
        await appendEvent(tx, { tenantId: alice.tenantId, type: 'shard.failover', data: { shardIndex: 0, from: null, to: randomUUID(), trigger: 'redis', durationMs: 7 } });
      });
      await waitFor('both tenants\' events', () => mine.received.length >= 2 && theirs.received.length >= 1 && failovers.received.length >= 1 && several.received.length >= 1);
      await new Promise((r) => setTimeout(r, 200));
      expect(mine.received.map((e) => e.data.type)).toEqual(['cluster.step_done', 'shard.failover']);
      expect(mine.received[0]!.data.data.phase).toBe('a1');
      expect(theirs.received.map((e) => e.data.data.phase)).toEqual(['b1']);
      expect(failovers.received.map((e) => e.data.data.trigger)).toEqual(['redis']);
      expect(several.received.map((e) => e.data.type)).toEqual(['shard.failover']);
    } finally {
      await Promise.all([mine.close(), theirs.close(), failovers.close(), several.close()]);
    }
  });

  it('says 501 (problem+json) where responses are buffered and a stream cannot be held', async () => {
    const buffered = await buildApp({ database: h.database, queue: h.queue, secrets: h.secrets, streaming: false });
    try {
      const res = await buffered.inject({ method: 'GET', url: '/v1/events/stream', headers: alice.auth });
      expect(res.statusCode).toBe(501);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.json()).toMatchObject({ code: 'not_implemented', detail: expect.stringContaining('GET /v1/events') });
    } finally {
      await buffered.close();
    }
  });

  it('refuses a Last-Event-ID it did not make, before streaming', async () => {
    const res = await fetch(url, { headers: { ...alice.auth, 'last-event-id': 'bogus' } });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { errors: Array<{ field: string }> }).errors[0]!.field).toBe('headers.last-event-id');
  });
});
