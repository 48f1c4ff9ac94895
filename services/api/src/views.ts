import type { ApiKey, Cluster, DataLoss, Delivery, EventType, Operation, Shard, Tenant, Usage, Webhook } from '@slotplane/contracts';
import { durabilityOf, presentStatus } from '@slotplane/core';
import type { ApiKeyRow, ClusterRow, DataLossRow, DeliveryRow, OperationRow, TenantRow, WebhookRow } from '@slotplane/db';

const iso = (d: Date | null) => (d ? d.toISOString() : null);

export function clusterView(row: ClusterRow, shards: Shard[] = [], dataLoss: DataLoss[] = []): Cluster {
  return {
    id: row.id,
    tenantId: row.tenantId,
    name: row.name,
    // Stored specs may leave durability to its default (older ones predate it): show what runs.
    spec: { ...row.spec, durability: durabilityOf(row.spec) },
    generation: row.generation,
    status: presentStatus(row),
    observedGeneration: row.observedGeneration,
    lastError: row.lastError,
    observedAt: iso(row.observedAt),
    shards,
    dataLoss,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

export function dataLossView(row: DataLossRow): DataLoss {
  return { id: row.id, shardIndex: row.shardIndex, nodeId: row.nodeId, loss: row.loss, detail: row.detail, declaredAt: row.declaredAt.toISOString() };
}

export function operationView(row: OperationRow, moves: Operation['moves'] = null): Operation {
  return {
    id: row.id,
    clusterId: row.clusterId,
    kind: row.kind,
    status: row.status,
    targetGeneration: row.targetGeneration,
    progress: row.progress,
    step: row.step,
    error: row.error,
    warnings: row.warnings,
    moves,
    createdAt: row.createdAt.toISOString(),
    startedAt: iso(row.startedAt),
    finishedAt: iso(row.finishedAt),
  };
}

export function webhookView(w: WebhookRow): Webhook {
  return { id: w.id, url: w.url, types: (w.types as EventType[] | null) ?? null, scope: w.allTenants ? 'fleet' : 'tenant', createdAt: w.createdAt.toISOString() };
}

/** A delivery with its event's cursor (the event's id in GET /v1/events). */
export function deliveryView(d: DeliveryRow & { eventCursor: string }): Delivery {
  return {
    id: d.id,
    eventId: d.eventCursor,
    eventType: d.eventType as EventType,
    status: d.status,
    attempts: d.attempts,
    lastResponseCode: d.lastResponseCode,
    lastError: d.lastError,
    nextAttemptAt: iso(d.nextAttemptAt),
    createdAt: d.createdAt.toISOString(),
    deliveredAt: iso(d.deliveredAt),
  };
}

export function tenantView(t: TenantRow, quotas: Usage, usage: Usage): Tenant {
  return { id: t.id, name: t.name, quotas, usage, createdAt: t.createdAt.toISOString() };
}

export function apiKeyView(k: ApiKeyRow): ApiKey {
  return { id: k.id, tenantId: k.tenantId, prefix: k.prefix, name: k.name, scope: k.role, createdAt: k.createdAt.toISOString(), lastUsedAt: iso(k.lastUsedAt), revokedAt: iso(k.revokedAt) };
}
