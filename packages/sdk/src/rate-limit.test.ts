import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiHarness, type ApiHarness } from '@slotplane/testkit';
import { SlotplaneError, createClient } from './index.ts';

// The API's window is shortened to 3 s here, so the retried request waits seconds, not a minute.
let h: ApiHarness;
let baseUrl: string;
let apiKey: string;

beforeAll(async () => {
  h = await startApiHarness({ rateLimitPerMinute: 3, rateLimitWindowMs: 3000 });
  await h.app.listen({ host: '127.0.0.1', port: 0 });
  baseUrl = `http://127.0.0.1:${(h.app.server.address() as AddressInfo).port}`;
  apiKey = (await h.tenant()).auth.authorization.replace('Bearer ', '');
});
afterAll(() => h?.close());

describe('rate limits', () => {
  it('a 429 is waited out (Retry-After) and retried; with retries off it is thrown as rate_limited', async () => {
    const impatient = createClient({ baseUrl, apiKey, retry: { max: 0 } });
    for (let i = 0; i < 3; i++) await impatient.clusters.findByName('none');
    const refused = await impatient.clusters.findByName('none').catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(SlotplaneError);
    expect(refused).toMatchObject({ status: 429, code: 'rate_limited' });

    const patient = createClient({ baseUrl, apiKey });
    const { cluster } = await patient.clusters.create({ name: 'after-the-wait', shards: 1, replicasPerShard: 0 });
    expect((await patient.clusters.get(cluster.id)).name).toBe('after-the-wait');
  });

  it('does not wait longer than maxDelayMs: the 429 is thrown', async () => {
    const hurried = createClient({ baseUrl, apiKey, retry: { maxDelayMs: 10 } });
    for (let i = 0; i < 4; i++) await hurried.clusters.findByName('none').catch(() => undefined);
    await expect(hurried.clusters.findByName('none')).rejects.toMatchObject({ code: 'rate_limited' });
  });
});
