// The chaos bench's judgements: converged (the API's word, with the fault dealt with), every slot
// served (the nodes' word), and the watch that compares the two every second for false statuses.
import { and, desc, eq, events, isNull, nodes, slotMoves, sql } from '@slotplane/db';
import { latestOperation, type Ctx } from './faults.ts';
import { label, members, nodeProblems, type ClusterView } from './observe.ts';

/** How long the API may take to change its mind after an action: cluster-node-timeout (5 s) + 1 s. */
export const LAG_MS = 6000;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Why the cluster is not converged as the API and Postgres show it, or true. */
export async function convergedNow(ctx: Ctx, c: ClusterView): Promise<true | string> {
  if (c.status !== 'available') return `status ${c.status}${c.lastError ? ` (${c.lastError})` : ''}`;
  if (c.observedGeneration !== c.generation) return `observed generation ${c.observedGeneration} of ${c.generation}`;
  if (c.spec.shards !== ctx.shards || c.shards.length !== c.spec.shards) return `${c.shards.length} shards, spec ${c.spec.shards}, wanted ${ctx.shards}`;
  for (const s of c.shards) {
    const all = [...(s.primary ? [s.primary] : []), ...s.replicas];
    if (!s.primary) return `shard ${s.index} without a primary`;
    if (s.replicas.length !== c.spec.replicasPerShard) return `shard ${s.index} has ${s.replicas.length} replicas`;
    const bad = all.find((n) => n.status !== 'running' || !n.reachable || n.health !== 'ok' || (n !== s.primary && n.linkStatus !== 'up'));
    if (bad) return `node ${label(bad)} is ${bad.status}, reachable ${bad.reachable}, health ${bad.health}, link ${bad.linkStatus}`;
  }
  const op = await latestOperation(ctx);
  if (op && (op.status === 'pending' || op.status === 'running')) return `operation ${op.kind} ${op.status} (${op.step ?? 'no step'})`;
  return true;
}

/** Waits for convergence and the fault's own condition; resolves with when, or why not by `deadline`. */
export async function converge(ctx: Ctx, past: () => Promise<true | string>, deadline: number): Promise<{ at: number } | { why: string }> {
  let why = 'not looked yet';
  for (;;) {
    try {
      const c = await ctx.cluster();
      const ok = await convergedNow(ctx, c);
      const done = ok === true ? await past() : ok;
      if (done === true) return { at: Date.now() };
      if (done !== why && process.env.BENCH_VERBOSE) console.log(`    ${new Date().toISOString().slice(11, 23)} not converged: ${done}`);
      why = done;
    } catch (err) {
      why = `API: ${(err as Error).message}`;
    }
    if (Date.now() > deadline) return { why };
    await sleep(200);
  }
}

/**
 * The redis-server processes of the cluster that run (by the agents' data dirs), against the nodes
 * the API lists: a process it does not list, or a listed node with no process.
 */
export function processProblems(ctx: Ctx, c: ClusterView): string[] {
  const running = new Set<string>();
  for (const a of ctx.sp.agents) {
    for (const i of a.instances()) {
      if (i.clusterId !== ctx.clusterId || !i.pid) continue;
      try {
        process.kill(i.pid, 0);
        running.add(`${a.address}:${i.port}`);
      } catch {
        // not running
      }
    }
  }
  const listed = new Set(members(c).map(label));
  return [
    ...[...running].filter((x) => !listed.has(x)).map((x) => `redis-server ${x} of the cluster runs but the API does not list it`),
    ...[...listed].filter((x) => !running.has(x)).map((x) => `${x} is listed but no process of it runs`),
  ];
}

/** Everything wrong on the nodes of an `available` cluster, as they answer now. */
export async function availableProblems(ctx: Ctx, c: ClusterView): Promise<string[]> {
  return [...nodeProblems(c, await ctx.prober.probe(members(c))), ...processProblems(ctx, c)];
}

