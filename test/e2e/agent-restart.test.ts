import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HOST_SUSPECT_AFTER_MS } from '@slotplane/core';
import { hosts, sql } from '@slotplane/db';
import { startControlPlane, tenantClient, waitFor, type ControlPlane } from '@slotplane/testkit';

let cp: ControlPlane;
let auth: { authorization: string };
let call: ReturnType<typeof tenantClient>['call'];
let settled: ReturnType<typeof tenantClient>['settled'];

beforeAll(async () => {
  cp = await startControlPlane({
    hosts: [
      { name: 'restart-a', address: '127.0.0.31' },
      { name: 'restart-b', address: '127.0.0.32' },
    ],
    portMin: 13000,
    portMax: 13099,
  });
  auth = (await cp.api.tenant()).auth;
  ({ call, settled } = tenantClient(cp.api.app, auth));
});
afterAll(() => cp?.stop());


describe('an agent killed -9 and started again', () => {
  it('adopts its running redis-servers: same pids, cluster stays available', async () => {
    const res = await call('POST', '/v1/clusters', { name: 'steady', shards: 2, replicasPerShard: 1 });
    expect((await settled(res.operation.id)).status).toBe('succeeded');
    const agent = cp.agents[0]!;
    const pids = agent.redisPids(res.cluster.id).sort();
    expect(pids.length).toBeGreaterThan(0);

    const memberIds = async () => (await call('GET', `/v1/clusters/${res.cluster.id}`)).shards.flatMap((s: { primary: { id: string }; replicas: Array<{ id: string }> }) => [s.primary.id, ...s.replicas.map((r) => r.id)]).sort();
    const before = await memberIds();

    await agent.kill();
    for (const pid of pids) expect(() => process.kill(pid, 0)).not.toThrow();
    const killedAt = new Date();
    // Its agent silent until its host counts as suspect (no heartbeat for 3 s): the nodes still
    // answer, so nothing is failed over or replaced.
    await waitFor('the host to count as suspect', async () => {
      const { rows } = (await cp.api.database.db.execute(sql`select count(*)::int as n from hosts where name = ${agent.name} and last_heartbeat_at < now() - ${`${HOST_SUSPECT_AFTER_MS} milliseconds`}::interval`)) as unknown as { rows: Array<{ n: number }> };
      return rows[0]!.n === 1;
    }, { timeoutMs: 20_000, intervalMs: 100 });
    expect((await call('GET', `/v1/clusters/${res.cluster.id}`)).status).toBe('available');
    await agent.restart();
    // The new agent has reported (heartbeat after the restart) ...
    await waitFor('the restarted agent to report', async () => {
      const rows = await cp.api.database.db.select().from(hosts);
      const row = rows.find((h) => h.name === agent.name)!;
      return row.lastHeartbeatAt! > killedAt;
    }, { timeoutMs: 20_000 });
    // ... the same processes, running, with the same pids.
    expect(agent.redisPids(res.cluster.id).sort()).toEqual(pids);
    for (const pid of pids) expect(() => process.kill(pid, 0)).not.toThrow();
    const cluster = await call('GET', `/v1/clusters/${res.cluster.id}`);
    expect(cluster.status).toBe('available');
    const members = cluster.shards.flatMap((s: { primary: unknown; replicas: unknown[] }) => [s.primary, ...s.replicas]);
    expect(members.every((n: { status: string }) => n.status === 'running')).toBe(true);
    expect(await memberIds()).toEqual(before);
    const failovers = await cp.api.database.db.execute(sql`select count(*)::int as n from events where cluster_id = ${res.cluster.id} and type = 'shard.failover'`);
    expect((failovers as unknown as { rows: Array<{ n: number }> }).rows[0]!.n).toBe(0);
  });
});
