import type { Cluster, Operation, Shard } from '@slotplane/contracts';
import { presentStatus } from '@slotplane/core';
import type { ClusterRow, OperationRow } from '@slotplane/db';

const iso = (d: Date | null) => (d ? d.toISOString() : null);

export function clusterView(row: ClusterRow, shards: Shard[] = []): Cluster {
  return {
    id: row.id,
    name: row.name,
    spec: row.spec,
    generation: row.generation,
    status: presentStatus(row),
    observedGeneration: row.observedGeneration,
    lastError: row.lastError,
    observedAt: iso(row.observedAt),
    shards,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
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
