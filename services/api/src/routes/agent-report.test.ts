import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq, nodes } from '@slotplane/db';
import { startApiHarness, type ApiHarness, placeNode } from '@slotplane/testkit';
import { createEnrollmentToken } from '../store/hosts.ts';

let h: ApiHarness;
let auth: { authorization: string };
let mine: string;
let other: string;
let seq = 0;

beforeAll(async () => {
  h = await startApiHarness();
  const enroll = async (name: string) => {
    const token = await createEnrollmentToken(h.database.db);
    return (await h.app.inject({ method: 'POST', url: '/v1/agent/enroll', headers: { authorization: `Bearer ${token}` }, payload: { name, address: '127.0.0.111', portMin: 22000, portMax: 22099 } })).json();
  };
  const me = await enroll('strict-a');
  const neighbour = await enroll('strict-b');
  auth = { authorization: `Bearer ${me.hostToken}` };
  mine = await placeNode(h, me.hostId, 22001);
  other = await placeNode(h, neighbour.hostId, 22002);
});
afterAll(() => h?.close());

const instance = (over: Record<string, unknown> = {}) => ({ nodeId: mine, port: 22001, pid: 4242, state: 'running', exitCode: null, signal: null, runGeneration: 1, revision: null, ...over });
const report = (instances: object[], extra: object = {}) =>
  h.app.inject({ method: 'PUT', url: '/v1/agent/report', headers: auth, payload: { bootId: 'boot-1', seq: ++seq, instances, ...extra } });
/** The fields a 400 names, after checking it is a validation problem. */
const fields = async (res: Awaited<ReturnType<typeof report>>) => {
  expect(res.statusCode).toBe(400);
  expect(res.json().code).toBe('validation_failed');
  return res.json().errors.map((e: { field: string }) => e.field).sort();
};
const statusOf = async (nodeId: string) => (await h.database.db.select({ status: nodes.status }).from(nodes).where(eq(nodes.id, nodeId)))[0]!.status;

describe('PUT /v1/agent/report', () => {
  it("records a report of the host's own nodes", async () => {
    expect((await report([instance()])).json()).toEqual({ recorded: true });
    expect(await statusOf(mine)).toBe('running');
  });

  it('dates an exit, and starts the silence of a node started again over (a loading node is not down since its exit)', async () => {
    const row = async () => (await h.database.db.select({ exitedAt: nodes.exitedAt, reachable: nodes.reachable, unreachableSince: nodes.unreachableSince }).from(nodes).where(eq(nodes.id, mine)))[0]!;
    await report([instance({ state: 'exited', pid: null, exitCode: null, signal: 'SIGKILL' })]);
    // As the worker records it: the dead node does not answer.
    await h.database.db.update(nodes).set({ reachable: false, unreachableSince: new Date(Date.now() - 60_000) }).where(eq(nodes.id, mine));
    const exited = await row();
    expect(exited.exitedAt).toBeInstanceOf(Date);
    await report([instance({ state: 'starting', pid: 4343, runGeneration: 2 })]);
    expect(await row()).toEqual({ exitedAt: null, reachable: null, unreachableSince: null });
    await report([instance({ pid: 4343, runGeneration: 2 })]);
    expect(await statusOf(mine)).toBe('running');
  });

  it('refuses a node id that is not placed on this host, naming it, and changes nothing', async () => {
    const before = await statusOf(other);
    expect(await fields(await report([instance({ state: 'exited', pid: null }), instance({ nodeId: other, port: 22002, state: 'exited', pid: null })]))).toEqual(['body.instances.1.nodeId']);
    expect(await fields(await report([instance({ nodeId: '01a20000-0000-7000-8000-0000000000aa' })]))).toEqual(['body.instances.0.nodeId']);
    expect(await statusOf(other)).toBe(before);
    expect(await statusOf(mine)).toBe('running');
  });

  it('refuses a port that is not the node’s own', async () => {
    expect(await fields(await report([instance({ port: 22003 })]))).toEqual(['body.instances.0.port']);
  });

  it('refuses negative, fractional and out-of-range numbers', async () => {
    const res = await report([instance({ port: -1, pid: -5, exitCode: 300, runGeneration: 0.5 })]);
    expect(await fields(res)).toEqual(['body.instances.0.exitCode', 'body.instances.0.pid', 'body.instances.0.port', 'body.instances.0.runGeneration']);
    expect(await fields(await report([instance({ port: 70000, pid: 0 })]))).toEqual(['body.instances.0.pid', 'body.instances.0.port']);
    expect(await fields(await report([], { seq: -1 }))).toEqual(['body.seq']);
  });

  it('refuses a node or a port named twice', async () => {
    expect(await fields(await report([instance(), instance({ state: 'exited', pid: null })]))).toEqual(['body.instances.1.nodeId', 'body.instances.1.port']);
  });

  it('refuses unknown fields, in the report and in each instance', async () => {
    expect(await fields(await report([instance({ cpu: 3 })], { hostname: 'x' }))).toEqual(['body.hostname', 'body.instances.0.cpu']);
  });

  it('refuses a signal that is not a signal name and a boot id with odd characters', async () => {
    expect(await fields(await report([instance({ state: 'exited', pid: null, signal: 'rm -rf' })], { bootId: 'a b' }))).toEqual(['body.bootId', 'body.instances.0.signal']);
  });
});

describe('the other agent routes', () => {
  it('refuse unknown fields and parameters', async () => {
    const hb = await h.app.inject({ method: 'POST', url: '/v1/agent/heartbeat', headers: auth, payload: { bootId: 'boot-1', seq: 1, load: 0.5 } });
    expect(await fields(hb)).toEqual(['body.load']);
    const poll = await h.app.inject({ method: 'GET', url: '/v1/agent/assignments?since=x&wait=5', headers: auth });
    expect(await fields(poll)).toEqual(['query.wait']);
  });
});
