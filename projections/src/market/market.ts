// The market projection (DESIGN §3): per symbol, the recent bars, the bar count of the day, the last trade
// price and the indicators strategies read (session VWAP, slope, ranges, opening range, volume spike, gap).
//
// Guarantees:
// * Pure and total: a bar out of order, a correction for a bar not kept, a duplicate split are recorded as
//   anomalies (last 100 kept, all counted), never thrown.
// * Corrections are exact: the state after `market.bar_correction` is bit-for-bit the state of a clean
//   delivery of the corrected bar, as long as the bar is still kept in the symbol's store: the recent bars
//   (ring) and all of the current day's bars (up to DAY_STORE_BARS_MAX = 1,440). The day's accumulators are
//   re-folded from the store in the original order. A bar not kept: anomaly, indicators untouched.
// * Splits (`market.corporate_action`, ratio r effective at 00:00 New York of exDate) rescale every kept
//   reference older than exDate: prices / r, volumes x r (stored bars, prevClose, lastPrice). A split whose
//   exDate is still ahead waits in the record until the first bar at or after it, so the rest of the day
//   before exDate is not mixed up.
// * Bounded per symbol: store = max(ringCapacity, today's bars up to 1,440) + one leaf; splits <= 16.
//
// Performance (replay of 195,000 bars must stay well under the 2 s budget for all reducers): events the
// slice does not read return the same state object. A bar of a known symbol builds the symbol's next record
// as a fresh frozen object (O(1) accumulators, O(window) windows read from contiguous numbers, one 16-bar
// leaf of the store copied) and commits it by hand (commitBar) — the one transition here not written with
// immer, measured: the whole reducer at 1.2-1.4 µs/bar this way (3.6-3.8 µs/bar in runs where V8's young
// generation stays small), 3.6-6.4 µs/bar with a produce per bar. Every other transition (a new symbol,
// corrections, splits, calendar, config, anomalies) is a produce. Records sit in chunked slots, not in one
// 500-key object, and are built field by field (cloneRecord: a spread of a record this size measured
// ~0.5 µs, the literal ~0.05 µs). Measured with bench-market.ts.
import { produce } from 'immer';
import {
  EngineConfigSchema, defaultEngineConfig, type AnyEvent, type EngineConfig, type Envelope,
} from '@axiom/events';
import {
  calendarDayFor, dayWindow, hhmmToMinutes, isSessionOver, mergeOverrides, overridesFromCalendarDays, recordAnomaly, tradingDayOf,
  type Anomaly, type CalendarOverrides,
} from '../session';
import * as indicators from './indicators';
import * as store from './store';
import * as types from './types';
import type { MarketBar, MarketConfig, MarketDay, MarketState, SplitRecord, SymbolMarket } from './types';

// Module locals, not imported bindings, for everything on the per-bar path: CommonJS output (swc, tsx) reads
// an imported binding through a getter call on every use, which measured ~20% of a bar's cost.
const { computeIndicators, foldBar, foldBarFields, resetDay, ringCapacity } = indicators;
const { F_CLOSE, F_TS, storeAppendTrim, storeBar, storeCount, storeField, storeFind, storeReplace, storeSplit, storeTrimFront } = store;
const { DAY_STORE_BARS_MAX, SLOT_CHUNK, SLOT_INDEX_BUCKETS, SLOT_MASK, SLOT_SHIFT, SPLITS_KEPT_MAX } = types;

type BarPayload = Envelope<'market.bar'>['payload'];

const MS_PER_MINUTE = 60_000;

export function marketConfigOf(config: EngineConfig): MarketConfig {
  return { market: { ...config.market }, warmupBars: config.warmupBars, session: { ...config.session } };
}

export function initialMarketState(): MarketState {
  return {
    config: marketConfigOf(defaultEngineConfig()),
    overrides: {},
    day: null,
    slotOf: Array.from({ length: SLOT_INDEX_BUCKETS }, () => ({})),
    slots: [],
    anomalies: [],
    anomalyCount: 0,
  };
}

