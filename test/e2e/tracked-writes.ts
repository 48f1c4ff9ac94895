import { Cluster as RedisCluster } from 'ioredis';

/** One write of a tracked writer: when it was sent, and when (and whether) Redis acknowledged it. */
export interface TrackedWrite {
  key: string;
  seq: number;
  sentAt: number;
  ackedAt: number | null;
  error: string | null;
}

/**
 * A tenant's client that keeps writing while nodes fail, remembering every write: one loop per
 * key, each an RPUSH of its own sequence number, so afterwards each acknowledged write can be
 * looked for by itself (counted-writes.ts only knows how many). Errors are remembered by their
 * first word (NOREPLICAS, MOVED, ...); an errored write is not acknowledged.
 */
export function startTrackedWrites(endpoint: { host: string; port: number }, auth: { username: string; password: string }, keys: string[]) {
  const client = new RedisCluster([endpoint], { redisOptions: { username: auth.username, password: auth.password }, clusterRetryStrategy: () => 100 });
  client.on('error', () => {});
  const writes: TrackedWrite[] = [];
  let running = true;
  const loops = keys.map(async (key) => {
    for (let seq = 0; running; seq++) {
      const w: TrackedWrite = { key, seq, sentAt: Date.now(), ackedAt: null, error: null };
      writes.push(w);
      try {
        await client.rpush(key, String(seq));
        w.ackedAt = Date.now();
      } catch (err) {
        w.error = (err instanceof Error ? err.message : String(err)).split(' ')[0] ?? 'error';
        await new Promise((r) => setTimeout(r, 20));
      }
    }
  });
  return {
    writes,
    acknowledged: () => writes.filter((w) => w.ackedAt !== null).length,
    /** Stops writing, then reads every key back: `lost` lists acknowledged writes the cluster does not hold. */
    async stop() {
      running = false;
      await Promise.all(loops);
      const held = new Map<string, Set<string>>();
      for (const key of keys) held.set(key, new Set(await client.lrange(key, 0, -1)));
      client.disconnect();
      const lost = writes.filter((w) => w.ackedAt !== null && !held.get(w.key)!.has(String(w.seq)));
      return { writes, lost };
    },
  };
}
