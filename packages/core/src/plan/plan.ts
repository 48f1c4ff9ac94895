import type { SlotRange } from '@slotplane/contracts';
import { slotMapSignature } from '../cluster-nodes.ts';
import { HOST_SUSPECT_AFTER_MS } from '../hosts.ts';
import { PlacementError, diskBytesFor, diskNeed, hasDiskRoom, mib, placeCluster, placeReplicas, type DiskNeed, type GrowingShard } from '../placement.ts';
import { SLOT_COUNT, countSlots, splitSlots, unassignedRanges } from '../slots.ts';
import { planSlotMoves, type SlotMove } from './moves.ts';
import { cutMoves, strayImports } from './cut-moves.ts';
import { BOOTSTRAP_NODE_TIMEOUT_MS, RUNNING_NODE_TIMEOUT_MS, configDiff, configRevision, nodeConfig } from './config.ts';
import { persistenceProblem } from './persistence.ts';
import type { DesiredCluster, ObservedCluster, ObservedNode, Plan, Step } from './types.ts';
import { answering, label, me, type Answering } from './answering.ts';

/** A running node that has not answered for this long is down, not starting. */
export const SILENT_LIMIT_MS = 10_000;
/**
 * A node that answers only BUSY this long (a script that never ends: Redis answers BUSY after its
 * busy-reply-threshold, 5 s) is stopped and healed as a dead one.
 */
export const WEDGED_AFTER_MS = 10_000;

const act = (phase: string, progress: number, steps: Step[]): Plan => ({ kind: 'act', phase, progress, steps });
const wait = (phase: string, progress: number, delayMs: number): Plan => ({ kind: 'wait', phase, progress, delayMs });
/** Ids `n` knows as full members (a handshake entry has a made-up id). */
const known = (n: Answering) => new Set(n.redis.view.filter((e) => !e.handshake).map((e) => e.id));
const ownsSlots = (n: Answering) => (me(n)?.slots.length ?? 0) > 0;
/**
 * How long a replica's link may have been down before its primary's death (as far as the
 * control plane can date it) and still count as up at the death: INFO gives whole seconds, and
 * the death is dated by the agent's report or the first observation that found it silent.
 */
export const HEIR_LINK_GRACE_MS = 2000;
/**
 * Why `n` cannot take over from the dead primary `dead`, or null when it can: it follows it, and
 * its link to it was up when it died (a `nofailover` flag is Slotplane's own: nodeConfig). A replica in its first
 * full sync, or that has not completed a sync since it started or was demoted, holds nothing
 * (or an older history) of the shard: promoting it would erase what the primary acknowledged.
 */
function notHeir(n: Answering, dead: ObservedNode): string | null {
  const self = me(n);
  if (self?.primaryId !== dead.redisNodeId) return 'it follows another primary';
  if (n.redis.syncing) return 'it is still in its first full sync';
  if (n.redis.linkDownMs === null) return 'it never completed a sync with it';
  const deadForMs = Math.max(dead.exitedForMs ?? 0, dead.silentForMs);
  if (n.redis.linkDownMs > deadForMs + HEIR_LINK_GRACE_MS) return `its link was down ${Math.round(n.redis.linkDownMs / 1000)} s, since before the primary died`;
  return null;
}
/** The replica to promote in place of the dead primary: an heir (notHeir), the one with the greatest replication offset. */
const bestHeir = (candidates: Answering[], dead: ObservedNode): Answering | undefined =>
  candidates.filter((n) => notHeir(n, dead) === null).sort((a, b) => b.redis.offset - a.redis.offset)[0];
/** Still has a process (or may start one) on its host. */
const hasProcess = (n: ObservedNode) => n.agent === 'starting' || n.agent === 'running' || n.agent === 'stopping';
/**
 * A removed node whose process may still run: its agent has not reported it stopped. On a lost
 * host nothing will report (the host is gone, or its agent erases the node when it comes back).
 */
const mayRun = (n: ObservedNode) => hasProcess(n) && n.hostState !== 'lost';

/**
 * The next thing to do to bring `observed` to `desired`: the one decision of the control
 * plane, pure. Rules run in order; the first that applies answers. Every rule only looks at
 * the observation, so a worker that died between any two steps is replaced by one that picks
 * up exactly where the cluster is.
 *
 * Safety rules (../shared/REDIS-CLUSTER-RULES.md) held here:
 * - no create step (epoch, slots, meet) on a node that holds keys or knows nodes outside the cluster;
 * - CLUSTER FORGET only for nodes whose process is gone, on every node that still knows them;
 * - a replica is removed only when it is not the shard's primary;
 * - the cluster is not done until every replica's link is up and every node says cluster_state:ok.
 */