// ---------------------------------------------------------------------------------------------------------
// Reading the state.

/** FNV-1a of the symbol, to pick its slotOf bucket. */
function bucketOf(symbol: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < symbol.length; i++) h = Math.imul(h ^ symbol.charCodeAt(i), 0x01000193);
  return (h >>> 0) % SLOT_INDEX_BUCKETS;
}

function slotOfSymbol(state: MarketState, symbol: string): number | undefined {
  const bucket = state.slotOf[bucketOf(symbol)];
  return bucket !== undefined && Object.prototype.hasOwnProperty.call(bucket, symbol) ? bucket[symbol] : undefined;
}

function recordAt(state: MarketState, slot: number): SymbolMarket {
  const r = state.slots[slot >> SLOT_SHIFT]?.[slot & SLOT_MASK];
  if (r === undefined) throw new Error(`market state: slot ${slot} is empty (slotOf and slots disagree)`);
  return r;
}

/** The record of a symbol, or undefined before its first bar or corporate action. */
export function symbolMarket(state: MarketState, symbol: string): SymbolMarket | undefined {
  const slot = slotOfSymbol(state, symbol);
  return slot === undefined ? undefined : recordAt(state, slot);
}

/** Every symbol with a record, sorted. */
export function marketSymbols(state: MarketState): string[] {
  return state.slotOf.flatMap((bucket) => Object.keys(bucket)).sort();
}

/**
 * The last `count` bars of a record (fewer if fewer are kept), oldest first, the latest last: new frozen
 * objects in the strategy contract's StrategyBar shape, built from the store on each call (~35 ns a bar, so
 * ~4 µs for 120: ask for the bars the strategies need). State keeps no bar objects: a ring of 120 bar
 * objects per symbol, replaced on each bar, measured ~3 µs of CPU per bar more in the 500-symbol replay
 * (each bar object lives through 120 ring versions, so the garbage collector promotes every one of them).
 */
export function recentBars(m: SymbolMarket, count: number): readonly MarketBar[] {
  const n = storeCount(m.store);
  const out: MarketBar[] = [];
  for (let i = Math.max(0, n - Math.max(0, Math.floor(count))); i < n; i++) out.push(Object.freeze(storeBar(m.store, i)));
  return Object.freeze(out);
}

/** How many bars `recentBars(m, count)` returns. */
export function recentBarCount(m: SymbolMarket, count: number): number {
  return Math.min(storeCount(m.store), Math.max(0, Math.floor(count)));
}

/**
 * Bar `recentBars(m, count)[length - 1 - back]` (back 0 = the latest), built alone: a strategy that reads the
 * last two bars does not pay for a window of 22 (~2 µs and ~4 KB a bar). Undefined outside the window.
 */
export function recentBarAt(m: SymbolMarket, count: number, back: number): MarketBar | undefined {
  const n = storeCount(m.store);
  if (!Number.isInteger(back) || back < 0 || back >= Math.min(n, Math.max(0, Math.floor(count)))) return undefined;
  return Object.freeze(storeBar(m.store, n - 1 - back));
}

/** The close of `recentBarAt(m, count, back)`, without building the bar. */
export function recentCloseAt(m: SymbolMarket, count: number, back: number): number | undefined {
  const n = storeCount(m.store);
  if (!Number.isInteger(back) || back < 0 || back >= Math.min(n, Math.max(0, Math.floor(count)))) return undefined;
  return storeField(m.store, n - 1 - back, F_CLOSE);
}

/** A strategy context's bars for a symbol: the last config.market.barRingSize bars (empty if unknown). */
export function recentBarsOf(state: MarketState, symbol: string): readonly MarketBar[] {
  const m = symbolMarket(state, symbol);
  return m === undefined ? Object.freeze([]) : recentBars(m, state.config.market.barRingSize);
}

/** DESIGN §4 step 5: a symbol may be entered once it has warmupBars bars today (pre-market included). */
export function warmedUp(state: MarketState, symbol: string): boolean {
  return (symbolMarket(state, symbol)?.barsToday ?? 0) >= state.config.warmupBars;
}

