import type { SlotRange } from '@slotplane/contracts';

/** Redis Cluster always has exactly this many hash slots (CRC16(key) mod 16384). */
export const SLOT_COUNT = 16384;

/**
 * Contiguous even split of all slots over `shards` primaries, the same layout redis-cli
 * uses: the first `SLOT_COUNT % shards` shards take one extra slot so sizes differ by at
 * most one.
 */
export function splitSlots(shards: number): SlotRange[] {
  if (!Number.isInteger(shards) || shards < 1 || shards > SLOT_COUNT) {
    throw new RangeError(`shards must be an integer in 1..${SLOT_COUNT}, got ${shards}`);
  }
  const base = Math.floor(SLOT_COUNT / shards);
  const extra = SLOT_COUNT % shards;
  const ranges: SlotRange[] = [];
  let start = 0;
  for (let i = 0; i < shards; i++) {
    const size = base + (i < extra ? 1 : 0);
    ranges.push([start, start + size - 1]);
    start += size;
  }
  return ranges;
}

/**
 * Sorted, merged form of a slot set, so two descriptions of the same slots compare equal
 * whatever order or fragmentation CLUSTER NODES / a plan happened to produce.
 * Throws RangeError on a range outside 0..16383 or with start > end: those are bugs,
 * not slot sets.
 */
export function normalizeRanges(ranges: SlotRange[]): SlotRange[] {
  for (const [start, end] of ranges) {
    if (!Number.isInteger(start) || !Number.isInteger(end) || start < 0 || end >= SLOT_COUNT || start > end) {
      throw new RangeError(`invalid slot range [${start}, ${end}]`);
    }
  }
  const sorted = [...ranges].sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const merged: SlotRange[] = [];
  for (const [start, end] of sorted) {
    const last = merged[merged.length - 1];
    if (last && start <= last[1] + 1) {
      last[1] = Math.max(last[1], end);
    } else {
      merged.push([start, end]);
    }
  }
  return merged;
}

/** Number of distinct slots covered; overlaps count once. */
export function countSlots(ranges: SlotRange[]): number {
  return normalizeRanges(ranges).reduce((n, [start, end]) => n + end - start + 1, 0);
}

/** Same set of slots, regardless of order or how the ranges are cut. */
export function rangesEqual(a: SlotRange[], b: SlotRange[]): boolean {
  const na = normalizeRanges(a);
  const nb = normalizeRanges(b);
  return na.length === nb.length && na.every(([s, e], i) => s === nb[i]?.[0] && e === nb[i]?.[1]);
}

/** The slots no range covers, as sorted ranges. */
export function unassignedRanges(ranges: SlotRange[]): SlotRange[] {
  const gaps: SlotRange[] = [];
  let next = 0;
  for (const [start, end] of normalizeRanges(ranges)) {
    if (start > next) gaps.push([next, start - 1]);
    next = end + 1;
  }
  if (next < SLOT_COUNT) gaps.push([next, SLOT_COUNT - 1]);
  return gaps;
}
