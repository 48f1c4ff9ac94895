import { and, clusters, eq, isNull, lt, or, sql, type Db } from '@slotplane/db';

export class LeaseLost extends Error {
  constructor(clusterId: string) {
    super(`lost the lease on cluster ${clusterId}: another worker holds it now`);
    this.name = 'LeaseLost';
  }
}

export class LeaseBusy extends Error {
  constructor(clusterId: string) {
    super(`cluster ${clusterId} is being worked on by another worker; will retry`);
    this.name = 'LeaseBusy';
  }
}

/**
 * A per-cluster lease with a fencing token. Taking it bumps the token; every write a worker
 * makes under the lease checks the token, so a worker that stalled past its lease (GC pause,
 * partition) can no longer change the cluster after another took over.
 */
export class Lease {
  private timer: NodeJS.Timeout | undefined;
  lost = false;

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

  async renew(): Promise<void> {
    const rows = await this.db
      .update(clusters)
      .set({ leaseExpiresAt: sql`now() + ${`${this.ttlMs} milliseconds`}::interval` })
      .where(this.held())
      .returning({ id: clusters.id })
      .catch(() => [{ id: 'unknown' }]);
    if (!rows.length) this.lost = true;
  }

  /** Throws when another worker took over; call between steps. */
  check(): void {
    if (this.lost) throw new LeaseLost(this.clusterId);
  }

  async release(): Promise<void> {
    clearInterval(this.timer);
    await this.db.update(clusters).set({ leaseOwner: null, leaseExpiresAt: null }).where(this.held());
  }
}
