// The indicator arithmetic of the market slice, on a symbol record being built (a fresh copy, never state).
// Day-anchored values (session VWAP, session high/low, opening range, first regular open, last regular close)
// are O(1) accumulators folded bar by bar; a correction re-folds the day's stored bars in the same order, so
// the result is bit-for-bit what a clean delivery gives. Window values (slope, range, volume mean) are
// recomputed on each change from the last bars of the compact store: O(window) with windows of 20-30 bars,
// which costs less than keeping running sums in state and has no floating-point drift and nothing to undo
// when a bar is corrected or a split rescales history.
import * as store from './store';
import * as types from './types';
import type { MarketBar, MarketConfig, MarketDay, MarketIndicators, SymbolMarket } from './types';

// Hot-loop constants copied into module locals: an imported binding compiles (CommonJS, via swc or tsx) to a
// getter call on the exporting module on every read, which measured ~20% of a bar's cost in these loops.
const STORE_FIELDS = types.STORE_FIELDS;
const STORE_LEAF_BARS = types.STORE_LEAF_BARS;
/** Offset of the last bar of a full leaf. */
const LEAF_LAST = (STORE_LEAF_BARS - 1) * STORE_FIELDS;
const F_CLOSE = store.F_CLOSE;
const F_HIGH = store.F_HIGH;
const F_LOW = store.F_LOW;
const F_VOLUME = store.F_VOLUME;
const storeCount = store.storeCount;

/** Recent bars kept per symbol: the configured ring, or more when an indicator window needs more. */
export function ringCapacity(market: MarketConfig['market']): number {
  return Math.max(market.barRingSize, market.slopeBars, market.rangeBars, market.volumeSpikeWindowBars + 1);
}

/** Clear the day-anchored accumulators for a new trading day. */
export function resetDay(n: SymbolMarket, date: string): void {
  n.tradingDay = date;
  n.barsToday = 0;
  n.vwapAnchorTs = null;
  n.vwapAnchoredAtOpen = false;
  n.vwapPriceVolume = 0;
  n.vwapVolume = 0;
  n.sessionHigh = null;
  n.sessionLow = null;
  n.openingRangeHigh = null;
  n.openingRangeLow = null;
  n.openingRangeComplete = false;
  n.firstRegularOpen = null;
  n.lastRegularClose = null;
  n.lastRegularCloseTs = null;
  n.dayStoreComplete = true;
}

/**
 * Fold one bar of `day` into the day-anchored accumulators. VWAP: before the open it is anchored at the day's
 * first bar (pre-market VWAP); the first regular bar re-anchors it at the open; after the close it stays the
 * regular session's (after-hours prints do not move it). On a closed date every bar is "before the open".
 */
export function foldBar(n: SymbolMarket, bar: MarketBar, day: MarketDay): void {
  foldBarFields(n, bar.ts, bar.open, bar.high, bar.low, bar.close, bar.volume, bar.vwap, day);
}

/** foldBar for a bar given as numbers (the per-bar path reads them off the event, building no bar object). */
export function foldBarFields(
  n: SymbolMarket, ts: number, barOpen: number, high: number, low: number, barClose: number, volume: number,
  vwap: number | null, day: MarketDay,
): void {
  n.barsToday += 1;
  const price = vwap ?? (high + low + barClose) / 3;
  const open = day.openTs;
  const close = day.closeTs;
  if (open !== null && close !== null && ts >= open && ts < close) {
    if (!n.vwapAnchoredAtOpen) {
      n.vwapAnchoredAtOpen = true;
      n.vwapAnchorTs = ts;
      n.vwapPriceVolume = 0;
      n.vwapVolume = 0;
    }
    n.vwapPriceVolume += price * volume;
    n.vwapVolume += volume;
    n.sessionHigh = n.sessionHigh === null ? high : Math.max(n.sessionHigh, high);
    n.sessionLow = n.sessionLow === null ? low : Math.min(n.sessionLow, low);
    if (n.firstRegularOpen === null) n.firstRegularOpen = barOpen;
    n.lastRegularClose = barClose;
    n.lastRegularCloseTs = ts;
    if (day.openingRangeEndTs !== null && ts < day.openingRangeEndTs) {
      n.openingRangeHigh = n.openingRangeHigh === null ? high : Math.max(n.openingRangeHigh, high);
      n.openingRangeLow = n.openingRangeLow === null ? low : Math.min(n.openingRangeLow, low);
    }
  } else if (open === null || ts < open) {
    if (n.vwapAnchorTs === null) n.vwapAnchorTs = ts;
    n.vwapPriceVolume += price * volume;
    n.vwapVolume += volume;
  }
  if (day.openingRangeEndTs !== null && ts >= day.openingRangeEndTs) n.openingRangeComplete = true;
}

