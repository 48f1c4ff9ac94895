import type { ClusterSkew, Shard } from '@slotplane/contracts';
import { countSlots } from '@slotplane/core';
import { NodeAdmin, parseInfo } from '@slotplane/redis-admin';

/** Keys a skew report looks at per primary (SCAN, then TYPE and MEMORY USAGE of each). */
const SCAN_BUDGET = 2000;
const BIG_KEYS = 5;

/** The shortest window ops/s are measured over (Redis's own instantaneous figure would count the report's SCAN). */
const OPS_WINDOW_MS = 500;

/**
 * The skew of a cluster, read from its primaries now: slots, keys, memory, ops/s per shard,
 * and the biggest keys a bounded SCAN finds. Uneven memory with even slots is the sign of big
 * keys; a rebalance by memory is the answer. Ops/s is total_commands_processed over the
 * measuring window less the report's own commands (Redis's instantaneous_ops_per_sec would
 * show the SCAN and MEMORY USAGE calls as load). A primary that cannot be measured says why.
 */
export async function measureSkew(adminPassword: string, shards: Shard[]): Promise<ClusterSkew> {
  const out = await Promise.all(
    shards.map(async (s) => {
      const base = { index: s.index, slots: countSlots(s.slots), keys: null, usedMemoryBytes: null, opsPerSec: null, bigKeys: [], sampledKeys: 0 };
      const p = s.primary;
      if (!p) return { ...base, primary: null, error: 'the shard has no primary' };
      if (!p.reachable) return { ...base, primary: { host: p.host, port: p.port }, error: 'its primary does not answer the control plane' };
      const admin = new NodeAdmin({ host: p.host, port: p.port, password: adminPassword });
      try {
        const commands = async () => Number(parseInfo(await admin.redis.info('stats')).total_commands_processed ?? 0);
        const started = Date.now();
        const before = await commands();
        // The report's own commands between the two counts, the first INFO included (Redis counts a command once it ran).
        let own = 1;
        const [memory, keys] = await Promise.all([admin.redis.info('memory'), admin.dbsize()]);
        own += 2;
        const sampled: string[] = [];
        let cursor = '0';
        do {
          const [next, batch] = await admin.redis.scan(cursor, 'COUNT', 500);
          own++;
          sampled.push(...batch);
          cursor = next;
        } while (cursor !== '0' && sampled.length < SCAN_BUDGET);
        const names = sampled.slice(0, SCAN_BUDGET);
        const pipe = admin.redis.pipeline();
        for (const k of names) pipe.type(k).call('MEMORY', 'USAGE', k);
        const answers = (await pipe.exec()) ?? [];
        own += 2 * names.length;
        const bigKeys = names
          .map((name, i) => ({ name, type: String(answers[2 * i]?.[1] ?? 'none'), bytes: Number(answers[2 * i + 1]?.[1] ?? 0) }))
          .sort((a, b) => b.bytes - a.bytes)
          .slice(0, BIG_KEYS);
        const waited = Date.now() - started;
        if (waited < OPS_WINDOW_MS) await new Promise((r) => setTimeout(r, OPS_WINDOW_MS - waited));
        const after = await commands();
        const seconds = (Date.now() - started) / 1000;
        return {
          ...base,
          primary: { host: p.host, port: p.port },
          keys,
          usedMemoryBytes: Number(parseInfo(memory).used_memory ?? 0),
          opsPerSec: Math.max(0, Math.round((after - before - own) / seconds)),
          bigKeys,
          sampledKeys: names.length,
          error: null,
        };
      } catch (err) {
        return { ...base, primary: { host: p.host, port: p.port }, error: `could not be measured: ${err instanceof Error ? err.message : String(err)}` };
      } finally {
        admin.close();
      }
    }),
  );
  return { shards: out, measuredAt: new Date().toISOString() };
}
