// The few response shapes the console reads, as services/api/openapi.json describes them. Kept
// here, narrow, until the console moves onto @slotplane/sdk's generated types.

export type ClusterStatus = 'creating' | 'available' | 'modifying' | 'degraded' | 'failed' | 'deleting' | 'deleted';

export interface Node {
  id: string;
  host: string;
  port: number;
  role: 'primary' | 'replica' | null;
  status: string;
  reachable: boolean | null;
  health: 'ok' | 'lagging' | 'syncing' | 'suspected' | 'failed' | 'unreachable' | null;
}

export interface Shard {
  id: string;
  index: number;
  /** Inclusive slot ranges [start, end]. */
  slots: Array<[number, number]>;
  primary: Node | null;
  replicas: Node[];
}

export interface Cluster {
  id: string;
  name: string;
  spec: { shards: number; replicasPerShard: number; maxMemoryMb: number };
  generation: number;
  status: ClusterStatus;
  lastError: string | null;
  shards: Shard[];
  createdAt: string;
}

export interface Operation {
  id: string;
  clusterId: string;
  kind: string;
  status: 'pending' | 'running' | 'succeeded' | 'failed' | 'cancelled';
  progress: number;
  step: string | null;
  createdAt: string;
}

export interface Host {
  id: string;
  name: string;
  address: string;
  zone: string | null;
  state: 'up' | 'suspect' | 'lost';
  lastHeartbeatAt: string | null;
  revokedAt: string | null;
  portMin: number;
  portMax: number;
  instances: unknown[];
}

export interface SlotplaneEvent {
  id: string;
  type: string;
  clusterId: string | null;
  operationId: string | null;
  createdAt: string;
  data: Record<string, unknown>;
}

/** POST /v1/clusters, as services/api/openapi.json's CreateClusterRequest describes it (redisConfig left to its default). */
export interface CreateClusterRequest {
  name: string;
  shards: number;
  replicasPerShard: number;
  maxMemoryMb: number;
  persistence: 'none' | 'aof' | 'rdb';
}

/** A 202 answer: the cluster's new state and the operation that started. */
export interface AcceptedOperation {
  cluster: Cluster;
  operation: Operation;
}

export interface Page<T> {
  items: T[];
  nextCursor?: string | null;
}

/** Redis Cluster's hash slots: 0..16383. */
export const SLOT_COUNT = 16384;

/** GET /v1/clusters/{id}/skew: what each primary holds, read from the nodes. */
export interface ShardSkew {
  index: number;
  keys: number;
  usedMemoryBytes: number;
  opsPerSec: number;
}
export interface ClusterSkew {
  shards: ShardSkew[];
  measuredAt: string;
}
