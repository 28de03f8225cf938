// The indicator arithmetic of the market slice, on a symbol record being built (a fresh copy, never state).
// Day-anchored values (session VWAP, session high/low, opening range, first regular open, last regular close)
// are O(1) accumulators folded bar by bar; a correction re-folds the day's stored bars in the same order, so
// the result is bit-for-bit what a clean delivery gives. Window values (slope, range, volume mean) are
// recomputed on each change from `window`, a flat contiguous copy of the last bars' values: O(window) with
// windows of 20-30 bars, which costs less than keeping running sums in state and has no floating-point drift
// and nothing to undo when a bar is corrected or a split rescales history.
import { WINDOW_FIELDS, type MarketBar, type MarketConfig, type MarketDay, type MarketIndicators, type SymbolMarket } from './types';

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
  n.dayBars = [];
  n.dayStoreComplete = true;
}

/**
 * Fold one bar of `day` into the day-anchored accumulators. VWAP: before the open it is anchored at the day's
 * first bar (pre-market VWAP); the first regular bar re-anchors it at the open; after the close it stays the
 * regular session's (after-hours prints do not move it). On a closed date every bar is "before the open".
 */
export function foldBar(n: SymbolMarket, bar: MarketBar, day: MarketDay): void {
  n.barsToday += 1;
  const price = bar.vwap ?? (bar.high + bar.low + bar.close) / 3;
  const open = day.openTs;
  const close = day.closeTs;
  if (open !== null && close !== null && bar.ts >= open && bar.ts < close) {
    if (!n.vwapAnchoredAtOpen) {
      n.vwapAnchoredAtOpen = true;
      n.vwapAnchorTs = bar.ts;
      n.vwapPriceVolume = 0;
      n.vwapVolume = 0;
    }
    n.vwapPriceVolume += price * bar.volume;
    n.vwapVolume += bar.volume;
    n.sessionHigh = n.sessionHigh === null ? bar.high : Math.max(n.sessionHigh, bar.high);
    n.sessionLow = n.sessionLow === null ? bar.low : Math.min(n.sessionLow, bar.low);
    if (n.firstRegularOpen === null) n.firstRegularOpen = bar.open;
    n.lastRegularClose = bar.close;
    n.lastRegularCloseTs = bar.ts;
    if (day.openingRangeEndTs !== null && bar.ts < day.openingRangeEndTs) {
      n.openingRangeHigh = n.openingRangeHigh === null ? bar.high : Math.max(n.openingRangeHigh, bar.high);
      n.openingRangeLow = n.openingRangeLow === null ? bar.low : Math.min(n.openingRangeLow, bar.low);
    }
  } else if (open === null || bar.ts < open) {
    if (n.vwapAnchorTs === null) n.vwapAnchorTs = bar.ts;
    n.vwapPriceVolume += price * bar.volume;
    n.vwapVolume += bar.volume;
  }
  if (day.openingRangeEndTs !== null && bar.ts >= day.openingRangeEndTs) n.openingRangeComplete = true;
}

/** Bars whose values the window indicators need: the longest window (the volume mean also needs the bar). */
export function windowCapacity(market: MarketConfig['market']): number {
  return Math.max(market.slopeBars, market.rangeBars, market.volumeSpikeWindowBars + 1);
}

/** The window with one more bar at the end, keeping at most `capacity` bars. */
export function windowAppend(win: readonly number[], bar: MarketBar, capacity: number): number[] {
  const max = capacity * WINDOW_FIELDS;
  const next = win.length + WINDOW_FIELDS > max ? win.slice(win.length + WINDOW_FIELDS - max) : win.slice();
  next.push(bar.close, bar.high, bar.low, bar.volume);
  return next;
}

/** The window rebuilt from the tail of the recent bars (after a correction, a split or a config change). */
export function windowFromBars(bars: readonly MarketBar[], capacity: number): number[] {
  const out: number[] = [];
  for (let i = Math.max(0, bars.length - capacity); i < bars.length; i++) {
    const b = bars[i] as MarketBar;
    out.push(b.close, b.high, b.low, b.volume);
  }
  return out;
}

/** The indicators of a record as of its latest bar. */
export function computeIndicators(n: SymbolMarket, market: MarketConfig['market']): MarketIndicators {
  // win[k * WINDOW_FIELDS + 0..3] = close, high, low, volume of the k-th kept bar, oldest first.
  const win = n.window;
  const len = win.length / WINDOW_FIELDS;
  const F = WINDOW_FIELDS;

  let slope: number | null = null;
  let slopeNorm: number | null = null;
  const s = market.slopeBars;
  if (s >= 2 && len >= s) {
    // Centered least squares over x = 0..s-1: slope = sum((x - xMean)(y - yMean)) / sum((x - xMean)^2),
    // and sum((x - xMean)^2) = s(s^2 - 1)/12 exactly.
    const first = len - s;
    let sum = 0;
    for (let j = 0; j < s; j++) sum += win[(first + j) * F] as number;
    const mean = sum / s;
    const xMean = (s - 1) / 2;
    let num = 0;
    for (let j = 0; j < s; j++) num += (j - xMean) * ((win[(first + j) * F] as number) - mean);
    slope = num / ((s * (s * s - 1)) / 12);
    slopeNorm = mean > 0 ? slope / mean : null;
  }

  let rangeHigh: number | null = null;
  let rangeLow: number | null = null;
  const r = market.rangeBars;
  if (len >= r) {
    let hi = -Infinity;
    let lo = Infinity;
    for (let k = len - r; k < len; k++) {
      const h = win[k * F + 1] as number;
      const l = win[k * F + 2] as number;
      if (h > hi) hi = h;
      if (l < lo) lo = l;
    }
    rangeHigh = hi;
    rangeLow = lo;
  }

  let volumeMean: number | null = null;
  let volumeRatio: number | null = null;
  const w = market.volumeSpikeWindowBars;
  if (len >= w + 1) {
    let sum = 0;
    for (let k = len - 1 - w; k < len - 1; k++) sum += win[k * F + 3] as number;
    volumeMean = sum / w;
    volumeRatio = volumeMean > 0 ? (win[(len - 1) * F + 3] as number) / volumeMean : null;
  }

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
