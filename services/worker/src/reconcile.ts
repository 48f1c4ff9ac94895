import { plan, tenantPasswordHashes, type DesiredCluster } from '@slotplane/core';
import { clusters, eq, sql, type ClusterRow, type Db } from '@slotplane/db';
import type { Logger } from '@slotplane/logger';
import { NodeAdminPool } from '@slotplane/redis-admin';
import type { Keyring } from '@slotplane/secrets';
import { perform } from './act.ts';
import { Lease } from './lease.ts';
import { observe } from './observe.ts';
import { recordBlocked, recordConverged, recordObservation, recordProgress } from './record.ts';

export interface ReconcileContext {
  db: Db;
  log: Logger;
  /** Identifies this worker (and job) in leases. */
  workerId: string;
  leaseTtlMs: number;
  /** A host silent this long is lost: its nodes that Redis flags FAIL are replaced. */
  hostLostAfterMs: number;
  /** A host takes a new node only with this much free disk. */
  minFreeDiskBytes: number;
  secrets: Keyring;
}

/** What the cluster's job does next. */
export type Outcome =
  /** Look again after this long (the lease is released meanwhile). */
  | { kind: 'again'; delayMs: number }
  /** Converged, or blocked for good: look again at the next periodic resync (or after `wakeInMs`, when sooner). */
  | { kind: 'idle'; wakeInMs?: number }
  /** The cluster is deleted: its job ends. */
  | { kind: 'finished' };

/** A blocked cluster that may recover (a node back, a host back) is observed again after this long. */
const BLOCKED_RECHECK_MS = 2000;
/** One job run acts for at most this long before it lets other clusters have the worker. */
const RUN_BUDGET_MS = 20_000;

/**
 * The reconcile loop of one cluster, under its fenced lease: observe (Postgres + every node),
 * record what was seen, plan (pure, in core), then perform that plan's steps and go round
 * again, until the plan says wait, done or blocked.
 */
export async function reconcileCluster(ctx: ReconcileContext, clusterId: string): Promise<Outcome> {
  const { db } = ctx;
  const lease = await Lease.acquire(db, clusterId, ctx.workerId, ctx.leaseTtlMs);
  const admins = new NodeAdminPool();
  const started = Date.now();
  try {
    while (Date.now() - started < RUN_BUDGET_MS) {
      lease.check();
      const loaded = await loadCluster(db, ctx.secrets, clusterId);
      if (!loaded || loaded.cluster.status === 'deleted') return { kind: 'finished' };
      const { cluster, previousExpired } = loaded;
      const observation = await observe(db, cluster, admins, ctx.hostLostAfterMs, ctx.minFreeDiskBytes);
      await recordObservation(db, lease, cluster, observation);

      const next = plan(desiredOf(cluster, previousExpired), observation.observed);
      const settle = { db, lease, cluster, formed: observation.observed.formed, requested: observation.observed.requests.length > 0 };
      const log = ctx.log.child({ clusterId, generation: cluster.generation });
      switch (next.kind) {
        case 'act':
          log.debug({ phase: next.phase, steps: next.steps }, 'acting');
          await recordProgress(settle, next);
          await perform({ db, log, lease, cluster, admins, rows: observation.rows }, next.phase, next.steps);
          continue;
        case 'wait':
          log.debug({ phase: next.phase, delayMs: next.delayMs }, 'waiting');
          await recordProgress(settle, next);
          return { kind: 'again', delayMs: next.delayMs };
        case 'done':
          log.debug('converged');
          // False when the spec changed since this pass read it: plan again for the new one.
          if (!(await recordConverged(settle, observation.observed.requests.map((r) => r.operationId)))) continue;
          if (cluster.deletionRequestedAt) return { kind: 'finished' };
          return { kind: 'idle', ...(await graceEnds(db, cluster)) };
        case 'blocked':
          if (cluster.lastError !== next.reason) log.warn({ code: next.code, reason: next.reason }, 'blocked');
          await recordBlocked(settle, next);
          return next.permanent ? { kind: 'idle' } : { kind: 'again', delayMs: BLOCKED_RECHECK_MS };
      }
    }
    return { kind: 'again', delayMs: 0 };
  } finally {
    admins.close();
    await lease.release().catch(() => {});
  }
}

/**
 * A previous password's grace period ends at a set time: the cluster is looked at then, to retire
 * it. Read again: the convergence just recorded may have started the grace (a rotation succeeded).
 */
async function graceEnds(db: Db, cluster: ClusterRow): Promise<{ wakeInMs?: number }> {
  if (cluster.previousPassword === null) return {};
  const [row] = await db.select({ until: clusters.previousPasswordUntil }).from(clusters).where(eq(clusters.id, cluster.id));
  return row?.until ? { wakeInMs: Math.max(0, row.until.getTime() - Date.now()) + 100 } : {};
}

/** `cluster` with its passwords decrypted. */
function desiredOf(cluster: ClusterRow, previousPasswordExpired: boolean): DesiredCluster {
  return {
    generation: cluster.generation,
    spec: cluster.spec,
    deleting: cluster.deletionRequestedAt !== null,
    tenantPasswords: tenantPasswordHashes(cluster.password, cluster.previousPassword),
    previousPasswordExpired,
  };
}

/**
 * The cluster's row with its passwords decrypted, once, for observe, act and migrate to log in
 * to the nodes with. Never written back whole: every write names its columns.
 */
async function loadCluster(db: Db, secrets: Keyring, id: string): Promise<{ cluster: ClusterRow; previousExpired: boolean } | undefined> {
  // Whether the previous password's grace is over, by Postgres's clock (the retiring write checks the same).
  const [found] = await db
    .select({ row: clusters, previousExpired: sql<boolean>`coalesce(${clusters.previousPasswordUntil} <= now(), false)` })
    .from(clusters)
    .where(eq(clusters.id, id));
  if (!found) return undefined;
  const { row } = found;
  const open = (stored: string) => secrets.decrypt(stored);
  return {
    cluster: {
      ...row,
      password: open(row.password),
      previousPassword: row.previousPassword === null ? null : open(row.previousPassword),
      adminPassword: open(row.adminPassword),
      replicationPassword: open(row.replicationPassword),
    },
    previousExpired: found.previousExpired,
  };
}