/** The market slice's view of a New York date: its window and regular session under these overrides. */
export function marketDayFor(date: string, overrides: CalendarOverrides, session: MarketConfig['session']): MarketDay {
  const { startTs, endTs } = dayWindow(date, session.timeZone);
  const cal = calendarDayFor(date, overrides, session);
  if (cal === null) return Object.freeze({ date, startTs, endTs, openTs: null, closeTs: null, openingRangeEndTs: null });
  const orMinutes = hhmmToMinutes(session.activeStart) - hhmmToMinutes(session.open);
  return Object.freeze({
    date, startTs, endTs, openTs: cal.openTs, closeTs: cal.closeTs,
    openingRangeEndTs: Math.min(cal.openTs + orMinutes * MS_PER_MINUTE, cal.closeTs),
  });
}

function dayAt(state: MarketState, ts: number): MarketDay {
  const d = state.day;
  if (d !== null && ts >= d.startTs && ts < d.endTs) return d;
  return marketDayFor(tradingDayOf(ts, state.config.session.timeZone), state.overrides, state.config.session);
}

function dayOfDate(state: MarketState, date: string): MarketDay {
  const d = state.day;
  return d !== null && d.date === date ? d : marketDayFor(date, state.overrides, state.config.session);
}

// ---------------------------------------------------------------------------------------------------------
// Building records (plain data; the reducer commits them).

const EMPTY_INDICATORS = Object.freeze({
  vwap: null, slope: null, slopeNorm: null, sessionHigh: null, sessionLow: null, rangeHigh: null, rangeLow: null,
  openingRangeHigh: null, openingRangeLow: null, openingRangeComplete: false, volumeMean: null, volumeRatio: null,
  volumeSpike: false, gapPct: null, prevClose: null, barsToday: 0,
});

function emptyRecord(symbol: string): SymbolMarket {
  return {
    symbol, store: [], lastPrice: null, lastTs: null, tradingDay: null, barsToday: 0, prevClose: null, prevCloseTs: null,
    vwapAnchorTs: null, vwapAnchoredAtOpen: false, vwapPriceVolume: 0, vwapVolume: 0, sessionHigh: null, sessionLow: null,
    openingRangeHigh: null, openingRangeLow: null, openingRangeComplete: false, firstRegularOpen: null,
    lastRegularClose: null, lastRegularCloseTs: null, dayStoreComplete: true, splits: [],
    indicators: { ...EMPTY_INDICATORS },
  };
}

/** A shallow, unfrozen copy to build the next record in (a literal: far cheaper than a spread here). */
function cloneRecord(s: SymbolMarket): SymbolMarket {
  return {
    symbol: s.symbol,
    store: s.store,
    lastPrice: s.lastPrice,
    lastTs: s.lastTs,
    tradingDay: s.tradingDay,
    barsToday: s.barsToday,
    prevClose: s.prevClose,
    prevCloseTs: s.prevCloseTs,
    vwapAnchorTs: s.vwapAnchorTs,
    vwapAnchoredAtOpen: s.vwapAnchoredAtOpen,
    vwapPriceVolume: s.vwapPriceVolume,
    vwapVolume: s.vwapVolume,
    sessionHigh: s.sessionHigh,
    sessionLow: s.sessionLow,
    openingRangeHigh: s.openingRangeHigh,
    openingRangeLow: s.openingRangeLow,
    openingRangeComplete: s.openingRangeComplete,
    firstRegularOpen: s.firstRegularOpen,
    lastRegularClose: s.lastRegularClose,
    lastRegularCloseTs: s.lastRegularCloseTs,
    dayStoreComplete: s.dayStoreComplete,
    splits: s.splits,
    indicators: s.indicators,
  };
}

/** Bars the store must keep: the ring, and today's bars (up to the day bound) for exact corrections. */
function storeKeep(n: SymbolMarket, config: MarketConfig): number {
  return Math.max(ringCapacity(config.market), Math.min(n.barsToday, DAY_STORE_BARS_MAX));
}

