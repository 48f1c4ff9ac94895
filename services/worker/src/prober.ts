import type { RedisObservation } from '@slotplane/core';
import { and, asc, clusters, eq, gt, hosts, isNull, ne, nodes, type Db } from '@slotplane/db';
import type { Logger } from '@slotplane/logger';
import type { ReconcileQueue } from '@slotplane/queue';
import { NodeAdminPool } from '@slotplane/redis-admin';
import type { Keyring } from '@slotplane/secrets';

/** Nodes asked per cluster each round: what they see of the whole cluster is what is compared. */
const PROBED_PER_CLUSTER = 2;
/**
 * A probe gives up sooner than an observation (NODE_COMMAND_TIMEOUT_MS): it only decides whether to
 * look closer, so a node that stalls for a second makes the reconcile pass look, which waits longer
 * before it calls the node unreachable. A frozen node is then shown unreachable within the node
 * timeout, before its peers flag it.
 */
const PROBE_TIMEOUT_MS = 1000;

/**
 * The health prober, the third source of detection beside agent exits and host heartbeats:
 * each round it asks a few nodes of every formed cluster how they see the cluster (CLUSTER NODES
 * and INFO over kept connections, one round trip each) and gives the cluster a reconcile pass as
 * soon as that picture changes: a node flagged PFAIL or FAIL, a link down, a role or slot owner
 * changed (Redis's own failover), cluster_state no longer ok, a node that cannot persist (or can
 * again), a node not answering. A converged
 * cluster is otherwise observed only every resync (30 s). Nothing is written to Postgres here:
 * the reconcile pass records what it observes.
 */
export class Prober {
  private readonly admins = new NodeAdminPool(PROBE_TIMEOUT_MS);
  /** What each node said when last asked, by cluster and address. */
  private readonly last = new Map<string, string>();
  private round = 0;

  constructor(
    private readonly db: Db,
    private readonly secrets: Keyring,
    private readonly queue: ReconcileQueue,
    private readonly log: Logger,
  ) {}

  /** One round over every formed cluster; returns the clusters that changed. */
  async probeOnce(): Promise<string[]> {
    const rows = await this.db
      .select({ clusterId: nodes.clusterId, host: hosts.address, port: nodes.port, role: nodes.observedRole, password: clusters.adminPassword })
      .from(nodes)
      .innerJoin(hosts, eq(nodes.hostId, hosts.id))
      .innerJoin(clusters, eq(nodes.clusterId, clusters.id))
      .where(and(isNull(nodes.removedAt), eq(nodes.status, 'running'), gt(clusters.observedGeneration, 0), ne(clusters.status, 'deleted'), isNull(clusters.deletionRequestedAt)))
      // Primaries first: they see their replicas' links as well as every other primary.
      .orderBy(asc(nodes.clusterId), asc(nodes.observedRole), asc(nodes.id));
    const members = new Map<string, typeof rows>();
    for (const r of rows) members.set(r.clusterId, [...(members.get(r.clusterId) ?? []), r]);
    // A few nodes per cluster each round, taking turns among its primaries (all of its nodes when it
    // has fewer primaries than that), so every primary is asked every few rounds.
    const round = this.round++;
    const byCluster = new Map<string, typeof rows>();
    const kept = new Set<string>();
    for (const [clusterId, list] of members) {
      const primaries = list.filter((r) => r.role === 'primary');
      const turn = primaries.length >= PROBED_PER_CLUSTER ? primaries : list;
      const start = (round * PROBED_PER_CLUSTER) % turn.length;
      byCluster.set(clusterId, [...new Set(Array.from({ length: Math.min(PROBED_PER_CLUSTER, turn.length) }, (_, i) => turn[(start + i) % turn.length]!))]);
      for (const r of turn) kept.add(`${r.host}:${r.port}`);
    }
    this.admins.retainOnly(kept);
    for (const key of this.last.keys()) if (!kept.has(key.slice(key.indexOf('|') + 1))) this.last.delete(key);

    const changed: string[] = [];
    await Promise.all(
      [...byCluster].map(async ([clusterId, probed]) => {
        const seen = await Promise.all(probed.map((r) => this.admins.get({ host: r.host, port: r.port, password: this.secrets.decrypt(r.password) }).observe()));
        // Each node against what it said last time it was asked.
        let differs = false;
        probed.forEach((r, i) => {
          const key = `${clusterId}|${r.host}:${r.port}`;
          const before = this.last.get(key);
          const now = signature(seen[i]!);
          this.last.set(key, now);
          if (before !== undefined && before !== now) differs = true;
        });
        if (differs) changed.push(clusterId);
      }),
    );
    for (const clusterId of changed) {
      this.log.info({ clusterId }, 'the cluster changed as its nodes see it; reconciling');
      await this.queue.enqueue(clusterId, { promote: true });
    }
    return changed;
  }

  close(): void {
    this.admins.close();
  }
}

/** What a node sees of the cluster, without what moves all the time (pings, offsets, key counts). */
function signature(o: RedisObservation): string {
  if (!o.reachable) return 'no answer';
  const entries = o.view
    .map((e) => [e.id, e.role, e.primaryId ?? '-', e.flags.filter((f) => f === 'fail' || f === 'fail?').join(',') || 'ok', e.connected ? 'connected' : 'disconnected', JSON.stringify(e.slots)].join(' '))
    .sort();
  return [o.clusterState, o.linkUp === false ? 'link down' : 'link ok', o.persistenceError ? `cannot persist ${o.persistenceError}` : 'persists', ...entries].join('|');
}
