import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { appendEvent, sql } from '@slotplane/db';
import { startApiHarness, waitFor, type ApiHarness } from '@slotplane/testkit';
import { createTenant } from '../store/tenants.ts';

let h: ApiHarness;
let tenant: { authorization: string };
let admin: { authorization: string };

beforeAll(async () => {
  h = await startApiHarness();
  tenant = (await h.tenant()).auth;
  admin = { authorization: `Bearer ${(await createTenant(h.database.db, 'ops', 'admin')).apiKey}` };
});
afterAll(() => h?.close());

describe('GET /metrics', () => {
  it('gives an admin the fleet and the API in Prometheus text, counted from what was just written', async () => {
    for (const name of ['m1', 'm2']) {
      expect((await h.app.inject({ method: 'POST', url: '/v1/clusters', headers: tenant, payload: { name, shards: 1, replicasPerShard: 0 } })).statusCode).toBe(202);
    }
    const res = await h.app.inject({ method: 'GET', url: '/metrics', headers: admin });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain/);
    const text = res.body;
    expect(text).toContain('slotplane_clusters{status="creating"} 2');
    expect(text).toContain('slotplane_operations{kind="create",status="pending"} 2');
    expect(text).toMatch(/slotplane_http_request_duration_seconds_count\{method="POST",route="\/v1\/clusters",status_code="202"\} 2/);
    expect(text).toContain('# TYPE slotplane_hosts gauge');
    // No worker here: the two reconcile jobs wait, and the oldest has waited since its POST.
    expect(text).toContain('slotplane_queue_jobs{queue="reconcile",state="waiting"} 2');
    expect(text).toContain('slotplane_queue_jobs{queue="webhooks",state="waiting"} 0');
    const waited = Number(text.match(/slotplane_queue_oldest_waiting_seconds\{queue="reconcile"\} ([\d.e-]+)/)![1]);
    expect(waited).toBeGreaterThan(0);
    expect(waited).toBeLessThan(60);
  });

  it('shows failover durations by trigger and the keys slot migrations moved, counters that never go back, and keys per second over the last minute', async () => {
    const { tenantId } = await h.tenant();
    await h.database.db.transaction(async (tx) => {
      for (const [trigger, durationMs] of [['redis', 8000], ['agent_exit', 300], ['agent_exit', 700]] as const) {
        await appendEvent(tx, { tenantId, type: 'shard.failover', data: { shardIndex: 0, from: null, to: randomUUID(), trigger, durationMs } });
      }
      await appendEvent(tx, { tenantId, type: 'slot_migration.progress', data: { from: randomUUID(), to: randomUUID(), slots: 256, keys: 600, bytes: 6000, slotsDone: 256, slotsTotal: 4096 } });
    });
    const text = (await h.app.inject({ method: 'GET', url: '/metrics', headers: admin })).body;
    expect(text).toContain('slotplane_failover_duration_seconds_count{trigger="agent_exit"} 2');
    expect(text).toContain('slotplane_failover_duration_seconds_bucket{le="0.5",trigger="agent_exit"} 1');
    expect(text).toContain('slotplane_failover_duration_seconds_bucket{le="1",trigger="agent_exit"} 2');
    expect(text).toContain('slotplane_failover_duration_seconds_sum{trigger="redis"} 8');
    expect(text).toContain('slotplane_slot_migration_keys_per_second 10');
    expect(text).toContain('# TYPE slotplane_slot_migration_keys_total counter');
    expect(text).toContain('slotplane_slot_migration_keys_total 600');

    // The events pruned (retention), the counters stay where they were, and go on from there.
    await h.database.db.execute(sql`delete from events where type in ('shard.failover', 'slot_migration.progress')`);
    await h.database.db.transaction(async (tx) => {
      await appendEvent(tx, { tenantId, type: 'slot_migration.progress', data: { from: randomUUID(), to: randomUUID(), slots: 10, keys: 5, bytes: 50, slotsDone: 266, slotsTotal: 4096 } });
    });
    const later = (await h.app.inject({ method: 'GET', url: '/metrics', headers: admin })).body;
    expect(later).toContain('slotplane_failover_duration_seconds_count{trigger="agent_exit"} 2');
    expect(later).toContain('slotplane_failover_duration_seconds_bucket{le="+Inf",trigger="redis"} 1');
    expect(later).toContain('slotplane_slot_migration_keys_total 605');
  });

  it('counts the event streams open on this instance', async () => {
    const url = await h.app.listen({ host: '127.0.0.1', port: 0 });
    const streams = () => h.app.inject({ method: 'GET', url: '/metrics', headers: admin }).then((r) => Number(r.body.match(/^slotplane_event_stream_clients (\d+)$/m)![1]));
    const before = await streams();
    const abort = new AbortController();
    const res = await fetch(`${url}/v1/events/stream?cursor=now`, { headers: tenant, signal: abort.signal });
    expect(res.status).toBe(200);
    expect(await streams()).toBe(before + 1);
    abort.abort();
    await waitFor('the stream to be counted out', async () => (await streams()) === before);
  });

  it('is refused to a tenant key (403) and without a key (401)', async () => {
    expect((await h.app.inject({ method: 'GET', url: '/metrics', headers: tenant })).statusCode).toBe(403);
    expect((await h.app.inject({ method: 'GET', url: '/metrics' })).statusCode).toBe(401);
  });
});

describe('/admin/queues (bull-board)', () => {
  it('shows every queue to an admin key, from a Bearer header or the browser login prompt', async () => {
    const basic = { authorization: `Basic ${Buffer.from(`admin:${admin.authorization.slice('Bearer '.length)}`).toString('base64')}` };
    const page = await h.app.inject({ method: 'GET', url: '/admin/queues', headers: basic });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    const api = await h.app.inject({ method: 'GET', url: '/admin/queues/api/queues', headers: admin });
    expect(api.statusCode).toBe(200);
    expect(api.json().queues.map((q: { name: string }) => q.name).sort()).toEqual(['maintenance', 'reconcile', 'webhooks']);
  });

  it('asks for a login without a key (401 with WWW-Authenticate), and refuses a tenant key (403)', async () => {
    const none = await h.app.inject({ method: 'GET', url: '/admin/queues' });
    expect(none.statusCode).toBe(401);
    expect(none.headers['www-authenticate']).toMatch(/^Basic realm=/);
    expect(none.headers['content-type']).toMatch(/problem\+json/);
    expect((await h.app.inject({ method: 'GET', url: '/admin/queues/api/queues', headers: tenant })).statusCode).toBe(403);
  });
});
