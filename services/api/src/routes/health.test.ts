import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '@slotplane/api';
import { startApiHarness, type ApiHarness } from '@slotplane/testkit';

let h: ApiHarness;
beforeAll(async () => (h = await startApiHarness()));
afterAll(() => h?.close());

describe('health', () => {
  it('/healthz answers without credentials', async () => {
    const res = await h.app.inject({ method: 'GET', url: '/healthz' });
    expect(res.statusCode).toBe(200);
    expect(res.json().status).toBe('ok');
  });

  it('/readyz is 200 when Postgres and Redis answer', async () => {
    const res = await h.app.inject({ method: 'GET', url: '/readyz' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'ok', checks: { postgres: 'ok', redis: 'ok' } });
  });

  it('/readyz is 503 and says which dependency is down', async () => {
    const broken = await buildApp({
      database: h.database,
      secrets: h.secrets,
      queue: { enqueue: async () => {}, ping: async () => Promise.reject(new Error('connect ECONNREFUSED')) },
    });
    const res = await broken.inject({ method: 'GET', url: '/readyz' });
    expect(res.statusCode).toBe(503);
    expect(res.json()).toEqual({ status: 'unavailable', checks: { postgres: 'ok', redis: 'connect ECONNREFUSED' } });
    await broken.close();
  });
});
