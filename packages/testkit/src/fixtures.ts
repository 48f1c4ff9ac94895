// Rows the tests need that no route makes on its own (a worker would).
import { randomBytes } from 'node:crypto';
import { newId, nodes, shards } from '@slotplane/db';
import type { ApiHarness } from './api.ts';

/** A node placed on a host as a worker places one (its cluster created through the API); returns its id. */
export async function placeNode(h: ApiHarness, hostId: string, port: number): Promise<string> {
  const tenant = await h.tenant();
  const res = await h.app.inject({ method: 'POST', url: '/v1/clusters', headers: tenant.auth, payload: { name: `c-${randomBytes(3).toString('hex')}`, shards: 1, replicasPerShard: 0 } });
  const { cluster } = res.json() as { cluster: { id: string } };
  const nodeId = newId();
  await h.database.db.transaction(async (tx) => {
    const shardId = newId();
    await tx.insert(shards).values({ id: shardId, clusterId: cluster.id, index: 0 });
    await tx.insert(nodes).values({ id: nodeId, clusterId: cluster.id, shardId, hostId, port, role: 'primary' });
  });
  return nodeId;
}