export function plan(desired: DesiredCluster, observed: ObservedCluster): Plan {
  const { spec } = desired;
  const live = observed.nodes.filter((n) => !n.removed);
  const removed = observed.nodes.filter((n) => n.removed);
  const disk = diskNeed(observed.minFreeDiskBytes, spec);

  if (desired.deleting) {
    if (live.length) return act('stopping nodes', 10, [{ kind: 'remove', nodeIds: live.map((n) => n.id), reason: 'the cluster is deleted' }]);
    const running = removed.filter(mayRun);
    if (running.length) return wait(`waiting for agents to stop ${running.length} node(s)`, 50, 250);
    return { kind: 'done' };
  }

  // 1. Placement: every shard has a primary and its replicas assigned to hosts.
  if (observed.shardCount === 0) {
    try {
      const placement = placeCluster(observed.fleet, spec, disk);
      const newShards = Array.from({ length: spec.shards }, (_, i) => i);
      return act('placing nodes', 5, [{ kind: 'place', newShards, nodes: placement.nodes, warnings: placement.warnings }]);
    } catch (err) {
      return placementBlocked(err, observed);
    }
  }
  if (observed.shardCount < spec.shards) {
    // Scale out: new shards, primary and replicas, placed like a new cluster's; they get slots by migration.
    try {
      const newShards = Array.from({ length: spec.shards - observed.shardCount }, (_, i) => observed.shardCount + i);
      const placement = placeCluster(observed.fleet, { shards: newShards.length, replicasPerShard: spec.replicasPerShard, firstShard: observed.shardCount }, disk);
      const nodes = placement.nodes.map((n) => ({ ...n, shardIndex: n.shardIndex + observed.shardCount }));
      return act('placing new shards', 5, [{ kind: 'place', newShards, nodes, warnings: placement.warnings }]);
    } catch (err) {
      return placementBlocked(err, observed);
    }
  }
  // Shards at or past spec.shards are drained by a scale-in: their slots move, then their nodes go.
  const shards = Array.from({ length: spec.shards }, (_, i) => live.filter((n) => n.shardIndex === i));
  const draining = live.filter((n) => n.shardIndex >= spec.shards);
  // A kept shard without members (its drained nodes went before a scale-out brought it back):
  // a whole new primary and replicas for it, as for a new shard.
  const hollow = shards.flatMap((members, i) => (members.length === 0 ? [i] : []));
  if (hollow.length) {
    try {
      const placement = placeCluster(observed.fleet, { shards: hollow.length, replicasPerShard: spec.replicasPerShard }, disk);
      const nodes = placement.nodes.map((n) => ({ ...n, shardIndex: hollow[n.shardIndex]! }));
      return act('placing nodes for empty shards', 5, [{ kind: 'place', newShards: [], nodes, warnings: placement.warnings }]);
    } catch (err) {
      return placementBlocked(err, observed);
    }
  }
  const wanted = 1 + spec.replicasPerShard;
  const growing: GrowingShard[] = [];
  const excess: ObservedNode[] = [];
  shards.forEach((members, shardIndex) => {
    if (members.length < wanted) {
      const primary = shardPrimary(members);
      growing.push({ shardIndex, primaryHostId: (primary ?? members[0])?.hostId ?? '', memberHostIds: members.map((m) => m.hostId), add: wanted - members.length });
    } else if (members.length > wanted) {
      excess.push(...replicasToRemove(members, members.length - wanted, live));
    }
  });
  // A drained shard still giving slots away keeps the replicas the spec asks for until it is empty:
  // its primary, strict while the spec has replicas, refuses MIGRATE (a write) without one, and
  // the writes it takes meanwhile need a copy as any shard's do. (Its replicas went with a spec
  // of none, and one with replicas again came while it drained: with none placed, it refused
  // every MIGRATE for good. Found by CI's simulator seed 488067438.)
  for (let shardIndex = spec.shards; shardIndex < observed.shardCount; shardIndex++) {
    const members = draining.filter((n) => n.shardIndex === shardIndex);
    const primary = shardPrimary(members);
    if (!primary || !answering(primary) || !ownsSlots(primary) || members.length >= wanted) continue;
    growing.push({ shardIndex, primaryHostId: primary.hostId, memberHostIds: members.map((m) => m.hostId), add: wanted - members.length });
  }
  if (growing.length) {
    try {
      const placement = placeReplicas(observed.fleet, growing, disk);
      return act('placing new replicas', 10, [{ kind: 'place', newShards: [], nodes: placement.nodes, warnings: placement.warnings }]);
    } catch (err) {
      return placementBlocked(err, observed);
    }
  }
  if (excess.length) return act('removing replicas', 10, [{ kind: 'remove', nodeIds: excess.map((n) => n.id), reason: `replicasPerShard is ${spec.replicasPerShard}` }]);

  // 2. Processes: every node running at its run generation, and answering. First, moves cut by
  // a death are handed to whoever took the dead node's place (their target may be refusing every
  // key until then).
  const cut = cutMoves(observed, live);
  if (cut) return cut;
  const silentHost = lostHosts(live, observed, spec, disk);
  if (silentHost) return silentHost;
  const unstarted = live.find((n) => n.agent === 'exited' && n.startFailure && n.redisNodeId === null && (n.agentRunGeneration ?? 0) >= n.runGeneration);
  const cannotStart = unstarted && startFailed(unstarted, live, observed, disk);
  if (cannotStart) return cannotStart;
  const exited = live.find((n) => n.agent === 'exited' || n.agent === 'stopped');
  if (exited) {
    const why = `node ${label(exited)} ${exited.agent === 'exited' ? 'exited' : 'is no longer run by its agent'}`;
    // Started again (a new run generation), its agent has not reported the new run yet.
    if (exited.agent === 'exited' && exited.agentRunGeneration !== null && exited.agentRunGeneration < exited.runGeneration) return wait(`waiting for the agent to start ${label(exited)} again`, 40, 50);
    if (!observed.formed) return { kind: 'blocked', code: 'create_refused', reason: `${why} before the cluster was configured; see its redis.log on the host`, permanent: true };
    // Restarted in place already: its agent has yet to report the new process.
    if (exited.agent === 'exited' && (exited.agentRunGeneration ?? 0) < exited.runGeneration) return wait(`waiting for the agent to start ${label(exited)} again`, 40, 50);
    if (exited.agent === 'exited' && answering(exited)) {
      // The agent lost track of a process that still serves: never fail over a live primary.
      return { kind: 'blocked', code: 'node_down', reason: `${why} by its agent's report, yet it still answers; not replacing it`, permanent: false };
    }
    if (exited.agent === 'exited') return heal(exited, live, spec, observed, disk);
    return { kind: 'blocked', code: 'node_down', reason: `${why}; replacing it is not available yet`, permanent: false };
  }
  const starting = live.filter((n) => n.agent !== 'running' || (n.agentRunGeneration ?? 0) < n.runGeneration);
  if (starting.length) return wait(`waiting for agents to start ${starting.length} node(s)`, 15, 50);
  const silent = live.filter((n) => !answering(n));
  const elected = electInPlaceOfFailed(silent, live, observed);
  if (elected) return elected;
  const wedged = silent.find((n) => n.redis?.reachable === false && n.redis.error.startsWith('BUSY') && n.silentForMs >= WEDGED_AFTER_MS);
  if (wedged) {
    const reason = `it has answered only BUSY for ${Math.round(wedged.silentForMs / 1000)} s (a script that does not end)`;
    // SHUTDOWN NOSAVE loses what only this node holds: a primary is stopped only when a replica
    // that has synced can take over, or its AOF brings its data back; else a second fault (its
    // replica dead too) would turn a stuck shard into a lost one.
    const shard = live.filter((r): r is Answering => r !== wedged && r.shardIndex === wedged.shardIndex && answering(r));
    const servedElsewhere = shard.some((r) => me(r)?.role === 'primary');
    const heir = shard.some((r) => me(r)?.role === 'replica' && r.redis.linkDownMs !== null && !r.redis.syncing);
    if (!servedElsewhere && !heir && spec.persistence !== 'aof') {
      return { kind: 'blocked', code: 'node_down', reason: `node ${label(wedged)} ${reason}; stopping it would lose shard ${wedged.shardIndex}'s data (no synced replica, no AOF): end the script, or stop the node knowing that`, permanent: false };
    }
    return act(`stopping ${label(wedged)}: ${reason}`, 40, [{ kind: 'stopWedged', nodeId: wedged.id, reason }]);
  }
  const lost = silent.find((n) => n.silentForMs >= SILENT_LIMIT_MS);
  if (lost) {
    const error = lost.redis?.reachable === false ? `: ${lost.redis.error}` : '';
    return { kind: 'blocked', code: 'node_down', reason: `node ${label(lost)} has not answered for ${Math.round(lost.silentForMs / 1000)} s${error}`, permanent: false };
  }
  if (silent.length) return wait(`waiting for ${silent.map(label).join(', ')} to answer`, 20, 100);
  const nodes = live as Answering[];

  // 3. Safety: only nodes of this cluster, and no create step on a node that holds data.
  const ours = new Set([...nodes.map((n) => n.redis.myId), ...removed.flatMap((n) => (n.redisNodeId ? [n.redisNodeId] : []))]);
  for (const n of nodes) {
    const strangers = n.redis.view.filter((e) => !e.handshake && !ours.has(e.id));
    if (strangers.length) {
      return { kind: 'blocked', code: 'create_refused', reason: `node ${label(n)} already knows nodes outside this cluster (${strangers.map((s) => s.id.slice(0, 8)).join(', ')}); refusing to configure it`, permanent: true };
    }
  }
  const alone = (n: Answering) => known(n).size === 1;
  const loaded = nodes.find((n) => alone(n) && !ownsSlots(n) && n.redis.keys > 0);
  if (loaded) return { kind: 'blocked', code: 'create_refused', reason: `node ${label(loaded)} already holds keys; refusing to configure it`, permanent: true };

  // 3b. The tenant's passwords, before anything else: clients are waiting for them.
  const passwords = planTenantPasswords(desired, nodes);
  if (passwords) return passwords;

  // 4. Removed nodes: wait for their processes to stop, then FORGET them everywhere at once
  // (within the 60 s forget ban, so nobody gossips them back). A lost host's are not waited for.
  if (removed.some(mayRun)) return wait('waiting for agents to stop removed nodes', 30, 250);
  const gone = new Set(removed.flatMap((n) => (n.redisNodeId ? [n.redisNodeId] : [])));
  const forgets: Step[] = nodes.flatMap((n) => [...known(n)].filter((id) => gone.has(id)).map((id) => ({ kind: 'forget' as const, nodeId: n.id, forgetRedisId: id })));
  if (forgets.length) return act('forgetting removed nodes', 35, forgets);
  const stray = strayImports(observed, nodes);
  if (stray.length) return closeStrayImports(stray);

  // 5. Fresh nodes: a short node timeout while joining, distinct config epochs, a new cluster's slots.
  // Every node in sync and ok, and seeing every other one in the role it has (primaries vote on a
  // replica's promotion only if they know it is a replica).
  const roleOf = new Map(nodes.map((n) => [n.redis.myId, me(n)]));
  const rolesKnown = nodes.every((n) => n.redis.view.every((e) => {
    const self = roleOf.get(e.id);
    return e.myself || !self || (e.role === self.role && e.primaryId === self.primaryId);
  }));
  const settled = rolesKnown && nodes.every((n) => n.redis.clusterState === 'ok' && n.redis.linkUp !== false);
  // A new primary refuses cluster_state:ok for its node timeout after it joins: a cluster being
  // created runs with the short one until all settled, a new shard's primary until it is ok.
  const timeoutFor = (n: Answering) =>
    (!observed.formed ? settled : !(me(n)?.role === 'primary' && !ownsSlots(n) && n.redis.clusterState !== 'ok')) ? RUNNING_NODE_TIMEOUT_MS : BOOTSTRAP_NODE_TIMEOUT_MS;
  // Shards giving slots away (journaled moves, started or not): their members are kept from
  // electing themselves before the first slot opens (nodeConfig).
  const givingShards = new Set(observed.moves.flatMap((m) => live.filter((n) => n.id === m.sourceNodeId).map((n) => n.shardIndex)));
  const targetFor = (n: Answering) =>
    nodeConfig(spec, timeoutFor(n), {
      primary: me(n)?.role === 'primary',
      linkedReplicas: nodes.filter((r) => r.redis.linkUp === true && me(r)?.primaryId === n.redis.myId).length,
      minReplicasToWrite: n.redis.config['min-replicas-to-write'],
      sourceOfMove: givingShards.has(n.shardIndex),
    });
  // A new cluster's slots are split over the shards placed (a shard count changed meanwhile is
  // then reached by moving slots, like any scale).
  const ranges = splitSlots(observed.shardCount);
  const claimed = nodes.flatMap((n) => n.redis.view.flatMap((e) => e.slots));
  const epochs = new Set(nodes.flatMap((n) => n.redis.view.map((e) => e.configEpoch)));
  const prepare: Step[] = [];
  for (const n of nodes.filter(alone)) {
    const diff = configDiff(targetFor(n), n.redis.config);
    if (Object.keys(diff).length) prepare.push({ kind: 'configSet', nodeId: n.id, params: diff });
    if (n.placedRole !== 'primary' || observed.formed) continue;
    // Distinct epochs before MEET: colliding ones are resolved slowly by gossip.
    if (me(n)?.configEpoch === 0 && !epochs.has(n.shardIndex + 1)) prepare.push({ kind: 'setConfigEpoch', nodeId: n.id, epoch: n.shardIndex + 1 });
    const range = ranges[n.shardIndex];
    if (range && !ownsSlots(n) && !overlaps(claimed, range)) prepare.push({ kind: 'addSlots', nodeId: n.id, ranges: [range] });
  }
  if (prepare.length) return act('preparing new nodes', 30, prepare);

  // 6. Join: every node meets one seed and gossip spreads the rest, except that a newcomer to
  // nodes already joined meets each of them, so all know it at once (gossip takes a second or
  // more to introduce it). Then all agree on the slot map.
  const seed = [...nodes].sort((a, b) => known(b).size - known(a).size || order(a, b))[0]!;
  const joined = nodes.filter((n) => !alone(n));
  const meets: Step[] = nodes.flatMap((n) =>
    (alone(n) && joined.length ? joined : [seed])
      .filter((p) => p !== n && !known(n).has(p.redis.myId) && !known(p).has(n.redis.myId) && !inHandshakeWith(n, p))
      .map((p) => ({ kind: 'meet' as const, nodeId: n.id, host: p.host, port: p.port })),
  );
  if (meets.length) return act('joining nodes (CLUSTER MEET)', 45, meets);
  const members = new Set(nodes.map((n) => n.redis.myId));
  const agreed =
    nodes.every((n) => [...members].every((id) => known(n).has(id))) && new Set(nodes.map((n) => slotMapSignature(n.redis.view))).size === 1;
  if (!agreed) return wait('waiting for every node to agree on the slot map', 55, 20);
  const view = nodes[0]!.redis.view;
  const unassigned = unassignedRanges(view.flatMap((e) => e.slots));
  if (unassigned.length && !observed.formed) {
    // The shard count changed between two primaries' ADDSLOTS while creating: the slots that fell
    // between the two splits go to the primary serving the fewest (a rebalance evens them out).
    const lead = nodes
      .filter((n) => n.placedRole === 'primary' && me(n)?.role === 'primary' && n.shardIndex < spec.shards && n.redis.keys === 0)
      .sort((a, b) => countSlots(me(a)!.slots) - countSlots(me(b)!.slots) || order(a, b))[0];
    if (lead) return act('assigning unassigned slots', 35, [{ kind: 'addSlots', nodeId: lead.id, ranges: unassigned }]);
  }
  if (unassigned.length) {
    return { kind: 'blocked', code: 'shard_lost', reason: `only ${countSlots(view.flatMap((e) => e.slots))} of ${SLOT_COUNT} slots are served; restoring lost slots is not available yet`, permanent: false };
  }

  // 7. Replicas: every member of a shard follows the member that owns the shard's slots (a new
  // shard's slots come by migration later: until then its placed primary leads it).
  const replicate: Step[] = [];
  const owners = new Map<number, Answering>();
  for (const [index, group] of shards.entries()) {
    const withSlots = (group as Answering[]).filter(ownsSlots);
    // A shard without slots (new, or brought back) is led by a primary without slots: the one that
    // holds keys already (moved into it, or a replica promoted in place of a target that died with
    // them), else the one the journal's moves go to (cutMoves handed them to it), else its placed one.
    const masters = (group as Answering[]).filter((m) => me(m)?.role === 'primary');
    const target = masters.find((m) => observed.moves.some((mv) => mv.targetNodeId === m.id));
    const empty = withSlots.length === 0 ? (masters.find((m) => m.redis.keys > 0) ?? target ?? masters.find((m) => m.placedRole === 'primary') ?? masters[0]) : undefined;
    if (withSlots.length === 0 && !empty) {
      // Its members all follow other shards' primaries (a drained shard's nodes turn replicas,
      // and the spec may want the shard back): they go, and the shard gets new nodes; but first
      // the journal's moves that name them are finished (a worker may have died after the last
      // slot changed owner and before the journal said so).
      if (observed.moves.some((m) => group.some((g) => g.id === m.sourceNodeId || g.id === m.targetNodeId))) continue;
      return act(`replacing shard ${index}'s nodes`, 12, [{ kind: 'remove', nodeIds: group.map((m) => m.id), reason: `shard ${index} has no primary to lead it` }]);
    }
    if (withSlots.length > 1 || (withSlots.length === 0 && !empty)) {
      return { kind: 'blocked', code: 'shard_lost', reason: withSlots.length ? `shard ${index} has ${withSlots.length} primaries with slots; merging them is not available yet` : `shard ${index} has no primary serving its slots; restoring it is not available yet`, permanent: false };
    }
    const owner = withSlots[0] ?? empty!;
    owners.set(index, owner);
    for (const m of group as Answering[]) {
      if (m !== owner && me(m)?.primaryId !== owner.redis.myId) replicate.push({ kind: 'replicate', nodeId: m.id, primaryRedisId: owner.redis.myId });
    }
  }
  // A draining shard keeps its shape until its last slot is gone: a member placed in place of a
  // dead one follows the primary still serving (a strict primary with no linked replica refuses
  // the MIGRATEs that drain it).
  for (let index = spec.shards; index < observed.shardCount; index++) {
    const group = (draining as Answering[]).filter((m) => m.shardIndex === index);
    const owner = group.find(ownsSlots);
    if (!owner) continue;
    for (const m of group) {
      if (m !== owner && me(m)?.primaryId !== owner.redis.myId && !ownsSlots(m) && m.redis.keys === 0) replicate.push({ kind: 'replicate', nodeId: m.id, primaryRedisId: owner.redis.myId });
    }
  }
  if (replicate.length) return act('attaching replicas', 56, replicate);

  // 8. Settings: the spec's configuration on every node.
  const configure: Step[] = nodes.flatMap((n) => {
    const diff = configDiff(targetFor(n), n.redis.config);
    return Object.keys(diff).length ? [{ kind: 'configSet' as const, nodeId: n.id, params: diff }] : [];
  });
  if (configure.length) return act('applying configuration', 57, configure);

  // 8b. Disks: a node that cannot persist refuses writes (MISCONF), a MIGRATE into or out of it
  // included. Slots wait, and the cluster is not done: it says why until the node writes again
  // (Redis retries a failed AOF write every second; the blocked cluster is looked at again).
  const unpersisted = nodes.filter((n) => n.redis.persistenceError !== null);
  if (unpersisted.length) {
    return { kind: 'blocked', code: 'persistence_failed', reason: unpersisted.map((n) => persistenceProblem(label(n), n.redis.persistenceError!)).join('; '), permanent: false };
  }

  // 9. Slots: finish the journal's open moves; then plan the moves a scale-out, a scale-in or a
  // rebalance needs; then take the drained shards' nodes away. Moves are journaled as soon as
  // the slot map is agreed (while a new primary sits out its first seconds), but nothing moves
  // before every node is in sync: never migrate into a node that is not cluster_state:ok yet.
  const inSync = settled ? undefined : wait('waiting for replicas to sync and every node to report cluster_state:ok', 59, 50);
  const reshard = planResharding(desired, observed, nodes, owners, draining as Answering[], inSync);
  if (reshard) return reshard;
  if (inSync) return inSync;

  // 11. Switchover: a coordinated failover to the named (or best in-sync) replica.
  const switchover = planSwitchover(observed, shards as Answering[][], owners);
  if (switchover) return switchover;
  const revision = configRevision(spec, desired.tenantPasswords);
  const stale = nodes.filter((n) => n.agentRevision !== revision);
  if (stale.length) return wait(`waiting for ${stale.length} agent(s) to write the new redis.conf`, 95, 100);

  // 12. Health: a node its peers flag PFAIL or FAIL although it answers the control plane (it was
  // paused, or is cut off from them) is not an available cluster: degraded until Redis clears the flag.
  const flagged = nodes.filter((n) => nodes.some((p) => p !== n && p.redis.view.some((e) => e.id === n.redis.myId && (e.flags.includes('fail') || e.flags.includes('fail?')))));
  if (flagged.length) return wait(`waiting for Redis to clear the PFAIL/FAIL flag its peers put on ${flagged.map(label).join(', ')}`, 97, 500);
  return { kind: 'done' };
}

