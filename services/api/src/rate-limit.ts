import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import rateLimit from '@fastify/rate-limit';
import { Redis } from 'ioredis';
import { AppError } from './errors.ts';

/**
 * A connection for the rate limiter's counters that fails fast: when Redis is away, requests
 * are let through (skipOnError) instead of waiting for it.
 */
export const rateLimitRedis = (url: string) => new Redis(url, { maxRetriesPerRequest: 1, enableOfflineQueue: false, commandTimeout: 500, connectTimeout: 2000 });

/**
 * The limiter of the tenant API: N requests a minute per API key, or per client address for a
 * request without a valid key (so guessing keys is limited too). Counted in Redis when one is
 * given, so every API instance shares the count; else in this process.
 */
export async function installRateLimit(app: FastifyInstance, perMinute: number, redis?: Redis, windowMs = 60_000) {
  await app.register(rateLimit, { global: false, max: perMinute, timeWindow: windowMs, skipOnError: true, nameSpace: 'slotplane-rl:', ...(redis ? { redis } : {}) });
  const check = app.createRateLimit({
    keyGenerator: (request: FastifyRequest) => (request.principal ? `key:${request.principal.keyId}` : `ip:${request.ip}`),
  });
  return async (request: FastifyRequest, reply: FastifyReply) => {
    const limit = await check(request);
    if (limit.isAllowed) return;
    reply.header('ratelimit-limit', limit.max).header('ratelimit-remaining', limit.remaining).header('ratelimit-reset', limit.ttlInSeconds);
    if (limit.isExceeded) {
      reply.header('retry-after', limit.ttlInSeconds);
      throw new AppError('rate_limited', `more than ${limit.max} requests in ${windowMs === 60_000 ? 'a minute' : `${windowMs / 1000} s`} ${request.principal ? 'with this API key' : 'from your address'}; retry in ${limit.ttlInSeconds} s`);
    }
  };
}

/**
 * Fixed-window counters kept in this process, for the agents' door: `hit(key)` counts one and
 * says whether the key is over `max` in the current window (each API instance counts its own).
 */
export class WindowCounter {
  private readonly counts = new Map<string, { start: number; n: number }>();
  constructor(
    readonly max: number,
    readonly windowMs = 60_000,
    private readonly now = () => Date.now(),
  ) {}
  private current(key: string) {
    const t = this.now();
    let c = this.counts.get(key);
    if (!c || t - c.start >= this.windowMs) {
      // Stale windows go as new ones start: the map holds the keys of one window at most.
      if (this.counts.size > 10_000) for (const [k, v] of this.counts) if (t - v.start >= this.windowMs) this.counts.delete(k);
      c = { start: t, n: 0 };
      this.counts.set(key, c);
    }
    return c;
  }
  /** Counts one for `key`; true when that makes more than `max` in this window. */
  hit(key: string): boolean {
    return ++this.current(key).n > this.max;
  }
  /** Whether `key` is over `max` already (nothing counted). */
  over(key: string): boolean {
    return this.current(key).n > this.max;
  }
  /** Seconds until `key`'s window ends. */
  retryAfter(key: string): number {
    return Math.max(1, Math.ceil((this.current(key).start + this.windowMs - this.now()) / 1000));
  }
}
