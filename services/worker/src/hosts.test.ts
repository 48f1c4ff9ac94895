import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEnrollmentToken, createTenant } from '@slotplane/api';
import { asc, eq, events, inArray, hostWatch, hosts, sql } from '@slotplane/db';
import { createLogger } from '@slotplane/logger';
import { startApiHarness, waitFor, type ApiHarness } from '@slotplane/testkit';
import { watchHosts } from './hosts.ts';

// The host watch on real Postgres, with heartbeats sent through the real API.
/** Short, so the test does not sit out the 30 s default (suspect after 3 s, lost after 4 s). */
const LOST_AFTER_MS = 4000;
let h: ApiHarness;
let admin: { authorization: string };
const log = createLogger('worker', { level: 'silent' });

beforeAll(async () => {
  h = await startApiHarness({ hostLostAfterMs: LOST_AFTER_MS });
  admin = { authorization: `Bearer ${(await createTenant(h.database.db, 'ops', 'admin')).apiKey}` };
});
afterAll(() => h?.close());

/** A host enrolled through the API; returns a function that sends its heartbeat. */
async function enrolled(name: string, address: string): Promise<() => Promise<void>> {
  const token = await createEnrollmentToken(h.database.db);
  const res = await h.app.inject({ method: 'POST', url: '/v1/agent/enroll', headers: { authorization: `Bearer ${token}` }, payload: { name, address, portMin: 23000, portMax: 23099 } });
  const { hostToken } = res.json();
  return async () => {
    const beat = await h.app.inject({ method: 'POST', url: '/v1/agent/heartbeat', headers: { authorization: `Bearer ${hostToken}` }, payload: { bootId: 'b1', seq: 0 } });
    expect(beat.statusCode).toBe(200);
  };
}
/** One round of the host watch, as each worker runs it every second. */
const watch = () => watchHosts(h.database.db, h.queue, LOST_AFTER_MS, log);
/** Two workers' rounds at once. */
const watchFromTwoWorkers = () => Promise.all([watch(), watch()]);
/** What was announced of host states (the events that page). */
const hostEvents = async () =>
  (await h.database.db.select({ type: events.type, data: events.data }).from(events).where(inArray(events.type, ['host.suspect', 'host.lost', 'host.recovered'])).orderBy(asc(events.id))).map((e) => ({
    type: e.type,
    name: e.data.name,
    from: e.data.from,
  }));
const listed = async () => new Map(((await h.app.inject({ method: 'GET', url: '/v1/hosts', headers: admin })).json().items as Array<{ name: string; state: string }>).map((x) => [x.name, x.state]));
/**
 * The whole control plane stops for `seconds` and comes back: no heartbeat is received and no watch
 * round runs meanwhile. (What it recorded moves that far into the past: the clock moved on.)
 */
async function controlPlaneDownFor(seconds: number) {
  const gap = sql`make_interval(secs => ${seconds})`;
  await h.database.db.update(hosts).set({ lastHeartbeatAt: sql`${hosts.lastHeartbeatAt} - ${gap}` });
  await h.database.db.update(hostWatch).set({ ranAt: sql`${hostWatch.ranAt} - ${gap}`, since: sql`${hostWatch.since} - ${gap}` });
}
/** A host that has sent nothing for `seconds` while the control plane ran all along. */
async function silentFor(name: string, seconds: number) {
  const then = sql`now() - make_interval(secs => ${seconds})`;
  await h.database.db.update(hosts).set({ lastHeartbeatAt: then }).where(eq(hosts.name, name));
  await h.database.db.update(hostWatch).set({ since: sql`least(${hostWatch.since}, ${then})` });
}

describe('the host watch after the control plane was down', () => {
  it('announces no host lost for the silence of the outage, and a host that stays silent for a full window after it, lost once', async () => {
    const steady = await enrolled('restart-steady', '127.0.0.121');
    const quiet = await enrolled('restart-quiet', '127.0.0.122');
    const gone = await enrolled('restart-gone', '127.0.0.123');
    for (const beat of [steady, quiet, gone]) await beat();
    await watch();
    // A host already lost before the outage.
    await silentFor('restart-gone', 10);
    await watch();
    expect(await hostEvents()).toEqual([{ type: 'host.lost', name: 'restart-gone', from: 'up' }]);
    await watch();

    // Down for 40 s (ten times the grace period): every last heartbeat is that old when it is back.
    await controlPlaneDownFor(40);
    expect(await watchFromTwoWorkers()).toEqual([0, 0]);
    expect(await watch()).toBe(0);
    expect(await hostEvents()).toHaveLength(1);
    expect(await listed()).toEqual(new Map([['restart-gone', 'lost'], ['restart-quiet', 'up'], ['restart-steady', 'up']]));

    // Back, one host heartbeats again and one never does: that one is suspect, then lost, once.
    await waitFor('restart-quiet to be announced lost', async () => {
      await steady();
      await watchFromTwoWorkers();
      return (await hostEvents()).some((e) => e.type === 'host.lost' && e.name === 'restart-quiet');
    }, { timeoutMs: 20_000, intervalMs: 200 });
    await steady();
    await watch();
    expect(await hostEvents()).toEqual([
      { type: 'host.lost', name: 'restart-gone', from: 'up' },
      { type: 'host.suspect', name: 'restart-quiet', from: 'up' },
      { type: 'host.lost', name: 'restart-quiet', from: 'suspect' },
    ]);
    expect(await listed()).toEqual(new Map([['restart-gone', 'lost'], ['restart-quiet', 'lost'], ['restart-steady', 'up']]));
  });
});