function adjustBar(b: MarketBar, ratio: number): MarketBar {
  return {
    ts: b.ts, open: b.open / ratio, high: b.high / ratio, low: b.low / ratio, close: b.close / ratio,
    volume: b.volume * ratio, vwap: b.vwap === null ? null : b.vwap / ratio,
  };
}

/** Rescale every kept reference older than the split's exDate, and mark the split applied (moved last, so
 *  the applied splits are listed in the order they were applied: a correction replays them in that order). */
function applySplit(n: SymbolMarket, split: SplitRecord): void {
  const ex = split.exDateStartTs;
  const r = split.ratio;
  if (storeCount(n.store) > 0 && storeField(n.store, 0, F_TS) < ex) n.store = storeSplit(n.store, ex, r);
  if (n.prevClose !== null && n.prevCloseTs !== null && n.prevCloseTs < ex) n.prevClose /= r;
  if (n.lastPrice !== null && n.lastTs !== null && n.lastTs < ex) n.lastPrice /= r;
  // The day-anchored accumulators never need it: a split is applied only once a bar at or after exDate
  // started the day they belong to (or, for a late split, the current day is already at or after exDate).
  n.splits = [...n.splits.filter((s) => s !== split), { ...split, applied: true }];
}

function applyDueSplits(n: SymbolMarket, ts: number): void {
  for (const s of n.splits) if (!s.applied && s.exDateStartTs <= ts) applySplit(n, s);
}

/**
 * Re-fold the day's accumulators from the store (a correction, a calendar or config change): today's bars
 * are the last barsToday stored bars while dayStoreComplete (the caller checks it).
 */
function refoldDay(n: SymbolMarket, day: MarketDay): void {
  const count = storeCount(n.store);
  const first = count - n.barsToday;
  resetDay(n, day.date);
  for (let i = first; i < count; i++) foldBar(n, storeBar(n.store, i), day);
}

/** The next record of a symbol after the bar `p` starting at `ts` (read off the event: no bar object). */
function applyBar(prev: SymbolMarket, ts: number, p: BarPayload, day: MarketDay, config: MarketConfig): SymbolMarket {
  const n = cloneRecord(prev);
  if (n.tradingDay !== day.date) {
    // The first bar of a new day: yesterday's last regular close becomes the previous close.
    if (n.lastRegularClose !== null) {
      n.prevClose = n.lastRegularClose;
      n.prevCloseTs = n.lastRegularCloseTs;
    }
    resetDay(n, day.date);
  }
  if (n.splits.length > 0) applyDueSplits(n, ts);
  const close = p.close;
  foldBarFields(n, ts, p.open, p.high, p.low, close, p.volume, p.vwap, day);
  n.store = storeAppendTrim(n.store, storeKeep(n, config), ts, p.open, p.high, p.low, close, p.volume, p.vwap);
  // Past DAY_STORE_BARS_MAX bars in a day the oldest of them leave the store: the day can no longer be re-folded.
  if (n.dayStoreComplete && n.barsToday > DAY_STORE_BARS_MAX && storeCount(n.store) < n.barsToday) n.dayStoreComplete = false;
  n.lastPrice = close;
  n.lastTs = ts;
  n.indicators = computeIndicators(n, config.market);
  return Object.freeze(n);
}

// ---------------------------------------------------------------------------------------------------------
// Committing (immer).

/**
 * The per-bar commit of a known symbol's record: structural sharing by hand (a new root, a new slot list, a
 * new 32-record chunk; everything else shared), NOT immer. A produce here (three drafts: root, slot list,
 * chunk) measured 2.4-5 µs per bar of CPU and garbage on this 2-core machine (bench-market.ts), enough to
 * take the all-reducer replay past its 2 s budget; this costs ~0.2 µs. The root is frozen like a produced
 * one (the record was frozen by its builder), so nothing downstream can tell the difference.
 */
