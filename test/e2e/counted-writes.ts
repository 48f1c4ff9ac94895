import { Cluster as RedisCluster } from 'ioredis';

/**
 * A tenant's client that keeps writing while the cluster changes shape: INCRs on a set of
 * keys spread over the slots, counting only the ones Redis acknowledged. At the end every key
 * must hold at least its acknowledged count; anything less is a lost write. `keys`: how many
 * (spread over the slots), or their names.
 */
export function startCountedWrites(endpoint: { host: string; port: number }, auth: { username: string; password: string }, keys: number | string[] = 24) {
  const client = new RedisCluster([endpoint], { redisOptions: { username: auth.username, password: auth.password }, clusterRetryStrategy: () => 100 });
  client.on('error', () => {});
  const names = typeof keys === 'number' ? Array.from({ length: keys }, (_, i) => `counted:${i}`) : keys;
  const acked = new Map(names.map((k) => [k, 0]));
  let errors = 0;
  let running = true;
  const loops = names.map(async (key) => {
    while (running) {
      try {
        await client.incr(key);
        acked.set(key, acked.get(key)! + 1);
      } catch {
        // Not acknowledged: it may or may not have been applied; either way it is not counted.
        errors++;
        await new Promise((r) => setTimeout(r, 50));
      }
    }
  });
  return {
    /** Acknowledged writes so far. */
    total: () => [...acked.values()].reduce((a, b) => a + b, 0),
    /** Stops writing, then reads every key back: `lost` lists keys holding less than was acknowledged. */
    async stop() {
      running = false;
      await Promise.all(loops);
      const lost: Array<{ key: string; acked: number; found: number }> = [];
      for (const key of names) {
        const found = Number(await client.get(key));
        if (found < acked.get(key)!) lost.push({ key, acked: acked.get(key)!, found });
      }
      client.disconnect();
      return { acknowledged: [...acked.values()].reduce((a, b) => a + b, 0), errors, lost };
    },
  };
}