/** `inSync` is the wait to return instead of any step that touches Redis (undefined once all are in sync). */
function planResharding(desired: DesiredCluster, observed: ObservedCluster, nodes: Answering[], owners: Map<number, Answering>, draining: Answering[], inSync: Plan | undefined): Plan | undefined {
  const { spec } = desired;
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const superseded = supersededMoves(desired, observed, byId, inSync);
  if (superseded) return superseded;
  if (observed.moves.length) {
    if (inSync) return inSync;
    // One step per source->target pair, all at once, as long as no node both gives and takes:
    // a source is busy (MIGRATE blocks it); a target can take from several sources at a time.
    const pairs = new Map<string, number[]>();
    for (const m of observed.moves) {
      const key = `${m.sourceNodeId}>${m.targetNodeId}`;
      if (!pairs.has(key)) pairs.set(key, []);
      pairs.get(key)!.push(m.slot);
    }
    const giving = new Set<string>();
    const taking = new Set<string>();
    const steps: Step[] = [];
    for (const [key, slots] of pairs) {
      const [source, target] = key.split('>') as [string, string];
      if (giving.has(source) || taking.has(source) || giving.has(target)) continue;
      if (!byId.has(source) || !byId.has(target)) {
        return { kind: 'blocked', code: 'shard_lost', reason: `a slot move from ${source} to ${target} cannot go on: one of them is no longer in the cluster; undoing moves is not available yet`, permanent: false };
      }
      giving.add(source);
      taking.add(target);
      const others = [...owners.values()].filter((o) => o.id !== source && o.id !== target && ownsSlots(o)).map((o) => o.id);
      steps.push({ kind: 'moveSlots', nodeId: source, targetNodeId: target, slots: slots.sort((a, b) => a - b), otherPrimaryIds: others });
    }
    const left = observed.moves.length;
    return act(`moving slots (${left} to go)`, 60, steps);
  }

  const owned = new Map<number, SlotRange[]>();
  const ownerOfShard = new Map<number, Answering>(owners);
  for (const n of [...owners.values(), ...draining]) {
    if (ownsSlots(n)) {
      owned.set(n.shardIndex, [...(owned.get(n.shardIndex) ?? []), ...me(n)!.slots]);
      if (n.shardIndex >= spec.shards) ownerOfShard.set(n.shardIndex, n);
    }
  }
  const targets = Array.from({ length: spec.shards }, (_, i) => i);
  const journal = (operationId: string | null, moves: SlotMove[]): Plan =>
    act(`planning ${moves.length} slot move(s)`, 58, [
      { kind: 'journalMoves', operationId, generation: operationId === null ? desired.generation : null, moves: moves.map((m) => ({ slot: m.slot, sourceNodeId: ownerOfShard.get(m.from)!.id, targetNodeId: ownerOfShard.get(m.to)!.id })) },
    ]);
  // A scale-in drains the extra shards; a scale-out fills the new ones; nothing else moves by itself.
  const drainingWithSlots = [...owned.keys()].some((i) => i >= spec.shards);
  const emptyTarget = targets.some((t) => !owned.has(t));
  // (A shard count asked for means exact shares by slots, unless a rebalance asked with it decides.)
  const reshape = observed.reshaping && !observed.requests.some((r) => r.kind === 'rebalance');
  if (drainingWithSlots || emptyTarget || reshape) {
    const moves = planSlotMoves({ owned, targets, thresholdPercent: 0 });
    if (moves.length) return journal(null, moves);
  }
  for (const r of observed.requests) {
    if (r.kind !== 'rebalance' || r.movesDone > 0) continue;
    if (r.by === 'memory' && !observed.slotBytes) return wait('measuring how many bytes each slot holds', 50, 100);
    const weight = r.by === 'memory' ? (slot: number) => observed.slotBytes?.get(slot) ?? 0 : undefined;
    const moves = planSlotMoves({ owned, targets, thresholdPercent: r.thresholdPercent, ...(weight ? { weight } : {}) });
    if (moves.length) return journal(r.operationId, moves);
  }

  // The drained shards: their nodes go (FORGET follows once they are stopped), then the shard rows.
  if (inSync) return inSync;
  if (draining.length) return act('removing the drained shards\' nodes', 90, [{ kind: 'remove', nodeIds: draining.map((n) => n.id), reason: `shards is ${spec.shards}` }]);
  if (observed.shardCount > spec.shards) {
    return act('retiring drained shards', 92, [{ kind: 'retireShards', shardIndexes: Array.from({ length: observed.shardCount - spec.shards }, (_, i) => spec.shards + i) }]);
  }
  return undefined;
}

