import type { ClusterSkew, Shard } from '@slotplane/contracts';
import { countSlots } from '@slotplane/core';
import { NodeAdmin, parseInfo } from '@slotplane/redis-admin';

/** Keys a skew report looks at per primary (SCAN, then TYPE and MEMORY USAGE of each). */
const SCAN_BUDGET = 2000;
const BIG_KEYS = 5;

/**
 * The skew of a cluster, read from its primaries now: slots, keys, memory, ops/s per shard,
 * and the biggest keys a bounded SCAN finds. Uneven memory with even slots is the sign of big
 * keys; a rebalance by memory is the answer.
 */
export async function measureSkew(adminPassword: string, shards: Shard[]): Promise<ClusterSkew> {
  const out = await Promise.all(
    shards.map(async (s) => {
      const base = { index: s.index, slots: countSlots(s.slots), keys: 0, usedMemoryBytes: 0, opsPerSec: 0, bigKeys: [], sampledKeys: 0 };
      const p = s.primary;
      if (!p || !p.reachable) return { ...base, primary: null };
      const admin = new NodeAdmin({ host: p.host, port: p.port, password: adminPassword });
      try {
        const [memory, stats, keys] = await Promise.all([admin.redis.info('memory'), admin.redis.info('stats'), admin.dbsize()]);
        const sampled: string[] = [];
        let cursor = '0';
        do {
          const [next, batch] = await admin.redis.scan(cursor, 'COUNT', 500);
          sampled.push(...batch);
          cursor = next;
        } while (cursor !== '0' && sampled.length < SCAN_BUDGET);
        const names = sampled.slice(0, SCAN_BUDGET);
        const pipe = admin.redis.pipeline();
        for (const k of names) pipe.type(k).call('MEMORY', 'USAGE', k);
        const answers = (await pipe.exec()) ?? [];
        const bigKeys = names
          .map((name, i) => ({ name, type: String(answers[2 * i]?.[1] ?? 'none'), bytes: Number(answers[2 * i + 1]?.[1] ?? 0) }))
          .sort((a, b) => b.bytes - a.bytes)
          .slice(0, BIG_KEYS);
        return {
          ...base,
          primary: { host: p.host, port: p.port },
          keys,
          usedMemoryBytes: Number(parseInfo(memory).used_memory ?? 0),
          opsPerSec: Number(parseInfo(stats).instantaneous_ops_per_sec ?? 0),
          bigKeys,
          sampledKeys: names.length,
        };
      } catch {
        return { ...base, primary: { host: p.host, port: p.port } };
      } finally {
        admin.close();
      }
    }),
  );
  return { shards: out, measuredAt: new Date().toISOString() };
}
