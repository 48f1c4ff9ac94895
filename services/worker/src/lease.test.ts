import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clusters, eq, newId, sql, tenants } from '@slotplane/db';
import { createTestDatabase } from '@slotplane/testkit';
import { Lease, LeaseBusy, LeaseLost } from './lease.ts';

let database: Awaited<ReturnType<typeof createTestDatabase>>;
let clusterId: string;

beforeAll(async () => {
  database = await createTestDatabase();
  const tenantId = newId();
  clusterId = newId();
  await database.db.insert(tenants).values({ id: tenantId, name: 'lease-test' });
  await database.db.insert(clusters).values({ id: clusterId, tenantId, name: 'leased', spec: { shards: 1, replicasPerShard: 0, maxMemoryMb: 64, persistence: 'none', redisConfig: {} }, status: 'creating' });
});
afterAll(() => database?.close());

describe('the cluster lease', () => {
  it('is held by one worker at a time; a stalled holder is fenced off once another takes over', async () => {
    const first = await Lease.acquire(database.db, clusterId, 'worker-1', 60_000);
    await first.verify();
    await expect(Lease.acquire(database.db, clusterId, 'worker-2', 60_000)).rejects.toBeInstanceOf(LeaseBusy);

    // worker-1 stalls (no renewals) past its TTL, as Postgres's clock says (moved, not waited
    // for); worker-2 takes the cluster over.
    clearInterval((first as unknown as { timer: NodeJS.Timeout }).timer);
    await database.db.update(clusters).set({ leaseExpiresAt: sql`now() - interval '1 second'` }).where(eq(clusters.id, clusterId));
    const second = await Lease.acquire(database.db, clusterId, 'worker-2', 10_000);
    expect(second.token).toBeGreaterThan(first.token);

    // The stale holder learns it before its next Redis write, and its fenced writes change nothing.
    await expect(first.verify()).rejects.toBeInstanceOf(LeaseLost);
    expect(first.lost).toBe(true);
    // A renewal it sends late takes nothing back.
    await first.renew();
    expect(first.lost).toBe(true);
    const written = await database.db.update(clusters).set({ lastError: 'stale' }).where(first.held()).returning({ id: clusters.id });
    expect(written).toEqual([]);
    await second.verify();
    await second.release();
    const [row] = await database.db.select().from(clusters).where(eq(clusters.id, clusterId));
    expect(row!.leaseOwner).toBeNull();
  });
});