/**
 * A scale's moves planned for an older spec: the tenant changed the spec since (a new PATCH, say
 * after a scale that could not finish). Those not started are dropped, and the new spec's moves
 * are planned from where the slots are. A started one goes on if the new spec still wants it (it
 * drains a shard that is still to go, or fills one that stays: a memory change during a scale-in
 * does not move keys twice); it is undone, its keys returned to the source that still owns the
 * slot, if its reason is gone: it drains a shard now kept (a scale-in taken back), or fills one
 * now drained. Once the target owns the slot it is past undoing and is finished as any move.
 * Undoing MIGRATEs too, so it waits for every node in sync as any move.
 */
function supersededMoves(desired: DesiredCluster, observed: ObservedCluster, byId: Map<string, Answering>, inSync: Plan | undefined): Plan | undefined {
  const old = observed.moves.filter((m) => m.generation !== null && m.generation < desired.generation);
  if (!old.length) return undefined;
  const unwanted = (m: ObservedCluster['moves'][number]) => {
    const source = byId.get(m.sourceNodeId);
    const target = byId.get(m.targetNodeId);
    if (!source || !target) return false;
    const drainsKept = source.shardIndex > target.shardIndex && source.shardIndex < desired.spec.shards;
    const fillsDrained = target.shardIndex >= desired.spec.shards;
    return drainsKept || fillsDrained;
  };
  const planned = old.filter((m) => m.state === 'planned' && unwanted(m)).map((m) => m.slot);
  if (planned.length) return act(`dropping ${planned.length} slot move(s) planned for an older spec`, 52, [{ kind: 'dropMoves', slots: planned }]);
  const pairs = new Map<string, { target: string; source: string; slots: number[] }>();
  for (const m of old.filter((x) => x.state !== 'planned' && unwanted(x))) {
    const source = byId.get(m.sourceNodeId)!;
    const target = byId.get(m.targetNodeId)!;
    // Past the point of no return (the target owns it): finished as any move.
    if (!me(source)?.slots.some(([a, b]) => a <= m.slot && m.slot <= b) || me(target)?.slots.some(([a, b]) => a <= m.slot && m.slot <= b)) continue;
    const key = `${m.targetNodeId}<${m.sourceNodeId}`;
    const pair = pairs.get(key) ?? { target: m.targetNodeId, source: m.sourceNodeId, slots: [] };
    pair.slots.push(m.slot);
    pairs.set(key, pair);
  }
  if (!pairs.size) return undefined;
  if (inSync) return inSync;
  const steps: Step[] = [...pairs.values()].map((p) => ({ kind: 'undoMoves' as const, nodeId: p.target, sourceNodeId: p.source, slots: p.slots.sort((a, b) => a - b) }));
  const count = steps.reduce((n, s) => n + (s.kind === 'undoMoves' ? s.slots.length : 0), 0);
  return act(`undoing ${count} slot move(s) started for an older spec: their keys go back to their source`, 52, steps);
}