function commitBar(state: MarketState, slot: number, record: SymbolMarket, day: MarketDay): MarketState {
  const c = slot >> SLOT_SHIFT;
  const chunk = (state.slots[c] as SymbolMarket[]).slice();
  chunk[slot & SLOT_MASK] = record;
  const slots = state.slots.slice();
  slots[c] = chunk;
  return Object.freeze({
    config: state.config,
    overrides: state.overrides,
    day,
    slotOf: state.slotOf,
    slots,
    anomalies: state.anomalies,
    anomalyCount: state.anomalyCount,
  });
}

/** One produce: the record into its slot (a new symbol gets the next slot), and the day cache if it moved. */
function commit(state: MarketState, symbol: string, slot: number | undefined, record: SymbolMarket, day?: MarketDay, anomaly?: Anomaly): MarketState {
  return produce(state, (d) => {
    if (day !== undefined && day !== state.day) d.day = day;
    if (slot === undefined) {
      const last = state.slots[state.slots.length - 1];
      const next = last === undefined ? 0 : (state.slots.length - 1) * SLOT_CHUNK + last.length;
      (d.slotOf[bucketOf(symbol)] as Record<string, number>)[symbol] = next;
      if ((next & SLOT_MASK) === 0) d.slots.push([record]);
      else d.slots[next >> SLOT_SHIFT]?.push(record);
    } else {
      (d.slots[slot >> SLOT_SHIFT] as SymbolMarket[])[slot & SLOT_MASK] = record;
    }
    if (anomaly !== undefined) recordAnomaly(d, anomaly);
  });
}

function anomalyOnly(state: MarketState, anomaly: Anomaly): MarketState {
  return produce(state, (d) => {
    recordAnomaly(d, anomaly);
  });
}

// ---------------------------------------------------------------------------------------------------------
// The reducer.

function onBar(state: MarketState, e: Envelope<'market.bar'>): MarketState {
  const p = e.payload;
  const slot = slotOfSymbol(state, p.symbol);
  const prev = slot === undefined ? null : recordAt(state, slot);
  if (prev !== null && prev.lastTs !== null && e.ts <= prev.lastTs) {
    return anomalyOnly(state, {
      seq: e.seq, type: e.type, symbol: p.symbol,
      detail: `bar at ${e.ts} is not after the last bar at ${prev.lastTs} (duplicate or out of order; a replacement comes as market.bar_correction); ignored`,
    });
  }
  const day = dayAt(state, e.ts);
  if (slot === undefined || prev === null) return commit(state, p.symbol, slot, applyBar(emptyRecord(p.symbol), e.ts, p, day, state.config), day);
  return commitBar(state, slot, applyBar(prev, e.ts, p, day, state.config), day);
}

function onCorrection(state: MarketState, e: Envelope<'market.bar_correction'>): MarketState {
  const p = e.payload;
  const barTs = p.barTs;
  const slot = slotOfSymbol(state, p.symbol);
  const notKept = (why: string): MarketState =>
    anomalyOnly(state, { seq: e.seq, type: e.type, symbol: p.symbol, detail: `correction of the bar at ${barTs}: ${why}; indicators untouched` });
  if (slot === undefined) return notKept('no bar of this symbol was ever seen');
  const s = recordAt(state, slot);

  // The correction is in the feed's prices of its day: rescale it by the splits applied since, in order.
  let bar: MarketBar = { ts: barTs, open: p.open, high: p.high, low: p.low, close: p.close, volume: p.volume, vwap: p.vwap };
  for (const split of s.splits) if (split.applied && split.exDateStartTs > barTs) bar = adjustBar(bar, split.ratio);

  const index = storeFind(s.store, barTs);
  if (index < 0) {
    return notKept(s.lastTs !== null && barTs > s.lastTs ? 'it is later than the latest bar' : 'no such bar is kept (never seen, or older than the recent bars and not of the current day)');
  }
  const today = s.tradingDay === null ? null : dayOfDate(state, s.tradingDay);
  const isToday = today !== null && barTs >= today.startTs && barTs < today.endTs;

  const n = cloneRecord(s);
  n.store = storeReplace(s.store, index, bar);
  let anomaly: Anomaly | undefined;
  if (isToday && today !== null) {
    if (s.dayStoreComplete) {
      refoldDay(n, today);
    } else {
      if (barTs === s.lastRegularCloseTs) n.lastRegularClose = bar.close;
      anomaly = {
        seq: e.seq, type: e.type, symbol: p.symbol,
        detail: `correction of the bar at ${barTs}: today's oldest bars are no longer kept (the session closed, or over ${DAY_STORE_BARS_MAX} bars), so session VWAP/high/low/opening range keep the uncorrected bar; stored bar, windows and last regular close corrected`,
      };
    }
  } else if (barTs === s.prevCloseTs) {
    n.prevClose = bar.close;
  }
  if (barTs === s.lastTs) n.lastPrice = bar.close;
  n.indicators = computeIndicators(n, state.config.market);
  return commit(state, p.symbol, slot, Object.freeze(n), undefined, anomaly);
}

