import { describe, expect, it } from 'vitest';
import { createBody, patchBody, planCluster, type State } from './cluster.ts';
import { UNKNOWN } from './values.ts';

const config: State = { id: null, name: 'demo', shards: 2, replicas_per_shard: 0, max_memory_mb: null, persistence: null, durability: null, redis_config: null, status: null, endpoints: null, username: null, password: null };
const prior: State = { ...config, id: 'c1', max_memory_mb: 256, persistence: 'none', durability: 'relaxed', status: 'available', endpoints: [{ host: 'h', port: 1, role: 'primary' }], username: 'app', password: 'pw' };

describe('planning a slotplane_cluster', () => {
  it('leaves what the API computes unknown on create', () => {
    const { planned } = planCluster(null, config);
    expect(planned).toMatchObject({ id: UNKNOWN, status: UNKNOWN, endpoints: UNKNOWN, password: UNKNOWN, max_memory_mb: UNKNOWN, persistence: UNKNOWN, durability: UNKNOWN, shards: 2 });
    expect(createBody(planCluster(null, { ...config, durability: 'relaxed' }).planned!)).toMatchObject({ durability: 'relaxed' });
  });

  it('leaves durability unknown when replicas change and the configuration does not say it (the API picks the default), and patches it when it does', () => {
    const grown = { ...prior, replicas_per_shard: 1 };
    const { planned } = planCluster(prior, grown, { ...config, replicas_per_shard: 1 });
    expect(planned).toMatchObject({ durability: UNKNOWN, status: UNKNOWN });
    expect(patchBody(prior, planned!)).toEqual({ replicasPerShard: 1 });
    const strict = planCluster(prior, { ...grown, durability: 'strict' }, { ...config, replicas_per_shard: 1, durability: 'strict' }).planned!;
    expect(patchBody(prior, strict)).toEqual({ replicasPerShard: 1, durability: 'strict' });
  });

  it('plans nothing new when nothing changed', () => {
    expect(planCluster(prior, prior)).toEqual({ planned: prior, requiresReplace: [] });
  });

  it('changes shards in place, status and endpoints known after apply, credentials kept', () => {
    const { planned, requiresReplace } = planCluster(prior, { ...prior, shards: 3 });
    expect(requiresReplace).toEqual([]);
    expect(planned).toMatchObject({ id: 'c1', shards: 3, status: UNKNOWN, endpoints: UNKNOWN, password: 'pw' });
  });

  it('keeps the endpoints of a change that leaves the nodes where they are (memory, persistence, durability, redis_config)', () => {
    const changes: State[] = [{ max_memory_mb: 512 }, { persistence: 'aof' }, { durability: 'strict', replicas_per_shard: 0 }, { redis_config: { hz: '20' } }];
    for (const change of changes) {
      const { planned } = planCluster(prior, { ...prior, ...change });
      expect(planned!.endpoints, JSON.stringify(change)).toEqual(prior.endpoints);
    }
    expect(planCluster(prior, { ...prior, replicas_per_shard: 1 }).planned!.endpoints).toBe(UNKNOWN);
  });

  it('replaces the cluster for a new name', () => {
    expect(planCluster(prior, { ...prior, name: 'other' }).requiresReplace).toEqual(['name']);
  });

  it('patches only what changed', () => {
    expect(patchBody(prior, { ...prior, replicas_per_shard: 1, redis_config: { hz: '20' } })).toEqual({ replicasPerShard: 1, redisConfig: { hz: 20 } });
    expect(patchBody(prior, { ...prior, redis_config: {} })).toEqual({});
  });
});
