// Property tests of the market reducer (fast-check; the seed is printed on failure, FC_SEED reproduces it):
// 1. every indicator after every bar equals a direct, non-incremental computation over the bars so far;
// 2. a stream with wrong bars later corrected (and a split in the middle) reaches exactly the state of the
//    corrected stream delivered clean;
// 3. a JSON snapshot round trip anywhere in a stream changes nothing.
import fc from 'fast-check';
import { formatInTimeZone } from 'date-fns-tz';
import type { AnyEvent, EngineConfig } from '@axiom/events';
import { calendarDayFor, wallTimeToUtcMs } from '../session';
import { journalEvent, runStarted } from '../session/test-support';
import {
  evolveMarket, initialMarketState, indicatorsOf, recentBars, ringCapacity, symbolMarket, type MarketIndicators,
  type MarketState,
} from './index';

const NY = 'America/New_York';
/** Trading days, a holiday (11-26), an early close (11-27), both sides of the March DST switch. */
const DATES = ['2026-03-06', '2026-03-09', '2026-03-10', '2026-11-25', '2026-11-26', '2026-11-27', '2026-11-30'];
/** Minutes of the day around every boundary the indicators care about (04:00, 09:30, 09:45, 12:30, 13:00, 16:00, 20:00). */
const EDGE_MINUTES = [239, 240, 241, 569, 570, 571, 584, 585, 586, 749, 750, 779, 780, 781, 929, 930, 958, 959, 960, 961, 1199, 1200];

interface TestBar {
  symbol: string;
  ts: number;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
  vwap: number | null;
  /** New York date and HH:mm, computed once with date-fns-tz (independent of the code under test). */
  date: string;
  hm: string;
}

const marketConfigArb = fc.record({
  barRingSize: fc.integer({ min: 1, max: 8 }),
  slopeBars: fc.integer({ min: 2, max: 6 }),
  rangeBars: fc.integer({ min: 1, max: 6 }),
  volumeSpikeWindowBars: fc.integer({ min: 1, max: 6 }),
  volumeSpikeRatio: fc.constantFrom(1.5, 2, 3),
});

const rawBarArb = fc.record({
  day: fc.nat(),
  minute: fc.oneof(fc.integer({ min: 0, max: 1439 }), fc.constantFrom(...EDGE_MINUTES)),
  symbol: fc.constantFrom('AAA', 'BBB'),
  values: fc.record({
    open: fc.integer({ min: 1_000, max: 20_000 }),
    close: fc.integer({ min: 1_000, max: 20_000 }),
    up: fc.integer({ min: 0, max: 300 }),
    down: fc.integer({ min: 0, max: 300 }),
    volume: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 100_000 })),
    vwapAt: fc.option(fc.double({ min: 0, max: 1, noNaN: true }), { nil: null }),
  }),
});
type Values = { open: number; close: number; up: number; down: number; volume: number; vwapAt: number | null };

function priced(v: Values): Pick<TestBar, 'open' | 'high' | 'low' | 'close' | 'volume' | 'vwap'> {
  const open = v.open / 100;
  const close = v.close / 100;
  const high = Math.max(open, close) + v.up / 100;
  const low = Math.max(0.01, Math.min(open, close) - v.down / 100);
  return { open, high, low, close, volume: v.volume, vwap: v.vwapAt === null ? null : low + v.vwapAt * (high - low) };
}

/** Bars in ts order, unique (symbol, ts), on a chosen subsequence of DATES. */
const barsArb = fc
  .tuple(fc.subarray(DATES, { minLength: 1 }), fc.array(rawBarArb, { minLength: 1, maxLength: 60 }))
  .map(([dates, raws]) => {
    const seen = new Set<string>();
    const bars: TestBar[] = [];
    for (const r of raws) {
      const date = dates[r.day % dates.length] as string;
      const ts = wallTimeToUtcMs(date, '00:00', NY) + r.minute * 60_000;
      const key = `${r.symbol} ${ts}`;
      if (seen.has(key)) continue;
      seen.add(key);
      bars.push({ symbol: r.symbol, ts, ...priced(r.values), date: formatInTimeZone(ts, NY, 'yyyy-MM-dd'), hm: formatInTimeZone(ts, NY, 'HH:mm') });
    }
    return bars.sort((a, b) => a.ts - b.ts || (a.symbol < b.symbol ? -1 : 1));
  });

const barEvent = (b: Pick<TestBar, 'symbol' | 'ts' | 'open' | 'high' | 'low' | 'close' | 'volume' | 'vwap'>): AnyEvent =>
  journalEvent('market.bar', b.ts, { symbol: b.symbol, open: b.open, high: b.high, low: b.low, close: b.close, volume: b.volume, vwap: b.vwap, trades: null });
const configEvent = (m: EngineConfig['market']): AnyEvent => runStarted(1, (c) => ({ ...c, market: m }));

// ---------------------------------------------------------------------------------------------------------
// The direct computation.

