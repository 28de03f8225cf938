// The compact per-day bar store of a symbol: the day's bars as flat number arrays in chunks, so appending a
// bar copies at most one chunk (DAY_STORE_CHUNK_BARS bars) plus the chunk list, never the whole day, and a
// correction can find any bar of the day by ts (binary search: bars are stored in strictly increasing ts).
import { DAY_STORE_CHUNK_BARS, DAY_STORE_FIELDS, type MarketBar } from './types';

const CHUNK_LEN = DAY_STORE_CHUNK_BARS * DAY_STORE_FIELDS;

/** A copy of the store with the bar appended (the caller keeps ts strictly increasing). */
export function storeAppend(chunks: readonly number[][], bar: MarketBar): number[][] {
  const rec = [bar.ts, bar.open, bar.high, bar.low, bar.close, bar.volume, bar.vwap ?? 0];
  const last = chunks[chunks.length - 1];
  if (last === undefined || last.length >= CHUNK_LEN) return [...chunks, rec];
  const next = chunks.slice();
  next[next.length - 1] = last.concat(rec);
  return next;
}

export function storeCount(chunks: readonly number[][]): number {
  const last = chunks[chunks.length - 1];
  return last === undefined ? 0 : (chunks.length - 1) * DAY_STORE_CHUNK_BARS + last.length / DAY_STORE_FIELDS;
}

/** The bar at a position (chunk index, field offset of the bar in the chunk). */
export function storeBarAt(chunk: readonly number[], offset: number): MarketBar {
  const vwap = chunk[offset + 6] as number;
  return {
    ts: chunk[offset] as number,
    open: chunk[offset + 1] as number,
    high: chunk[offset + 2] as number,
    low: chunk[offset + 3] as number,
    close: chunk[offset + 4] as number,
    volume: chunk[offset + 5] as number,
    vwap: vwap === 0 ? null : vwap,
  };
}

/** Where the bar starting at ts is, or null. */
export function storeFind(chunks: readonly number[][], ts: number): { chunk: number; offset: number } | null {
  let lo = 0;
  let hi = chunks.length - 1;
  // The last chunk whose first ts <= ts.
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if ((chunks[mid]?.[0] ?? Infinity) <= ts) {
      found = mid;
      lo = mid + 1;
    } else {
      hi = mid - 1;
    }
  }
  const chunk = chunks[found];
  if (chunk === undefined) return null;
  let a = 0;
  let b = chunk.length / DAY_STORE_FIELDS - 1;
  while (a <= b) {
    const m = (a + b) >> 1;
    const t = chunk[m * DAY_STORE_FIELDS] as number;
    if (t === ts) return { chunk: found, offset: m * DAY_STORE_FIELDS };
    if (t < ts) a = m + 1;
    else b = m - 1;
  }
  return null;
}

/** A copy of the store with the bar at a position replaced (same ts). */
export function storeReplace(chunks: readonly number[][], at: { chunk: number; offset: number }, bar: MarketBar): number[][] {
  const next = chunks.slice();
  const chunk = (chunks[at.chunk] as number[]).slice();
  chunk[at.offset + 1] = bar.open;
  chunk[at.offset + 2] = bar.high;
  chunk[at.offset + 3] = bar.low;
  chunk[at.offset + 4] = bar.close;
  chunk[at.offset + 5] = bar.volume;
  chunk[at.offset + 6] = bar.vwap ?? 0;
  next[at.chunk] = chunk;
  return next;
}

/** Every stored bar, in ts order. */
export function storeBars(chunks: readonly number[][]): MarketBar[] {
  const out: MarketBar[] = [];
  for (const chunk of chunks) {
    for (let o = 0; o < chunk.length; o += DAY_STORE_FIELDS) out.push(storeBarAt(chunk, o));
  }
  return out;
}
