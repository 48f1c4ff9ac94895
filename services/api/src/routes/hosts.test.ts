import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTenant } from '@slotplane/api';
import { startApiHarness, type ApiHarness } from '@slotplane/testkit';
import { createEnrollmentToken } from '../store/hosts.ts';

let h: ApiHarness;
let admin: { authorization: string };
beforeAll(async () => {
  h = await startApiHarness();
  admin = { authorization: `Bearer ${(await createTenant(h.database.db, 'ops', 'admin')).apiKey}` };
});
afterAll(() => h?.close());

/** A new host, enrolled and heartbeating; returns its id and credential. */
async function enrolled(name: string): Promise<{ hostId: string; hostToken: string }> {
  const token = await createEnrollmentToken(h.database.db);
  const res = await h.app.inject({ method: 'POST', url: '/v1/agent/enroll', headers: { authorization: `Bearer ${token}` }, payload: { name, address: '127.0.0.111', portMin: 22000, portMax: 22099 } });
  const body = res.json();
  await heartbeat(body.hostToken);
  return body;
}
const as = (hostToken: string) => ({ authorization: `Bearer ${hostToken}` });
const heartbeat = (hostToken: string) => h.app.inject({ method: 'POST', url: '/v1/agent/heartbeat', headers: as(hostToken), payload: { bootId: 'b1', seq: 0 } });
const agentCalls = (hostToken: string) =>
  Promise.all([
    h.app.inject({ method: 'GET', url: '/v1/agent/assignments', headers: as(hostToken) }),
    h.app.inject({ method: 'PUT', url: '/v1/agent/report', headers: as(hostToken), payload: { bootId: 'b1', seq: 1, instances: [] } }),
    heartbeat(hostToken),
  ]).then((all) => all.map((r) => r.statusCode));
const listed = async (name: string) => (await h.app.inject({ method: 'GET', url: '/v1/hosts', headers: admin })).json().items.find((x: { name: string }) => x.name === name);
const fleetEvents = async (type: string) => (await h.app.inject({ method: 'GET', url: `/v1/events?type=${type}`, headers: admin })).json().items;

describe('revoking a host', () => {
  it('refuses its credential on every agent route (401) and shows it lost, with when it was revoked', async () => {
    const { hostId, hostToken } = await enrolled('rev-a');
    expect(await agentCalls(hostToken)).toEqual([200, 200, 200]);
    expect((await listed('rev-a')).state).toBe('up');

    const res = await h.app.inject({ method: 'POST', url: `/v1/hosts/${hostId}/revoke`, headers: admin });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ id: hostId, name: 'rev-a', state: 'lost', revokedAt: expect.any(String) });
    const refused = await h.app.inject({ method: 'GET', url: '/v1/agent/assignments', headers: as(hostToken) });
    expect(refused.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(await agentCalls(hostToken)).toEqual([401, 401, 401]);
    expect(await listed('rev-a')).toMatchObject({ state: 'lost', revokedAt: res.json().revokedAt });
    expect((await fleetEvents('host.revoked')).map((e: { data: { name: string } }) => e.data.name)).toContain('rev-a');
  });

  it('answers a long-poll that spans the revocation with 401, not with assignments', async () => {
    const { hostId, hostToken } = await enrolled('rev-poll');
    const { version } = (await h.app.inject({ method: 'GET', url: '/v1/agent/assignments', headers: as(hostToken) })).json();
    const poll = h.app.inject({ method: 'GET', url: `/v1/agent/assignments?since=${version}&waitMs=1500`, headers: as(hostToken) });
    await h.app.inject({ method: 'POST', url: `/v1/hosts/${hostId}/revoke`, headers: admin });
    expect((await poll).statusCode).toBe(401);
  });

  it('is for good: repeating it changes nothing, and the host cannot be given a new credential', async () => {
    const { hostId } = await enrolled('rev-b');
    const first = (await h.app.inject({ method: 'POST', url: `/v1/hosts/${hostId}/revoke`, headers: admin })).json();
    const again = await h.app.inject({ method: 'POST', url: `/v1/hosts/${hostId}/revoke`, headers: admin });
    expect(again.statusCode).toBe(200);
    expect(again.json().revokedAt).toBe(first.revokedAt);
    expect((await fleetEvents('host.revoked')).filter((e: { data: { name: string } }) => e.data.name === 'rev-b')).toHaveLength(1);
    const rotate = await h.app.inject({ method: 'POST', url: `/v1/hosts/${hostId}/rotate-credential`, headers: admin });
    expect(rotate.statusCode).toBe(409);
    expect(rotate.json().code).toBe('conflict');
  });

  it('keeps the name taken: enrolling it again is refused', async () => {
    const { hostId } = await enrolled('rev-c');
    await h.app.inject({ method: 'POST', url: `/v1/hosts/${hostId}/revoke`, headers: admin });
    const token = await createEnrollmentToken(h.database.db);
    const res = await h.app.inject({ method: 'POST', url: '/v1/agent/enroll', headers: { authorization: `Bearer ${token}` }, payload: { name: 'rev-c', address: '127.0.0.112', portMin: 22000, portMax: 22099 } });
    expect(res.statusCode).toBe(409);
  });

  it('is for admin keys only, and names a host that exists', async () => {
    const { hostId, hostToken } = await enrolled('rev-d');
    const tenant = await h.tenant();
    expect((await h.app.inject({ method: 'POST', url: `/v1/hosts/${hostId}/revoke`, headers: tenant.auth })).statusCode).toBe(403);
    expect((await h.app.inject({ method: 'POST', url: `/v1/hosts/${hostId}/revoke`, headers: as(hostToken) })).statusCode).toBe(401);
    expect((await h.app.inject({ method: 'POST', url: '/v1/hosts/01a20000-0000-7000-8000-0000000000aa/revoke', headers: admin })).statusCode).toBe(404);
    const bad = await h.app.inject({ method: 'POST', url: '/v1/hosts/not-an-id/revoke', headers: admin });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors.map((e: { field: string }) => e.field)).toEqual(['path.hostId']);
    expect(await agentCalls(hostToken)).toEqual([200, 200, 200]);
  });
});

describe('rotating a host credential', () => {
  it('returns a new credential, shown once, that works at once; the old one is refused', async () => {
    const { hostId, hostToken } = await enrolled('rot-a');
    const res = await h.app.inject({ method: 'POST', url: `/v1/hosts/${hostId}/rotate-credential`, headers: admin });
    expect(res.statusCode).toBe(200);
    const { hostToken: fresh } = res.json();
    expect(fresh).toMatch(/^sph_/);
    expect(fresh).not.toBe(hostToken);
    expect(await agentCalls(hostToken)).toEqual([401, 401, 401]);
    expect(await agentCalls(fresh)).toEqual([200, 200, 200]);
    // The host is the same one: same id, still up.
    expect(await listed('rot-a')).toMatchObject({ id: hostId, state: 'up', revokedAt: null });
    expect((await fleetEvents('host.credential_rotated')).map((e: { data: { name: string } }) => e.data.name)).toContain('rot-a');
  });

  it('is for admin keys only', async () => {
    const { hostId } = await enrolled('rot-b');
    const tenant = await h.tenant();
    expect((await h.app.inject({ method: 'POST', url: `/v1/hosts/${hostId}/rotate-credential`, headers: tenant.auth })).statusCode).toBe(403);
    expect((await h.app.inject({ method: 'POST', url: '/v1/hosts/01a20000-0000-7000-8000-0000000000aa/rotate-credential', headers: admin })).statusCode).toBe(404);
  });
});
