// The tenant's traffic of the chaos bench: ~16 loops of INCR over ~1000 keys through one ioredis
// Cluster client, counting only what Redis acknowledged (test/e2e/counted-writes.ts, widened to
// many keys and a few loops, and checkable mid-run), and a fixed data set written once.
import { Cluster as RedisCluster } from 'ioredis';

type Endpoint = { host: string; port: number };
type Auth = { username: string; password: string };

export interface WriteCheck {
  /** Keys read back. */
  checked: number;
  /**
   * Keys holding less than was acknowledged before they were read, with `missing` the writes lost
   * since the previous check (a key short of one write stays short of it: that is counted once).
   */
  lost: Array<{ key: string; acked: number; found: number; missing: number }>;
  /**
   * Writes missing that fall in the gap the README states for `durability: strict`: INCRs sent to
   * a frozen primary before it thawed and acknowledged by it on thaw (Redis 7.0 may execute what
   * sat in its sockets before it recounts its replicas or learns it was demoted). Per key, at most
   * the number of such writes the key had; any loss beyond that is in `lost`.
   */
  inGap: number;
  /** Keys that could not be read within the time given (the cluster not serving their slot). */
  unreadable: number;
}

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** A write answered this long after it was sent, across a thaw, waited on the frozen node. */
const QUEUED_MS = 200;

/** Reads `keys` (GET), retrying each for up to `timeoutMs`; undefined where no answer came. */
async function readAll(client: RedisCluster, keys: string[], timeoutMs: number): Promise<Array<string | null | undefined>> {
  const deadline = Date.now() + timeoutMs;
  const out: Array<string | null | undefined> = [];
  for (let i = 0; i < keys.length; i += 1000) {
    out.push(...(await Promise.all(keys.slice(i, i + 1000).map(async (key) => {
      for (;;) {
        try {
          return await client.get(key);
        } catch {
          if (Date.now() > deadline) return undefined;
          await pause(100);
        }
      }
    }))));
  }
  return out;
}

function clusterClient(endpoints: Endpoint[], auth: Auth, commandTimeoutMs: number) {
  const client = new RedisCluster(endpoints, {
    redisOptions: { username: auth.username, password: auth.password, ...(commandTimeoutMs > 0 ? { commandTimeout: commandTimeoutMs } : {}) },
    clusterRetryStrategy: () => 100,
    enableAutoPipelining: true,
  });
  client.on('error', () => {});
  return client;
}

/**
 * `loops` loops INCR `keys` keys (loop j takes keys j, j+loops, ...). A reply that comes after
 * `commandTimeoutMs` is not an acknowledgement: the client gave up on it (0: wait for ever).
 */
export function startCountedIncrs(endpoints: Endpoint[], auth: Auth, opts: { keys: number; loops: number; commandTimeoutMs: number }) {
  const client = clusterClient(endpoints, auth, opts.commandTimeoutMs);
  const names = Array.from({ length: opts.keys }, (_, i) => `chaos:counted:${i}`);
  const acked = names.map(() => 0);
  /** What each key was already found short of: a loss is counted in the check that finds it. */
  const short = names.map(() => 0);
  /** Per key: acknowledged writes that were in flight across a thaw (sent before it, answered after, slowly), and how many of them a check has already excused. */
  const queued = names.map(() => 0);
  const excused = names.map(() => 0);
  let thawAt = 0;
  let errors = 0;
  let running = true;
  const loops = Array.from({ length: opts.loops }, async (_, j) => {
    for (let i = j; running; i = (i + opts.loops) % names.length) {
      const sentAt = Date.now();
      try {
        await client.incr(names[i]!);
        acked[i]!++;
        const at = Date.now();
        if (thawAt && sentAt < thawAt && at >= thawAt && at - sentAt >= QUEUED_MS) queued[i]!++;
      } catch {
        // Not acknowledged: it may or may not have been applied; either way it is not counted.
        errors++;
        await pause(50);
      }
    }
  });
  const check = async (timeoutMs: number): Promise<WriteCheck> => {
    const before = [...acked];
    const values = await readAll(client, names, timeoutMs);
    const lost: WriteCheck['lost'] = [];
    let unreadable = 0;
    let inGap = 0;
    values.forEach((v, i) => {
      if (v === undefined) {
        unreadable++;
        return;
      }
      const deficit = before[i]! - Number(v ?? 0);
      if (deficit > short[i]!) {
        const fresh = deficit - short[i]!;
        const gap = Math.min(fresh, queued[i]! - excused[i]!);
        excused[i]! += gap;
        inGap += gap;
        if (fresh > gap) lost.push({ key: names[i]!, acked: before[i]!, found: Number(v ?? 0), missing: fresh - gap });
        short[i] = deficit;
      }
    });
    return { checked: names.length - unreadable, lost, unreadable, inGap };
  };
  return {
    acknowledged: () => acked.reduce((a, b) => a + b, 0),
    errors: () => errors,
    /** A frozen node is about to be thawed (called right before SIGCONT). */
    thawing: () => {
      thawAt = Date.now();
    },
    /** Reads every key while the loops go on: each must hold at least what was acknowledged before the read (new losses only). */
    check,
    /** Stops the loops (and, with `timeoutMs`, checks once more); the client is closed. */
    async stop(timeoutMs?: number): Promise<WriteCheck | undefined> {
      running = false;
      await Promise.all(loops);
      const result = timeoutMs === undefined ? undefined : await check(timeoutMs);
      client.disconnect();
      return result;
    },
  };
}
export type CountedIncrs = ReturnType<typeof startCountedIncrs>;

/** A data set written once (what slot moves carry): `count` keys of ~100 bytes; `check` reads them all back. */
export async function preload(endpoints: Endpoint[], auth: Auth, count: number) {
  const client = clusterClient(endpoints, auth, 5000);
  const key = (i: number) => `chaos:pre:${i}`;
  const value = (i: number) => `v${i}-`.padEnd(100, 'x');
  try {
    for (let i = 0; i < count; i += 1000) {
      await Promise.all(Array.from({ length: Math.min(1000, count - i) }, async (_, j) => {
        for (let attempt = 0; ; attempt++) {
          try {
            return await client.set(key(i + j), value(i + j));
          } catch (err) {
            if (attempt > 50) throw err;
            await pause(100);
          }
        }
      }));
    }
  } finally {
    client.disconnect();
  }
  const wrongBefore = new Set<number>();
  return {
    /** Keys newly found missing or holding another value, and keys that could not be read (through the nodes `current` lists now). */
    async check(current: Endpoint[], timeoutMs: number): Promise<{ wrong: Array<{ key: string; value: string }>; unreadable: number }> {
      const reader = clusterClient(current, auth, 5000);
      try {
        const values = await readAll(reader, Array.from({ length: count }, (_, i) => key(i)), timeoutMs);
        const wrong: Array<{ key: string; value: string }> = [];
        values.forEach((v, i) => {
          if (v === undefined || v === value(i) || wrongBefore.has(i)) return;
          wrongBefore.add(i);
          wrong.push({ key: key(i), value: value(i) });
        });
        return { wrong, unreadable: values.filter((v) => v === undefined).length };
      } finally {
        reader.disconnect();
      }
    },
  };
}
