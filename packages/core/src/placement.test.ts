import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type PlacedNode, type PlacementHost, PlacementError, diskNeed, hasDiskRoom, placeCluster, placeReplicas } from './placement.ts';

const host = (id: string, zone: string | null, overrides: Partial<PlacementHost> = {}): PlacementHost => ({
  id,
  zone,
  portMin: 7000,
  portMax: 7099,
  usedPorts: [],
  ...overrides,
});

const zoneOf = (hosts: PlacementHost[], hostId: string) => hosts.find((h) => h.id === hostId)?.zone;
const shardMembers = (nodes: PlacedNode[], shard: number) => nodes.filter((n) => n.shardIndex === shard);

describe('placeCluster', () => {
  it('puts 3x1 on three hosts in three zones with every replica away from its primary', () => {
    const hosts = [host('h3', 'c'), host('h1', 'a'), host('h2', 'b')];
    const { nodes, warnings } = placeCluster(hosts, { shards: 3, replicasPerShard: 1 });
    expect(warnings).toEqual([]);
    expect(nodes).toHaveLength(6);
    const primaries = nodes.filter((n) => n.role === 'primary');
    expect(new Set(primaries.map((n) => n.hostId)).size).toBe(3);
    for (let shard = 0; shard < 3; shard++) {
      const [primary, replica, ...rest] = shardMembers(nodes, shard);
      expect(rest).toEqual([]);
      expect(primary?.role).toBe('primary');
      expect(replica?.role).toBe('replica');
      expect(replica?.hostId).not.toBe(primary?.hostId);
      expect(zoneOf(hosts, replica?.hostId ?? '')).not.toBe(zoneOf(hosts, primary?.hostId ?? ''));
    }
  });

  it('evens the load: 3x1 on three hosts is two nodes on each, 4x2 on four hosts is three on each', () => {
    for (const [shards, replicasPerShard, count] of [[3, 1, 3], [4, 2, 4], [6, 1, 3]] as const) {
      const hosts = Array.from({ length: count }, (_, i) => host(`h${i + 1}`, String.fromCharCode(97 + i)));
      const { nodes, warnings } = placeCluster(hosts, { shards, replicasPerShard });
      expect(warnings).toEqual([]);
      const perHost = hosts.map((h) => nodes.filter((n) => n.hostId === h.id).length);
      expect(perHost).toEqual(hosts.map(() => (shards * (1 + replicasPerShard)) / count));
    }
  });

  it('gives the same answer whatever order the hosts come in', () => {
    const hosts = [host('a', 'z1'), host('b', 'z2'), host('c', 'z1'), host('d', null)];
    const spec = { shards: 4, replicasPerShard: 2 };
    expect(placeCluster([...hosts].reverse(), spec)).toEqual(placeCluster(hosts, spec));
  });

  it('packs 3x1 onto a single host, warning for each shard', () => {
    const { nodes, warnings } = placeCluster([host('h1', 'a')], { shards: 3, replicasPerShard: 1 });
    expect(nodes.map((n) => n.hostId)).toEqual(Array(6).fill('h1'));
    expect(new Set(nodes.map((n) => n.port)).size).toBe(6);
    expect(warnings).toEqual([
      'shard 0: replica shares host h1 with its primary: only 1 host(s)',
      'shard 1: replica shares host h1 with its primary: only 1 host(s)',
      'shard 2: replica shares host h1 with its primary: only 1 host(s)',
    ]);
  });

  it('names in its warnings the shards a scale-out adds and the hosts by their names', () => {
    const { warnings } = placeCluster([host('0190-aaaa', 'a', { name: 'rack-1' })], { shards: 1, replicasPerShard: 1, firstShard: 3 });
    expect(warnings).toEqual(['shard 3: replica shares host rack-1 with its primary: only 1 host(s)']);
  });

  it('keeps replicas out of their primary\'s zone when there are two zones', () => {
    const hosts = [host('a1', 'a'), host('a2', 'a'), host('b1', 'b'), host('b2', 'b')];
    for (const replicasPerShard of [1, 2]) {
      const { nodes, warnings } = placeCluster(hosts, { shards: 2, replicasPerShard });
      expect(warnings).toEqual([]);
      for (let shard = 0; shard < 2; shard++) {
        const [primary, ...replicas] = shardMembers(nodes, shard);
        const hostIds = [primary, ...replicas].map((n) => n?.hostId);
        expect(new Set(hostIds).size).toBe(hostIds.length);
        for (const r of replicas) {
          expect(zoneOf(hosts, r.hostId)).not.toBe(zoneOf(hosts, primary?.hostId ?? ''));
        }
      }
    }
  });

  it('falls back to another host in the primary\'s zone, naming the shard', () => {
    const hosts = [host('a1', 'a'), host('a2', 'a'), host('b1', 'b')];
    const { nodes, warnings } = placeCluster(hosts, { shards: 2, replicasPerShard: 2 });
    expect(shardMembers(nodes, 0).map((n) => n.hostId)).toEqual(['a1', 'b1', 'a2']);
    expect(warnings).toEqual(['shard 0: replica on a2 shares zone a with its primary: no host with free ports in another zone']);
  });

  it('warns for every shard when the whole fleet is one zone', () => {
    const hosts = [host('h1', 'a'), host('h2', 'a'), host('h3', 'a')];
    const { nodes, warnings } = placeCluster(hosts, { shards: 3, replicasPerShard: 1 });
    expect(new Set(nodes.filter((n) => n.role === 'primary').map((n) => n.hostId)).size).toBe(3);
    expect(warnings.map((w) => w.slice(0, 8))).toEqual(['shard 0:', 'shard 1:', 'shard 2:']);
    expect(warnings.every((w) => w.includes('shares zone a'))).toBe(true);
  });

  it('spreads primaries over zones before doubling up a zone', () => {
    const hosts = [host('a1', 'a'), host('a2', 'a'), host('b1', 'b')];
    const { nodes } = placeCluster(hosts, { shards: 2, replicasPerShard: 0 });
    expect(nodes.map((n) => zoneOf(hosts, n.hostId)).sort()).toEqual(['a', 'b']);
  });

  it('prefers the host with fewer used ports when loads tie', () => {
    const hosts = [host('a', null, { usedPorts: [7000, 7001] }), host('b', null)];
    expect(placeCluster(hosts, { shards: 1, replicasPerShard: 0 }).nodes).toEqual([
      { shardIndex: 0, role: 'primary', hostId: 'b', port: 7000 },
    ]);
  });

  it('moves to another host when one runs out of ports', () => {
    const hosts = [host('a', 'z1', { portMin: 7000, portMax: 7000 }), host('b', 'z2', { portMin: 7000, portMax: 7009 })];
    const { nodes, warnings } = placeCluster(hosts, { shards: 2, replicasPerShard: 1 });
    expect(nodes.filter((n) => n.hostId === 'a')).toHaveLength(1);
    expect(nodes.filter((n) => n.hostId === 'b')).toHaveLength(3);
    expect(warnings.some((w) => w.includes('only 1 of 2 hosts have free ports'))).toBe(true);
  });

  it('throws PlacementError when the fleet cannot hold every node', () => {
    const hosts = [host('a', null, { portMin: 7000, portMax: 7002, usedPorts: [7001] }), host('b', null, { portMin: 7000, portMax: 7000 })];
    expect(() => placeCluster(hosts, { shards: 2, replicasPerShard: 1 })).toThrow(PlacementError);
    expect(() => placeCluster(hosts, { shards: 2, replicasPerShard: 1 })).toThrow(
      /^not enough capacity: need 4 nodes, the 2 host\(s\) have free ports for only 3/,
    );
    expect(() => placeCluster([], { shards: 1, replicasPerShard: 0 })).toThrow(PlacementError);
  });

  it('skips ports whose bus port is taken, and ports that are the bus port of a used one', () => {
    const hosts = [host('a', null, { portMin: 7000, portMax: 17005, usedPorts: [17000, 7001, 7002] })];
    // 7000: bus 17000 used. 7001: used. 7002: used. 7003: free, so is 17003.
    const { nodes } = placeCluster(hosts, { shards: 1, replicasPerShard: 1 });
    expect(nodes.map((n) => n.port)).toEqual([7003, 7004]);

    const high = [host('a', null, { portMin: 17000, portMax: 17003, usedPorts: [7001] })];
    // 17001 is the bus port of the node on 7001.
    expect(placeCluster(high, { shards: 1, replicasPerShard: 1 }).nodes.map((n) => n.port)).toEqual([17000, 17002]);
  });

  it('never picks a port whose bus port would exceed 65535', () => {
    const hosts = [host('a', null, { portMin: 55534, portMax: 55540 })];
    expect(placeCluster(hosts, { shards: 2, replicasPerShard: 0 }).nodes.map((n) => n.port)).toEqual([55534, 55535]);
    expect(() => placeCluster(hosts, { shards: 3, replicasPerShard: 0 })).toThrow(PlacementError);
  });

  it('does not let its own picks collide with their bus ports', () => {
    const hosts = [host('a', null, { portMin: 7000, portMax: 17010 })];
    const ports = placeCluster(hosts, { shards: 3, replicasPerShard: 0 }).nodes.map((n) => n.port);
    expect(ports).toEqual([7000, 7001, 7002]);
  });

  it('rejects a nonsensical spec', () => {
    expect(() => placeCluster([host('a', null)], { shards: 0, replicasPerShard: 0 })).toThrow(RangeError);
    expect(() => placeCluster([host('a', null)], { shards: 1, replicasPerShard: -1 })).toThrow(RangeError);
  });
});

