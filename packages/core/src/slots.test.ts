import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { SlotRange } from '@slotplane/contracts';
import { SLOT_COUNT, countSlots, normalizeRanges, rangesEqual, splitSlots, unassignedRanges } from './slots.ts';

describe('splitSlots', () => {
  it('splits three shards like redis-cli', () => {
    expect(splitSlots(3)).toEqual([
      [0, 5461],
      [5462, 10922],
      [10923, 16383],
    ]);
  });

  it('gives one shard every slot', () => {
    expect(splitSlots(1)).toEqual([[0, 16383]]);
  });

  it('gives every shard one slot at the maximum', () => {
    const ranges = splitSlots(SLOT_COUNT);
    expect(ranges).toHaveLength(SLOT_COUNT);
    expect(ranges.every(([s, e]) => s === e)).toBe(true);
  });

  it.each([0, -1, 16385, 2.5, Number.NaN])('rejects %s shards', (n) => {
    expect(() => splitSlots(n)).toThrow(RangeError);
  });

  it('covers every slot exactly once, contiguously, with sizes within one', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 64 }), (n) => {
        const ranges = splitSlots(n);
        expect(ranges).toHaveLength(n);
        expect(ranges[0]?.[0]).toBe(0);
        expect(ranges[n - 1]?.[1]).toBe(SLOT_COUNT - 1);
        ranges.forEach(([start, end], i) => {
          expect(start).toBeLessThanOrEqual(end);
          if (i > 0) expect(start).toBe((ranges[i - 1]?.[1] ?? Number.NaN) + 1);
        });
        const sizes = ranges.map(([s, e]) => e - s + 1);
        expect(sizes.reduce((a, b) => a + b, 0)).toBe(SLOT_COUNT);
        expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
        // Larger shards come first.
        expect([...sizes].sort((a, b) => b - a)).toEqual(sizes);
      }),
    );
  });
});

describe('normalizeRanges', () => {
  it('sorts and merges adjacent and overlapping ranges', () => {
    expect(
      normalizeRanges([
        [10, 20],
        [0, 4],
        [5, 5],
        [15, 30],
        [40, 40],
      ]),
    ).toEqual([
      [0, 5],
      [10, 30],
      [40, 40],
    ]);
  });

  it('does not mutate its input', () => {
    const input: SlotRange[] = [
      [5, 9],
      [0, 4],
    ];
    normalizeRanges(input);
    expect(input).toEqual([
      [5, 9],
      [0, 4],
    ]);
  });

  it('rejects reversed and out-of-range ranges', () => {
    expect(() => normalizeRanges([[5, 4]])).toThrow(RangeError);
    expect(() => normalizeRanges([[0, 16384]])).toThrow(RangeError);
    expect(() => normalizeRanges([[-1, 3]])).toThrow(RangeError);
  });

  it('keeps the same set of slots and is idempotent', () => {
    const range = fc
      .tuple(fc.integer({ min: 0, max: 200 }), fc.integer({ min: 0, max: 200 }))
      .map(([a, b]): SlotRange => [Math.min(a, b), Math.max(a, b)]);
    fc.assert(
      fc.property(fc.array(range, { maxLength: 20 }), (ranges) => {
        const slots = (rs: SlotRange[]) => {
          const set = new Set<number>();
          for (const [s, e] of rs) for (let i = s; i <= e; i++) set.add(i);
          return [...set].sort((a, b) => a - b);
        };
        const normal = normalizeRanges(ranges);
        expect(slots(normal)).toEqual(slots(ranges));
        expect(normalizeRanges(normal)).toEqual(normal);
        normal.forEach(([, end], i) => {
          const next = normal[i + 1];
          if (next) expect(next[0]).toBeGreaterThan(end + 1);
        });
        expect(countSlots(ranges)).toBe(slots(ranges).length);
      }),
    );
  });
});

describe('countSlots', () => {
  it('counts distinct slots', () => {
    expect(countSlots([])).toBe(0);
    expect(countSlots(splitSlots(7))).toBe(SLOT_COUNT);
    expect(
      countSlots([
        [0, 9],
        [5, 14],
      ]),
    ).toBe(15);
  });
});

describe('rangesEqual', () => {
  it('ignores order and fragmentation', () => {
    expect(
      rangesEqual(
        [
          [100, 200],
          [0, 9],
          [10, 20],
        ],
        [
          [0, 20],
          [100, 150],
          [151, 200],
        ],
      ),
    ).toBe(true);
  });

  it('tells different slot sets apart', () => {
    expect(rangesEqual([[0, 10]], [[0, 11]])).toBe(false);
    expect(rangesEqual([[0, 10]], [[0, 4], [6, 10]])).toBe(false);
    expect(rangesEqual([], [])).toBe(true);
  });
});

describe('unassignedRanges', () => {
  it('names the gaps between ranges and at both ends', () => {
    expect(unassignedRanges([[100, 200], [0, 9], [300, SLOT_COUNT - 2]])).toEqual([[10, 99], [201, 299], [SLOT_COUNT - 1, SLOT_COUNT - 1]]);
    expect(unassignedRanges([])).toEqual([[0, SLOT_COUNT - 1]]);
    expect(unassignedRanges([[0, SLOT_COUNT - 1]])).toEqual([]);
  });

  it('together with the ranges covers every slot exactly once', () => {
    const range = fc.tuple(fc.integer({ min: 0, max: SLOT_COUNT - 1 }), fc.integer({ min: 0, max: SLOT_COUNT - 1 })).map(([a, b]): SlotRange => [Math.min(a, b), Math.max(a, b)]);
    fc.assert(
      fc.property(fc.array(range, { maxLength: 8 }), (ranges) => {
        const gaps = unassignedRanges(ranges);
        expect(countSlots(gaps) + countSlots(ranges)).toBe(SLOT_COUNT);
        expect(countSlots([...gaps, ...ranges])).toBe(SLOT_COUNT);
      }),
    );
  });
});
