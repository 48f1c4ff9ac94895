import type { SlotRange } from '@slotplane/contracts';
import { SLOT_COUNT, normalizeRanges } from '../slots.ts';

/** One slot to move from one shard to another. */
export interface SlotMove {
  slot: number;
  from: number;
  to: number;
}

export interface MovePlanInput {
  /** Slot ranges each shard (by index) owns now. */
  owned: Map<number, SlotRange[]>;
  /** The shards that should hold slots; every other shard gives all of its slots away. */
  targets: number[];
  /**
   * What balancing counts: every slot the same (by slots), or each slot's bytes (by memory).
   * Missing slots weigh 0.
   */
  weight?: (slot: number) => number;
  /** Balanced when no target holds more than this percent above or below its fair share. */
  thresholdPercent: number;
}

const expand = (ranges: SlotRange[]) => normalizeRanges(ranges).flatMap(([s, e]) => Array.from({ length: e - s + 1 }, (_, i) => s + i));

/**
 * The moves that balance the slots over `targets`, pure and minimal:
 * - every slot of a shard that is not a target moves (scale-in drains it);
 * - a target only gives slots while it holds more than its share, and only receives while it
 *   holds less, so nothing moves that does not have to, and no slot moves twice;
 * - nothing moves at all when every target is within the threshold and nothing drains.
 * By slots, shares are whole slots (sizes end within one slot of each other); by memory, the
 * slots that bring a heavy shard closest to its share go first, largest first.
 */
export function planSlotMoves(input: MovePlanInput): SlotMove[] {
  const { owned, targets, thresholdPercent } = input;
  if (!targets.length) throw new RangeError('at least one shard must hold slots');
  const weight = input.weight ?? (() => 1);
  const slotsOf = new Map<number, number[]>();
  for (const [shard, ranges] of owned) slotsOf.set(shard, expand(ranges));
  for (const t of targets) if (!slotsOf.has(t)) slotsOf.set(t, []);
  const load = (shard: number) => slotsOf.get(shard)!.reduce((sum, s) => sum + weight(s), 0);
  const total = [...slotsOf.keys()].reduce((sum, shard) => sum + load(shard), 0);
  const fair = total / targets.length;
  const draining = [...slotsOf.keys()].filter((s) => !targets.includes(s) && slotsOf.get(s)!.length > 0);
  const off = (shard: number) => (fair === 0 ? 0 : (Math.abs(load(shard) - fair) / fair) * 100);
  if (!draining.length && targets.every((t) => off(t) <= thresholdPercent)) return [];

  return input.weight ? byWeight(slotsOf, targets, weight, fair, thresholdPercent) : bySlots(slotsOf, targets);
}

function bySlots(slotsOf: Map<number, number[]>, targets: number[]): SlotMove[] {
  const total = [...slotsOf.values()].reduce((n, s) => n + s.length, 0);
  // Whole-slot shares: the extra slots go to the targets that hold most now, so fewer move.
  const order = [...targets].sort((a, b) => slotsOf.get(b)!.length - slotsOf.get(a)!.length || a - b);
  const share = new Map(order.map((t, i) => [t, Math.floor(total / targets.length) + (i < total % targets.length ? 1 : 0)]));
  // Givers hand over their highest slots, so what stays is contiguous where it was.
  const giving: SlotMove[] = [];
  for (const [shard, slots] of slotsOf) {
    for (const slot of slots.slice(share.get(shard) ?? 0)) giving.push({ slot, from: shard, to: -1 });
  }
  const moves: SlotMove[] = [];
  let next = 0;
  for (const t of [...targets].sort((a, b) => a - b)) {
    for (let need = share.get(t)! - slotsOf.get(t)!.length; need > 0 && next < giving.length; need--) moves.push({ ...giving[next++]!, to: t });
  }
  return moves;
}

function byWeight(slotsOf: Map<number, number[]>, targets: number[], weight: (slot: number) => number, fair: number, thresholdPercent: number): SlotMove[] {
  const load = new Map([...slotsOf].map(([shard, slots]) => [shard, slots.reduce((sum, s) => sum + weight(s), 0)]));
  const holder = new Map<number, number>();
  for (const [shard, slots] of slotsOf) for (const s of slots) holder.set(s, shard);
  const moved = new Set<number>();
  const moves: SlotMove[] = [];
  const give = (slot: number, to: number) => {
    const from = holder.get(slot)!;
    moves.push({ slot, from, to });
    moved.add(slot);
    holder.set(slot, to);
    load.set(from, load.get(from)! - weight(slot));
    load.set(to, load.get(to)! + weight(slot));
  };
  const lightest = () => [...targets].sort((a, b) => load.get(a)! - load.get(b)! || a - b)[0]!;
  // Draining shards give everything, each slot to whichever target is lightest then.
  for (const [shard, slots] of slotsOf) {
    if (targets.includes(shard)) continue;
    for (const s of [...slots].sort((a, b) => weight(b) - weight(a))) give(s, lightest());
  }
  // Then the heaviest target gives the slot that brings it closest to fair without making the
  // receiver heavier than the giver was; stop when that no longer helps.
  for (let guard = 0; guard < SLOT_COUNT; guard++) {
    const heavy = [...targets].sort((a, b) => load.get(b)! - load.get(a)! || a - b)[0]!;
    const light = lightest();
    const gap = load.get(heavy)! - load.get(light)!;
    const within = (shard: number) => fair === 0 || (Math.abs(load.get(shard)! - fair) / fair) * 100 <= thresholdPercent;
    if (gap <= 0 || targets.every(within)) break;
    // Only a slot of at most half the gap narrows it without making the receiver the heavier
    // one (a bigger slot would just swap which of the two is heavy: churn); the one that leaves
    // the pair closest to even goes first.
    let best: number | undefined;
    let bestScore = Infinity;
    for (const slot of slotsOf.get(heavy)!) {
      if (moved.has(slot) || holder.get(slot) !== heavy) continue;
      const w = weight(slot);
      if (w <= 0 || w > gap / 2) continue;
      const score = Math.abs(gap - 2 * w);
      if (score < bestScore) {
        bestScore = score;
        best = slot;
      }
    }
    if (best === undefined) break;
    give(best, light);
  }
  return moves;
}
