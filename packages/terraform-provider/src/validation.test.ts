import { describe, expect, it } from 'vitest';
import { CreateClusterBody, REDIS_CONFIG_DEFAULTS } from '@slotplane/contracts';
import { REDIS_CONFIG_KINDS, redisConfigToApi, validateCluster } from './validation.ts';

const valid = { name: 'demo', shards: 3, replicas_per_shard: 1, max_memory_mb: 256, persistence: 'aof', redis_config: null };
const toApi = (c: Record<string, unknown>) => ({
  name: c.name,
  shards: c.shards,
  replicasPerShard: c.replicas_per_shard,
  maxMemoryMb: c.max_memory_mb,
  persistence: c.persistence,
  ...(c.durability !== undefined ? { durability: c.durability } : {}),
  ...(c.redis_config ? { redisConfig: redisConfigToApi(c.redis_config as Record<string, string>) } : {}),
});
/** What the API answers for the same body: field and message, as in its problem+json. */
const apiErrors = (c: Record<string, unknown>) => {
  const r = CreateClusterBody.safeParse(toApi(c));
  return r.success ? [] : r.error.issues.map((i) => ({ field: ['body', ...i.path].join('.').replace(/\.redisConfig\..*$/, '.redisConfig'), message: i.message }));
};

describe('plan-time validation of slotplane_cluster', () => {
  const cases: Array<[string, Record<string, unknown>]> = [
    ['shards 0', { ...valid, shards: 0 }],
    ['shards 65', { ...valid, shards: 65 }],
    ['shards 1.5', { ...valid, shards: 1.5 }],
    ['replicas 6', { ...valid, replicas_per_shard: 6 }],
    ['replicas -1', { ...valid, replicas_per_shard: -1 }],
    ['memory 15', { ...valid, max_memory_mb: 15 }],
    ['memory 262145', { ...valid, max_memory_mb: 262_145 }],
    ['persistence', { ...valid, persistence: 'always' }],
    ['durability', { ...valid, durability: 'sometimes' }],
    ['durability strict without replicas', { ...valid, replicas_per_shard: 0, durability: 'strict' }],
    ['name with capitals', { ...valid, name: 'Demo' }],
    ['name too long', { ...valid, name: `a${'b'.repeat(63)}` }],
  ];
  it.each(cases)('%s: the API\'s field and message', (_, config) => {
    const ours = validateCluster(config as never).map(({ field, message }) => ({ field, message }));
    expect(ours).toEqual(apiErrors(config));
    expect(ours.length).toBeGreaterThan(0);
  });

  it('accepts what the API accepts', () => {
    expect(validateCluster(valid)).toEqual([]);
    expect(apiErrors(valid)).toEqual([]);
  });

  it('refuses a redis_config key the API does not allow', () => {
    expect(validateCluster({ ...valid, redis_config: { port: '1' } })).toEqual([{ attribute: 'redis_config', field: 'body.redisConfig', message: 'Unrecognized key: "port"' }]);
  });

  it('sends numbers where the API wants numbers', () => {
    expect(Object.keys(REDIS_CONFIG_KINDS).sort()).toEqual(Object.keys(REDIS_CONFIG_DEFAULTS).sort());
    expect(redisConfigToApi({ timeout: '300', 'maxmemory-policy': 'allkeys-lru', 'notify-keyspace-events': '' })).toEqual({ timeout: 300, 'maxmemory-policy': 'allkeys-lru', 'notify-keyspace-events': '' });
  });
});
