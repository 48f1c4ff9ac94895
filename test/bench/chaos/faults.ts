// The fourteen fault kinds of the chaos bench, each done for real to real processes: kill -9,
// SIGSTOP/SIGCONT, a full tmpfs, a primary filled to maxmemory. Each returns when the fault and its
// repair (SIGCONT, restart, freeing) are done, with what the control plane must show before the
// round may count as converged (beyond the cluster being available in its desired shape).
import { readFileSync } from 'node:fs';
import { Cluster as RedisCluster } from 'ioredis';
import { and, desc, eq, hostWatch, nodes, operations, slotMoves } from '@slotplane/db';
import type { startSlotplane } from '../harness.ts';
import { signalAll } from '../harness-processes.ts';
import { label, members, type ClusterView, type NodeProber, type NodeView } from './observe.ts';

export const KINDS = [
  'kill-primary', 'kill-replica', 'double-fault', 'kill-move-source', 'kill-move-target', 'kill-worker',
  'kill-agent', 'kill-control-plane', 'freeze-primary', 'freeze-host', 'disk-full', 'memory-full',
  'freeze-move-source', 'freeze-move-target',
] as const;
export type Kind = (typeof KINDS)[number];

export interface Ctx {
  sp: Awaited<ReturnType<typeof startSlotplane>>;
  clusterId: string;
  tenant: { username: string; password: string };
  prober: NodeProber;
  /** The shard count the spec asks for now (the scale faults change it). */
  shards: number;
  rng: () => number;
  /** Records an action on the system (fault or repair): the API is given a lag after each. */
  mark(what: string): void;
  /** Right before a frozen node is thawed: writes it answers on thaw are told apart (the stated durability gap). */
  thawing(): void;
  cluster(): Promise<ClusterView>;
}

export interface Injected {
  /** When the fault hit (converge times count from here). */
  at: number;
  detail: string;
  /** What the control plane must have done past this fault: true, or why not yet. */
  past(): Promise<true | string>;
}

export const FREEZE_MS = 8000;
export const DISK_FULL_MS = 5000;
const RESTART_AFTER_MS = 1000;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const pick = <T>(ctx: Ctx, xs: T[]): T => {
  if (!xs.length) throw new Error('nothing to pick from');
  return xs[Math.floor(ctx.rng() * xs.length)]!;
};

/** Polls `check` until it returns a value; it may throw to give up at once. */
export async function until<T>(what: string, check: () => Promise<T | undefined | false>, { timeoutMs, intervalMs = 100 }: { timeoutMs: number; intervalMs?: number }): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(intervalMs);
  }
}

/** The live pid of a node's redis-server, checked against its command line (never signal a reused pid). */
async function pidOf(ctx: Ctx, node: { id: string; host: string; port: number }): Promise<number> {
  const [row] = await ctx.sp.database.db.select({ pid: nodes.pid }).from(nodes).where(eq(nodes.id, node.id));
  const pid = row?.pid;
  if (!pid) throw new Error(`node ${label(node)} has no pid recorded`);
  const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
  if (!cmdline.includes(label(node))) throw new Error(`pid ${pid} is not ${label(node)} (${cmdline.replace(/\0/g, ' ')})`);
  return pid;
}

async function kill(ctx: Ctx, node: NodeView, what: string): Promise<{ pid: number; at: number }> {
  const pid = await pidOf(ctx, node);
  process.kill(pid, 'SIGKILL');
  ctx.mark(`kill -9 ${what} ${label(node)}`);
  return { pid, at: Date.now() };
}

/** SIGSTOP a node's redis-server for FREEZE_MS, then SIGCONT; when it froze and when it thawed. */
async function freeze(ctx: Ctx, node: NodeView, what: string): Promise<{ at: number; thawed: number }> {
  const pid = await pidOf(ctx, node);
  process.kill(pid, 'SIGSTOP');
  ctx.mark(`SIGSTOP ${what} ${label(node)}`);
  const at = Date.now();
  try {
    await sleep(FREEZE_MS);
  } finally {
    ctx.thawing();
    process.kill(pid, 'SIGCONT');
  }
  const thawed = Date.now();
  ctx.mark('SIGCONT');
  return { at, thawed };
}

/** The killed process is dealt with: its node removed (replaced), or running again as another process. */
async function goneOrRestarted(ctx: Ctx, nodeId: string, killedPid: number): Promise<true | string> {
  const [row] = await ctx.sp.database.db.select({ pid: nodes.pid, status: nodes.status, removedAt: nodes.removedAt }).from(nodes).where(eq(nodes.id, nodeId));
  if (!row || row.removedAt) return true;
  if (row.status === 'running' && row.pid !== null && row.pid !== killedPid) return true;
  return `killed node ${nodeId.slice(0, 8)} neither removed nor running again (status ${row.status}, pid ${row.pid})`;
}