/**
 * A node whose process its agent saw exit is dead for sure: no timeout to wait for, and no write
 * can reach it. If it still serves slots, the replica that holds its data (bestHeir) takes them
 * over at once; then it is removed, FORGET follows, and the shard gets a new replica. With no
 * such replica (none, or only ones that never finished a sync) it is started again in place, its
 * data as its persistence kept it: its data dir may be the last copy of the shard, so it is never
 * erased while nobody else holds the shard.
 *
 * Promotion: CLUSTER FAILOVER FORCE needs the votes of a majority of the primaries that serve
 * slots, the dead one counted. Where the primaries left are too few (a cluster of 1 or 2 shards,
 * or several primaries dead at once), FORCE never completes; the death is confirmed (the process
 * is gone, it cannot take a write), so TAKEOVER, which needs no vote, loses nothing there.
 */
function heal(dead: ObservedNode, live: ObservedNode[], spec: DesiredCluster['spec'], observed: ObservedCluster, disk: DiskNeed): Plan {
  const { fleet } = observed;
  if ((dead.agentRunGeneration ?? 0) < dead.runGeneration) return wait(`waiting for the agent to start ${label(dead)} again`, 40, 50);
  const others = live.filter((n): n is Answering => n !== dead && answering(n));
  const shard = others.filter((n) => n.shardIndex === dead.shardIndex);
  // It holds nothing when it never joined, when the nodes that know it see no slot on it, or when
  // nobody knows it while another member of its shard serves the slots.
  const seen = others.flatMap((n) => n.redis.view.filter((e) => e.id === dead.redisNodeId));
  // Led: a member serves slots, or was promoted and has none yet (a takeover in place of a target
  // whose first slots it had not heard of: its epoch is its own, a fresh node's is 0).
  const leader = shard.find((n) => me(n)?.role === 'primary' && (ownsSlots(n) || me(n)!.configEpoch > (dead.lastEpoch ?? 0)));
  const led = leader !== undefined;
  // A target of a started move holds keys of slots it does not own yet: its data as much as any slot's.
  const importing = observed.moves.some((m) => m.targetNodeId === dead.id && m.state !== 'planned');
  const servesSlots = dead.redisNodeId !== null && (seen.some((e) => e.slots.length > 0) || (seen.length === 0 && !led) || importing);
  if (!servesSlots) return act(`replacing ${label(dead)}, which exited`, 10, replace([dead], live, fleet, 'its process exited', disk));
  // Several members of the shard dead, none answering: only the one last seen with the newest
  // config epoch may come back leading it (a superseded primary would serve old data, then lose
  // its slots to the newer one); the others wait for it, then go as any member that served nothing.
  const newer = live.find((n) => n !== dead && n.shardIndex === dead.shardIndex && !answering(n) && (n.lastEpoch ?? 0) > (dead.lastEpoch ?? 0));
  if (!shard.length && newer) return newer.agent === 'exited' ? heal(newer, live, spec, observed, disk) : wait(`waiting for ${label(newer)}, which led shard ${dead.shardIndex} last, to answer`, 40, 100);
  // Promoted already (by us or by Redis): wait until every node has heard. A promoted replica
  // claims the slots it saw its primary own; one the primary took just before it died (a move's
  // target) it may never have heard of, and no gossip tells it: the others would count the slot
  // as the dead node's for good. It claims those itself (its epoch, the newest, makes it stick).
  if (leader) {
    const claimed = new Set(others.filter((n) => me(n)?.role === 'primary').flatMap((n) => slotsOf(me(n)!.slots)));
    const orphaned = [...new Set(seen.flatMap((e) => slotsOf(e.slots)))].filter((slot) => !claimed.has(slot));
    if (orphaned.length) {
      return act(`giving ${label(leader)} ${orphaned.length} slot(s) ${label(dead)} took just before it died`, 40, [
        { kind: 'setSlots', nodeId: leader.id, slots: orphaned.sort((a, b) => a - b), how: 'NODE', redisId: leader.redis.myId },
      ]);
    }
    // A node importing the dead one's slots without a move keeps it as their owner for good.
    const stray = strayImports(observed, others, (from) => (from === dead.redisNodeId ? leader : undefined));
    if (stray.length) return closeStrayImports(stray);
    return wait(`waiting for every node to see shard ${dead.shardIndex}'s new primary`, 40, 20);
  }
  const heir = bestHeir(shard, dead);
  if (!heir) {
    // Nothing can take over: the same node again, in its own dir, with what its persistence kept;
    // after a start that failed for want of disk, once its host has room.
    if (dead.startFailure?.noSpace && !roomSince(dead, fleet, disk)) return noRoomToStart(dead, `it holds shard ${dead.shardIndex}'s data and has no replica to take over`, disk);
    const loss = spec.persistence === 'none' ? 'all' : spec.persistence === 'rdb' ? 'since_last_save' : null;
    const followers = shard.filter((n) => me(n)?.primaryId === dead.redisNodeId);
    const why = followers.length
      ? `no replica holds its data (${followers.map((n) => `${label(n)}: ${notHeir(n, dead)}`).join('; ')})`
      : 'it has no replica to take over';
    return act(`restarting ${label(dead)} in place: ${why}`, 40, [{ kind: 'restart', nodeId: dead.id, loss }]);
  }
  // It takes over the slots it saw its primary own: one another primary took since (a move's
  // target, which owns it with a newer epoch) would be claimed twice, and whichever epoch wins
  // deletes the other's keys. Gossip tells it within moments.
  const inherited = heir.redis.view.find((e) => e.id === dead.redisNodeId)?.slots ?? [];
  const taken = others.find((n) => n !== heir && me(n)?.role === 'primary' && me(n)!.slots.some((r) => overlaps(inherited, r)));
  if (taken) return wait(`waiting for ${label(heir)} to learn that ${label(taken)} owns slots ${label(dead)} gave it before it died`, 40, 20);
  // The votes a FORCE needs: a majority of the slot-serving primaries, as the others count them.
  const serving = new Set(others.flatMap((n) => n.redis.view.filter((e) => e.role === 'primary' && e.slots.length > 0).map((e) => e.id)));
  if (dead.redisNodeId) serving.add(dead.redisNodeId);
  const voters = others.filter((n) => me(n)?.role === 'primary' && ownsSlots(n));
  const promote = (mode: 'force' | 'takeover', why: string): Plan =>
    act(`promoting ${label(heir)}${mode === 'takeover' ? ' by TAKEOVER' : ''}: its primary ${label(dead)} exited${why}`, 40, [promotion(heir, dead, others, observed, mode, 'agent_exit')]);
  // Redis refuses a FORCE (and its own election) in place of a primary without slots, as the
  // replica sees it: a new shard's target that died while its first slots were moving in, or took
  // them just before dying without its replica hearing. Nobody else claims what it holds.
  if (!inherited.length) return promote('takeover', ' while slots were moving into it');
  if (voters.length < Math.floor(serving.size / 2) + 1) return promote('takeover', ` and ${voters.length} of ${serving.size} primaries are left to vote`);
  // The other primaries vote on the promotion, and refuse it to a node they still take for a primary.
  if (voters.some((v) => v.redis.view.find((e) => e.id === heir.redis.myId)?.role !== 'replica')) {
    return wait(`waiting for every primary to know ${label(heir)} as a replica before promoting it`, 40, 50);
  }
  return promote('force', '');
}

