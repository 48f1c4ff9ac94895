import { and, eq, gt, operations, type Db, type OperationRow } from '@slotplane/db';
import { notFound } from '../errors.ts';

export async function getOperation(db: Db, tenantId: string, operationId: string): Promise<OperationRow> {
  const [row] = await db
    .select()
    .from(operations)
    .where(and(eq(operations.id, operationId), eq(operations.tenantId, tenantId)));
  if (!row) throw notFound('operation');
  return row;
}

export async function listClusterOperations(db: Db, tenantId: string, clusterId: string, limit: number, afterId?: string) {
  return db
    .select()
    .from(operations)
    .where(and(eq(operations.clusterId, clusterId), eq(operations.tenantId, tenantId), afterId ? gt(operations.id, afterId) : undefined))
    .orderBy(operations.id)
    .limit(limit + 1);
}
