export { createClient, type ClientOptions, type SlotplaneClient, type WriteOptions } from './client.ts';
export type { AcceptedOperation, Cluster, ClusterCredentials, CreateClusterRequest, DataLoss, EventFilter, Operation, RebalanceRequest, SwitchoverRequest, UpdateClusterRequest } from './client.ts';
export { SlotplaneError, type FieldError, type Problem, type ProblemCode } from './errors.ts';
export type { Event, EventType, StreamOptions, StreamState } from './events.ts';
export type { WaitOptions } from './operations.ts';
export type { PageOptions } from './pages.ts';
export type { RetryOptions, TransportOptions } from './transport.ts';
export type { components, operations, paths } from './schema.ts';
