import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTenant } from '@slotplane/api';
import { sql } from '@slotplane/db';
import { startControlPlane, tenantClient, waitFor, type ControlPlane } from '@slotplane/testkit';

// An admin revokes a host under a 3x1 cluster on three hosts, then stops the machine.
const HOSTS = [
  { name: 'revoke-a', address: '127.0.0.111', zone: 'a' },
  { name: 'revoke-b', address: '127.0.0.112', zone: 'b' },
  { name: 'revoke-c', address: '127.0.0.113', zone: 'c' },
];
/**
 * Far longer than the test: a host that is only silent stays suspect throughout, so whatever is
 * healed here is healed because the host was revoked (lost at once), not because it went quiet.
 */
const HOST_LOST_AFTER_MS = 600_000;
let cp: ControlPlane;
let call: ReturnType<typeof tenantClient>['call'];
let settled: ReturnType<typeof tenantClient>['settled'];
let admin: ReturnType<typeof tenantClient>['call'];

beforeAll(async () => {
  cp = await startControlPlane({ hosts: HOSTS, portMin: 22000, portMax: 22099, hostLostAfterMs: HOST_LOST_AFTER_MS });
  ({ call, settled } = tenantClient(cp.api.app, (await cp.api.tenant()).auth));
  ({ call: admin } = tenantClient(cp.api.app, { authorization: `Bearer ${(await createTenant(cp.api.database.db, 'ops', 'admin')).apiKey}` }));
});
afterAll(() => cp?.stop());

type NodeView = { id: string; hostId: string; host: string; port: number; reachable: boolean | null };
type ShardView = { index: number; primary: NodeView | null; replicas: NodeView[] };
type Event = { type: string; data: Record<string, unknown> };
const members = (shards: ShardView[]) => shards.flatMap((s) => [...(s.primary ? [s.primary] : []), ...s.replicas]);

describe('a revoked host', () => {
  it('is refused and lost at once; once its machine stops, its nodes are replaced on the other hosts like a lost host’s', async () => {
    const { cluster, operation } = await call('POST', '/v1/clusters', { name: 'revoked', shards: 3, replicasPerShard: 1, maxMemoryMb: 64 });
    expect((await settled(operation.id)).status).toBe('succeeded');
    const before = (await call('GET', `/v1/clusters/${cluster.id}`)).shards as ShardView[];
    const victim = before[0]!.primary!;
    const agent = cp.agents.find((a) => a.address === victim.host)!;
    const dead = members(before).filter((m) => m.hostId === victim.hostId);
    expect(dead).toHaveLength(2);
    const events = async () => {
      const res = await cp.api.database.db.execute(sql`select type, data from events where cluster_id = ${cluster.id} or cluster_id is null order by id`);
      return (res as unknown as { rows: Event[] }).rows;
    };
    const seen = (await events()).length;

    const revoked = await admin('POST', `/v1/hosts/${victim.hostId}/revoke`);
    expect(revoked).toMatchObject({ name: agent.name, state: 'lost', revokedAt: expect.any(String) });
    // The credential the agent holds opens nothing any more: no assignments, no passwords.
    const credential = readFileSync(join(agent.dataDir, 'host-token'), 'utf8').trim();
    const refused = await fetch(`${cp.baseUrl}/v1/agent/assignments`, { headers: { authorization: `Bearer ${credential}` } });
    expect(refused.status).toBe(401);
    await waitFor('host.lost for the revoked host', async () => (await events()).slice(seen).some((e) => e.type === 'host.lost' && e.data.name === agent.name), { timeoutMs: 20_000 });

    // The operator stops the machine: its nodes go silent, Redis flags them FAIL, and they are replaced.
    await agent.killHost();
    const healed = await waitFor('the cluster healed back to 3x1 on the two hosts left', async () => {
      const c = (await call('GET', `/v1/clusters/${cluster.id}`)) as { status: string; shards: ShardView[] };
      const whole = c.status === 'available' && c.shards.every((s) => s.primary?.reachable && s.replicas.length === 1 && s.replicas[0]!.reachable);
      return whole && members(c.shards).every((m) => m.hostId !== victim.hostId) ? c : undefined;
    }, { timeoutMs: 120_000, intervalMs: 250 });

    const happened = (await events()).slice(seen);
    expect(happened.map((e) => e.type)).toEqual(expect.arrayContaining(['host.revoked', 'host.lost', 'node.replaced']));
    const replaced = happened.filter((e) => e.type === 'node.replaced').map((e) => e.data);
    expect(replaced.map((r) => r.from).sort()).toEqual(dead.map((d) => d.id).sort());
    expect(replaced.every((r) => r.reason === 'its host is lost')).toBe(true);
    expect(members(healed.shards).every((m) => m.hostId !== victim.hostId)).toBe(true);
    const fleet = (await admin('GET', '/v1/hosts')).items as Array<{ name: string; state: string; revokedAt: string | null }>;
    expect(fleet.find((h) => h.name === agent.name)).toMatchObject({ state: 'lost', revokedAt: revoked.revokedAt });
    expect(fleet.filter((h) => h.name !== agent.name).map((h) => h.state)).toEqual(['up', 'up']);

    expect((await settled((await call('DELETE', `/v1/clusters/${cluster.id}`)).operation.id)).status).toBe('succeeded');
  }, 240_000);
});
