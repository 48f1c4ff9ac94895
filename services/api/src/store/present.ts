import type { Cluster } from '@slotplane/contracts';
import type { ClusterRow, Db } from '@slotplane/db';
import { clusterView } from '../views.ts';
import { loadDataLoss } from './data-losses.ts';
import { loadTopology } from './topology.ts';

/** Clusters as the API shows them: each row with its observed topology and its unacknowledged data losses. */
export async function presentClusters(db: Db, rows: ClusterRow[]): Promise<Map<string, Cluster>> {
  const ids = rows.map((r) => r.id);
  const topology = await loadTopology(db, ids, rows);
  const losses = await loadDataLoss(db, ids);
  return new Map(rows.map((r) => [r.id, clusterView(r, topology.get(r.id), losses.get(r.id))]));
}

export const presentCluster = async (db: Db, row: ClusterRow): Promise<Cluster> => (await presentClusters(db, [row])).get(row.id)!;
