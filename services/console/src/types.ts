// The response shapes the console reads: the SDK's types, generated from services/api/openapi.json
// (`pnpm openapi`), so a change of the API's contract shows here as a type error. The console calls
// the API through the SDK's client (api.ts).
import type { components } from '@slotplane/sdk/schema';

type Schemas = components['schemas'];

export type Cluster = Schemas['Cluster'];
export type ClusterStatus = Cluster['status'];
export type Shard = Schemas['Shard'];
export type Node = Schemas['Node'];
export type Operation = Schemas['Operation'];
export type Host = Schemas['Host'];
export type HostList = Schemas['HostList'];
export type Tenant = Schemas['Tenant'];
export type SlotplaneEvent = Schemas['Event'];
/** POST /v1/clusters; the form leaves redisConfig, takeoverWhenQuorumLost and tenantId to their defaults. */
export type CreateClusterRequest = Required<Pick<Schemas['CreateClusterRequest'], 'name' | 'shards' | 'replicasPerShard' | 'maxMemoryMb' | 'persistence'>>;
/** A 202 answer: the cluster's new state and the operation that started. */
export type AcceptedOperation = Schemas['AcceptedOperation'];
/** GET /v1/clusters/{id}/skew: what each primary holds, read from the nodes. */
export type ClusterSkew = Schemas['ClusterSkew'];
export type ShardSkew = Schemas['ShardSkew'];

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/** Redis Cluster's hash slots: 0..16383. */
export const SLOT_COUNT = 16384;