function closeStrayImports(steps: Step[]): Plan {
  const count = steps.reduce((n, s) => n + (s.kind === 'undoMoves' ? s.slots.length : 0), 0);
  return act(`closing ${count} slot(s) imported with no move under way (a node restarted with keys of slots it does not own): their keys go to the slots' owners`, 40, steps);
}

/**
 * The promotion of `heir` in place of `dead`. A move `dead` was the source of goes on from the
 * heir at once: Redis keeps MIGRATING on the primary alone, so the heir would answer for keys
 * already moved as if they had never been; the worker holds writes on it from just before the
 * promotion until it migrates those slots to their target (the target's side follows in the next
 * plan: cutMoves).
 */
function promotion(heir: Answering, dead: ObservedNode, others: Answering[], observed: ObservedCluster, mode: 'force' | 'takeover', trigger: 'agent_exit' | 'takeover' | 'primary_failed'): Step {
  const inherited = heir.redis.view.find((e) => e.id === dead.redisNodeId)?.slots ?? [];
  const byTarget = new Map<string, number[]>();
  for (const m of observed.moves) {
    const target = others.find((n) => n.id === m.targetNodeId);
    if (m.sourceNodeId !== dead.id || m.state === 'planned' || !target || !inherited.some(([a, b]) => a <= m.slot && m.slot <= b)) continue;
    byTarget.set(target.redis.myId, [...(byTarget.get(target.redis.myId) ?? []), m.slot]);
  }
  const migrating = [...byTarget].map(([redisId, slots]) => ({ redisId, slots }));
  return { kind: 'failover', nodeId: heir.id, fromNodeId: dead.id, mode, trigger, ...(migrating.length ? { migrating } : {}) };
}

/**
 * A primary its peers flag FAIL (frozen, cut off, or on a lost host: a majority of primaries
 * cannot reach it) while its shard gives slots away. Its replicas do not elect themselves then
 * (nodeConfig), so Slotplane elects in Redis's place, as Redis would: on the FAIL flag, by FORCE
 * (the other primaries' votes), the replica that holds the data (bestHeir), and with the moves'
 * MIGRATING (promotion). Should the old primary come back, it finds itself demoted; a strict
 * cluster's stopped taking writes before (min-replicas-max-lag).
 */
function electInPlaceOfFailed(silent: ObservedNode[], live: ObservedNode[], observed: ObservedCluster): Plan | undefined {
  const peers = live.filter(answering);
  for (const failed of silent) {
    if (!failed.redisNodeId) continue;
    const entries = peers.flatMap((p) => p.redis.view.filter((e) => e.id === failed.redisNodeId));
    if (!entries.some((e) => e.flags.includes('fail')) || !entries.some((e) => e.role === 'primary' && e.slots.length > 0)) continue;
    const heir = bestHeir(peers.filter((p) => p.shardIndex === failed.shardIndex), failed);
    if (!heir || heir.redis.config['cluster-replica-no-failover'] !== 'yes' || !heir.redis.view.some((e) => e.id === failed.redisNodeId && e.slots.length > 0)) continue;
    const voters = peers.filter((p) => me(p)?.role === 'primary' && ownsSlots(p));
    if (voters.some((v) => v.redis.view.find((e) => e.id === heir.redis.myId)?.role !== 'replica')) {
      return wait(`waiting for every primary to know ${label(heir)} as a replica before promoting it`, 40, 50);
    }
    return act(`promoting ${label(heir)}: its primary ${label(failed)} is flagged FAIL while its shard gives slots away`, 40, [promotion(heir, failed, peers, observed, 'force', 'primary_failed')]);
  }
  return undefined;
}