/** A host-watch round ran after `since`: a worker is alive and working again. */
async function workerWorking(ctx: Ctx, since: number): Promise<true | string> {
  const [row] = await ctx.sp.database.db.select({ ranAt: hostWatch.ranAt }).from(hostWatch);
  return row?.ranAt && row.ranAt.getTime() > since ? true : 'no host-watch round since the worker came back';
}

/** The worker observed the cluster after `since`. */
async function observedSince(ctx: Ctx, since: number): Promise<true | string> {
  const c = await ctx.cluster();
  return c.observedAt && Date.parse(c.observedAt) > since ? true : `cluster last observed at ${c.observedAt}, before the repair`;
}

const shardsOf = async (ctx: Ctx) => (await ctx.cluster()).shards.filter((s) => s.primary && s.replicas.length);
const hostsWithNodes = async (ctx: Ctx) => {
  const addresses = new Set(members(await ctx.cluster()).map((n) => n.host));
  return ctx.sp.agents.filter((a) => addresses.has(a.address));
};

async function killPrimary(ctx: Ctx): Promise<Injected> {
  const shard = pick(ctx, await shardsOf(ctx));
  const { pid, at } = await kill(ctx, shard.primary!, 'primary');
  return { at, detail: `primary ${label(shard.primary!)} of shard ${shard.index}`, past: () => goneOrRestarted(ctx, shard.primary!.id, pid) };
}

async function killReplica(ctx: Ctx): Promise<Injected> {
  const shard = pick(ctx, await shardsOf(ctx));
  const replica = pick(ctx, shard.replicas);
  const { pid, at } = await kill(ctx, replica, 'replica');
  return { at, detail: `replica ${label(replica)} of shard ${shard.index}`, past: () => goneOrRestarted(ctx, replica.id, pid) };
}

/**
 * Kill a primary, wait for its replacement replica to be in its first full sync from the promoted
 * replica, then kill the promoted one. As in test/e2e/compound-faults.test.ts, the heir is given
 * repl-diskless-sync-delay 5 beforehand (Slotplane runs 0), so that first sync lasts long enough
 * to be caught; a restarted heir reads 0 from its redis.conf again.
 */
async function doubleFault(ctx: Ctx): Promise<Injected> {
  const shard = pick(ctx, await shardsOf(ctx));
  const [primary, heir] = [shard.primary!, shard.replicas[0]!];
  await ctx.prober.admin(heir).configSet({ 'repl-diskless-sync-delay': 5 });
  const first = await kill(ctx, primary, 'primary');
  let window = 'caught';
  const newcomer = await until('a new replica in its first sync', async () => {
    const s = (await ctx.cluster()).shards.find((x) => x.index === shard.index);
    for (const n of s ? [...(s.primary ? [s.primary] : []), ...s.replicas] : []) {
      if (n.id === primary.id || n.id === heir.id || n.status !== 'running') continue;
      const repl = await ctx.prober.admin(n).info('replication').catch(() => undefined);
      if (repl?.role === 'slave' && (repl.master_sync_in_progress === '1' || repl.master_link_status === 'down')) return n;
    }
    return undefined;
  }, { timeoutMs: 30_000, intervalMs: 20 }).catch(() => {
    window = 'MISSED (no new replica seen in its first sync within 30 s; the heir killed anyway)';
    return undefined;
  });
  const second = await kill(ctx, heir, 'promoted replica');
  return {
    at: first.at,
    detail: `shard ${shard.index}: primary ${label(primary)}, then after ${second.at - first.at} ms its heir ${label(heir)}${newcomer ? ` while ${label(newcomer)} synced` : ''}; window ${window}`,
    past: async () => {
      const a = await goneOrRestarted(ctx, primary.id, first.pid);
      return a === true ? goneOrRestarted(ctx, heir.id, second.pid) : a;
    },
  };
}

/**
 * Scale 3 -> 4 shards (or back 4 -> 3) and kill -9 the source or the target of a move while it
 * drains keys, or freeze it (SIGSTOP) for FREEZE_MS.
 */
