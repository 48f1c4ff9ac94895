import type { Operation } from '@slotplane/contracts';
import { and, eq, gt, inArray, operations, slotMoves, sql, type Db, type OperationRow } from '@slotplane/db';
import { notFound } from '../errors.ts';
import { ownedBy } from './owned-by.ts';

export async function getOperation(db: Db, tenantId: string | null, operationId: string): Promise<OperationRow> {
  const [row] = await db
    .select()
    .from(operations)
    .where(and(eq(operations.id, operationId), ownedBy(operations.tenantId, tenantId)));
  if (!row) throw notFound('operation');
  return row;
}

export async function listClusterOperations(db: Db, tenantId: string | null, clusterId: string, limit: number, afterId?: string) {
  return db
    .select()
    .from(operations)
    .where(and(eq(operations.clusterId, clusterId), ownedBy(operations.tenantId, tenantId), afterId ? gt(operations.id, afterId) : undefined))
    .orderBy(operations.id)
    .limit(limit + 1);
}

/** Slot migration progress of each operation that moves slots, from the journal. */
export async function moveProgress(db: Db, operationIds: string[]): Promise<Map<string, NonNullable<Operation['moves']>>> {
  if (!operationIds.length) return new Map();
  const rows = await db
    .select({
      operationId: slotMoves.operationId,
      slotsTotal: sql<number>`count(*)::int`,
      slotsMoved: sql<number>`(count(*) filter (where ${slotMoves.state} = 'done'))::int`,
      keysMoved: sql<number>`coalesce(sum(${slotMoves.keysMoved}), 0)::bigint`,
      bytesMoved: sql<number>`coalesce(sum(${slotMoves.bytesMoved}), 0)::bigint`,
    })
    .from(slotMoves)
    .where(inArray(slotMoves.operationId, operationIds))
    .groupBy(slotMoves.operationId);
  return new Map(rows.map((r) => [r.operationId!, { slotsTotal: r.slotsTotal, slotsMoved: r.slotsMoved, keysMoved: Number(r.keysMoved), bytesMoved: Number(r.bytesMoved) }]));
}