/**
 * Nodes on hosts whose agents went silent. Silence alone proves nothing (the agent may be down
 * while its redis-servers serve), so Redis judges: a node on a lost host that its peers flag
 * FAIL (a majority of primaries agreed it is unreachable), or that no peer ever knew, is dead.
 * Redis's own election promotes a replica of a dead primary (Slotplane never promotes while the
 * old primary might still take writes); the dead nodes are then replaced on other hosts, and
 * FORGET follows without waiting for an agent that cannot answer. Without a quorum of primaries
 * Redis can neither flag nor elect: that is said, not guessed around.
 */
function lostHosts(live: ObservedNode[], observed: ObservedCluster, spec: DesiredCluster['spec'], disk: DiskNeed): Plan | undefined {
  const silent = live.filter((n) => n.hostState !== 'up' && !answering(n));
  if (!silent.length) return undefined;
  const peers = live.filter(answering);
  const entries = (n: ObservedNode) => (n.redisNodeId ? peers.flatMap((p) => p.redis.view.filter((e) => e.id === n.redisNodeId)) : []);
  const dead = silent.filter((n) => n.hostState === 'lost' && (n.redisNodeId === null || (peers.length > 0 && (entries(n).length === 0 || entries(n).some((e) => e.flags.includes('fail'))))));
  const serving = (n: ObservedNode) => entries(n).some((e) => e.role === 'primary' && e.slots.length > 0);
  const idle = dead.filter((n) => !serving(n));
  if (idle.length) return act(`replacing ${idle.map(label).join(', ')}: their host is lost`, 10, replace(idle, live, observed.fleet, 'its host is lost', disk));

  // Primaries with slots, as the answering nodes see them, and those on silent hosts.
  const view = peers[0]?.redis.view ?? [];
  const primaries = view.filter((e) => e.role === 'primary' && e.slots.length > 0);
  const silentIds = new Set(silent.map((n) => n.redisNodeId));
  const away = primaries.filter((e) => silentIds.has(e.id));
  const quorum = Math.floor(primaries.length / 2) + 1;
  const hosts = [...new Set(silent.map((n) => n.host))].join(', ');
  if (away.length && primaries.length - away.length < quorum && silent.some((n) => n.hostState === 'lost')) {
    // Opt-in only: the replicas of the primaries on lost hosts take over without a vote.
    const lostAway = away.map((e) => silent.find((n) => n.redisNodeId === e.id)!).filter((n) => n.hostState === 'lost');
    const takeovers: Step[] = lostAway.flatMap((dead) => {
      const heir = bestHeir(peers.filter((p) => p.shardIndex === dead.shardIndex), dead);
      return heir ? [promotion(heir, dead, peers, observed, 'takeover', 'takeover')] : [];
    });
    if (spec.takeoverWhenQuorumLost && lostAway.length === away.length && takeovers.length) {
      return act(`taking over ${takeovers.length} shard(s) whose primaries are on lost hosts (${hosts}): too few primaries left to vote`, 40, takeovers);
    }
    return {
      kind: 'blocked',
      code: 'quorum_lost',
      reason: `${away.length} of ${primaries.length} primaries are on silent hosts (${hosts}): Redis needs ${quorum} to flag them failed and elect replicas; bring the hosts back, or allow takeoverWhenQuorumLost (promoting without that quorum can lose writes)`,
      permanent: false,
    };
  }
  // A lost node that served a shard nobody else answers for (or the whole cluster is silent).
  const alone = (n: ObservedNode) => !live.some((m) => m !== n && m.shardIndex === n.shardIndex && answering(m));
  const orphan = silent.find((n) => n.hostState === 'lost' && alone(n) && (serving(n) || peers.length === 0));
  if (orphan) {
    const kept = spec.persistence === 'none' ? 'persistence is none: its keys are gone with it' : `its ${spec.persistence.toUpperCase()} data is on that host`;
    return { kind: 'blocked', code: 'shard_lost', reason: `shard ${orphan.shardIndex}'s only node ${label(orphan)} was on a lost host (${kept}); bring the host back to restart it in place (rebuilding the shard elsewhere is not available yet)`, permanent: false };
  }
  const elected = electInPlaceOfFailed(dead, live, observed);
  if (elected) return elected;
  if (dead.length) return wait(`waiting for Redis to promote a replica of ${dead.map((n) => `shard ${n.shardIndex}`).join(', ')} (primary on lost host ${hosts})`, 40, 200);
  return wait(`host ${hosts} is silent: waiting for it to count as lost and for Redis to flag its nodes FAIL`, 20, 250);
}

/**
 * Dead nodes taken out and, in the same plan, new nodes placed in their shards away from the
 * members left (as any missing member would be): each pair is a `node.replaced`. When the
 * fleet has no room, only the removal: the shard is grown again once hosts have room.
 */
function replace(dead: ObservedNode[], live: ObservedNode[], fleet: ObservedCluster['fleet'], reason: string, disk: DiskNeed): Step[] {
  const remove: Step = { kind: 'remove', nodeIds: dead.map((n) => n.id), reason: `${dead.map(label).join(', ')}: ${reason}` };
  const growing: GrowingShard[] = [];
  for (const shardIndex of new Set(dead.map((n) => n.shardIndex))) {
    const members = live.filter((m) => m.shardIndex === shardIndex && !dead.includes(m));
    const leader = shardPrimary(members) ?? members[0];
    if (leader) growing.push({ shardIndex, primaryHostId: leader.hostId, memberHostIds: members.map((m) => m.hostId), add: dead.filter((n) => n.shardIndex === shardIndex).length });
  }
  if (!growing.length) return [remove];
  try {
    const placement = placeReplicas(fleet, growing, disk);
    const replaces = dead.filter((n) => growing.some((g) => g.shardIndex === n.shardIndex)).map((n) => ({ nodeId: n.id, shardIndex: n.shardIndex, reason }));
    return [remove, { kind: 'place', newShards: [], nodes: placement.nodes, warnings: placement.warnings, replaces }];
  } catch (err) {
    if (err instanceof PlacementError) return [remove];
    throw err;
  }
}

/**
 * A node its agent could not start, which never answered: it holds nothing, so it may go
 * anywhere. For any reason but a full disk, a new cluster stops there (as for any node that exits
 * before it is configured) and a formed one replaces it as any exited node (undefined: the rules
 * after this one decide). For a full disk: a new node in its place (same shard, same placed role)
 * on another host with room; if none has, the same node started again once its own host has
 * room; until then the cluster says why, and is looked at again.
 */
