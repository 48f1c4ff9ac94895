import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTenant } from '@slotplane/api';
import { startControlPlane, waitFor, type ControlPlane } from '@slotplane/testkit';
import { parseNetworkPolicy, verify } from '@slotplane/webhooks';

// Webhooks through the whole control plane (API, worker, BullMQ, Postgres) to a real HTTP receiver.
// Only the receiver's address is allowed besides public networks; no host is needed: creating a
// cluster writes events whatever happens to it next.
const RECEIVER_HOST = '127.0.0.97';
let cp: ControlPlane;

/** A local HTTP receiver that records every POST; `down()` closes its port (connections refused). */
class Receiver {
  readonly got: Array<{ path: string; headers: IncomingHttpHeaders; body: string }> = [];
  /** Paths answered with this status for the first `times` requests of each delivery. */
  failFirst = new Map<string, { status: number; times: number }>();
  private server: Server | undefined;
  port = 0;

  async up(): Promise<void> {
    const seen = new Map<string, number>();
    this.server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        const key = String(req.headers['idempotency-key']);
        const n = (seen.get(key) ?? 0) + 1;
        seen.set(key, n);
        const fail = this.failFirst.get(req.url!);
        if (fail && n <= fail.times) return res.writeHead(fail.status).end();
        this.got.push({ path: req.url!, headers: req.headers, body });
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((r) => this.server!.listen(this.port, RECEIVER_HOST, r));
    this.port = (this.server.address() as { port: number }).port;
  }

  async down(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise((r) => this.server?.close(r));
  }

  on(path: string) {
    return this.got.filter((g) => g.path === path);
  }
  url(path: string) {
    return `http://${RECEIVER_HOST}:${this.port}${path}`;
  }
}
const receiver = new Receiver();

beforeAll(async () => {
  await receiver.up();
  cp = await startControlPlane({
    hosts: [],
    portMin: 20100,
    portMax: 20199,
    webhookNetworks: parseNetworkPolicy(`public,${RECEIVER_HOST}/32`),
    webhookRetry: { baseMs: 200, maxMs: 1000, attempts: 60 },
  });
});
afterAll(async () => {
  await cp?.stop();
  await receiver.down();
});

type Auth = { authorization: string };
const call = async (auth: Auth, method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, body?: object) => {
  const res = await cp.api.app.inject({ method, url, headers: auth, ...(body ? { payload: body } : {}) });
  return { status: res.statusCode, body: res.body ? res.json() : null };
};
/** Every event `auth` may read after `cursor`, following nextCursor to the end. */
async function eventsAfter(auth: Auth, cursor: string): Promise<Array<{ id: string; type: string; tenantId: string | null }>> {
  const out = [];
  for (;;) {
    const page = (await call(auth, 'GET', `/v1/events?cursor=${cursor}&limit=500`)).body;
    out.push(...page.items);
    if (page.items.length < 500) return out;
    cursor = page.nextCursor;
  }
}
const createCluster = async (auth: Auth, name: string) => (await call(auth, 'POST', '/v1/clusters', { name, shards: 1, replicasPerShard: 0 })).body.cluster.id as string;

