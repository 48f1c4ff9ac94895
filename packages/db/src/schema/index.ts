export * from './tenants.ts';
export * from './clusters.ts';
export * from './hosts.ts';
export * from './operations.ts';
export * from './moves.ts';
export * from './data-losses.ts';
export * from './metrics.ts';

import type { clusters, shards } from './clusters.ts';
import type { dataLosses } from './data-losses.ts';
import type { hosts, nodes } from './hosts.ts';
import type { operations } from './operations.ts';
import type { slotMoves } from './moves.ts';
import type { apiKeys, tenants } from './tenants.ts';
import type { webhookDeliveries, webhooks } from './webhooks.ts';
/** Row types, declared once here for every service. */
export type ClusterRow = typeof clusters.$inferSelect;
export type ShardRow = typeof shards.$inferSelect;
export type HostRow = typeof hosts.$inferSelect;
export type NodeRow = typeof nodes.$inferSelect;
export type OperationRow = typeof operations.$inferSelect;
export type SlotMoveRow = typeof slotMoves.$inferSelect;
export type DataLossRow = typeof dataLosses.$inferSelect;
export * from './webhooks.ts';
export type TenantRow = typeof tenants.$inferSelect;
export type ApiKeyRow = typeof apiKeys.$inferSelect;
export type WebhookRow = typeof webhooks.$inferSelect;
export type DeliveryRow = typeof webhookDeliveries.$inferSelect;