const isEarlyClose = (date: string) => calendarDayFor(date)?.earlyClose === true;
const isOpenDate = (date: string) => calendarDayFor(date) !== null;
const regular = (b: TestBar) => isOpenDate(b.date) && b.hm >= '09:30' && b.hm < (isEarlyClose(b.date) ? '13:00' : '16:00');
const max = (xs: number[]) => (xs.length === 0 ? null : Math.max(...xs));
const min = (xs: number[]) => (xs.length === 0 ? null : Math.min(...xs));

function reference(history: TestBar[], m: EngineConfig['market']): MarketIndicators {
  const last = history[history.length - 1] as TestBar;
  const today = history.filter((b) => b.date === last.date);
  const reg = today.filter(regular);
  const anchored = reg.length > 0 ? reg : today.filter((b) => !isOpenDate(b.date) || b.hm < '09:30');
  let pv = 0;
  let v = 0;
  for (const b of anchored) {
    pv += (b.vwap ?? (b.high + b.low + b.close) / 3) * b.volume;
    v += b.volume;
  }
  const or = reg.filter((b) => b.hm < '09:45');
  let prevClose: number | null = null;
  for (let i = history.length - 1; i >= 0; i--) {
    const b = history[i] as TestBar;
    if (b.date < last.date && regular(b)) {
      prevClose = b.close;
      break;
    }
  }
  const firstOpen = reg[0]?.open ?? null;

  let slope: number | null = null;
  let slopeNorm: number | null = null;
  if (history.length >= m.slopeBars) {
    // Textbook least squares: (n sum(xy) - sum(x) sum(y)) / (n sum(x^2) - sum(x)^2).
    const ys = history.slice(-m.slopeBars).map((b) => b.close);
    const n = ys.length;
    let sx = 0, sy = 0, sxx = 0, sxy = 0;
    ys.forEach((y, x) => { sx += x; sy += y; sxx += x * x; sxy += x * y; });
    slope = (n * sxy - sx * sy) / (n * sxx - sx * sx);
    slopeNorm = slope / (sy / n);
  }
  const range = history.length >= m.rangeBars ? history.slice(-m.rangeBars) : null;
  let volumeMean: number | null = null;
  let volumeRatio: number | null = null;
  if (history.length >= m.volumeSpikeWindowBars + 1) {
    const prev = history.slice(-m.volumeSpikeWindowBars - 1, -1);
    volumeMean = prev.reduce((s, b) => s + b.volume, 0) / m.volumeSpikeWindowBars;
    volumeRatio = volumeMean > 0 ? last.volume / volumeMean : null;
  }
  return {
    vwap: v > 0 ? pv / v : null,
    slope,
    slopeNorm,
    sessionHigh: max(reg.map((b) => b.high)),
    sessionLow: min(reg.map((b) => b.low)),
    rangeHigh: range === null ? null : max(range.map((b) => b.high)),
    rangeLow: range === null ? null : min(range.map((b) => b.low)),
    openingRangeHigh: max(or.map((b) => b.high)),
    openingRangeLow: min(or.map((b) => b.low)),
    openingRangeComplete: isOpenDate(last.date) && today.some((b) => b.hm >= '09:45'),
    volumeMean,
    volumeRatio,
    volumeSpike: volumeRatio !== null && volumeRatio >= m.volumeSpikeRatio,
    gapPct: firstOpen !== null && prevClose !== null ? (firstOpen - prevClose) / prevClose : null,
    prevClose,
    barsToday: today.length,
  };
}

/** Relative 1e-9, against the value or the price scale (a slope near zero is compared to the prices). */
function expectNear(field: string, actual: unknown, expected: unknown, scale: number): void {
  if (typeof expected !== 'number' || typeof actual !== 'number') {
    if (actual !== expected) throw new Error(`${field}: got ${String(actual)}, expected ${String(expected)}`);
    return;
  }
  const tolerance = 1e-9 * Math.max(Math.abs(expected), scale);
  if (!(Math.abs(actual - expected) <= tolerance)) throw new Error(`${field}: got ${actual}, expected ${expected} (tolerance ${tolerance})`);
}

describe('market property: indicators equal a direct computation after every bar', () => {
  it('for random bars of two symbols over trading days, a holiday, an early close and a DST switch', () => {
    fc.assert(
      fc.property(marketConfigArb, barsArb, (m, bars) => {
        let s = evolveMarket(initialMarketState(), configEvent(m));
        for (let k = 0; k < bars.length; k++) {
          const b = bars[k] as TestBar;
          s = evolveMarket(s, barEvent(b));
          const history = bars.slice(0, k + 1).filter((x) => x.symbol === b.symbol);
          const record = symbolMarket(s, b.symbol);
          if (record === undefined) throw new Error('no record');
          const got = indicatorsOf(record);
          const want = reference(history, m);
          const priceScale = Math.max(...history.map((x) => x.high));
          for (const key of Object.keys(want) as (keyof MarketIndicators)[]) {
            const scale = key === 'slopeNorm' || key === 'gapPct' || key === 'volumeRatio' ? 1 : key === 'volumeMean' ? 1 : priceScale;
            expectNear(`bar ${k} ${b.symbol} ${b.date} ${b.hm} ${key}`, got[key], want[key], scale);
          }
          expect(record.lastPrice).toBe(b.close);
          // The strategy's bars: the last barRingSize bars, exactly.
          const ring = history.slice(-m.barRingSize).map(({ ts, open, high, low, close, volume, vwap }) => ({ ts, open, high, low, close, volume, vwap }));
          expect(recentBars(record, m.barRingSize)).toEqual(ring);
        }
        expect(s.anomalyCount).toBe(0);
      }),
      { numRuns: 1_000 },
    );
  });
});

