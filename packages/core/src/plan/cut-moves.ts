import type { ObservedCluster, ObservedNode, Plan, Step } from './types.ts';
import { answering, label, me, type Answering } from './answering.ts';
const claims = (n: Answering, slot: number) => me(n)?.role === 'primary' && me(n)!.slots.some(([a, b]) => a <= slot && slot <= b);
/** `n` takes `owner` to own `slot`. */
const sees = (n: Answering, owner: Answering, slot: number) => n.redis.view.some((e) => e.id === owner.redis.myId && e.slots.some(([a, b]) => a <= slot && slot <= b));

/**
 * Leads its shard: a live primary that has joined the cluster and holds something of the shard
 * (slots, keys, or an epoch of its own: a replica promoted in place of a target that had no slot
 * yet). A fresh node is a primary too, but holds none of these: it never takes a move over.
 */
function leads(n: ObservedNode): n is Answering {
  if (n.removed || !answering(n)) return false;
  const self = me(n);
  return self?.role === 'primary' && n.redis.view.some((e) => !e.myself && !e.handshake) && (self.slots.length > 0 || n.redis.keys > 0 || self.configEpoch > 0);
}

/**
 * Slot moves cut by a death: the journal names a source or target that no longer leads its shard
 * (it died, and a replica took over, by the worker's promotion or Redis's own). Each such move is
 * finished by the node that leads the shard now, which holds the dead one's data:
 * - the journal names it (Postgres, first);
 * - the target imports from the new source and takes it for the slot's owner: a node keeps the
 *   owner of a slot it imports whatever gossip says, so it would count the slot as served by the
 *   dead node, call itself cluster_state:fail and refuse every key, for good;
 * - the new source migrates the slot to the target, so it sends clients ASK for the keys it no
 *   longer has (those the dead source had moved already) instead of answering without them.
 * Moves still `planned` are only re-pointed. Then moveSlots drains and switches owners as for any
 * move; a key found on both sides (a copy cut by the death) is replaced by the source's live copy.
 */
