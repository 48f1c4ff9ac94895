import { describe, expect, it } from 'vitest';
import { configDiff, configRevision, desiredNodeConfig, durabilityOf, MANAGED_CONFIG_KEYS, MIN_REPLICAS_MAX_LAG_S, nodeConfig, RUNNING_NODE_TIMEOUT_MS } from './config.ts';

const spec = { shards: 3, replicasPerShard: 1, maxMemoryMb: 1024, persistence: 'aof' as const, redisConfig: { hz: 20, 'notify-keyspace-events': 'KEA' } };

describe('desiredNodeConfig', () => {
  it('says every managed key the way CONFIG GET prints it, with Redis defaults for keys the tenant left out', () => {
    const c = desiredNodeConfig(spec);
    expect(c).toMatchObject({ maxmemory: String(1024 * 1024 * 1024), appendonly: 'yes', save: '', hz: '20', timeout: '0', 'maxmemory-policy': 'noeviction', 'cluster-node-timeout': '5000' });
    expect(Object.keys(c).sort()).toEqual([...MANAGED_CONFIG_KEYS].sort());
  });
});

describe('durability', () => {
  it('is strict by default with replicas and relaxed without; what the spec says wins', () => {
    expect(durabilityOf({ replicasPerShard: 1 })).toBe('strict');
    expect(durabilityOf({ replicasPerShard: 0 })).toBe('relaxed');
    expect(durabilityOf({ replicasPerShard: 2, durability: 'relaxed' })).toBe('relaxed');
  });

  it('strict: every node refuses writes as a primary unless a replica acked within the max lag; relaxed: never', () => {
    expect(desiredNodeConfig(spec)).toMatchObject({ 'min-replicas-to-write': '1', 'min-replicas-max-lag': String(MIN_REPLICAS_MAX_LAG_S) });
    expect(desiredNodeConfig({ ...spec, durability: 'relaxed' })).toMatchObject({ 'min-replicas-to-write': '0' });
    expect(desiredNodeConfig({ ...spec, replicasPerShard: 0 })).toMatchObject({ 'min-replicas-to-write': '0' });
  });

  it('stops a primary cut off from its replica before the node timeout lets Redis promote that replica', () => {
    // Redis counts the lag in whole seconds and refreshes its count once a second; the replica's
    // last ack may be a second older than the cut.
    expect((MIN_REPLICAS_MAX_LAG_S + 2) * 1000).toBeLessThanOrEqual(RUNNING_NODE_TIMEOUT_MS);
  });

  it('makes a relaxed primary strict only once a replica is linked, and never relaxes a strict one for losing its replicas', () => {
    const guard = (node: Parameters<typeof nodeConfig>[2]) => nodeConfig(spec, RUNNING_NODE_TIMEOUT_MS, node)['min-replicas-to-write'];
    expect(guard({ primary: true, linkedReplicas: 0, minReplicasToWrite: '0', sourceOfMove: false })).toBe('0');
    expect(guard({ primary: true, linkedReplicas: 1, minReplicasToWrite: '0', sourceOfMove: false })).toBe('1');
    expect(guard({ primary: true, linkedReplicas: 0, minReplicasToWrite: '1', sourceOfMove: false })).toBe('1');
    expect(guard({ primary: false, linkedReplicas: 0, minReplicasToWrite: '0', sourceOfMove: false })).toBe('1');
    expect(nodeConfig({ ...spec, durability: 'relaxed' }, RUNNING_NODE_TIMEOUT_MS, { primary: true, linkedReplicas: 1, minReplicasToWrite: '1', sourceOfMove: false })['min-replicas-to-write']).toBe('0');
  });

  it('keeps the members of a shard that gives slots away from electing themselves, and only those', () => {
    const node = { primary: false, linkedReplicas: 0, minReplicasToWrite: '1' };
    expect(nodeConfig(spec, RUNNING_NODE_TIMEOUT_MS, { ...node, sourceOfMove: true })['cluster-replica-no-failover']).toBe('yes');
    expect(nodeConfig(spec, RUNNING_NODE_TIMEOUT_MS, { ...node, sourceOfMove: false })['cluster-replica-no-failover']).toBe('no');
  });

  it('changes the revision between strict and relaxed, and leaves that of relaxed clusters as it was', () => {
    expect(configRevision(spec)).not.toBe(configRevision({ ...spec, durability: 'relaxed' }));
    expect(configRevision({ ...spec, durability: 'relaxed' })).toBe(configRevision({ ...spec, replicasPerShard: 0 }));
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
    expect(configRevision(spec)).toBe(configRevision({ ...spec, shards: 5, replicasPerShard: 2, redisConfig: { 'notify-keyspace-events': 'KEA', hz: 20 } }));
    expect(configRevision(spec)).not.toBe(configRevision({ ...spec, maxMemoryMb: 2048 }));
    expect(configRevision(spec)).not.toBe(configRevision({ ...spec, redisConfig: { hz: 20 } }));
  });
});
