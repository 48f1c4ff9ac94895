import { describe, expect, it } from 'vitest';
import { configDiff, configRevision, desiredNodeConfig, MANAGED_CONFIG_KEYS } from './config.ts';

const spec = { shards: 3, replicasPerShard: 1, maxMemoryMb: 1024, persistence: 'aof' as const, redisConfig: { hz: 20, 'notify-keyspace-events': 'KEA' } };

describe('desiredNodeConfig', () => {
  it('says every managed key the way CONFIG GET prints it, with Redis defaults for keys the tenant left out', () => {
    const c = desiredNodeConfig(spec);
    expect(c).toMatchObject({ maxmemory: String(1024 * 1024 * 1024), appendonly: 'yes', save: '', hz: '20', timeout: '0', 'maxmemory-policy': 'noeviction', 'cluster-node-timeout': '5000' });
    expect(Object.keys(c).sort()).toEqual([...MANAGED_CONFIG_KEYS].sort());
  });
});

describe('configDiff', () => {
  it('is empty when the node shows the desired values, even in the order Redis prints of keyspace-event flags', () => {
    const observed = { ...desiredNodeConfig(spec), 'notify-keyspace-events': 'AKE' };
    expect(configDiff(desiredNodeConfig(spec), observed)).toEqual({});
  });

  it('lists what differs and what the node did not answer', () => {
    const observed: Record<string, string> = { ...desiredNodeConfig(spec), hz: '10' };
    delete observed.save;
    expect(configDiff(desiredNodeConfig(spec), observed)).toEqual({ hz: '20', save: '' });
  });
});

describe('configRevision', () => {
  it('changes with the node configuration and not with the shape or key order', () => {
    expect(configRevision(spec)).toBe(configRevision({ ...spec, shards: 5, replicasPerShard: 0, redisConfig: { 'notify-keyspace-events': 'KEA', hz: 20 } }));
    expect(configRevision(spec)).not.toBe(configRevision({ ...spec, maxMemoryMb: 2048 }));
    expect(configRevision(spec)).not.toBe(configRevision({ ...spec, redisConfig: { hz: 20 } }));
  });
});
