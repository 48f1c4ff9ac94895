import type { DataLossKind } from '@slotplane/contracts';
import type { Db } from './client.ts';
import { appendEvent } from './events.ts';
import { dataLosses } from './schema/index.ts';
import { newId } from './ids.ts';

/** What each kind of loss means, as the cluster and the event say it. */
const DETAIL: Record<DataLossKind, string> = {
  all: 'persistence is none: every key the shard held is gone',
  since_last_save: 'persistence is rdb: writes since the last save are gone',
};

export interface DeclaredLoss {
  tenantId: string;
  clusterId: string;
  shardIndex: number | null;
  nodeId: string;
  loss: DataLossKind;
}

/**
 * Records that a shard lost data: a row the cluster shows until a user acknowledges it, and the
 * `shard.data_lost` event. Call it in the transaction that restarts the node, so neither is
 * written without the other.
 */
export async function declareDataLoss(tx: Pick<Db, 'insert'>, d: DeclaredLoss): Promise<string> {
  const id = newId();
  const detail = DETAIL[d.loss];
  await tx.insert(dataLosses).values({ id, clusterId: d.clusterId, tenantId: d.tenantId, shardIndex: d.shardIndex, nodeId: d.nodeId, loss: d.loss, detail });
  await appendEvent(tx, { tenantId: d.tenantId, clusterId: d.clusterId, type: 'shard.data_lost', data: { lossId: id, shardIndex: d.shardIndex, nodeId: d.nodeId, loss: d.loss, detail } });
  return id;
}