/** The indicators of a record as of its latest bar. */
export function computeIndicators(n: SymbolMarket, market: MarketConfig['market']): MarketIndicators {
  // One backward pass over the last max(window) bars of the store, leaf by leaf: every leaf but the last is
  // full, so the walk starts at the last bar of the last leaf and steps to the end of the previous leaf when
  // it runs off the front of one (no per-bar shift and mask). k = 0 is the latest bar; every sum is taken in
  // the same order as ever (k ascending), so the results are bit-for-bit the same.
  const leaves = n.store;
  const len = storeCount(leaves);
  const s = market.slopeBars;
  const r = market.rangeBars;
  const w = market.volumeSpikeWindowBars;
  const wantSlope = s >= 2 && len >= s;
  const wantRange = len >= r;
  const wantVolume = len >= w + 1;
  const depth = Math.min(len, Math.max(wantSlope ? s : 0, wantRange ? r : 0, wantVolume ? w + 1 : 0));
  // Least squares over x = 0..s-1 (oldest first): slope = sum((x - xMean) y) / sum((x - xMean)^2), where
  // sum((x - xMean)^2) = s(s^2 - 1)/12 exactly (the sum((x - xMean) yMean) term is zero).
  const xMean = (s - 1) / 2;
  let sumY = 0;
  let sumXY = 0;
  let hi = -Infinity;
  let lo = Infinity;
  let sumVolume = 0;
  let lastVolume = 0;
  let li = leaves.length - 1;
  let leaf = leaves[li] as number[];
  let o = depth > 0 ? leaf.length - STORE_FIELDS : 0;
  for (let k = 0; k < depth; k++) {
    if (o < 0) {
      li -= 1;
      leaf = leaves[li] as number[];
      o = LEAF_LAST;
    }
    if (k < s) {
      const y = leaf[o + F_CLOSE] as number;
      sumY += y;
      sumXY += (s - 1 - k - xMean) * y;
    }
    if (k < r) {
      const h = leaf[o + F_HIGH] as number;
      const l = leaf[o + F_LOW] as number;
      if (h > hi) hi = h;
      if (l < lo) lo = l;
    }
    if (k === 0) lastVolume = leaf[o + F_VOLUME] as number;
    else if (k <= w) sumVolume += leaf[o + F_VOLUME] as number;
    o -= STORE_FIELDS;
  }

  let slope: number | null = null;
  let slopeNorm: number | null = null;
  if (wantSlope) {
    const mean = sumY / s;
    slope = sumXY / ((s * (s * s - 1)) / 12);
    slopeNorm = mean > 0 ? slope / mean : null;
  }
  let volumeMean: number | null = null;
  let volumeRatio: number | null = null;
  if (wantVolume) {
    volumeMean = sumVolume / w;
    volumeRatio = volumeMean > 0 ? lastVolume / volumeMean : null;
  }
  const rangeHigh = wantRange ? hi : null;
  const rangeLow = wantRange ? lo : null;

  return {
    vwap: n.vwapVolume > 0 ? n.vwapPriceVolume / n.vwapVolume : null,
    slope,
    slopeNorm,
    sessionHigh: n.sessionHigh,
    sessionLow: n.sessionLow,
    rangeHigh,
    rangeLow,
    openingRangeHigh: n.openingRangeHigh,
    openingRangeLow: n.openingRangeLow,
    openingRangeComplete: n.openingRangeComplete,
    volumeMean,
    volumeRatio,
    volumeSpike: volumeRatio !== null && volumeRatio >= market.volumeSpikeRatio,
    // A fraction (0.01 = 1 %), as the strategy contract defines it.
    gapPct: n.firstRegularOpen !== null && n.prevClose !== null ? (n.firstRegularOpen - n.prevClose) / n.prevClose : null,
    prevClose: n.prevClose,
    barsToday: n.barsToday,
  };
}

/** The indicators a strategy context reads for a symbol record. Pure: a field read (computed in evolve). */
export function indicatorsOf(m: SymbolMarket): MarketIndicators {
  return m.indicators;
}
