import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiHarness, type ApiHarness } from '@slotplane/testkit';
import { parseNetworkPolicy } from '@slotplane/webhooks';
import { createEnrollmentToken } from '../store/hosts.ts';

// What one tenant's keys can multiply is capped: webhooks (each can hold delivery slots with an
// endpoint that never answers), live API keys (each has a rate limit of its own), open event streams.
let h: ApiHarness;
let base: string;
beforeAll(async () => {
  h = await startApiHarness({ limits: { webhooksPerTenant: 3, apiKeysPerTenant: 4, streamsPerKey: 2, agentRequestsPerMinute: 60, agentAuthFailuresPerMinute: 5 }, webhookNetworks: parseNetworkPolicy('127.0.0.0/8') });
  await h.app.listen({ host: '127.0.0.1', port: 0 });
  base = `http://127.0.0.1:${(h.app.server.address() as AddressInfo).port}`;
});
afterAll(() => h?.close());

describe('caps per tenant and per key', () => {
  it('a tenant past its webhooks gets 403 quota_exceeded naming the limit; deleting one makes room; other tenants are not counted', async () => {
    const { auth } = await h.tenant();
    const make = () => h.app.inject({ method: 'POST', url: '/v1/webhooks', headers: auth, payload: { url: 'http://127.0.0.1:9/hook' } });
    const made = [];
    for (let i = 0; i < 3; i++) made.push((await make()).json().id);
    const over = await make();
    expect(over.statusCode).toBe(403);
    expect(over.json()).toMatchObject({ code: 'quota_exceeded', quota: { name: 'webhooks', limit: 3, used: 3, requested: 1 } });
    expect((await h.app.inject({ url: '/v1/webhooks', headers: auth })).json().items).toHaveLength(3);
    const other = (await h.tenant()).auth;
    expect((await h.app.inject({ method: 'POST', url: '/v1/webhooks', headers: other, payload: { url: 'http://127.0.0.1:9/hook' } })).statusCode).toBe(201);
    await h.app.inject({ method: 'DELETE', url: `/v1/webhooks/${made[0]}`, headers: auth });
    expect((await make()).statusCode).toBe(201);
  });

  it('a tenant past its live API keys gets 403 quota_exceeded; revoking one makes room', async () => {
    const { auth } = await h.tenant(); // its first key
    const make = () => h.app.inject({ method: 'POST', url: '/v1/api-keys', headers: auth, payload: { scope: 'read' } });
    const made = [];
    for (let i = 0; i < 3; i++) made.push((await make()).json().id);
    const over = await make();
    expect(over.statusCode).toBe(403);
    expect(over.json()).toMatchObject({ code: 'quota_exceeded', quota: { name: 'apiKeys', limit: 4, used: 4 } });
    expect(over.json().detail).toContain('revoke one first');
    expect((await h.app.inject({ method: 'DELETE', url: `/v1/api-keys/${made[0]}`, headers: auth })).statusCode).toBe(200);
    expect((await make()).statusCode).toBe(201);
  });

  it('an address whose agent credentials are refused again and again is refused outright for the minute; a credential that makes too many requests too', async () => {
    // Another address's agents are not affected: each test client connects from its own.
    const guess = (i: number, remoteAddress = '127.0.0.77') =>
      h.app.inject({ method: 'POST', url: '/v1/agent/heartbeat', remoteAddress, headers: { authorization: `Bearer sph_guess${i}` }, payload: { bootId: 'b', seq: 1 } });
    for (let i = 0; i < 6; i++) expect((await guess(i)).statusCode).toBe(401);
    const refused = await guess(6);
    expect(refused.statusCode).toBe(429);
    expect(refused.json().detail).toMatch(/more than 5 refused credentials in a minute from your address/);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    expect((await guess(7, '127.0.0.78')).statusCode).toBe(401);
    // A real host's credential, past 60 requests in the minute (the limit here).
    const enrolled = await h.app.inject({
      method: 'POST', url: '/v1/agent/enroll', remoteAddress: '127.0.0.79', headers: { authorization: `Bearer ${await createEnrollmentToken(h.database.db)}` },
      payload: { name: 'chatty', address: '127.0.0.79', portMin: 30000, portMax: 30099 },
    });
    const beat = () => h.app.inject({ method: 'POST', url: '/v1/agent/heartbeat', remoteAddress: '127.0.0.79', headers: { authorization: `Bearer ${enrolled.json().hostToken}` }, payload: { bootId: 'b', seq: 1 } });
    const statuses: number[] = [];
    for (let i = 0; i < 60; i++) statuses.push((await beat()).statusCode);
    expect(new Set(statuses)).toEqual(new Set([200]));
    const over = await beat();
    expect(over.statusCode).toBe(429);
    expect(over.json().detail).toMatch(/more than 60 agent requests in a minute with this credential/);
  });

  it('a key past its open event streams gets 429 naming the limit; closing one makes room', async () => {
    const { auth } = await h.tenant();
    const open = async () => {
      const abort = new AbortController();
      const res = await fetch(`${base}/v1/events/stream`, { headers: auth, signal: abort.signal });
      return { res, close: () => abort.abort() };
    };
    const first = await open();
    const second = await open();
    expect([first.res.status, second.res.status]).toEqual([200, 200]);
    const third = await open();
    expect(third.res.status).toBe(429);
    expect(((await third.res.json()) as { detail: string }).detail).toMatch(/2 event streams open here, its limit/);
    // Another key of the same tenant has streams of its own.
    const other = (await h.app.inject({ method: 'POST', url: '/v1/api-keys', headers: auth, payload: { scope: 'read' } })).json().key;
    const byOther = await fetch(`${base}/v1/events/stream`, { headers: { authorization: `Bearer ${other}` }, signal: AbortSignal.timeout(5000) });
    expect(byOther.status).toBe(200);
    await byOther.body?.cancel();
    first.close();
    let again = await open();
    // The server hears the close a moment later.
    for (let i = 0; again.res.status === 429 && i < 100; i++) {
      await new Promise((r) => setTimeout(r, 20));
      again = await open();
    }
    expect(again.res.status).toBe(200);
    second.close();
    again.close();
  });
});