async function midMove(ctx: Ctx, which: 'source' | 'target', how: 'kill' | 'freeze'): Promise<Injected> {
  const to = ctx.shards === 3 ? 4 : 3;
  const from = ctx.shards;
  const { operation } = await ctx.sp.api('PATCH', `/v1/clusters/${ctx.clusterId}`, { shards: to });
  ctx.shards = to;
  ctx.mark(`scale ${from} -> ${to}`);
  const db = ctx.sp.database.db;
  const move = await until('a slot move draining', async () => {
    const [row] = await db.select().from(slotMoves).where(and(eq(slotMoves.clusterId, ctx.clusterId), eq(slotMoves.state, 'draining'))).limit(1);
    if (row) return row;
    const [op] = await db.select({ status: operations.status }).from(operations).where(eq(operations.id, operation.id));
    if (op && ['succeeded', 'failed', 'cancelled'].includes(op.status)) throw new Error(`the scale ${from} -> ${to} ended (${op.status}) before a move was seen draining`);
    return undefined;
  }, { timeoutMs: 120_000, intervalMs: 5 });
  const victimId = which === 'source' ? move.sourceNodeId : move.targetNodeId;
  const victim = members(await ctx.cluster()).find((n) => n.id === victimId);
  if (!victim) throw new Error(`the move's ${which} ${victimId} is not a member of the cluster`);
  const scaled = async (): Promise<true | string> => {
    const [op] = await db.select({ status: operations.status }).from(operations).where(eq(operations.id, operation.id));
    return op?.status === 'succeeded' ? true : `the scale ${from} -> ${to} is ${op?.status}`;
  };
  const detail = `scale ${from} -> ${to}, slot ${move.slot} draining: its ${which} ${label(victim)}`;
  if (how === 'freeze') {
    const { at, thawed } = await freeze(ctx, victim, `move ${which}`);
    return { at, detail: `${detail} for ${FREEZE_MS} ms`, past: async () => {
      const done = await scaled();
      return done === true ? observedSince(ctx, thawed) : done;
    } };
  }
  const { pid, at } = await kill(ctx, victim, `move ${which}`);
  return {
    at,
    detail,
    past: async () => {
      const done = await scaled();
      return done === true ? goneOrRestarted(ctx, victim.id, pid) : done;
    },
  };
}

async function killWorker(ctx: Ctx): Promise<Injected> {
  const cp = ctx.sp.controlPlane;
  await cp.killWorker();
  ctx.mark('kill -9 worker');
  const at = Date.now();
  await sleep(RESTART_AFTER_MS);
  cp.startWorker();
  const back = Date.now();
  ctx.mark('worker started');
  return { at, detail: 'worker', past: () => workerWorking(ctx, back) };
}

async function killAgent(ctx: Ctx): Promise<Injected> {
  const agent = pick(ctx, await hostsWithNodes(ctx));
  const before = agent.redisPids(ctx.clusterId).sort().join(',');
  await agent.kill();
  ctx.mark(`kill -9 agent ${agent.name}`);
  const at = Date.now();
  await sleep(RESTART_AFTER_MS);
  await agent.start();
  ctx.mark(`agent ${agent.name} started`);
  const after = agent.redisPids(ctx.clusterId).sort().join(',');
  return { at, detail: `agent ${agent.name} (${agent.address}); its redis-servers ${before === after ? 'adopted (same pids)' : `CHANGED: ${before} -> ${after}`}`, past: async () => true };
}

async function killControlPlane(ctx: Ctx): Promise<Injected> {
  const cp = ctx.sp.controlPlane;
  await Promise.all([cp.killApi(), cp.killWorker(), cp.killQueue()]);
  ctx.mark('kill -9 API, worker, queue Redis');
  const at = Date.now();
  await sleep(RESTART_AFTER_MS);
  await cp.startQueue();
  await cp.startApi();
  cp.startWorker();
  const back = Date.now();
  ctx.mark('control plane started');
  return { at, detail: `API, worker and queue Redis; back in ${back - at} ms`, past: () => workerWorking(ctx, back) };
}

async function freezePrimary(ctx: Ctx): Promise<Injected> {
  const shard = pick(ctx, await shardsOf(ctx));
  const { at, thawed } = await freeze(ctx, shard.primary!, 'primary');
  return { at, detail: `primary ${label(shard.primary!)} of shard ${shard.index} for ${FREEZE_MS} ms`, past: () => observedSince(ctx, thawed) };
}

async function freezeHost(ctx: Ctx): Promise<Injected> {
  const agent = pick(ctx, await hostsWithNodes(ctx));
  const pids = [agent.pid(), ...agent.redisPids()];
  const held = members(await ctx.cluster()).filter((n) => n.host === agent.address).map((n) => `${n.role} ${n.port}`);
  signalAll(pids, 'SIGSTOP');
  ctx.mark(`SIGSTOP host ${agent.name}`);
  const at = Date.now();
  try {
    await sleep(FREEZE_MS);
  } finally {
    ctx.thawing();
    signalAll(pids, 'SIGCONT');
  }
  const thawed = Date.now();
  ctx.mark('SIGCONT');
  return { at, detail: `host ${agent.name} (${agent.address}: agent and ${held.join(', ')}) for ${FREEZE_MS} ms`, past: () => observedSince(ctx, thawed) };
}

