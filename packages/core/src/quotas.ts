import type { ClusterSpec, QuotaName, Usage } from '@slotplane/contracts';

/** What one cluster of this shape counts against its tenant's quotas. */
export function usageOf(spec: Pick<ClusterSpec, 'shards' | 'replicasPerShard' | 'maxMemoryMb'>): Usage {
  const nodes = spec.shards * (1 + spec.replicasPerShard);
  return { clusters: 1, nodes, memoryMb: nodes * spec.maxMemoryMb };
}

export interface QuotaExceeded {
  quota: QuotaName;
  limit: number;
  used: number;
  requested: number;
}

/**
 * The first quota that going from `before` to `after` would break, or null. Only growth is
 * checked: a tenant over a quota (lowered since) may still shrink, and may change what does not
 * grow.
 */
export function exceededQuota(limits: Usage, used: Usage, before: Usage, after: Usage): QuotaExceeded | null {
  for (const quota of ['clusters', 'nodes', 'memoryMb'] as const) {
    const requested = after[quota] - before[quota];
    if (requested > 0 && used[quota] + requested > limits[quota]) return { quota, limit: limits[quota], used: used[quota], requested };
  }
  return null;
}

export const NO_USAGE: Usage = { clusters: 0, nodes: 0, memoryMb: 0 };