function onCorporateAction(state: MarketState, e: Envelope<'market.corporate_action'>): MarketState {
  const p = e.payload;
  const slot = slotOfSymbol(state, p.symbol);
  const prev = slot === undefined ? emptyRecord(p.symbol) : recordAt(state, slot);
  const same = prev.splits.find((s) => s.exDate === p.exDate);
  if (same !== undefined) {
    return anomalyOnly(state, {
      seq: e.seq, type: e.type, symbol: p.symbol,
      detail: same.ratio === p.ratio
        ? `duplicate ${p.action} ${p.ratio} effective ${p.exDate} (first seen at seq ${same.seq}); ignored`
        : `${p.action} ${p.ratio} effective ${p.exDate} conflicts with ${same.ratio} seen at seq ${same.seq}; ignored`,
    });
  }
  const split: SplitRecord = {
    exDate: p.exDate, exDateStartTs: dayWindow(p.exDate, state.config.session.timeZone).startTs, ratio: p.ratio,
    applied: false, seq: e.seq,
  };
  const n = cloneRecord(prev);
  let splits = [...prev.splits, split];
  if (splits.length > SPLITS_KEPT_MAX) {
    const oldestApplied = splits.findIndex((s) => s.applied);
    splits = splits.filter((_, i) => i !== (oldestApplied >= 0 ? oldestApplied : 0));
  }
  n.splits = splits;
  // A late split (bars at or after exDate already seen) applies now; otherwise at the first bar on/after it.
  if (n.lastTs !== null && n.lastTs >= split.exDateStartTs) applySplit(n, split);
  n.indicators = computeIndicators(n, state.config.market);
  return commit(state, p.symbol, slot, Object.freeze(n));
}

/** Every record rebuilt for a new config or calendar: windows re-read, today re-folded when its day moved. */
function rebuildAll(state: MarketState, config: MarketConfig, overrides: CalendarOverrides, seq: number, type: string): MarketState {
  const days = new Map<string, { before: MarketDay; after: MarketDay }>();
  return produce(state, (d) => {
    d.config = config;
    d.overrides = overrides;
    d.day = null;
    state.slots.forEach((chunk, c) => {
      chunk.forEach((s, i) => {
        const n = cloneRecord(s);
        n.store = storeTrimFront(n.store, storeKeep(n, config));
        if (s.tradingDay !== null) {
          let pair = days.get(s.tradingDay);
          if (pair === undefined) {
            pair = { before: dayOfDate(state, s.tradingDay), after: marketDayFor(s.tradingDay, overrides, config.session) };
            days.set(s.tradingDay, pair);
          }
          const { before, after } = pair;
          if (before.openTs !== after.openTs || before.closeTs !== after.closeTs || before.openingRangeEndTs !== after.openingRangeEndTs) {
            if (s.dayStoreComplete) refoldDay(n, after);
            else recordAnomaly(d, { seq, type, symbol: s.symbol, detail: `the session of ${s.tradingDay} changed but the day's store is incomplete: today's accumulators keep the old session` });
          }
        }
        n.indicators = computeIndicators(n, config.market);
        (d.slots[c] as SymbolMarket[])[i] = Object.freeze(n);
      });
    });
  });
}

