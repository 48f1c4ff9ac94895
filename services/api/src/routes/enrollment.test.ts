import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTenant, hashCredential } from '@slotplane/api';
import { enrollmentTokens, eq, hosts, sql } from '@slotplane/db';
import { startApiHarness, type ApiHarness } from '@slotplane/testkit';
import { createEnrollmentToken } from '../store/hosts.ts';

let h: ApiHarness;
beforeAll(async () => {
  h = await startApiHarness();
});
afterAll(() => h?.close());

const host = (name: string, address = '127.0.0.111') => ({ name, address, portMin: 22000, portMax: 22099 });
const enroll = (token: string, payload: object) => h.app.inject({ method: 'POST', url: '/v1/agent/enroll', headers: { authorization: `Bearer ${token}` }, payload });
const assignments = (hostToken: string) => h.app.inject({ method: 'GET', url: '/v1/agent/assignments', headers: { authorization: `Bearer ${hostToken}` } });
const hostRow = async (name: string) => (await h.database.db.select().from(hosts).where(eq(hosts.name, name)))[0];

describe('enrollment tokens', () => {
  it('enroll one host, once: a replayed token is refused and enrolls nothing', async () => {
    const token = await createEnrollmentToken(h.database.db);
    expect((await enroll(token, host('once-a'))).statusCode).toBe(200);
    const replay = await enroll(token, host('once-b'));
    expect(replay.statusCode).toBe(401);
    expect(replay.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(replay.json().detail).toMatch(/used already/);
    expect(await hostRow('once-b')).toBeUndefined();
  });

  it('enroll one host even when two agents race with the same token', async () => {
    const token = await createEnrollmentToken(h.database.db);
    const answers = await Promise.all(['race-a', 'race-b', 'race-c'].map((name) => enroll(token, host(name))));
    expect(answers.map((a) => a.statusCode).sort()).toEqual([200, 401, 401]);
  });

  it('are refused once expired', async () => {
    const token = await createEnrollmentToken(h.database.db);
    // The hour passes.
    await h.database.db.update(enrollmentTokens).set({ expiresAt: sql`now() - interval '1 second'` }).where(eq(enrollmentTokens.tokenHash, hashCredential(token)));
    const res = await enroll(token, host('too-late'));
    expect(res.statusCode).toBe(401);
    expect(await hostRow('too-late')).toBeUndefined();
  });

  it('live an hour by default, or as long as their creator says', async () => {
    const expiry = async (token: string) => {
      const [row] = await h.database.db
        .select({ seconds: sql<number>`extract(epoch from ${enrollmentTokens.expiresAt} - now())::int` })
        .from(enrollmentTokens)
        .where(eq(enrollmentTokens.tokenHash, hashCredential(token)));
      return row!.seconds;
    };
    expect(await expiry(await createEnrollmentToken(h.database.db))).toBeGreaterThan(3500);
    expect(await expiry(await createEnrollmentToken(h.database.db))).toBeLessThanOrEqual(3600);
    const short = await expiry(await createEnrollmentToken(h.database.db, 30 * 60 * 1000));
    expect(short).toBeGreaterThan(1700);
    expect(short).toBeLessThanOrEqual(1800);
    await expect(createEnrollmentToken(h.database.db, 30 * 24 * 60 * 60 * 1000)).rejects.toThrow(/between 1 s and 7 d/);
  });

  it('never re-enroll a host that exists: 409 naming body.name, the host keeps its address and credential, and the token stays good', async () => {
    const first = (await enroll(await createEnrollmentToken(h.database.db), host('taken', '127.0.0.112'))).json();
    const token = await createEnrollmentToken(h.database.db);
    const res = await enroll(token, host('taken', '127.0.0.113'));
    expect(res.statusCode).toBe(409);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.json()).toMatchObject({ code: 'name_taken', errors: [{ field: 'body.name', message: expect.any(String) }] });
    expect((await hostRow('taken'))!.address).toBe('127.0.0.112');
    expect((await assignments(first.hostToken)).statusCode).toBe(200);
    // Nothing changed, so the token was not used up: it enrolls a host under a free name.
    expect((await enroll(token, host('taken-2', '127.0.0.113'))).statusCode).toBe(200);
    // Only the fleet's own event of the first enrollment and the second host, none for the refused one.
    const admin = await createTenant(h.database.db, 'ops-taken', 'admin');
    const seen = await h.app.inject({ method: 'GET', url: '/v1/events?type=host.enrolled', headers: { authorization: `Bearer ${admin.apiKey}` } });
    const enrolled = seen.json().items.map((e: { data: { name: string; address: string } }) => `${e.data.name}@${e.data.address}`);
    expect(enrolled.filter((e: string) => e.startsWith('taken'))).toEqual(['taken@127.0.0.112', 'taken-2@127.0.0.113']);
  });

  it('are asked for before the name is looked at: no token, no answer about names', async () => {
    await enroll(await createEnrollmentToken(h.database.db), host('known'));
    expect((await enroll('spe_wrong', host('known'))).statusCode).toBe(401);
  });
});
