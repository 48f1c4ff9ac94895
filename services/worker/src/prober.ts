import type { RedisObservation } from '@slotplane/core';
import { and, asc, clusters, eq, gt, hosts, isNull, ne, nodes, type Db } from '@slotplane/db';
import type { Logger } from '@slotplane/logger';
import type { ReconcileQueue } from '@slotplane/queue';
import { NodeAdminPool } from '@slotplane/redis-admin';
import type { Keyring } from '@slotplane/secrets';

/** Nodes asked per cluster each round: what they see of the whole cluster is what is compared. */
const PROBED_PER_CLUSTER = 2;

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
  private readonly admins = new NodeAdminPool();
  private readonly last = new Map<string, string>();

  constructor(
    private readonly db: Db,
    private readonly secrets: Keyring,
    private readonly queue: ReconcileQueue,
    private readonly log: Logger,
  ) {}

  /** One round over every formed cluster; returns the clusters that changed. */
  async probeOnce(): Promise<string[]> {
    const rows = await this.db
      .select({ clusterId: nodes.clusterId, host: hosts.address, port: nodes.port, password: clusters.adminPassword })
      .from(nodes)
      .innerJoin(hosts, eq(nodes.hostId, hosts.id))
      .innerJoin(clusters, eq(nodes.clusterId, clusters.id))
      .where(and(isNull(nodes.removedAt), eq(nodes.status, 'running'), gt(clusters.observedGeneration, 0), ne(clusters.status, 'deleted'), isNull(clusters.deletionRequestedAt)))
      // Primaries first: they see their replicas' links as well as every other primary.
      .orderBy(asc(nodes.clusterId), asc(nodes.observedRole), asc(nodes.id));
    const byCluster = new Map<string, typeof rows>();
    for (const r of rows) {
      const list = byCluster.get(r.clusterId) ?? [];
      if (list.length < PROBED_PER_CLUSTER) list.push(r);
      byCluster.set(r.clusterId, list);
    }
    this.admins.retainOnly(new Set([...byCluster.values()].flat().map((r) => `${r.host}:${r.port}`)));
    for (const id of this.last.keys()) if (!byCluster.has(id)) this.last.delete(id);

    const changed: string[] = [];
    await Promise.all(
      [...byCluster].map(async ([clusterId, probed]) => {
        const seen = await Promise.all(probed.map((r) => this.admins.get({ host: r.host, port: r.port, password: this.secrets.decrypt(r.password) }).observe()));
        const picture = probed.map((r, i) => `${r.host}:${r.port}=${signature(seen[i]!)}`).join('\n');
        const before = this.last.get(clusterId);
        this.last.set(clusterId, picture);
        if (before !== undefined && before !== picture) changed.push(clusterId);
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