/** After convergence: the nodes agree within LAG_MS (gossip spreading), else what they show. */
export async function servedCheck(ctx: Ctx): Promise<string[]> {
  const deadline = Date.now() + LAG_MS;
  for (;;) {
    const c = await ctx.cluster();
    const problems = c.status === 'available' ? await availableProblems(ctx, c) : [`status went to ${c.status} (${c.lastError})`];
    if (!problems.length || Date.now() > deadline) return problems;
    await sleep(250);
  }
}

type Sample = { at: number; problems: string[]; excused: boolean };

/**
 * Every second: when the API says `available`, do the nodes agree? And when an operation has just
 * succeeded, is its change on the nodes? A disagreement within LAG_MS of an action of the bench is
 * the API's allowed lag; any other is a false status. Consecutive false samples make one episode.
 */
export class StatusWatch {
  private readonly marks: number[] = [];
  private readonly samples: Sample[] = [];
  private running = false;
  private paused = false;
  private loop: Promise<void> | undefined;
  private lastOp = '';

  constructor(private readonly ctx: Ctx) {}

  mark(at = Date.now()): void {
    this.marks.push(at);
  }

  start(): void {
    this.running = true;
    this.loop = (async () => {
      while (this.running) {
        const started = Date.now();
        if (!this.paused) await this.sample(started).catch(() => {});
        await sleep(Math.max(0, 1000 - (Date.now() - started)));
      }
    })();
  }

  /** While the bench replaces a stuck cluster: nothing to judge. */
  pause(paused: boolean): void {
    this.paused = paused;
    if (!paused) this.lastOp = '';
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
  }

  private excused(from: number, to: number): boolean {
    return this.marks.some((m) => m <= to && from - m < LAG_MS);
  }

  private async sample(started: number): Promise<void> {
    const ctx = this.ctx;
    let c: ClusterView;
    try {
      c = await ctx.cluster();
    } catch {
      return; // the API is down (a fault): nothing it says to judge
    }
    const problems: string[] = [];
    if (c.status === 'available') problems.push(...(await availableProblems(ctx, c)).map((p) => `available, but ${p}`));
    const op = await latestOperation(ctx);
    const seen = op ? `${op.id}:${op.status}` : '';
    if (op?.status === 'succeeded' && this.lastOp && seen !== this.lastOp && c.status !== 'available') {
      // Just succeeded: its change must be on the nodes (the shard count the spec asks for, no open slot).
      const live = members(c).filter((n) => n.role === 'primary');
      const probes = await ctx.prober.probe(live);
      const wrong = nodeProblems(c, probes).filter((p) => /primaries serving|slots served|open slots/.test(p));
      problems.push(...wrong.map((p) => `operation ${op.kind} succeeded, but ${p}`));
    }
    this.lastOp = seen;
    if (this.paused) return;
    this.samples.push({ at: started, problems, excused: this.excused(started, Date.now()) });
  }

  /** False-status episodes that began in [from, to], with an example of each. */
  episodes(from: number, to: number): Array<{ at: number; seconds: number; example: string }> {
    const out: Array<{ at: number; seconds: number; example: string }> = [];
    let open: { at: number; seconds: number; example: string } | undefined;
    for (const s of this.samples) {
      if (!s.problems.length || s.excused) {
        open = undefined;
        continue;
      }
      if (open) {
        open.seconds = Math.round((s.at - open.at) / 1000) + 1;
        continue;
      }
      open = { at: s.at, seconds: 1, example: s.problems.slice(0, 3).join('; ') };
      if (s.at >= from && s.at <= to) out.push(open);
    }
    return out;
  }
}