async function diskFull(ctx: Ctx): Promise<Injected> {
  const shard = pick(ctx, await shardsOf(ctx));
  const agent = ctx.sp.agents.find((a) => a.address === shard.primary!.host)!;
  let sawError = false;
  let last = '';
  agent.fillDisk();
  ctx.mark(`disk of ${agent.name} full`);
  const at = Date.now();
  try {
    const until = at + DISK_FULL_MS;
    while (Date.now() < until) {
      const persistence = await ctx.prober.admin(shard.primary!).info('persistence').catch(() => undefined);
      if (persistence?.aof_last_write_status === 'err') sawError = true;
      const status = `${persistence?.aof_last_write_status}; API ${(await ctx.cluster().catch(() => undefined))?.status}`;
      if (process.env.BENCH_VERBOSE && status !== last) console.log(`    ${new Date().toISOString().slice(11, 23)} aof_last_write_status:${status}`);
      last = status;
      await sleep(250);
    }
  } finally {
    agent.freeDisk();
  }
  const freed = Date.now();
  ctx.mark(`disk of ${agent.name} freed`);
  return { at, detail: `host ${agent.name}, holding primary ${label(shard.primary!)} of shard ${shard.index}, for ${DISK_FULL_MS} ms; the primary ${sawError ? 'reported aof_last_write_status:err' : 'never reported an AOF write error'}`,
    // Dealt with once the API has looked since the disk was freed, or, when it said available
    // before (a write that fits the last bytes clears Redis's error while the disk is still full,
    // and the API follows), once the node itself persists again: nothing is left for it to see.
    past: async () => {
      const seen = await observedSince(ctx, freed);
      if (seen === true) return true;
      const persistence = await ctx.prober.admin(shard.primary!).info('persistence').catch(() => undefined);
      return persistence?.aof_last_write_status === 'ok' ? true : seen;
    },
  };
}

/** Fill one shard's primary with 1 MiB values (keys of one hash tag in its slots) until writes get OOM, then delete them. */
async function memoryFull(ctx: Ctx): Promise<Injected> {
  const shard = pick(ctx, await shardsOf(ctx));
  const admin = ctx.prober.admin(shard.primary!);
  let tag = '';
  for (let i = 0; !tag; i++) {
    const slot = Number(await admin.redis.call('CLUSTER', 'KEYSLOT', `{chaos-fill-${i}}`));
    if (shard.slots.some(([a, b]) => a <= slot && slot <= b)) tag = `{chaos-fill-${i}}`;
  }
  const client = new RedisCluster([shard.primary!], { redisOptions: { ...ctx.tenant, commandTimeout: 10_000 }, clusterRetryStrategy: () => 100 });
  client.on('error', () => {});
  const value = 'x'.repeat(1 << 20);
  const keys: string[] = [];
  let at = 0;
  let refusal = '';
  try {
    for (let i = 0; i < 256 && !at; i++) {
      const key = `${tag}:${i}`;
      keys.push(key);
      await client.set(key, value).catch((err: Error) => {
        if (/OOM/.test(err.message)) {
          at = Date.now();
          refusal = err.message;
        }
      });
    }
    if (!at) throw new Error(`shard ${shard.index} took 256 MiB without an OOM`);
    ctx.mark(`primary ${label(shard.primary!)} at maxmemory`);
    await sleep(1000);
  } finally {
    for (let i = 0; i < keys.length; i += 16) await client.del(...keys.slice(i, i + 16)).catch(() => {});
    client.disconnect();
  }
  ctx.mark('filler deleted');
  return { at, detail: `primary ${label(shard.primary!)} of shard ${shard.index}: OOM after ${keys.length - 1} MiB (${refusal.slice(0, 60)})`, past: async () => true };
}

export const FAULTS: Record<Kind, (ctx: Ctx) => Promise<Injected>> = {
  'kill-primary': killPrimary,
  'kill-replica': killReplica,
  'double-fault': doubleFault,
  'kill-move-source': (ctx) => midMove(ctx, 'source', 'kill'),
  'kill-move-target': (ctx) => midMove(ctx, 'target', 'kill'),
  'freeze-move-source': (ctx) => midMove(ctx, 'source', 'freeze'),
  'freeze-move-target': (ctx) => midMove(ctx, 'target', 'freeze'),
  'kill-worker': killWorker,
  'kill-agent': killAgent,
  'kill-control-plane': killControlPlane,
  'freeze-primary': freezePrimary,
  'freeze-host': freezeHost,
  'disk-full': diskFull,
  'memory-full': memoryFull,
};

/** The cluster's newest operation, as Postgres holds it. */
export async function latestOperation(ctx: Ctx) {
  const [op] = await ctx.sp.database.db.select().from(operations).where(eq(operations.clusterId, ctx.clusterId)).orderBy(desc(operations.createdAt)).limit(1);
  return op;
}
