// The compact bar store of a symbol: its recent bars (the "ring") and all of the current day's bars, as flat
// number arrays in leaves of STORE_LEAF_BARS bars, oldest first. Appending copies one leaf (at most 112
// numbers) and the leaf list, never the whole history; every leaf but the last is full, so bar i is at
// leaves[i >> 4][(i & 15) * 7]; leaves are dropped only whole, from the front. Bars are stored in strictly
// increasing ts, so a bar is found by binary search. Numbers, not objects: the window indicators read the
// last 20-30 bars from contiguous memory (reading scattered bar objects cost ~2.5 µs per bar in the
// 500-symbol replay), the store allocates ~1 KB per bar instead of ~3.5 KB, and a snapshot is smaller.
import * as types from './types';
import type { MarketBar } from './types';

// Module locals, not imported bindings: CommonJS output reads an imported binding through a getter call.
const STORE_FIELDS = types.STORE_FIELDS;
const STORE_LEAF_BARS = types.STORE_LEAF_BARS;
const STORE_LEAF_SHIFT = types.STORE_LEAF_SHIFT;

const LEAF_LEN = STORE_LEAF_BARS * STORE_FIELDS;
const LEAF_MASK = STORE_LEAF_BARS - 1;

/** Field offsets of a stored bar. vwap 0 means none (a price is always > 0). */
export const F_TS = 0;
export const F_OPEN = 1;
export const F_HIGH = 2;
export const F_LOW = 3;
export const F_CLOSE = 4;
export const F_VOLUME = 5;
export const F_VWAP = 6;

export function storeCount(leaves: readonly number[][]): number {
  const last = leaves[leaves.length - 1];
  return last === undefined ? 0 : (leaves.length - 1) * STORE_LEAF_BARS + last.length / STORE_FIELDS;
}

/** Field `f` of bar `i` (0 = oldest kept). */
export function storeField(leaves: readonly number[][], i: number, f: number): number {
  return (leaves[i >> STORE_LEAF_SHIFT] as number[])[(i & LEAF_MASK) * STORE_FIELDS + f] as number;
}

export function storeBar(leaves: readonly number[][], i: number): MarketBar {
  const leaf = leaves[i >> STORE_LEAF_SHIFT] as number[];
  const o = (i & LEAF_MASK) * STORE_FIELDS;
  const vwap = leaf[o + F_VWAP] as number;
  return {
    ts: leaf[o + F_TS] as number,
    open: leaf[o + F_OPEN] as number,
    high: leaf[o + F_HIGH] as number,
    low: leaf[o + F_LOW] as number,
    close: leaf[o + F_CLOSE] as number,
    volume: leaf[o + F_VOLUME] as number,
    vwap: vwap === 0 ? null : vwap,
  };
}

/** Drop whole leaves from the front while at least `keep` bars remain. */
export function storeTrimFront(leaves: number[][], keep: number): number[][] {
  const drop = Math.floor((storeCount(leaves) - keep) / STORE_LEAF_BARS);
  return drop > 0 ? leaves.slice(drop) : leaves;
}

/**
 * A copy of the store with a bar appended (given as numbers: the per-bar path builds no bar object; the caller
 * keeps ts strictly increasing), then whole leaves dropped from the front while at least `keep` bars remain
 * (as storeTrimFront), copying the leaf list once, past the dropped leaves.
 *
 * The leaf is still grown by slice + push, which leaves spare capacity in it. Measured and rejected in the
 * 500-symbol day profile: `last.concat(tail)` (exact size, ~25% faster alone) falls off V8's fast path for
 * the whole process once apache-arrow (the Parquet reader) defines Symbol.isConcatSpreadable: 9.5 µs a bar
 * instead of 1.1 µs in bench-market.ts with that protector broken. `new Array(n)` filled by index (exact
 * size) makes holey arrays of doubles: computeIndicators reading them took ~80 ms more over the day and
 * evolveMarket ~60-100 ms more in all (interleaved runs of scripts/bench/profile, day).
 */
export function storeAppendTrim(
  leaves: readonly number[][], keep: number,
  ts: number, open: number, high: number, low: number, close: number, volume: number, vwap: number | null,
): number[][] {
  if (!(keep >= 1)) throw new Error(`storeAppendTrim: keep ${keep} < 1 would drop the leaf being appended to`);
  const count = leaves.length;
  const last = leaves[count - 1];
  const bars = last === undefined ? 1 : (count - 1) * STORE_LEAF_BARS + last.length / STORE_FIELDS + 1;
  const drop = Math.floor((bars - keep) / STORE_LEAF_BARS);
  // The last leaf is never dropped (keep >= 1 and every leaf before it is full), so it stays last.
  const next = drop > 0 ? leaves.slice(drop) : leaves.slice();
  if (last === undefined || last.length >= LEAF_LEN) {
    next.push([ts, open, high, low, close, volume, vwap ?? 0]);
  } else {
    // slice + push keeps the leaf a packed array of doubles; concat with many arguments was ~4 µs per bar.
    const leaf = last.slice();
    leaf.push(ts, open, high, low, close, volume, vwap ?? 0);
    next[next.length - 1] = leaf;
  }
  return next;
}

/** Index of the bar starting at ts, or -1. */
export function storeFind(leaves: readonly number[][], ts: number): number {
  let lo = 0;
  let hi = storeCount(leaves) - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const t = storeField(leaves, mid, F_TS);
    if (t === ts) return mid;
    if (t < ts) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}

/** A copy of the store with bar i replaced (same ts). */
export function storeReplace(leaves: readonly number[][], i: number, bar: MarketBar): number[][] {
  const next = leaves.slice();
  const leaf = (leaves[i >> STORE_LEAF_SHIFT] as number[]).slice();
  const o = (i & LEAF_MASK) * STORE_FIELDS;
  leaf[o + F_OPEN] = bar.open;
  leaf[o + F_HIGH] = bar.high;
  leaf[o + F_LOW] = bar.low;
  leaf[o + F_CLOSE] = bar.close;
  leaf[o + F_VOLUME] = bar.volume;
  leaf[o + F_VWAP] = bar.vwap ?? 0;
  next[i >> STORE_LEAF_SHIFT] = leaf;
  return next;
}

/** A copy of the store with every bar before `beforeTs` rescaled by a split: prices / ratio, volume x ratio. */
export function storeSplit(leaves: readonly number[][], beforeTs: number, ratio: number): number[][] {
  return leaves.map((leaf) => {
    if ((leaf[F_TS] as number) >= beforeTs) return leaf;
    const next = leaf.slice();
    for (let o = 0; o < next.length && (next[o + F_TS] as number) < beforeTs; o += STORE_FIELDS) {
      next[o + F_OPEN] = (next[o + F_OPEN] as number) / ratio;
      next[o + F_HIGH] = (next[o + F_HIGH] as number) / ratio;
      next[o + F_LOW] = (next[o + F_LOW] as number) / ratio;
      next[o + F_CLOSE] = (next[o + F_CLOSE] as number) / ratio;
      next[o + F_VOLUME] = (next[o + F_VOLUME] as number) * ratio;
      if (next[o + F_VWAP] !== 0) next[o + F_VWAP] = (next[o + F_VWAP] as number) / ratio;
    }
    return next;
  });
}