function onRunStarted(state: MarketState, e: Envelope<'run.started'>): MarketState {
  const parsed = EngineConfigSchema.safeParse(e.payload.config);
  if (!parsed.success) {
    return anomalyOnly(state, {
      seq: e.seq, type: e.type, symbol: null,
      detail: `run config does not parse; market config kept: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
    });
  }
  const config = marketConfigOf(parsed.data);
  if (JSON.stringify(config) === JSON.stringify(state.config)) return state;
  return rebuildAll(state, config, state.overrides, e.seq, e.type);
}

function onCalendar(state: MarketState, e: Envelope<'broker.calendar'>): MarketState {
  if (e.payload.days.length === 0) return state;
  return rebuildAll(state, state.config, mergeOverrides(state.overrides, overridesFromCalendarDays(e.payload.days)), e.seq, e.type);
}

/**
 * At the session's close the day's bars older than the recent ones leave the store (the day's store is then
 * incomplete): no entry is taken on them again and the next day starts from the recent bars anyway, so the
 * end-of-day snapshot (DESIGN §6) carries a third of the bars (at 500 symbols, 13.7 MB of 16 MB). A late
 * correction of a dropped bar is then recorded as an anomaly, of a kept one corrects the bar, the windows
 * and the last regular close (the next day's gap), not the closed session's VWAP/high/low/opening range.
 */
function onPhaseChanged(state: MarketState, e: Envelope<'session.phase_changed'>): MarketState {
  if (!isSessionOver(e.payload.to) || isSessionOver(e.payload.from)) return state;
  const keep = ringCapacity(state.config.market);
  let slots: SymbolMarket[][] | null = null;
  state.slots.forEach((chunk, c) => {
    chunk.forEach((s, i) => {
      const store = storeTrimFront(s.store, keep);
      if (store === s.store) return;
      const n = cloneRecord(s);
      n.store = store;
      if (storeCount(store) < n.barsToday) n.dayStoreComplete = false;
      slots ??= state.slots.slice();
      if (slots[c] === chunk) slots[c] = chunk.slice();
      (slots[c] as SymbolMarket[])[i] = Object.freeze(n);
    });
  });
  return slots === null ? state : Object.freeze({ ...state, slots });
}

export function evolveMarket(state: MarketState, event: AnyEvent): MarketState {
  switch (event.type) {
    case 'market.bar':
      return onBar(state, event);
    case 'market.bar_correction':
      return onCorrection(state, event);
    case 'market.corporate_action':
      return onCorporateAction(state, event);
    case 'broker.calendar':
      return onCalendar(state, event);
    case 'run.started':
      return onRunStarted(state, event);
    // Events the market does not read: the same state object comes back (no produce).
    case 'broker.order_update':
    case 'broker.snapshot':
    case 'broker.request_result':
    case 'timer.fired':
    case 'connection.status':
    case 'operator.command':
    case 'input.rejected':
    case 'signal.emitted':
    case 'signal.rejected':
    case 'order.created':
    case 'order.transition':
    case 'cancel.requested':
    case 'order.abandoned':
    case 'entry.gave_up':
    case 'position.exit_requested':
      return state;
    case 'session.phase_changed':
      return onPhaseChanged(state, event);
    case 'risk.kill_switch_tripped':
    case 'risk.cooldown_started':
    case 'risk.symbol_blocked':
    case 'engine.halted':
    case 'engine.resumed':
    case 'reconciliation.requested':
    case 'reconciliation.applied':
    case 'checkpoint.taken':
      return state;
    default: {
      // A new event type must be placed above (read or deliberately ignored); at runtime stay total.
      const _unhandled: never = event;
      return state;
    }
  }
}
