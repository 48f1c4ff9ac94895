import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiHarness, type ApiHarness } from '@slotplane/testkit';
import { createTenant } from '../tenants.ts';

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
    expect(text).toContain('slotplane_operations{status="pending"} 2');
    expect(text).toMatch(/slotplane_http_request_duration_seconds_count\{method="POST",route="\/v1\/clusters",status_code="202"\} 2/);
    expect(text).toContain('# TYPE slotplane_hosts gauge');
    expect(text).toContain('# TYPE slotplane_reconcile_queue_jobs gauge');
  });

  it('is refused to a tenant key (403) and without a key (401)', async () => {
    expect((await h.app.inject({ method: 'GET', url: '/metrics', headers: tenant })).statusCode).toBe(403);
    expect((await h.app.inject({ method: 'GET', url: '/metrics' })).statusCode).toBe(401);
  });
});
