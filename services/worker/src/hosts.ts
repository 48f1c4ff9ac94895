import type { EventType } from '@slotplane/contracts';
import { hostState, hostWatchAt, type HostState } from '@slotplane/core';
import { and, appendEvent, clusters, eq, hosts, isNotNull, ne, nodes, or, readHostWatch, recordHostWatch, type Db, type EventInput } from '@slotplane/db';
import type { Logger } from '@slotplane/logger';
import type { ReconcileQueue } from '@slotplane/queue';

const EVENT: Record<HostState, EventType> = { up: 'host.recovered', suspect: 'host.suspect', lost: 'host.lost' };

/**
 * Announces each host's state when its heartbeats change it (`host.suspect`, `host.lost`,
 * `host.recovered`; a revoked host is lost at once), once across workers (the row's recorded state is the guard), and gives every
 * cluster with nodes there a pass at once: a lost host's nodes are replaced as soon as Redis flags
 * them FAIL, and a host back has nodes to erase. Returns the transitions announced.
 *
 * Each round is recorded in Postgres (one round at a time across workers). After a gap in the
 * rounds (the control plane was down), silence counts from the round that resumed: a host gets a
 * full heartbeat window before it is judged suspect or lost.
 */
export async function watchHosts(db: Db, queue: ReconcileQueue, lostAfterMs: number, log: Logger): Promise<number> {
  const read = await readHostWatch(db);
  const { now } = read;
  const watch = hostWatchAt(read.watch, now);
  // Another worker's round was recorded since the read: it judges the hosts this time.
  if (!(await recordHostWatch(db, read.round, watch))) return 0;
  if (read.watch && watch.since.getTime() === now.getTime()) log.info({ lastRoundAt: read.watch.ranAt }, 'host watch resumed after a gap: silent hosts get a full heartbeat window before they are judged');
  const rows = await db
    .select({ id: hosts.id, name: hosts.name, state: hosts.state, lastHeartbeatAt: hosts.lastHeartbeatAt, revokedAt: hosts.revokedAt })
    .from(hosts)
    // A host never heard from has nothing placed on it yet, unless it was revoked in between.
    .where(or(isNotNull(hosts.lastHeartbeatAt), isNotNull(hosts.revokedAt)));
  let announced = 0;
  for (const h of rows) {
    const state = hostState(h, now, lostAfterMs, watch.since);
    if (state === h.state) continue;
    const affected = await db.transaction(async (tx) => {
      const [changed] = await tx.update(hosts).set({ state }).where(and(eq(hosts.id, h.id), eq(hosts.state, h.state))).returning({ id: hosts.id });
      if (!changed) return null;
      // (All three host.* types carry the same data; TS cannot tie EVENT[state] to it by itself.)
      await appendEvent(tx, { tenantId: null, type: EVENT[state], data: { hostId: h.id, name: h.name, from: h.state, lastHeartbeatAt: h.lastHeartbeatAt?.toISOString() ?? null } } as EventInput);
      return tx
        .selectDistinct({ clusterId: nodes.clusterId })
        .from(nodes)
        .innerJoin(clusters, eq(nodes.clusterId, clusters.id))
        .where(and(eq(nodes.hostId, h.id), ne(clusters.status, 'deleted')));
    });
    if (!affected) continue;
    announced++;
    log.warn({ host: h.name, from: h.state, to: state, clusters: affected.length }, 'host state changed');
    for (const { clusterId } of affected) await queue.enqueue(clusterId, { promote: true });
  }
  return announced;
}
