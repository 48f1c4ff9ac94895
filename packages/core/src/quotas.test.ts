import { describe, expect, it } from 'vitest';
import { NO_USAGE, exceededQuota, usageOf } from './quotas.ts';

const limits = { clusters: 2, nodes: 10, memoryMb: 2048 };

describe('quotas', () => {
  it('counts every node of a cluster and its maxmemory', () => {
    expect(usageOf({ shards: 3, replicasPerShard: 1, maxMemoryMb: 256 })).toEqual({ clusters: 1, nodes: 6, memoryMb: 1536 });
  });

  it('names the first quota a new cluster would break, with its limit, use and request', () => {
    const used = { clusters: 1, nodes: 6, memoryMb: 1536 };
    expect(exceededQuota(limits, used, NO_USAGE, usageOf({ shards: 3, replicasPerShard: 1, maxMemoryMb: 64 }))).toEqual({ quota: 'nodes', limit: 10, used: 6, requested: 6 });
    expect(exceededQuota(limits, used, NO_USAGE, usageOf({ shards: 1, replicasPerShard: 1, maxMemoryMb: 512 }))).toEqual({ quota: 'memoryMb', limit: 2048, used: 1536, requested: 1024 });
    expect(exceededQuota(limits, used, NO_USAGE, usageOf({ shards: 1, replicasPerShard: 1, maxMemoryMb: 256 }))).toBeNull();
  });

  it('lets a tenant over a lowered quota shrink, but not grow', () => {
    const used = { clusters: 1, nodes: 12, memoryMb: 3072 };
    const before = usageOf({ shards: 6, replicasPerShard: 1, maxMemoryMb: 256 });
    expect(exceededQuota(limits, used, before, usageOf({ shards: 4, replicasPerShard: 1, maxMemoryMb: 256 }))).toBeNull();
    expect(exceededQuota(limits, used, before, usageOf({ shards: 6, replicasPerShard: 1, maxMemoryMb: 300 }))).toMatchObject({ quota: 'memoryMb' });
  });
});
