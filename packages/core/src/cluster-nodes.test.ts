import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { SlotRange } from '@slotplane/contracts';
import { type ClusterNodeEntry, myself, parseClusterNodes, slotMapSignature } from './cluster-nodes.ts';
import { normalizeRanges } from './slots.ts';

const P1 = 'e7d1eecce10fd6bb5eb35b9f99a514335d9ba9ca';
const P2 = '67ed2db8d677e59ec4a4cefb06858cf2a1a89fa1';
const P3 = '292f8b365bb7edb5e285caf0b7e6ddc7265d2f4f';
const R1 = '07c37dfeb235213a872192d90877d0cd55635b91';
const R2 = '6ec23923021cf3ffec47632106199cb7f496ce01';
const R3 = '824fe116063bc5fcf9f4ffd895bc17aee7731ac3';

/** Six-node cluster as seen from P1, as Redis 7.0 prints it (CRLF, as it comes over RESP). */
const SIX_NODES = [
  `${R1} 127.0.0.1:30004@40004 slave ${P1} 0 1426238317239 4 connected`,
  `${P2} 127.0.0.1:30002@40002 master - 0 1426238316232 2 connected 5462-10922`,
  `${P3} 127.0.0.1:30003@40003 master - 0 1426238318243 3 connected 10923-16383`,
  `${R2} 127.0.0.1:30005@40005 slave ${P2} 0 1426238316232 5 connected`,
  `${R3} 127.0.0.1:30006@40006 slave ${P3} 0 1426238317741 6 connected`,
  `${P1} 127.0.0.1:30001@40001 myself,master - 0 0 1 connected 0-5461`,
  '',
].join('\r\n');

describe('parseClusterNodes', () => {
  it('reads three primaries and three replicas', () => {
    const entries = parseClusterNodes(SIX_NODES);
    expect(entries).toHaveLength(6);
    expect(entries.filter((e) => e.role === 'primary').map((e) => e.id)).toEqual([P2, P3, P1]);
    expect(entries.find((e) => e.id === R2)).toEqual({
      id: R2,
      host: '127.0.0.1',
      port: 30005,
      busPort: 40005,
      flags: ['slave'],
      myself: false,
      role: 'replica',
      primaryId: P2,
      configEpoch: 5,
      connected: true,
      failing: false,
      handshake: false,
      slots: [],
      migrating: [],
      importing: [],
    } satisfies ClusterNodeEntry);
    expect(myself(entries)).toMatchObject({ id: P1, myself: true, role: 'primary', slots: [[0, 5461]] });
  });

  it('reads a fresh node that knows only itself and not yet its own IP', () => {
    const [entry, ...rest] = parseClusterNodes(`${P1} :6379@16379 myself,master - 0 0 0 connected\n`);
    expect(rest).toEqual([]);
    expect(entry).toMatchObject({ host: '', port: 6379, busPort: 16379, myself: true, configEpoch: 0, slots: [] });
  });

  it('reads a node without address (:0@0) and noflags', () => {
    const [entry] = parseClusterNodes(`${R1} :0@0 noflags - 0 0 0 disconnected`);
    expect(entry).toMatchObject({ host: '', port: 0, busPort: 0, flags: [], role: 'primary', connected: false });
  });

  it('reads a node in handshake', () => {
    const [entry] = parseClusterNodes(`${R3} 10.0.0.7:6380@16380 handshake - 0 0 0 connected`);
    expect(entry).toMatchObject({ handshake: true, flags: ['handshake'], role: 'primary', primaryId: null });
  });

  it('marks fail? and fail as failing', () => {
    const entries = parseClusterNodes(
      [
        `${P2} 10.0.0.2:6379@16379 master,fail? - 1700000000000 1699999990000 2 disconnected 5462-10922`,
        `${P3} 10.0.0.3:6379@16379 master,fail - 1700000000000 1699999990000 3 disconnected 10923-16383`,
        `${R2} 10.0.0.5:6379@16379 slave,nofailover ${P2} 0 1699999990000 5 connected`,
      ].join('\n'),
    );
    expect(entries.map((e) => e.failing)).toEqual([true, true, false]);
    expect(entries[2]?.flags).toEqual(['slave', 'nofailover']);
  });

  it('reads migrating and importing slots and keeps several ranges', () => {
    const [entry] = parseClusterNodes(
      `${P1} 10.0.0.1:6379@16379 myself,master - 0 0 7 connected 0-99 101 200-300 [100->-${P2}] [5000-<-${P3}]  `,
    );
    expect(entry?.slots).toEqual([
      [0, 99],
      [101, 101],
      [200, 300],
    ]);
    expect(entry?.migrating).toEqual([{ slot: 100, to: P2 }]);
    expect(entry?.importing).toEqual([{ slot: 5000, from: P3 }]);
  });

  it('reads hostnames after a comma and ignores 7.2 aux fields', () => {
    const entries = parseClusterNodes(
      [
        `${P1} 10.0.0.1:6379@16379,redis-a.internal myself,master - 0 0 1 connected 0-16383`,
        `${R1} 10.0.0.4:6379@16379, slave ${P1} 0 0 1 connected`,
        `${R2} 10.0.0.5:6379@16379,redis-b,shard-id=abc slave ${P1} 0 0 1 connected`,
      ].join('\n'),
    );
    expect(entries.map((e) => e.hostname)).toEqual(['redis-a.internal', undefined, 'redis-b']);
    expect(entries[0]?.host).toBe('10.0.0.1');
  });

  it('reads IPv6 addresses', () => {
    const [entry] = parseClusterNodes(`${P1} ::1:7000@17000 myself,master - 0 0 1 connected`);
    expect(entry).toMatchObject({ host: '::1', port: 7000, busPort: 17000 });
  });

  it('ignores blank lines', () => {
    expect(parseClusterNodes('\n  \r\n')).toEqual([]);
  });

  it.each([
    ['too few fields', `${P1} 10.0.0.1:6379@16379 master - 0 0 1`],
    ['address without bus port', `${P1} 10.0.0.1:6379 master - 0 0 1 connected`],
    ['bad link state', `${P1} 10.0.0.1:6379@16379 master - 0 0 1 up`],
    ['non-numeric epoch', `${P1} 10.0.0.1:6379@16379 master - 0 0 x connected`],
    ['slot out of range', `${P1} 10.0.0.1:6379@16379 master - 0 0 1 connected 0-16384`],
    ['reversed range', `${P1} 10.0.0.1:6379@16379 master - 0 0 1 connected 10-5`],
    ['garbage slot token', `${P1} 10.0.0.1:6379@16379 master - 0 0 1 connected [12->]`],
  ])('throws on %s, naming the line', (_, line) => {
    expect(() => parseClusterNodes(`${SIX_NODES}\n${line}\n`)).toThrow(line);
  });
});

