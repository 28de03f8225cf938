// The market projection's state shapes: per symbol, the compact store of recent and today's bars, the
// day-anchored accumulators and the indicators a strategy reads. Plain JSON data only (snapshots are JSON
// round trips): no Map/Set/class, no undefined, no NaN.
import type { EngineConfig } from '@axiom/events';
import type { Anomaly, CalendarOverrides } from '../session';

/** One minute bar as read from the store; the same shape as the strategy contract's StrategyBar. */
export interface MarketBar {
  /** Bar start, ms UTC. */
  ts: number;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
  /** The feed's volume-weighted price of the bar, when it gives one. */
  vwap: number | null;
}

/** What a strategy may read about a symbol (the strategy contract's StrategyIndicators). Null until defined. */
export interface MarketIndicators {
  /** Session-anchored VWAP: from the 09:30 open; before the open, from the day's first bar. */
  vwap: number | null;
  /** Least-squares slope of the last slopeBars closes, dollars per bar; and slope / mean of those closes. */
  slope: number | null;
  slopeNorm: number | null;
  /** High and low of today's regular session so far. */
  sessionHigh: number | null;
  sessionLow: number | null;
  /** High and low of the last rangeBars bars (across days). */
  rangeHigh: number | null;
  rangeLow: number | null;
  /** High and low of the regular bars in [open, open + 15 min); complete once a bar at or after 09:45 arrives. */
  openingRangeHigh: number | null;
  openingRangeLow: number | null;
  openingRangeComplete: boolean;
  /** Mean volume of the volumeSpikeWindowBars bars before the latest one, and the latest bar's volume over it. */
  volumeMean: number | null;
  volumeRatio: number | null;
  /** volumeRatio >= volumeSpikeRatio. */
  volumeSpike: boolean;
  /** (first regular-session open - prevClose) / prevClose, split-adjusted. */
  gapPct: number | null;
  prevClose: number | null;
  /** Bars of this symbol today, from pre-market on. */
  barsToday: number;
}

/** A split of one symbol: prices before the start of exDate are divided by ratio, volumes multiplied. */
export interface SplitRecord {
  exDate: string;
  /** 00:00 New York of exDate, ms UTC. */
  exDateStartTs: number;
  ratio: number;
  /** Applied to the stored references (false: waiting for the first bar at or after exDateStartTs). */
  applied: boolean;
  /** Seq of the market.corporate_action event. */
  seq: number;
}

/**
 * The symbol's record. Rebuilt as a new (frozen) object on each change; nested arrays are shared with the
 * previous record where unchanged.
 */
export interface SymbolMarket {
  symbol: string;
  /**
   * The bar store (store.ts): the recent bars across days (at least ringCapacity(config) =
   * max(barRingSize, slopeBars, rangeBars, volumeSpikeWindowBars + 1)) and every bar of tradingDay (up to
   * DAY_STORE_BARS_MAX), oldest first, split-adjusted. Leaves of STORE_LEAF_BARS bars, each a flat number
   * array of STORE_FIELDS per bar: [ts, open, high, low, close, volume, vwap or 0 (prices are > 0, so 0 means
   * none)]. The indicator windows, corrections and splits work on it; the last stored bar is the latest bar.
   */
  store: number[][];
  /** Last trade price = the latest bar's close; null before the first bar. */
  lastPrice: number | null;
  lastTs: number | null;
  /** New York date of the latest bar. */
  tradingDay: string | null;
  /**
   * Bars of tradingDay from pre-market on. The 50-bar warmup (DESIGN §4) counts these: only 15 regular-session
   * bars exist by 09:45, so counting from 09:30 would keep every symbol cold until 10:20.
   */
  barsToday: number;
  /**
   * The previous trading day's last regular-session close (last bar in [open, close) of the latest earlier
   * day that had one) and that bar's ts; split-adjusted.
   */
  prevClose: number | null;
  prevCloseTs: number | null;

  // Day-anchored accumulators of tradingDay (reset at the first bar of a new day).
  /** First bar of the VWAP anchor (the first regular bar once the session opened, else the day's first bar). */
  vwapAnchorTs: number | null;
  /** True once the anchor moved to the regular open; after the close the VWAP stays the session's. */
  vwapAnchoredAtOpen: boolean;
  /** Sum of price x volume (price = bar vwap, else (h + l + c) / 3) and of volume since the anchor. */
  vwapPriceVolume: number;
  vwapVolume: number;
  sessionHigh: number | null;
  sessionLow: number | null;
  openingRangeHigh: number | null;
  openingRangeLow: number | null;
  openingRangeComplete: boolean;
  firstRegularOpen: number | null;
  lastRegularClose: number | null;
  lastRegularCloseTs: number | null;

  /** False once tradingDay had more than DAY_STORE_BARS_MAX bars: its oldest were dropped from the store. */
  dayStoreComplete: boolean;
  /** Splits seen for this symbol (pending and applied), at most SPLITS_KEPT_MAX, oldest first. */
  splits: SplitRecord[];
  /** Indicators as of the latest bar (recomputed on every change of the record). */
  indicators: MarketIndicators;
}

/** The regular session of a New York date as the market slice uses it, and the date's window. */
export interface MarketDay {
  date: string;
  /** [startTs, endTs): 00:00 of the date to 00:00 of the next, New York. */
  startTs: number;
  endTs: number;
  /** Regular open/close, null when the exchange is closed that date. */
  openTs: number | null;
  closeTs: number | null;
  /** End of the opening range: open + (activeStart - open), at most the close. */
  openingRangeEndTs: number | null;
}

/** The parameters the market slice reads (from run.started's EngineConfig; defaults before it). */
export interface MarketConfig {
  market: EngineConfig['market'];
  warmupBars: number;
  session: EngineConfig['session'];
}

export interface MarketState {
  config: MarketConfig;
  /** Broker calendar overrides (broker.calendar), as in the session slice. */
  overrides: CalendarOverrides;
  /** The day of the latest bar, reused while bars stay in its window (derived from overrides and config). */
  day: MarketDay | null;
  /**
   * Symbol -> slot (order of first appearance), in SLOT_INDEX_BUCKETS buckets by a hash of the symbol, so a
   * new symbol copies one small bucket, not an index of every symbol. The record is slots[slot >> 5][slot & 31].
   */
  slotOf: Record<string, number>[];
  /** Symbol records in chunks of SLOT_CHUNK: a bar copies one chunk, not a 500-key object. */
  slots: SymbolMarket[][];
  anomalies: Anomaly[];
  anomalyCount: number;
}

export const SLOT_CHUNK = 32;
export const SLOT_INDEX_BUCKETS = 64;
export const SLOT_SHIFT = 5;
export const SLOT_MASK = SLOT_CHUNK - 1;
/** Numbers per stored bar, and bars per leaf of the store (a power of two: bar i is in leaf i >> 4). */
export const STORE_FIELDS = 7;
export const STORE_LEAF_BARS = 16;
export const STORE_LEAF_SHIFT = 4;
/** Bars of one day the store keeps for exact corrections: a day has at most 1,440 minute bars. */
export const DAY_STORE_BARS_MAX = 1_440;
export const SPLITS_KEPT_MAX = 16;