describe('placeCluster properties', () => {
  const fleet = fc
    .uniqueArray(
      fc.record({
        id: fc.constantFrom('h1', 'h2', 'h3', 'h4', 'h5', 'h6'),
        zone: fc.constantFrom<string | null>('z1', 'z2', 'z3', null),
        portMin: fc.integer({ min: 6000, max: 16000 }),
        usedPorts: fc.array(fc.integer({ min: 6000, max: 26200 }), { maxLength: 10 }),
      }),
      { selector: (h) => h.id, minLength: 1, maxLength: 6 },
    )
    // Room for every node (8x4 = 32) even after used ports and their bus ports.
    .map((hosts) => hosts.map((h): PlacementHost => ({ ...h, portMax: h.portMin + 100 })));
  const spec = fc.record({ shards: fc.integer({ min: 1, max: 8 }), replicasPerShard: fc.integer({ min: 0, max: 3 }) });

  it('places every node once, on distinct ports, spread when the fleet allows', () => {
    fc.assert(
      fc.property(fleet, spec, (hosts, s) => {
        const { nodes, warnings } = placeCluster(hosts, s);
        expect(nodes).toHaveLength(s.shards * (1 + s.replicasPerShard));
        for (let shard = 0; shard < s.shards; shard++) {
          expect(nodes.filter((n) => n.shardIndex === shard && n.role === 'primary')).toHaveLength(1);
          expect(nodes.filter((n) => n.shardIndex === shard && n.role === 'replica')).toHaveLength(s.replicasPerShard);
        }

        for (const h of hosts) {
          const ports = nodes.filter((n) => n.hostId === h.id).map((n) => n.port);
          expect(new Set(ports).size).toBe(ports.length);
          const taken = new Set([...h.usedPorts, ...ports]);
          for (const p of ports) {
            expect(p).toBeGreaterThanOrEqual(h.portMin);
            expect(p).toBeLessThanOrEqual(h.portMax);
            expect(p + 10000).toBeLessThanOrEqual(65535);
            expect(h.usedPorts).not.toContain(p);
            expect(taken.has(p + 10000)).toBe(false);
            expect(taken.has(p - 10000)).toBe(false);
          }
        }

        if (hosts.length >= s.replicasPerShard + 1) {
          for (let shard = 0; shard < s.shards; shard++) {
            const hostIds = nodes.filter((n) => n.shardIndex === shard).map((n) => n.hostId);
            expect(new Set(hostIds).size).toBe(hostIds.length);
          }
          expect(warnings.filter((w) => w.includes('shares host'))).toEqual([]);
        }
      }),
    );
  });
});