/** What the bench prints about a stuck cluster before it replaces it. */
export async function dumpStuck(ctx: Ctx): Promise<string[]> {
  const out: string[] = [];
  const db = ctx.sp.database.db;
  try {
    const c = await ctx.cluster();
    out.push(`status ${c.status}, generation ${c.observedGeneration}/${c.generation}, shards ${c.shards.length} (spec ${c.spec.shards}), lastError: ${c.lastError}`);
    for (const s of c.shards) {
      for (const n of [...(s.primary ? [s.primary] : []), ...s.replicas]) {
        out.push(`  shard ${s.index} ${n === s.primary ? 'primary' : 'replica'} ${label(n)} ${n.redisNodeId?.slice(0, 8)} role ${n.role} ${n.status} reachable ${n.reachable} health ${n.health} link ${n.linkStatus}`);
      }
    }
    for (const p of nodeProblems(c, await ctx.prober.probe(members(c)))) out.push(`  node: ${p}`);
  } catch (err) {
    out.push(`GET cluster failed: ${(err as Error).message}`);
  }
  const op = await latestOperation(ctx);
  if (op) out.push(`latest operation ${op.kind} ${op.status}, step ${op.step}, progress ${op.progress}%, error ${JSON.stringify(op.error)}`);
  const moves = await db.select({ state: slotMoves.state, n: sql<number>`count(*)::int` }).from(slotMoves).where(and(eq(slotMoves.clusterId, ctx.clusterId), isNull(slotMoves.finishedAt))).groupBy(slotMoves.state);
  if (moves.length) out.push(`open slot moves: ${moves.map((m) => `${m.n} ${m.state}`).join(', ')}`);
  const rows = await db.select({ id: nodes.id, port: nodes.port, status: nodes.status, pid: nodes.pid, removedAt: nodes.removedAt }).from(nodes).where(eq(nodes.clusterId, ctx.clusterId));
  out.push(`node rows: ${rows.map((r) => `${r.port}:${r.status}${r.removedAt ? ':removed' : ''}`).join(' ')}`);
  const recent = await db.select({ type: events.type, data: events.data }).from(events).where(eq(events.clusterId, ctx.clusterId)).orderBy(desc(events.id)).limit(12);
  out.push(`last events (newest first): ${recent.map((e) => `${e.type}${e.data.reason ? `(${String(e.data.reason).slice(0, 80)})` : ''}`).join(', ')}`);
  return out;
}

/**
 * Where keys that the cluster client did not read intact are. Every listed node is asked with
 * READONLY + ASKING + GET (a primary owning or importing the key's slot answers, and so does a
 * replica of its owner; others answer MOVED), and where it redirects (a replica of a move's target,
 * say), with SCAN MATCH (presence only). Says how many are intact on some node (stranded:
 * e.g. on a move's target that no client is sent to), how many only present somewhere, and how
 * many nowhere on the live nodes.
 */
export async function locate(ctx: Ctx, keys: Array<{ key: string; intact: (v: string | null) => boolean }>): Promise<string> {
  const nodesNow = members(await ctx.cluster());
  let intact = 0;
  let present = 0;
  let example = '';
  const sample = keys.slice(0, 50);
  for (const k of sample) {
    const seen = await Promise.all(nodesNow.map(async (n) => {
      const redis = ctx.prober.admin(n).redis;
      const replies = await redis.pipeline().call('READONLY').call('ASKING').get(k.key).exec().catch(() => null);
      const [err, v] = replies?.[2] ?? [new Error('no answer'), null];
      if (!err) return k.intact(v as string | null) ? { at: label(n), intact: true } : undefined;
      // Redirected (a replica, or a primary not holding the slot): is the key there at all?
      const scan = (await redis.call('SCAN', '0', 'MATCH', k.key, 'COUNT', '1000000').catch(() => null)) as [string, string[]] | null;
      return scan?.[1].length ? { at: label(n), intact: false } : undefined;
    }));
    const hit = seen.find((x) => x?.intact) ?? seen.find(Boolean);
    if (hit?.intact) intact++;
    else if (hit) present++;
    if (hit) example ||= `${k.key} ${hit.intact ? 'intact' : 'present'} on ${hit.at}`;
  }
  return `of ${sample.length} such keys looked for on every live node: ${intact} intact somewhere, ${present} present (value not readable there), ${sample.length - intact - present} nowhere${example ? ` (e.g. ${example})` : ''}`;
}