describe('webhooks', () => {
  it('refuses a URL outside the allowed networks, naming the field, and creates nothing', async () => {
    const { auth } = await cp.api.tenant();
    for (const [url, why] of [
      ['http://127.0.0.1:9/hook', /resolves to 127\.0\.0\.1, outside the networks/],
      ['http://169.254.169.254/latest/meta-data', /outside the networks/],
      ['http://localhost/hook', /outside the networks/],
      ['ftp://example.com/hook', /must be an http or https URL/],
      [`http://user:secret@${RECEIVER_HOST}/hook`, /must not carry credentials/],
    ] as const) {
      const res = await call(auth, 'POST', '/v1/webhooks', { url });
      expect(res.status, url).toBe(400);
      expect(res.body.errors[0].field).toBe('body.url');
      expect(res.body.errors[0].message, url).toMatch(why);
    }
    const badType = await call(auth, 'POST', '/v1/webhooks', { url: receiver.url('/x'), types: ['cluster.exploded'] });
    expect(badType.status).toBe(400);
    expect(badType.body.errors[0].field).toBe('body.types.0');
    expect((await call(auth, 'GET', '/v1/webhooks')).body.items).toEqual([]);
  });

  it("delivers each of the tenant's events once, signed, and catches up after the receiver was down", async () => {
    const alice = await cp.api.tenant();
    const bob = await cp.api.tenant();
    const start = (await call(alice.auth, 'GET', '/v1/events?cursor=now')).body.nextCursor;
    const created = await call(alice.auth, 'POST', '/v1/webhooks', { url: receiver.url('/alice') });
    expect(created.status).toBe(201);
    const { secret, id: webhookId } = created.body;
    expect(secret).toMatch(/^whsec_/);
    expect(created.body).toMatchObject({ url: receiver.url('/alice'), types: null, scope: 'tenant' });
    // The secret is shown once.
    const listed = (await call(alice.auth, 'GET', '/v1/webhooks')).body.items;
    expect(listed).toEqual([{ id: webhookId, url: receiver.url('/alice'), types: null, scope: 'tenant', createdAt: created.body.createdAt }]);

    const first = await createCluster(alice.auth, 'hooked');
    await createCluster(bob.auth, 'not-alices');
    await waitFor('the create to be delivered', () => receiver.on('/alice').some((g) => JSON.parse(g.body).clusterId === first && JSON.parse(g.body).type === 'cluster.created'));

    // Down for a while: what happens meanwhile is retried until it is back.
    await receiver.down();
    await call(alice.auth, 'DELETE', `/v1/clusters/${first}`);
    await createCluster(alice.auth, 'while-down');
    await waitFor('deliveries to fail and be retried', async () => {
      const items = (await call(alice.auth, 'GET', `/v1/webhooks/${webhookId}/deliveries?limit=100`)).body.items;
      return items.some((d: { status: string; attempts: number; lastError: string | null; lastResponseCode: number | null }) => d.status === 'pending' && d.attempts >= 2 && /ECONNREFUSED/.test(d.lastError ?? '') && d.lastResponseCode === null);
    });
    await receiver.up();

    // Each once: what arrived is exactly the tenant's events since the webhook was made.
    const idsOf = (list: Array<{ id: string }>) => list.map((e) => e.id).sort();
    let expected: Awaited<ReturnType<typeof eventsAfter>> = [];
    await waitFor('every event to arrive', async () => {
      expected = await eventsAfter(alice.auth, start);
      return JSON.stringify(idsOf(receiver.on('/alice').map((g) => JSON.parse(g.body)))) === JSON.stringify(idsOf(expected));
    }, { timeoutMs: 30_000 });
    expect(expected.map((e) => e.type)).toEqual(expect.arrayContaining(['cluster.created', 'cluster.delete_requested', 'cluster.deleted']));
    const got = receiver.on('/alice');
    for (const g of got) {
      expect(verify(secret, g.headers['slotplane-signature'] as string, g.body)).toBe(true);
      expect(verify('whsec_wrong', g.headers['slotplane-signature'] as string, g.body)).toBe(false);
      const event = JSON.parse(g.body);
      expect(event.tenantId).toBe(alice.tenantId);
      expect(g.headers['slotplane-event-type']).toBe(event.type);
      expect(g.headers['content-type']).toBe('application/json');
    }
    // The body is the event as the log shows it, the same id included.
    const logged = expected.find((e) => e.type === 'cluster.created')!;
    expect(got.map((g) => JSON.parse(g.body))).toContainEqual(logged);

    const deliveries = (await call(alice.auth, 'GET', `/v1/webhooks/${webhookId}/deliveries?limit=100`)).body.items;
    expect(deliveries).toHaveLength(expected.length);
    expect(deliveries.every((d: { status: string; lastResponseCode: number }) => d.status === 'succeeded' && d.lastResponseCode === 204)).toBe(true);
    expect(deliveries.some((d: { attempts: number }) => d.attempts > 1)).toBe(true);
    // The Idempotency-Key is the delivery's id.
    expect(new Set(got.map((g) => g.headers['idempotency-key']))).toEqual(new Set(deliveries.map((d: { id: string }) => d.id)));
  });

  it("one tenant's receivers that never answer hold a share of the delivery slots, not all: another tenant's events go out meanwhile", async () => {
    // A black hole: accepts every POST and never answers (each attempt holds its slot for the 10 s timeout).
    const held = new Set<import('node:http').ServerResponse>();
    let ended = 0;
    let most = 0;
    const hole = createServer((req, res) => {
      held.add(res);
      most = Math.max(most, held.size);
      res.on('close', () => (held.delete(res), ended++));
    });
    await new Promise<void>((r) => hole.listen(0, RECEIVER_HOST, r));
    const holeUrl = `http://${RECEIVER_HOST}:${(hole.address() as { port: number }).port}/hole`;
    try {
      const greedy = await cp.api.tenant();
      const patient = await cp.api.tenant();
      for (let i = 0; i < 10; i++) expect((await call(greedy.auth, 'POST', '/v1/webhooks', { url: holeUrl })).status).toBe(201);
      expect((await call(patient.auth, 'POST', '/v1/webhooks', { url: receiver.url('/patient') })).status).toBe(201);
      // 40 deliveries to the black hole, more than the worker's 16 slots.
      for (let i = 0; i < 4; i++) await createCluster(greedy.auth, `greedy-${i}`);
      await waitFor('the black hole to hold its share of the slots', () => held.size >= 4, { timeoutMs: 15_000 });
      const mine = await createCluster(patient.auth, 'patient');
      await waitFor("the patient tenant's event delivered", () => receiver.on('/patient').some((g) => JSON.parse(g.body).clusterId === mine), { timeoutMs: 15_000 });
      // Delivered while the black hole still held every attempt it had taken (none had timed out).
      expect(ended).toBe(0);
      expect(most).toBe(4);
    } finally {
      hole.closeAllConnections();
      await new Promise((r) => hole.close(r));
    }
  });

  it('retries a receiver that answers 500, and sends only the types asked for', async () => {
    const { auth } = await cp.api.tenant();
    receiver.failFirst.set('/typed', { status: 500, times: 2 });
    const hook = (await call(auth, 'POST', '/v1/webhooks', { url: receiver.url('/typed'), types: ['cluster.delete_requested'] })).body;
    const id = await createCluster(auth, 'typed');
    await call(auth, 'DELETE', `/v1/clusters/${id}`);
    await waitFor('the delete to be delivered', () => receiver.on('/typed').length > 0);
    expect(receiver.on('/typed').map((g) => JSON.parse(g.body).type)).toEqual(['cluster.delete_requested']);
    const [d] = (await call(auth, 'GET', `/v1/webhooks/${hook.id}/deliveries`)).body.items;
    expect(d).toMatchObject({ status: 'succeeded', attempts: 3, lastResponseCode: 204, eventType: 'cluster.delete_requested' });
  });

  it("with an admin key, sends every tenant's events", async () => {
    const admin = { authorization: `Bearer ${(await createTenant(cp.api.database.db, 'ops', 'admin')).apiKey}` };
    const hook = (await call(admin, 'POST', '/v1/webhooks', { url: receiver.url('/fleet'), types: ['cluster.created'] })).body;
    expect(hook.scope).toBe('fleet');
    const [a, b] = [await cp.api.tenant(), await cp.api.tenant()];
    await createCluster(a.auth, 'fleet-a');
    await createCluster(b.auth, 'fleet-b');
    await waitFor('both creates', () => receiver.on('/fleet').length >= 2);
    expect(new Set(receiver.on('/fleet').map((g) => JSON.parse(g.body).tenantId))).toEqual(new Set([a.tenantId, b.tenantId]));
  });

  it('stops sending once deleted, and is private to its tenant', async () => {
    const [owner, other] = [await cp.api.tenant(), await cp.api.tenant()];
    const hook = (await call(owner.auth, 'POST', '/v1/webhooks', { url: receiver.url('/deleted') })).body;
    // A second webhook of the same tenant shows when the events after the delete were sent.
    await call(owner.auth, 'POST', '/v1/webhooks', { url: receiver.url('/witness'), types: ['cluster.created'] });
    expect((await call(other.auth, 'GET', `/v1/webhooks/${hook.id}`)).status).toBe(404);
    expect((await call(other.auth, 'DELETE', `/v1/webhooks/${hook.id}`)).status).toBe(404);
    expect((await call(other.auth, 'GET', `/v1/webhooks/${hook.id}/deliveries`)).status).toBe(404);
    expect((await call(owner.auth, 'DELETE', `/v1/webhooks/${hook.id}`)).status).toBe(204);
    expect((await call(owner.auth, 'GET', `/v1/webhooks/${hook.id}`)).status).toBe(404);
    expect((await call(owner.auth, 'DELETE', `/v1/webhooks/${hook.id}`)).status).toBe(404);
    const id = await createCluster(owner.auth, 'after-delete');
    await waitFor('the witness to get the create', () => receiver.on('/witness').some((g) => JSON.parse(g.body).clusterId === id));
    expect(receiver.on('/deleted')).toEqual([]);
  });
});
