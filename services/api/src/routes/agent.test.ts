import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTenant } from '@slotplane/api';
import { startApiHarness, type ApiHarness, placeNode } from '@slotplane/testkit';
import { eq, hosts, newId, nodes, notifyAssignments, shards } from '@slotplane/db';
import { createEnrollmentToken } from '../store/hosts.ts';

let h: ApiHarness;
const host = { name: 'h1', address: '127.0.0.99', portMin: 7000, portMax: 7099 };

beforeAll(async () => {
  h = await startApiHarness();
});
afterAll(() => h?.close());

const enroll = (token: string, payload: object) => h.app.inject({ method: 'POST', url: '/v1/agent/enroll', headers: { authorization: `Bearer ${token}` }, payload });
/** Each host is enrolled with a token of its own: a token enrolls one host, once. */
const enrollNew = async (payload: object) => enroll(await createEnrollmentToken(h.database.db), payload);

describe('agent API', () => {
  it('enrolls a host with an enrollment token and answers its credential with an empty assignment list', async () => {
    const res = await enrollNew(host);
    expect(res.statusCode).toBe(200);
    const { hostToken } = res.json();
    const list = await h.app.inject({ method: 'GET', url: '/v1/agent/assignments', headers: { authorization: `Bearer ${hostToken}` } });
    expect(list.statusCode).toBe(200);
    expect(list.json()).toMatchObject({ instances: [], version: expect.any(String) });
    // The fleet's own event, for admin keys only.
    const admin = await createTenant(h.database.db, 'ops-enroll', 'admin');
    const seen = await h.app.inject({ method: 'GET', url: '/v1/events?type=host.enrolled', headers: { authorization: `Bearer ${admin.apiKey}` } });
    expect(seen.json().items.map((e: { tenantId: string | null; data: { name: string } }) => [e.tenantId, e.data.name])).toContainEqual([null, 'h1']);
  });

  it('holds a long-poll until the wait runs out when nothing changed', async () => {
    const { hostToken } = (await enrollNew({ ...host, name: 'h-poll' })).json();
    const auth = { authorization: `Bearer ${hostToken}` };
    const { version } = (await h.app.inject({ method: 'GET', url: '/v1/agent/assignments', headers: auth })).json();
    const started = Date.now();
    const res = await h.app.inject({ method: 'GET', url: `/v1/agent/assignments?since=${version}&waitMs=300`, headers: auth });
    expect(res.json().version).toBe(version);
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
  });

  it('refuses a wrong enrollment token, a tenant key, or no credential', async () => {
    expect((await enroll('spe_wrong', host)).statusCode).toBe(401);
    const tenant = await createTenant(h.database.db, 'not-a-host');
    expect((await enroll(tenant.apiKey, host)).statusCode).toBe(401);
    expect((await h.app.inject({ method: 'GET', url: '/v1/agent/assignments' })).statusCode).toBe(401);
    expect((await h.app.inject({ method: 'GET', url: '/v1/agent/assignments', headers: { authorization: `Bearer ${tenant.apiKey}` } })).statusCode).toBe(401);
  });

  it('names every bad field of an enrollment', async () => {
    const res = await enrollNew({ name: '', address: '10.0.0.1', portMin: 80, portMax: 7000, extra: 1 });
    expect(res.statusCode).toBe(400);
    expect([...new Set(res.json().errors.map((e: { field: string }) => e.field))].sort()).toEqual(['body.extra', 'body.name', 'body.portMin']);
  });

  it('wakes a long-poll as soon as the host\'s assignments change (NOTIFY), not when the wait runs out', async () => {
    const { hostToken } = (await enrollNew({ ...host, name: 'h-wake' })).json();
    const auth = { authorization: `Bearer ${hostToken}` };
    const { version } = (await h.app.inject({ method: 'GET', url: '/v1/agent/assignments', headers: auth })).json();
    const [row] = await h.database.db.select().from(hosts).where(eq(hosts.name, 'h-wake'));
    const started = Date.now();
    const WAIT_MS = 20_000;
    const poll = h.app.inject({ method: 'GET', url: `/v1/agent/assignments?since=${version}&waitMs=${WAIT_MS}`, headers: auth });
    // A worker placing a node on this host: the assignment and the NOTIFY in one transaction.
    const tenant = await h.tenant();
    const { cluster } = (await h.app.inject({ method: 'POST', url: '/v1/clusters', headers: tenant.auth, payload: { name: 'wake', shards: 1, replicasPerShard: 0 } })).json();
    await h.database.db.transaction(async (tx) => {
      const shardId = newId();
      await tx.insert(shards).values({ id: shardId, clusterId: cluster.id, index: 0 });
      await tx.insert(nodes).values({ id: newId(), clusterId: cluster.id, shardId, hostId: row!.id, port: 7000, role: 'primary' });
      await notifyAssignments(tx, [row!.id]);
    });
    const res = await poll;
    // Answered before its wait ran out: woken by the change (the wait's end would also show it).
    expect(Date.now() - started).toBeLessThan(WAIT_MS);
    expect(res.json().version).not.toBe(version);
    expect(res.json().instances).toEqual([expect.objectContaining({ port: 7000, runGeneration: 1, passwords: { adminHash: expect.stringMatching(/^[0-9a-f]{64}$/), replication: expect.any(String), tenantHashes: [expect.stringMatching(/^[0-9a-f]{64}$/)] } })]);
  });

  it('ignores a report older than the last one recorded, and asks for a resend in the heartbeat when one was lost', async () => {
    const { hostId, hostToken } = (await enrollNew({ ...host, name: 'h-seq' })).json();
    const auth = { authorization: `Bearer ${hostToken}` };
    const nodeId = await placeNode(h, hostId, 7001);
    const instance = (state: string) => ({ nodeId, port: 7001, pid: 1, state, exitCode: null, signal: null, runGeneration: 1, revision: null });
    const put = (seq: number, state: string, bootId = '000000000000001-aa') =>
      h.app.inject({ method: 'PUT', url: '/v1/agent/report', headers: auth, payload: { bootId, seq, instances: [instance(state)] } });
    expect((await put(2, 'running')).json()).toEqual({ recorded: true });
    expect((await put(1, 'starting')).json()).toEqual({ recorded: false });
    const heartbeat = (seq: number) => h.app.inject({ method: 'POST', url: '/v1/agent/heartbeat', headers: auth, payload: { bootId: '000000000000001-aa', seq } });
    expect((await heartbeat(2)).json()).toEqual({ resend: false });
    expect((await heartbeat(3)).json()).toEqual({ resend: true });
    // A new boot of the agent starts its numbering again, and wins.
    expect((await put(1, 'running', '000000000000002-bb')).json()).toEqual({ recorded: true });
    const [row] = await h.database.db.select().from(hosts).where(eq(hosts.name, 'h-seq'));
    expect(row!.report).toEqual([instance('running')]);
  });

  it('records the free disk a heartbeat or report gives, shown in GET /v1/hosts, and keeps it when an older agent says nothing', async () => {
    const { hostToken } = (await enrollNew({ ...host, name: 'h-disk' })).json();
    const auth = { authorization: `Bearer ${hostToken}` };
    const admin = await createTenant(h.database.db, 'ops-disk', 'admin');
    const diskOf = async () => (await h.app.inject({ method: 'GET', url: '/v1/hosts', headers: { authorization: `Bearer ${admin.apiKey}` } })).json().items.find((x: { name: string }) => x.name === 'h-disk').disk;
    expect(await diskOf()).toBeNull();
    const beat = (payload: object) => h.app.inject({ method: 'POST', url: '/v1/agent/heartbeat', headers: auth, payload: { bootId: '1', seq: 0, ...payload } });
    expect((await beat({ disk: { freeBytes: 5_000_000_000, totalBytes: 8_000_000_000 } })).statusCode).toBe(200);
    expect(await diskOf()).toEqual({ freeBytes: 5_000_000_000, totalBytes: 8_000_000_000 });
    expect((await beat({})).statusCode).toBe(200);
    expect(await diskOf()).toEqual({ freeBytes: 5_000_000_000, totalBytes: 8_000_000_000 });
    await h.app.inject({ method: 'PUT', url: '/v1/agent/report', headers: auth, payload: { bootId: '1', seq: 1, instances: [], disk: { freeBytes: 1024, totalBytes: 8_000_000_000 } } });
    expect(await diskOf()).toEqual({ freeBytes: 1024, totalBytes: 8_000_000_000 });
    expect((await beat({ disk: { freeBytes: -1, totalBytes: 1 } })).json().errors.map((e: { field: string }) => e.field)).toEqual(['body.disk.freeBytes']);
  });

  it('records why an agent could not start a node: exited with the reason on the node, and in its node.exited event', async () => {
    const { hostId, hostToken } = (await enrollNew({ ...host, name: 'h-enospc' })).json();
    const nodeId = await placeNode(h, hostId, 7002);
    const startFailure = { reason: 'could not write its redis.conf: ENOSPC: no space left on device, write', noSpace: true, freeDiskBytes: 0 };
    const res = await h.app.inject({
      method: 'PUT', url: '/v1/agent/report', headers: { authorization: `Bearer ${hostToken}` },
      payload: { bootId: '1', seq: 1, instances: [{ nodeId, port: 7002, pid: null, state: 'exited', exitCode: null, signal: null, runGeneration: 1, revision: null, startFailure }] },
    });
    expect(res.json()).toEqual({ recorded: true });
    const [node] = await h.database.db.select().from(nodes).where(eq(nodes.id, nodeId));
    expect(node).toMatchObject({ status: 'exited', startFailure });
    const admin = await createTenant(h.database.db, 'ops-enospc', 'admin');
    const seen = await h.app.inject({ method: 'GET', url: '/v1/events?type=node.exited', headers: { authorization: `Bearer ${admin.apiKey}` } });
    expect(seen.json().items.map((e: { data: { nodeId: string; startError?: string } }) => e.data)).toContainEqual(expect.objectContaining({ nodeId, startError: startFailure.reason }));
  });

  it('records a report as the heartbeat, which an admin sees in GET /v1/hosts and a tenant may not', async () => {
    const { hostToken } = (await enrollNew({ ...host, name: 'h-report' })).json();
    const report = await h.app.inject({ method: 'PUT', url: '/v1/agent/report', headers: { authorization: `Bearer ${hostToken}` }, payload: { bootId: '1', seq: 1, instances: [] } });
    expect(report.statusCode).toBe(200);
    const admin = await createTenant(h.database.db, 'ops', 'admin');
    const list = await h.app.inject({ method: 'GET', url: '/v1/hosts', headers: { authorization: `Bearer ${admin.apiKey}` } });
    expect(list.statusCode).toBe(200);
    const row = list.json().items.find((x: { name: string }) => x.name === 'h-report');
    expect(row.lastHeartbeatAt).not.toBeNull();
    expect(row.state).toBe('up');
    // Silent for a few seconds: suspect; past the grace period (30 s by default): lost.
    const stateAfter = async (silentMs: number) => {
      await h.database.db.update(hosts).set({ lastHeartbeatAt: new Date(Date.now() - silentMs) }).where(eq(hosts.name, 'h-report'));
      const items = (await h.app.inject({ method: 'GET', url: '/v1/hosts', headers: { authorization: `Bearer ${admin.apiKey}` } })).json().items;
      return items.find((x: { name: string }) => x.name === 'h-report').state;
    };
    expect(await stateAfter(5_000)).toBe('suspect');
    expect(await stateAfter(60_000)).toBe('lost');
    const tenant = await h.tenant();
    expect((await h.app.inject({ method: 'GET', url: '/v1/hosts', headers: tenant.auth })).statusCode).toBe(403);
    expect((await h.app.inject({ method: 'GET', url: '/v1/hosts' })).statusCode).toBe(401);
  });
});

describe('GET /v1/clusters/{id}/credentials', () => {
  it('returns the password to the cluster’s tenant only', async () => {
    const alice = await h.tenant();
    const bob = await h.tenant();
    const { cluster } = (await h.app.inject({ method: 'POST', url: '/v1/clusters', headers: alice.auth, payload: { name: 'creds', shards: 1, replicasPerShard: 0 } })).json();
    const mine = await h.app.inject({ method: 'GET', url: `/v1/clusters/${cluster.id}/credentials`, headers: alice.auth });
    expect(mine.statusCode).toBe(200);
    expect(mine.json()).toMatchObject({ username: 'app', password: expect.stringMatching(/^.{24,}$/), endpoints: [] });
    expect((await h.app.inject({ method: 'GET', url: `/v1/clusters/${cluster.id}/credentials`, headers: bob.auth })).statusCode).toBe(404);
    expect((await h.app.inject({ method: 'GET', url: `/v1/clusters/${cluster.id}/credentials` })).statusCode).toBe(401);
  });
});
