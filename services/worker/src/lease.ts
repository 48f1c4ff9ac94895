import { and, clusters, eq, isNull, lt, or, sql, type Db } from '@slotplane/db';
import { WorkerError } from './errors.ts';

export class LeaseLost extends WorkerError {
  constructor(clusterId: string) {
    super('lease_lost', `lost the lease on cluster ${clusterId}: another worker holds it now`, true);
  }
}

export class LeaseBusy extends WorkerError {
  constructor(clusterId: string) {
    super('lease_busy', `cluster ${clusterId} is being worked on by another worker; will retry`, true);
  }
}

/**
 * A per-cluster lease with a fencing token. Taking it bumps the token; every write a worker
 * makes under the lease checks the token, so a worker that stalled past its lease (GC pause,
 * partition) can no longer change the cluster after another took over.
 */
export class Lease {
  private timer: NodeJS.Timeout | undefined;
  private renewedAt = Date.now();
  private lostFlag = false;

  private constructor(
    private readonly db: Db,
    readonly clusterId: string,
    readonly owner: string,
    readonly token: number,
    private readonly ttlMs: number,
  ) {}

  static async acquire(db: Db, clusterId: string, owner: string, ttlMs: number): Promise<Lease> {
    const [row] = await db
      .update(clusters)
      .set({ leaseOwner: owner, leaseToken: sql`${clusters.leaseToken} + 1`, leaseExpiresAt: sql`now() + ${`${ttlMs} milliseconds`}::interval` })
      .where(and(eq(clusters.id, clusterId), or(isNull(clusters.leaseOwner), lt(clusters.leaseExpiresAt, sql`now()`), eq(clusters.leaseOwner, owner))))
      .returning({ token: clusters.leaseToken });
    if (!row) throw new LeaseBusy(clusterId);
    const lease = new Lease(db, clusterId, owner, row.token, ttlMs);
    lease.timer = setInterval(() => void lease.renew(), Math.max(200, ttlMs / 3));
    return lease;
  }

  /** The guard every fenced write adds to its WHERE clause. */
  held() {
    return and(eq(clusters.id, this.clusterId), eq(clusters.leaseToken, this.token));
  }

  /** Lost when another worker took the lease, or when renewals have failed for a whole TTL (it may have expired). */
  get lost(): boolean {
    return this.lostFlag || Date.now() - this.renewedAt >= this.ttlMs;
  }

  async renew(): Promise<void> {
    const started = Date.now();
    try {
      const rows = await this.db
        .update(clusters)
        .set({ leaseExpiresAt: sql`now() + ${`${this.ttlMs} milliseconds`}::interval` })
        .where(this.held())
        .returning({ id: clusters.id });
      if (rows.length) this.renewedAt = started;
      else this.lostFlag = true;
    } catch {
      // Postgres unreachable: the lease counts as lost once renewals have failed for a whole TTL.
    }
  }

  /** Throws when the lease is lost; cheap, call between steps. */
  check(): void {
    if (this.lost) throw new LeaseLost(this.clusterId);
  }

  /**
   * Asks Postgres whether this lease still holds, right before a Redis write that changes slot
   * ownership, membership or roles: a worker that stalled must not act after another took over.
   */
  async verify(): Promise<void> {
    this.check();
    const [row] = await this.db
      .select({ id: clusters.id })
      .from(clusters)
      .where(and(this.held(), sql`${clusters.leaseExpiresAt} > now()`));
    if (!row) {
      this.lostFlag = true;
      throw new LeaseLost(this.clusterId);
    }
  }

  async release(): Promise<void> {
    clearInterval(this.timer);
    await this.db.update(clusters).set({ leaseOwner: null, leaseExpiresAt: null }).where(this.held());
  }
}