function startFailed(n: ObservedNode, live: ObservedNode[], observed: ObservedCluster, disk: DiskNeed): Plan | undefined {
  const failure = n.startFailure!;
  if (!failure.noSpace) {
    return observed.formed ? undefined : { kind: 'blocked', code: 'create_refused', reason: `node ${label(n)} could not start: ${failure.reason}`, permanent: true };
  }
  const members = live.filter((m) => m !== n && m.shardIndex === n.shardIndex);
  const leader = shardPrimary(members);
  try {
    const elsewhere = observed.fleet.filter((h) => h.id !== n.hostId);
    const placement = placeReplicas(elsewhere, [{ shardIndex: n.shardIndex, primaryHostId: leader?.hostId ?? '', memberHostIds: members.map((m) => m.hostId), add: 1 }], disk);
    const reason = `its host's disk is full (${failure.reason})`;
    // The new node first: a shard being created is never without a placed primary.
    return act(`replacing ${label(n)}: ${reason}`, 10, [
      { kind: 'place', newShards: [], nodes: placement.nodes.map((p) => ({ ...p, role: n.placedRole })), warnings: placement.warnings, replaces: [{ nodeId: n.id, shardIndex: n.shardIndex, reason }] },
      { kind: 'remove', nodeIds: [n.id], reason: `${label(n)}: ${reason}` },
    ]);
  } catch (err) {
    if (!(err instanceof PlacementError)) throw err;
  }
  if (roomSince(n, observed.fleet, disk)) return act(`starting ${label(n)} again: its host has room now`, 15, [{ kind: 'restart', nodeId: n.id, loss: null }]);
  return noRoomToStart(n, 'no other host has room for it', disk);
}

/**
 * The host of a node that could not start for want of disk has room now, and more free space
 * than when the node gave up: something was freed, so starting it again can work (the figures
 * alone could say "room" for a disk out of inodes, and the node would fail again at once).
 */
function roomSince(n: ObservedNode, fleet: ObservedCluster['fleet'], disk: DiskNeed): boolean {
  const host = fleet.find((h) => h.id === n.hostId);
  if (!host || !hasDiskRoom(host, disk)) return false;
  const before = n.startFailure?.freeDiskBytes;
  return before === null || before === undefined || host.freeDiskBytes === null || host.freeDiskBytes === undefined || host.freeDiskBytes > before + FREED_BYTES;
}
/** How much more free disk than at a failed start counts as "space was freed". */
const FREED_BYTES = 1024 * 1024;

function noRoomToStart(n: ObservedNode, why: string, disk: DiskNeed): Plan {
  return {
    kind: 'blocked',
    code: 'start_failed',
    reason: `node ${label(n)} could not start: ${n.startFailure!.reason}; ${why} (a node needs ${mib(diskBytesFor(disk, 1))} of free disk); it is started again once its host has room`,
    permanent: false,
  };
}

function planSwitchover(observed: ObservedCluster, shards: Answering[][], owners: Map<number, Answering>): Plan | undefined {
  for (const r of observed.requests) {
    if (r.kind !== 'switchover') continue;
    const owner = owners.get(r.shardIndex);
    const members = shards[r.shardIndex] ?? [];
    if (!owner || owner.id !== r.fromNodeId) continue; // done: the old primary no longer leads
    const inSync = members.filter((m) => m !== owner && m.redis.linkUp === true && me(m)?.primaryId === owner.redis.myId);
    const chosen = r.nodeId ? inSync.find((m) => m.id === r.nodeId) : [...inSync].sort((a, b) => b.redis.offset - a.redis.offset)[0];
    if (!chosen) {
      return { kind: 'blocked', code: 'no_replica', reason: r.nodeId ? `node ${r.nodeId} is not an in-sync replica of shard ${r.shardIndex}` : `shard ${r.shardIndex} has no in-sync replica to switch over to`, permanent: false };
    }
    return act(`switching shard ${r.shardIndex} over to ${label(chosen)}`, 70, [{ kind: 'failover', nodeId: chosen.id, fromNodeId: owner.id, trigger: 'switchover' }]);
  }
  return undefined;
}

/**
 * Password rotation. The previous password's grace over: stop honouring it (a Postgres step; the
 * agents then drop it from redis.conf). Then every node's tenant user accepts exactly the
 * passwords honoured, set live with one atomic ACL SETUSER per node: a rotation adds the new
 * password beside the old (clients on the old one go on), the end of the grace takes the old
 * away. Nothing restarts; redis.conf follows through the agents (the revision, checked last).
 */
function planTenantPasswords(desired: DesiredCluster, nodes: Answering[]): Plan | undefined {
  if (desired.previousPasswordExpired) return act('retiring the previous password', 90, [{ kind: 'retirePreviousPassword' }]);
  const userless = nodes.find((n) => n.redis.tenantPasswords === null);
  if (userless) return { kind: 'blocked', code: 'create_refused', reason: `node ${label(userless)} has no tenant user: its redis.conf was not written by Slotplane`, permanent: false };
  const want = [...desired.tenantPasswords].sort();
  // The step sets the user's commands too (TENANT_ACL): a node started with older rules gets them live.
  const differ = nodes.filter((n) => JSON.stringify([...n.redis.tenantPasswords!].sort()) !== JSON.stringify(want) || !n.redis.tenantAclCurrent);
  if (!differ.length) return undefined;
  return act(`setting the tenant's passwords and commands on ${differ.length} node(s)`, 50, differ.map((n) => ({ kind: 'setTenantPasswords' as const, nodeId: n.id, hashes: want })));
}

/** The member that owns slots, or the one placed as primary while nobody does yet. */
function shardPrimary(members: ObservedNode[]): ObservedNode | undefined {
  return members.find((m) => answering(m) && ownsSlots(m)) ?? members.find((m) => m.placedRole === 'primary');
}

/**
 * Replicas to take away from an over-full shard, one at a time: never the primary; first those
 * not running; then from the host holding the most members of the shard (the primary's host on a
 * tie), so what stays is as spread as the hosts allow; then from hosts crowded with this
 * cluster's nodes; then the newest.
 */
function replicasToRemove(members: ObservedNode[], count: number, live: ObservedNode[]): ObservedNode[] {
  const primary = shardPrimary(members);
  let staying = [...members];
  const removed: ObservedNode[] = [];
  for (let i = 0; i < count; i++) {
    const onHost = (n: ObservedNode) => staying.filter((o) => o.hostId === n.hostId).length;
    const withPrimary = (n: ObservedNode) => Number(n.hostId === primary?.hostId);
    const crowd = (n: ObservedNode) => live.filter((o) => o.hostId === n.hostId && !removed.includes(o)).length;
    const pick = staying
      .filter((m) => m !== primary)
      .sort((a, b) => Number(a.agent === 'running') - Number(b.agent === 'running') || onHost(b) - onHost(a) || withPrimary(b) - withPrimary(a) || crowd(b) - crowd(a) || (a.id < b.id ? 1 : -1))[0];
    if (!pick) break;
    removed.push(pick);
    staying = staying.filter((m) => m !== pick);
  }
  return removed;
}

function placementBlocked(err: unknown, observed: ObservedCluster): Plan {
  if (!(err instanceof PlacementError) && !(err instanceof RangeError)) throw err;
  const reason = observed.fleet.length === 0 ? `no host agent has reported in the last ${HOST_SUSPECT_AFTER_MS / 1000} s: start slotplane-agent on at least one host` : err.message;
  return { kind: 'blocked', code: 'placement_failed', reason, permanent: true };
}

const slotsOf = (ranges: SlotRange[]) => ranges.flatMap(([a, b]) => Array.from({ length: b - a + 1 }, (_, i) => a + i));

function overlaps(claimed: SlotRange[], [start, end]: SlotRange): boolean {
  return claimed.some(([s, e]) => s <= end && e >= start);
}

function inHandshakeWith(n: Answering, peer: ObservedNode): boolean {
  return n.redis.view.some((e) => e.handshake && e.host === peer.host && e.port === peer.port);
}

/** Placement order: shard, primary first, then id. */
function order(a: ObservedNode, b: ObservedNode): number {
  return a.shardIndex - b.shardIndex || Number(a.placedRole === 'replica') - Number(b.placedRole === 'replica') || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}