describe('slotMapSignature', () => {
  it('lists primaries with slots, sorted by id', () => {
    expect(slotMapSignature(parseClusterNodes(SIX_NODES))).toBe(`${P3}:10923-16383;${P2}:5462-10922;${P1}:0-5461`);
  });

  it('is the same whichever node printed the map', () => {
    const seenFromP2 = SIX_NODES.replace('myself,master - 0 0 1', 'master - 0 0 1').replace(
      `${P2} 127.0.0.1:30002@40002 master`,
      `${P2} 127.0.0.1:30002@40002 myself,master`,
    );
    expect(slotMapSignature(parseClusterNodes(seenFromP2))).toBe(slotMapSignature(parseClusterNodes(SIX_NODES)));
  });

  it('changes when a slot changes owner and ignores open slots', () => {
    const moved = SIX_NODES.replace('0-5461', '0-5460').replace('5462-10922', '5461-10922');
    expect(slotMapSignature(parseClusterNodes(moved))).not.toBe(slotMapSignature(parseClusterNodes(SIX_NODES)));
    const open = SIX_NODES.replace('connected 0-5461', `connected 0-5461 [5461->-${P2}]`);
    expect(slotMapSignature(parseClusterNodes(open))).toBe(slotMapSignature(parseClusterNodes(SIX_NODES)));
  });

  it('is empty for a fresh node', () => {
    expect(slotMapSignature(parseClusterNodes(`${P1} :6379@16379 myself,master - 0 0 0 connected`))).toBe('');
  });
});

/** Renders entries the way Redis 7.0 prints CLUSTER NODES. */
function render(entries: ClusterNodeEntry[]): string {
  return entries
    .map((e) => {
      const address = `${e.host}:${e.port}@${e.busPort}${e.hostname ? `,${e.hostname}` : ''}`;
      const slots = [
        ...e.slots.map(([s, t]) => (s === t ? `${s}` : `${s}-${t}`)),
        ...e.migrating.map((m) => `[${m.slot}->-${m.to}]`),
        ...e.importing.map((i) => `[${i.slot}-<-${i.from}]`),
      ];
      return [
        e.id,
        address,
        e.flags.length ? e.flags.join(',') : 'noflags',
        e.primaryId ?? '-',
        '0',
        '1700000000000',
        `${e.configEpoch}`,
        e.connected ? 'connected' : 'disconnected',
        ...slots,
      ].join(' ');
    })
    .join('\n');
}

const nodeId = fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: 40, maxLength: 40 });
const slot = fc.integer({ min: 0, max: 16383 });
const slotRanges = fc
  .array(fc.tuple(slot, slot).map(([a, b]): SlotRange => [Math.min(a, b), Math.max(a, b)]), { maxLength: 5 })
  .map(normalizeRanges);

const entry: fc.Arbitrary<ClusterNodeEntry> = fc
  .record({
    id: nodeId,
    host: fc.constantFrom('', '127.0.0.1', '10.1.2.3', '::1', 'fe80::1'),
    port: fc.integer({ min: 0, max: 55535 }),
    hostname: fc.option(fc.constantFrom('redis-0', 'node.example.internal'), { nil: undefined }),
    myself: fc.boolean(),
    primaryId: fc.option(nodeId, { nil: null }),
    extraFlags: fc.subarray(['fail?', 'fail', 'handshake', 'noaddr', 'nofailover']),
    configEpoch: fc.nat(),
    connected: fc.boolean(),
    slots: slotRanges,
    migrating: fc.array(fc.record({ slot, to: nodeId }), { maxLength: 2 }),
    importing: fc.array(fc.record({ slot, from: nodeId }), { maxLength: 2 }),
  })
  .map(({ extraFlags, hostname, ...r }) => {
    const role = r.primaryId === null ? 'primary' : 'replica';
    const flags = [...(r.myself ? ['myself'] : []), role === 'primary' ? 'master' : 'slave', ...extraFlags];
    const e: ClusterNodeEntry = {
      ...r,
      busPort: r.port + 10000,
      flags,
      role,
      failing: extraFlags.includes('fail') || extraFlags.includes('fail?'),
      handshake: extraFlags.includes('handshake'),
      slots: role === 'primary' ? r.slots : [],
    };
    if (hostname !== undefined) e.hostname = hostname;
    return e;
  });

describe('CLUSTER NODES round trip', () => {
  it('parses back what it rendered', () => {
    fc.assert(
      fc.property(fc.array(entry, { maxLength: 8 }), fc.boolean(), (entries, crlf) => {
        const text = render(entries);
        expect(parseClusterNodes(crlf ? text.replaceAll('\n', '\r\n') : text)).toEqual(entries);
      }),
    );
  });
});
