// The steady fleet the idle benchmark watches: clusters of 3 shards x 1 replica, converged
// (status available, observedGeneration = generation), every node running on an enrolled host.
// Written straight into Postgres: no worker runs, so nothing else would create them.
import { randomBytes } from 'node:crypto';
import type { ClusterSpec } from '@slotplane/contracts';
import { clusters, newId, nodes, shards, type Db } from '@slotplane/db';
import type { RunningInstance } from './protocol.ts';

const SHARDS = 3;
const REPLICAS_PER_SHARD = 1;
export const NODES_PER_CLUSTER = SHARDS * (1 + REPLICAS_PER_SHARD);
export const PORT_MIN = 7000;
export const PORT_MAX = 7999;
const SLOTS = 16384;

/**
 * Inserts enough clusters to put `nodesPerHost` nodes on each host. The k-th node overall goes
 * to host k mod hosts, so a cluster's six nodes land on six different hosts.
 * Returns what each host (by id) runs.
 */
export async function seedFleet(db: Db, tenantId: string, hostIds: string[], nodesPerHost: number): Promise<Map<string, RunningInstance[]>> {
  const total = hostIds.length * nodesPerHost;
  if (total % NODES_PER_CLUSTER !== 0) throw new Error(`hosts x nodes-per-host (${total}) must be a multiple of ${NODES_PER_CLUSTER}`);
  const spec: ClusterSpec = { shards: SHARDS, replicasPerShard: REPLICAS_PER_SHARD, maxMemoryMb: 256, persistence: 'none', redisConfig: {} };
  const clusterRows: Array<typeof clusters.$inferInsert> = [];
  const shardRows: Array<typeof shards.$inferInsert> = [];
  const nodeRows: Array<typeof nodes.$inferInsert> = [];
  const running = new Map<string, RunningInstance[]>(hostIds.map((id) => [id, []]));
  let k = 0;
  for (let c = 0; c < total / NODES_PER_CLUSTER; c++) {
    const clusterId = newId();
    clusterRows.push({
      id: clusterId, tenantId, name: `idle-${String(c).padStart(4, '0')}`, spec, password: randomBytes(16).toString('hex'),
      generation: 1, status: 'available', observedGeneration: 1,
    });
    for (let s = 0; s < SHARDS; s++) {
      const shardId = newId();
      const slots: Array<[number, number]> = [[Math.floor((s * SLOTS) / SHARDS), Math.floor(((s + 1) * SLOTS) / SHARDS) - 1]];
      shardRows.push({ id: shardId, clusterId, index: s, slots });
      for (let r = 0; r <= REPLICAS_PER_SHARD; r++, k++) {
        const hostId = hostIds[k % hostIds.length]!;
        const onHost = running.get(hostId)!;
        const instance = { nodeId: newId(), port: PORT_MIN + onHost.length, pid: 20_000 + k };
        onHost.push(instance);
        nodeRows.push({
          id: instance.nodeId, clusterId, shardId, hostId, port: instance.port, role: r === 0 ? 'primary' : 'replica',
          status: 'running', redisNodeId: randomBytes(20).toString('hex'), pid: instance.pid,
        });
      }
    }
  }
  await db.transaction(async (tx) => {
    await tx.insert(clusters).values(clusterRows);
    await tx.insert(shards).values(shardRows);
    await tx.insert(nodes).values(nodeRows);
  });
  return running;
}