describe('placement and free disk', () => {
  const MiB = 1024 * 1024;
  const GiB = 1024 * MiB;
  const floor = diskNeed(GiB, { maxMemoryMb: 256, persistence: 'none' });

  it('skips a host without the free disk a node needs, for new clusters and new replicas alike', () => {
    const hosts = [host('full', 'a', { freeDiskBytes: 10 * MiB }), host('roomy', 'b', { freeDiskBytes: 50 * GiB })];
    expect(placeCluster(hosts, { shards: 2, replicasPerShard: 0 }, floor).nodes.map((n) => n.hostId)).toEqual(['roomy', 'roomy']);
    const { nodes } = placeReplicas(hosts, [{ shardIndex: 0, primaryHostId: 'roomy', memberHostIds: ['roomy'], add: 1 }], floor);
    expect(nodes.map((n) => n.hostId)).toEqual(['roomy']);
  });

  it('needs the floor, or the node\'s maxmemory with AOF/RDB when that is more, and k times it for k nodes on one host', () => {
    const aof = diskNeed(GiB, { maxMemoryMb: 2048, persistence: 'aof' });
    expect(hasDiskRoom(host('h', 'a', { freeDiskBytes: 1.5 * GiB }), floor)).toBe(true);
    expect(hasDiskRoom(host('h', 'a', { freeDiskBytes: 1.5 * GiB }), aof)).toBe(false);
    expect(hasDiskRoom(host('h', 'a', { freeDiskBytes: 5 * GiB }), aof, 2)).toBe(true);
    expect(hasDiskRoom(host('h', 'a', { freeDiskBytes: 5 * GiB }), aof, 3)).toBe(false);
    // 5 GiB takes two 2 GiB AOF nodes: the third shard goes to the other host, even with a replica beside its primary.
    const hosts = [host('a', 'a', { freeDiskBytes: 5 * GiB }), host('b', 'b', { freeDiskBytes: 3 * GiB })];
    const { nodes } = placeCluster(hosts, { shards: 3, replicasPerShard: 0 }, aof);
    expect(nodes.filter((n) => n.hostId === 'a')).toHaveLength(2);
    expect(nodes.filter((n) => n.hostId === 'b')).toHaveLength(1);
  });

  it('does not hold back a host whose agent never reported its disk', () => {
    const hosts = [host('unknown', 'a'), host('full', 'b', { freeDiskBytes: 0 })];
    expect(placeCluster(hosts, { shards: 2, replicasPerShard: 0 }, floor).nodes.map((n) => n.hostId)).toEqual(['unknown', 'unknown']);
  });

  it('says when the disk, not the ports, is what is missing', () => {
    const hosts = [host('h1', 'a', { freeDiskBytes: 100 * MiB }), host('h2', 'b', { freeDiskBytes: 2 * GiB })];
    expect(() => placeCluster(hosts, { shards: 2, replicasPerShard: 1 }, diskNeed(GiB, { maxMemoryMb: 1024, persistence: 'rdb' }))).toThrow(
      /not enough capacity: need 4 nodes, .* for only 2 .*; too little free disk on 2 host\(s\) \(h1: 100 MiB free, h2: 2048 MiB free with 2 placed; a node needs 1024 MiB \(1024 MiB more for each further node on one host\)\)$/,
    );
  });
});