export function cutMoves(observed: ObservedCluster, live: ObservedNode[]): Plan | undefined {
  if (!observed.moves.length) return undefined;
  const byId = new Map(observed.nodes.map((n) => [n.id, n]));
  const leaders = live.filter(leads);
  const epoch = (n: Answering) => me(n)?.configEpoch ?? 0;
  const leaderOf = (shardIndex: number) =>
    leaders
      .filter((n) => n.shardIndex === shardIndex)
      .sort((a, b) => Number(me(b)!.slots.length > 0) - Number(me(a)!.slots.length > 0) || b.redis.keys - a.redis.keys || epoch(b) - epoch(a))[0];

  const groups = new Map<string, { source: Answering; target: Answering; slots: number[]; started: number[] }>();
  const finished: number[] = [];
  for (const m of observed.moves) {
    const source = byId.get(m.sourceNodeId);
    const target = byId.get(m.targetNodeId);
    if (!source || !target) continue;
    const newTarget = leads(target) ? target : leaderOf(target.shardIndex);
    // The slot's owner in the source's shard now: whoever claims it (with the newest epoch), or,
    // once the target owns it, whoever leads the source's shard (only the owner changes remain).
    const claimer = leaders.filter((n) => n.shardIndex === source.shardIndex && claims(n, m.slot)).sort((a, b) => epoch(b) - epoch(a))[0];
    const newSource = leads(source) && (claims(source, m.slot) || !claimer) ? source : (claimer ?? (newTarget && claims(newTarget, m.slot) ? leaderOf(source.shardIndex) : undefined));
    // The target owns it already and its source is gone (it gave its last slot away, or died after):
    // only the owner change on the others was left, which the target's newer epoch spreads anyway.
    if (!newSource && newTarget && claims(newTarget, m.slot) && !leads(source)) finished.push(m.slot);
    if (!newSource || !newTarget || newSource.shardIndex === newTarget.shardIndex) continue;
    const repoint = newSource.id !== source.id || newTarget.id !== target.id;
    // Started, not owned by the target yet, and the target takes someone else for its owner.
    const misowned = m.state !== 'planned' && !claims(newTarget, m.slot) && !sees(newTarget, newSource, m.slot);
    if (!repoint && !misowned) continue;
    const key = `${newSource.id}>${newTarget.id}`;
    const group = groups.get(key) ?? { source: newSource, target: newTarget, slots: [], started: [] };
    if (repoint) group.slots.push(m.slot);
    if (m.state !== 'planned' && !claims(newTarget, m.slot)) group.started.push(m.slot);
    groups.set(key, group);
  }
  if (!groups.size && !finished.length) return undefined;

  const steps: Step[] = [];
  if (finished.length) steps.push({ kind: 'finishMoves', slots: finished, reason: 'their target owns them and their source is gone' });
  const why: string[] = [];
  for (const { source, target, slots, started } of groups.values()) {
    why.push(`${slots.length || started.length} slot(s) from ${label(source)} to ${label(target)}`);
    if (slots.length) steps.push({ kind: 'repointMoves', slots, sourceNodeId: source.id, targetNodeId: target.id, reason: `a move's node died; ${label(source)} and ${label(target)} lead its shards now` });
    const self = me(target)!;
    const importing = started.filter((s) => !self.importing.some((i) => i.slot === s && i.from === source.redis.myId));
    if (importing.length) steps.push({ kind: 'setSlots', nodeId: target.id, slots: importing, how: 'IMPORTING', redisId: source.redis.myId });
    const misowned = started.filter((s) => !sees(target, source, s));
    if (misowned.length) steps.push({ kind: 'setSlots', nodeId: target.id, slots: misowned, how: 'NODE', redisId: source.redis.myId });
    const migrating = started.filter((s) => claims(source, s) && !me(source)!.migrating.some((x) => x.slot === s && x.to === target.redis.myId));
    if (migrating.length) steps.push({ kind: 'setSlots', nodeId: source.id, slots: migrating, how: 'MIGRATING', redisId: target.redis.myId });
  }
  if (finished.length) why.push(`${finished.length} slot(s) already on their target`);
  return { kind: 'act', phase: `resuming slot moves cut by a death: ${why.join('; ')}`, progress: 40, steps };
}

/**
 * Slots a node imports with no move of the journal behind it. Redis opens them itself: a node
 * that restarts from its own data holding keys of slots another node owns sets those slots
 * importing from the owner ("I have keys for slot N, but the slot is assigned to another node"),
 * as a node restarted in place may, its data older than its slot map. An importing node keeps
 * the owner it had whatever gossip says (a dead one included: every later promotion in that
 * shard waits on it), and clients never reach its keys there. Such slots are closed as an undone
 * move: the keys the owner lacks go to it, those it holds too are dropped (its copy is the one
 * clients used), then the slot is stable. Only slots with no open move, whose owner answers and
 * claims them itself; `ownerFor` may name the owner instead (the heir of a dead one).
 */
export function strayImports(observed: ObservedCluster, nodes: Answering[], ownerFor?: (from: string) => Answering | undefined): Step[] {
  const journaled = new Set(observed.moves.map((m) => m.slot));
  const pairs = new Map<string, { target: Answering; source: Answering; slots: number[] }>();
  for (const n of nodes) {
    for (const { slot, from } of me(n)?.importing ?? []) {
      if (journaled.has(slot)) continue;
      const owner = ownerFor?.(from) ?? nodes.find((o) => o !== n && claims(o, slot));
      if (!owner || owner === n || !claims(owner, slot)) continue;
      const key = `${n.id}<${owner.id}`;
      const pair = pairs.get(key) ?? { target: n, source: owner, slots: [] };
      pair.slots.push(slot);
      pairs.set(key, pair);
    }
  }
  return [...pairs.values()].map((p) => ({ kind: 'undoMoves' as const, nodeId: p.target.id, sourceNodeId: p.source.id, slots: p.slots.sort((a, b) => a - b) }));
}