// ---------------------------------------------------------------------------------------------------------
// Corrections.

const correctionEvent = (b: TestBar, values: ReturnType<typeof priced>, ts: number): AnyEvent =>
  journalEvent('market.bar_correction', ts, { symbol: b.symbol, barTs: b.ts, ...values, trades: null });

/** The last index j (>= i) after which bar i is still guaranteed kept: in its symbol's ring, or of its day. */
function lastKeptIndex(bars: TestBar[], i: number, capacity: number): number {
  const b = bars[i] as TestBar;
  let later = 0;
  let j = i;
  for (let k = i + 1; k < bars.length; k++) {
    const x = bars[k] as TestBar;
    if (x.symbol !== b.symbol) {
      j = k;
      continue;
    }
    later++;
    if (later > capacity - 1 && x.date !== b.date) break;
    j = k;
  }
  return j;
}

describe('market property: corrections reach exactly the state of the corrected stream delivered clean', () => {
  it('with wrong bars corrected later (within what is kept) and a split in the middle', () => {
    const arb = fc.record({
      m: marketConfigArb,
      bars: barsArb,
      wrong: fc.array(fc.record({ pick: fc.nat(), delay: fc.nat(), values: rawBarArb.map((r) => r.values) }), { minLength: 1, maxLength: 8 }),
      split: fc.option(fc.record({ at: fc.nat(), ratio: fc.constantFrom(2, 4, 7, 0.5) }), { nil: null }),
    });
    fc.assert(
      fc.property(arb, ({ m, bars, wrong, split }) => {
        const capacity = ringCapacity({ ...m });
        // bar index -> its wrong values; bar index after which the correction is delivered -> bars to correct
        const wrongAt = new Map<number, ReturnType<typeof priced>>();
        const correctAfter = new Map<number, number[]>();
        for (const w of wrong) {
          const i = w.pick % bars.length;
          if (wrongAt.has(i)) continue;
          wrongAt.set(i, priced(w.values));
          const last = lastKeptIndex(bars, i, capacity);
          const j = i + (w.delay % (last - i + 1));
          correctAfter.set(j, [...(correctAfter.get(j) ?? []), i]);
        }
        const splitBefore = split === null ? -1 : split.at % bars.length;
        const splitEvent = split === null ? null : journalEvent('market.corporate_action', (bars[splitBefore] as TestBar).ts, {
          symbol: 'AAA', action: 'split', exDate: (bars[splitBefore] as TestBar).date, ratio: split.ratio,
        });

        let clean = evolveMarket(initialMarketState(), configEvent(m));
        let dirty = clean;
        const outstanding = new Set<number>();
        for (let k = 0; k < bars.length; k++) {
          const b = bars[k] as TestBar;
          if (k === splitBefore && splitEvent !== null) {
            clean = evolveMarket(clean, splitEvent);
            dirty = evolveMarket(dirty, splitEvent);
          }
          clean = evolveMarket(clean, barEvent(b));
          const w = wrongAt.get(k);
          dirty = evolveMarket(dirty, barEvent(w === undefined ? b : { ...b, ...w }));
          if (w !== undefined) outstanding.add(k);
          for (const i of correctAfter.get(k) ?? []) {
            const c = bars[i] as TestBar;
            dirty = evolveMarket(dirty, correctionEvent(c, { open: c.open, high: c.high, low: c.low, close: c.close, volume: c.volume, vwap: c.vwap }, b.ts + 1));
            outstanding.delete(i);
          }
          if (outstanding.size === 0) expect(dirty).toEqual(clean);
        }
        expect(dirty).toEqual(clean);
        expect(dirty.anomalyCount).toBe(0);
      }),
      { numRuns: 1_000 },
    );
  });
});

describe('market property: snapshots', () => {
  it('a JSON round trip at any point of a stream changes nothing', () => {
    fc.assert(
      fc.property(marketConfigArb, barsArb, fc.nat(), (m, bars, cut) => {
        const events = [configEvent(m), ...bars.map(barEvent)];
        const k = cut % events.length;
        const whole = events.reduce(evolveMarket, initialMarketState());
        const first = events.slice(0, k).reduce(evolveMarket, initialMarketState());
        const restored = JSON.parse(JSON.stringify(first)) as MarketState;
        expect(restored).toEqual(first);
        expect(events.slice(k).reduce(evolveMarket, restored)).toEqual(whole);
      }),
      { numRuns: 300 },
    );
  });
});
