import { Redis } from 'ioredis';
import { afterEach, describe, expect, it, inject } from 'vitest';
import { connect } from './index.ts';

// The run's queue Redis is the embedded one (startRedisServer), as `slotplane start` runs it.
const redisUrl = inject('redisUrl');
const opened: Redis[] = [];
afterEach(() => {
  for (const r of opened.splice(0)) r.disconnect();
});

describe('the queue Redis', () => {
  it('refuses a client that does not give the password', async () => {
    const { hostname, port } = new URL(redisUrl);
    const anonymous = new Redis({ host: hostname, port: Number(port), lazyConnect: true, enableReadyCheck: false, maxRetriesPerRequest: 0, retryStrategy: () => null });
    opened.push(anonymous);
    await expect(anonymous.set('slotplane-auth-probe', '1')).rejects.toThrow(/NOAUTH/);
  });

  it('lets in connect(), which takes the password from REDIS_URL', async () => {
    expect(new URL(redisUrl).password).not.toBe('');
    const queue = connect({ redisUrl });
    opened.push(queue);
    expect(await queue.ping()).toBe('PONG');
  });
});
