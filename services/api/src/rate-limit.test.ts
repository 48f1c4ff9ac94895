import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { startApiHarness, type ApiHarness } from '@slotplane/testkit';
import { rateLimitRedis } from './rate-limit.ts';

// Two API instances on one database and one Redis: the limit is counted for both together.
let a: ApiHarness;
let b: ApiHarness;
let auth: { authorization: string };
const redis = rateLimitRedis(inject('redisUrl'));

beforeAll(async () => {
  a = await startApiHarness({ rateLimitPerMinute: 5, rateLimitRedis: redis });
  const { buildApp } = await import('./app.ts');
  b = { ...a, app: await buildApp({ database: a.database, queue: a.queue, secrets: a.secrets, rateLimitPerMinute: 5, rateLimitRedis: redis }) };
  auth = (await a.tenant()).auth;
});
afterAll(async () => {
  await b?.app.close();
  await a?.close();
  redis.disconnect();
});

describe('rate limits', () => {
  it('counts a key across API instances and answers 429 problem+json with Retry-After', async () => {
    const codes: number[] = [];
    for (let i = 0; i < 3; i++) codes.push((await a.app.inject({ url: '/v1/clusters', headers: auth })).statusCode);
    for (let i = 0; i < 2; i++) codes.push((await b.app.inject({ url: '/v1/clusters', headers: auth })).statusCode);
    expect(codes).toEqual([200, 200, 200, 200, 200]);
    const limited = await b.app.inject({ url: '/v1/clusters', headers: auth });
    expect(limited.statusCode).toBe(429);
    expect(limited.headers['content-type']).toContain('application/problem+json');
    expect(limited.json().code).toBe('rate_limited');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    // Another key has a budget of its own.
    expect((await a.app.inject({ url: '/v1/clusters', headers: (await a.tenant()).auth })).statusCode).toBe(200);
  });

  it('limits guessing: requests with bad keys are counted per address', async () => {
    const address = `10.9.${randomBytes(1)[0]}.${randomBytes(1)[0]}`;
    const codes: number[] = [];
    for (let i = 0; i < 6; i++) {
      const res = await a.app.inject({ url: '/v1/clusters', remoteAddress: address, headers: { authorization: `Bearer sp_${randomBytes(8).toString('hex')}` } });
      codes.push(res.statusCode);
    }
    expect(codes).toEqual([401, 401, 401, 401, 401, 429]);
  });
});
