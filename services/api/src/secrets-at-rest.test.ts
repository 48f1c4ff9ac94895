import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { passwordHash } from '@slotplane/core';
import { clusters, eq, hosts, newId, nodes, shards, webhooks } from '@slotplane/db';
import { startApiHarness, type ApiHarness } from '@slotplane/testkit';
import { parseNetworkPolicy } from '@slotplane/webhooks';
import { createEnrollmentToken } from './store/hosts.ts';

let h: ApiHarness;
beforeAll(async () => {
  h = await startApiHarness({ webhookNetworks: parseNetworkPolicy('127.0.0.0/8') });
});
afterAll(() => h?.close());

/** A host with one node of the cluster on it; resolves to what its agent is told to run. */
async function assignmentOf(clusterId: string) {
  const name = `h-${clusterId.slice(-12)}`;
  const enrolled = await h.app.inject({
    method: 'POST', url: '/v1/agent/enroll', headers: { authorization: `Bearer ${await createEnrollmentToken(h.database.db)}` },
    payload: { name, address: '127.0.0.99', portMin: 7000, portMax: 7099 },
  });
  const [host] = await h.database.db.select().from(hosts).where(eq(hosts.name, name));
  const shardId = newId();
  await h.database.db.insert(shards).values({ id: shardId, clusterId, index: 0 });
  await h.database.db.insert(nodes).values({ id: newId(), clusterId, shardId, hostId: host!.id, port: 7000, role: 'primary' });
  const res = await h.app.inject({ method: 'GET', url: '/v1/agent/assignments', headers: { authorization: `Bearer ${enrolled.json().hostToken}` } });
  return res.json().instances[0].passwords as { adminHash: string; replication: string; tenantHashes: string[] };
}

describe('secrets at rest', () => {
  it("stores cluster passwords encrypted, hands the tenant its plaintext, and the agent replication's and the others' SHA-256", async () => {
    const { auth } = await h.tenant();
    const { cluster } = (await h.app.inject({ method: 'POST', url: '/v1/clusters', headers: auth, payload: { name: 'sealed', shards: 1, replicasPerShard: 0 } })).json();
    const [row] = await h.database.db.select().from(clusters).where(eq(clusters.id, cluster.id));
    const stored = [row!.password, row!.adminPassword, row!.replicationPassword];
    for (const s of stored) expect(s).toMatch(new RegExp(`^enc:v1:${h.secrets.current.id}:`));

    const creds = (await h.app.inject({ method: 'GET', url: `/v1/clusters/${cluster.id}/credentials`, headers: auth })).json();
    const passwords = await assignmentOf(cluster.id);
    const [tenant, admin, replication] = stored.map((s) => h.secrets.decrypt(s));
    expect(creds.password).toBe(tenant);
    expect(passwords).toEqual({ adminHash: passwordHash(admin!), replication, tenantHashes: [passwordHash(tenant!)] });
    expect(JSON.stringify(passwords)).not.toContain(tenant);
    expect(JSON.stringify(passwords)).not.toContain(admin);
    for (const plain of [tenant, admin, replication]) expect(stored.join(' ')).not.toContain(plain);
  });

  it('still serves a cluster whose passwords an earlier version stored in plaintext', async () => {
    const { auth } = await h.tenant();
    const { cluster } = (await h.app.inject({ method: 'POST', url: '/v1/clusters', headers: auth, payload: { name: 'legacy', shards: 1, replicasPerShard: 0 } })).json();
    await h.database.db.update(clusters).set({ password: 'tenant-plain', adminPassword: 'admin-plain', replicationPassword: 'repl-plain' }).where(eq(clusters.id, cluster.id));

    const creds = (await h.app.inject({ method: 'GET', url: `/v1/clusters/${cluster.id}/credentials`, headers: auth })).json();
    expect(creds.password).toBe('tenant-plain');
    expect(await assignmentOf(cluster.id)).toEqual({ adminHash: passwordHash('admin-plain'), replication: 'repl-plain', tenantHashes: [passwordHash('tenant-plain')] });
  });

  it('stores a webhook signing secret encrypted; the one response that shows it shows the plaintext', async () => {
    const { auth } = await h.tenant();
    const created = await h.app.inject({ method: 'POST', url: '/v1/webhooks', headers: auth, payload: { url: 'http://127.0.0.1:9/hook' } });
    expect(created.statusCode).toBe(201);
    const { id, secret } = created.json();
    const [row] = await h.database.db.select().from(webhooks).where(eq(webhooks.id, id));
    expect(row!.secret).toMatch(/^enc:v1:/);
    expect(row!.secret).not.toContain(secret);
    expect(h.secrets.decrypt(row!.secret)).toBe(secret);
  });
});
