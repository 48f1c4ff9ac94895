import type { Db } from './client.ts';
import { events } from './schema/index.ts';

export interface EventInput {
  /** Null for events of the fleet itself (host.*). */
  tenantId: string | null;
  clusterId?: string | null;
  operationId?: string | null;
  type: string;
  data?: Record<string, unknown>;
}

/** Appends to the event log; call it inside the transaction that makes the change it describes. */
export async function appendEvent(tx: Pick<Db, 'insert'>, e: EventInput): Promise<void> {
  await tx.insert(events).values({
    tenantId: e.tenantId,
    clusterId: e.clusterId ?? null,
    operationId: e.operationId ?? null,
    type: e.type,
    data: e.data ?? {},
  });
}
