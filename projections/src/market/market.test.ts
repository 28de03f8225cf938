// Unit tests of the market reducer: given events, then the symbol's record and indicators.
import type { AnyEvent, EngineConfig } from '@axiom/events';
import { ANOMALIES_KEPT_MAX, calendarDaysFromAlpaca, wallTimeToUtcMs } from '../session';
import { journalEvent, runStarted, utc } from '../session/test-support';
import {
  DAY_STORE_BARS_MAX, STORE_LEAF_BARS, evolveMarket, initialMarketState, indicatorsOf, marketSymbols, recentBars,
  recentBarsOf, ringCapacity, symbolMarket, warmedUp, type MarketState, type SymbolMarket,
} from './index';
import { storeCount } from './store';

const NY = 'America/New_York';
const at = (date: string, hhmm: string, seconds = 0): number => wallTimeToUtcMs(date, hhmm, NY) + seconds * 1000;

interface BarOpts { open?: number; high?: number; low?: number; volume?: number; vwap?: number | null }
function bar(symbol: string, ts: number, close: number, o: BarOpts = {}): AnyEvent {
  const open = o.open ?? close;
  return journalEvent('market.bar', ts, {
    symbol, open, close, high: o.high ?? Math.max(open, close), low: o.low ?? Math.min(open, close),
    volume: o.volume ?? 100, vwap: o.vwap ?? null, trades: null,
  });
}
function correction(symbol: string, barTs: number, close: number, o: BarOpts = {}, ts = barTs + 90_000): AnyEvent {
  const open = o.open ?? close;
  return journalEvent('market.bar_correction', ts, {
    symbol, barTs, open, close, high: o.high ?? Math.max(open, close), low: o.low ?? Math.min(open, close),
    volume: o.volume ?? 100, vwap: o.vwap ?? null, trades: null,
  });
}
const split = (symbol: string, exDate: string, ratio: number, ts: number): AnyEvent =>
  journalEvent('market.corporate_action', ts, { symbol, action: 'split', exDate, ratio });
const withMarket = (patch: Partial<EngineConfig['market']>, ts = 1) =>
  runStarted(ts, (c) => ({ ...c, market: { ...c.market, ...patch } }));
const fold = (events: AnyEvent[], state: MarketState = initialMarketState()) => events.reduce(evolveMarket, state);
const rec = (s: MarketState, symbol = 'SPY'): SymbolMarket => {
  const r = symbolMarket(s, symbol);
  if (r === undefined) throw new Error(`no record for ${symbol}`);
  return r;
};

describe('market reducer: bars', () => {
  it('starts empty and returns the same state object for events it does not read', () => {
    const s = initialMarketState();
    expect(s).toMatchObject({ slots: [], anomalies: [], anomalyCount: 0, day: null });
    expect(marketSymbols(s)).toEqual([]);
    expect(s.config.market.barRingSize).toBe(120);
    for (const e of [
      journalEvent('timer.fired', 1, { purpose: 'x' }),
      journalEvent('session.phase_changed', 1, { tradingDay: '2026-03-09', from: 'CLOSED', to: 'PRE_MARKET', calendar: null, reason: 'x' }),
      journalEvent('cancel.requested', 1, { clientOrderId: 'a1', reason: 'x' }),
    ]) expect(evolveMarket(s, e)).toBe(s);
    const t = fold([bar('SPY', at('2026-03-09', '09:30'), 10)]);
    expect(evolveMarket(t, journalEvent('checkpoint.taken', 2, { barsSinceStart: 1, reason: 'x' }))).toBe(t);
  });

  it('counts the day from pre-market on, keeps the last trade, and starts over on a new day', () => {
    const s = fold([
      bar('SPY', at('2026-03-09', '04:00'), 10), bar('SPY', at('2026-03-09', '09:00'), 11),
      bar('SPY', at('2026-03-09', '09:30'), 12), bar('SPY', at('2026-03-09', '09:31'), 13),
    ]);
    expect(rec(s)).toMatchObject({ barsToday: 4, lastPrice: 13, lastTs: at('2026-03-09', '09:31'), tradingDay: '2026-03-09' });
    expect(indicatorsOf(rec(s)).barsToday).toBe(4);
    const t = fold([bar('SPY', at('2026-03-10', '04:01'), 14)], s);
    expect(rec(t)).toMatchObject({ barsToday: 1, lastPrice: 14, tradingDay: '2026-03-10', prevClose: 13 });
    expect(marketSymbols(t)).toEqual(['SPY']);
  });

  it('anchors VWAP at the first pre-market bar, re-anchors it at the 09:30 open and freezes it after the close', () => {
    const d = '2026-03-09';
    let s = fold([bar('SPY', at(d, '04:00'), 10, { volume: 100 }), bar('SPY', at(d, '05:00'), 20, { volume: 300, vwap: 19 })]);
    expect(indicatorsOf(rec(s)).vwap).toBeCloseTo((10 * 100 + 19 * 300) / 400, 12);
    expect(rec(s).vwapAnchorTs).toBe(at(d, '04:00'));
    s = fold([bar('SPY', at(d, '09:30'), 30, { high: 31, low: 29, volume: 200 })], s);
    expect(indicatorsOf(rec(s)).vwap).toBeCloseTo(30, 12); // typical price (h + l + c) / 3, from the open only
    expect(rec(s).vwapAnchorTs).toBe(at(d, '09:30'));
    s = fold([bar('SPY', at(d, '09:31'), 41, { volume: 200, vwap: 40 })], s);
    expect(indicatorsOf(rec(s)).vwap).toBeCloseTo(35, 12); // the feed's bar vwap when given
    s = fold([bar('SPY', at(d, '16:00'), 100, { volume: 1000 }), bar('SPY', at(d, '19:59'), 90, { volume: 1000 })], s);
    expect(indicatorsOf(rec(s)).vwap).toBeCloseTo(35, 12);
    const zero = fold([bar('QQQ', at(d, '04:00'), 10, { volume: 0 })]);
    expect(indicatorsOf(rec(zero, 'QQQ')).vwap).toBeNull();
  });

  it('keeps the regular session high/low and the 09:30-09:45 opening range, complete at the first bar from 09:45', () => {
    const d = '2026-03-09';
    let s = fold([
      bar('SPY', at(d, '08:00'), 50, { high: 100, low: 1 }), // pre-market: not the session
      bar('SPY', at(d, '09:30'), 10, { high: 11, low: 9 }),
      bar('SPY', at(d, '09:44'), 10, { high: 12, low: 8.5 }),
    ]);
    expect(indicatorsOf(rec(s))).toMatchObject({
      sessionHigh: 12, sessionLow: 8.5, openingRangeHigh: 12, openingRangeLow: 8.5, openingRangeComplete: false,
    });
    s = fold([bar('SPY', at(d, '09:45'), 10, { high: 15, low: 7 })], s);
    expect(indicatorsOf(rec(s))).toMatchObject({
      sessionHigh: 15, sessionLow: 7, openingRangeHigh: 12, openingRangeLow: 8.5, openingRangeComplete: true,
    });
    s = fold([bar('SPY', at(d, '16:05'), 10, { high: 200, low: 0.5 })], s); // after hours: not the session
    expect(indicatorsOf(rec(s))).toMatchObject({ sessionHigh: 15, sessionLow: 7 });
    // No bar in 09:45 itself: the range completes at the first later bar.
    const t = fold([bar('QQQ', at(d, '09:31'), 10, { high: 11, low: 9 }), bar('QQQ', at(d, '09:52'), 10, { high: 20, low: 1 })]);
    expect(indicatorsOf(rec(t, 'QQQ'))).toMatchObject({ openingRangeHigh: 11, openingRangeLow: 9, openingRangeComplete: true });
  });

  it('ends the regular session at 13:00 on an early close: 2026-11-27 -> prevClose of 2026-11-30 is the 12:59 close', () => {
    let s = fold([
      bar('SPY', at('2026-11-27', '12:59'), 50, { high: 51 }),
      bar('SPY', at('2026-11-27', '13:00'), 60, { high: 61 }),
    ]);
    expect(indicatorsOf(rec(s)).sessionHigh).toBe(51);
    s = fold([bar('SPY', at('2026-11-30', '09:30'), 56, { open: 55 })], s);
    expect(indicatorsOf(rec(s))).toMatchObject({ prevClose: 50, gapPct: 0.1 });
  });

  it('takes prevClose from the last regular bar of the last day that had one: after-hours and holidays do not count', () => {
    let s = fold([bar('SPY', at('2026-11-25', '15:59'), 10), bar('SPY', at('2026-11-25', '16:30'), 11)]);
    s = fold([bar('SPY', at('2026-11-26', '10:00'), 12)], s); // Thanksgiving: a stray print, no session
    expect(indicatorsOf(rec(s))).toMatchObject({ prevClose: 10, sessionHigh: null, vwap: 12, openingRangeComplete: false });
    s = fold([bar('SPY', at('2026-11-27', '09:30'), 13, { open: 12 })], s);
    expect(indicatorsOf(rec(s))).toMatchObject({ prevClose: 10, gapPct: 0.2 });
  });

  it('measures volume against the mean of the previous N bars, and flags a spike at the configured ratio', () => {
    const d = '2026-03-09';
    let s = fold([withMarket({ volumeSpikeWindowBars: 3, volumeSpikeRatio: 2 })]);
    s = fold([100, 100, 100].map((v, i) => bar('SPY', at(d, '09:30') + i * 60_000, 10, { volume: v })), s);
    expect(indicatorsOf(rec(s))).toMatchObject({ volumeMean: null, volumeRatio: null, volumeSpike: false });
    s = fold([bar('SPY', at(d, '09:33'), 10, { volume: 300 })], s);
    expect(indicatorsOf(rec(s))).toMatchObject({ volumeMean: 100, volumeRatio: 3, volumeSpike: true });
    s = fold([bar('SPY', at(d, '09:34'), 10, { volume: 150 })], s);
    expect(indicatorsOf(rec(s)).volumeMean).toBeCloseTo(500 / 3, 12);
    expect(indicatorsOf(rec(s)).volumeSpike).toBe(false);
    const z = fold([withMarket({ volumeSpikeWindowBars: 1 }), bar('QQQ', at(d, '09:30'), 10, { volume: 0 }), bar('QQQ', at(d, '09:31'), 10, { volume: 5 })]);
    expect(indicatorsOf(rec(z, 'QQQ'))).toMatchObject({ volumeMean: 0, volumeRatio: null, volumeSpike: false });
  });

  it('computes the slope and range of the last N bars, across days', () => {
    let s = fold([withMarket({ slopeBars: 3, rangeBars: 2 })]);
    s = fold([bar('SPY', at('2026-03-06', '19:59'), 1, { high: 5 }), bar('SPY', at('2026-03-09', '04:00'), 2), bar('SPY', at('2026-03-09', '04:01'), 4, { low: 3 })], s);
    const ind = indicatorsOf(rec(s));
    expect(ind.slope).toBeCloseTo(1.5, 12);
    expect(ind.slopeNorm).toBeCloseTo(1.5 / (7 / 3), 12);
    expect(ind).toMatchObject({ rangeHigh: 4, rangeLow: 2 });
  });

  it('refuses a bar that is not after the last one (duplicate or out of order) as an anomaly', () => {
    const s = fold([bar('SPY', at('2026-03-09', '09:31'), 10)]);
    const e = bar('SPY', at('2026-03-09', '09:30'), 11);
    const t = evolveMarket(s, e);
    expect(rec(t)).toBe(rec(s));
    expect(t.anomalies).toEqual([{ seq: e.seq, type: 'market.bar', symbol: 'SPY', detail: expect.stringContaining('not after the last bar') }]);
    expect(evolveMarket(t, bar('SPY', at('2026-03-09', '09:31'), 12)).anomalyCount).toBe(2);
  });

  it('gives strategies the last N bars oldest first (StrategyBar shape), and reports warmup from the day count', () => {
    let s = fold([withMarket({ barRingSize: 3 })]);
    s = fold([1, 2, 3, 4, 5].map((c, i) => bar('SPY', at('2026-03-09', '09:30') + i * 60_000, c, { vwap: i === 4 ? 4.5 : null })), s);
    expect(recentBarsOf(s, 'SPY').map((b) => b.close)).toEqual([3, 4, 5]);
    expect(recentBarsOf(s, 'SPY')[2]).toEqual({ ts: at('2026-03-09', '09:34'), open: 5, high: 5, low: 5, close: 5, volume: 100, vwap: 4.5 });
    expect(Object.isFrozen(recentBarsOf(s, 'SPY')[0])).toBe(true);
    expect(recentBars(rec(s), 2).map((b) => b.close)).toEqual([4, 5]);
    expect(recentBarsOf(s, 'NONE')).toEqual([]);
    expect(warmedUp(s, 'SPY')).toBe(false);
    const w = fold([runStarted(2, (c) => ({ ...c, warmupBars: 5 }))], s);
    expect(warmedUp(w, 'SPY')).toBe(true);
  });

  it('gives the same bars for any count, across full and partial leaves, before and after a correction', () => {
    const d = '2026-03-09';
    const bars = Array.from({ length: 3 * STORE_LEAF_BARS + 5 }, (_, i) => bar('SPY', at(d, '09:30') + i * 60_000, 100 + i, { volume: 10 + i, vwap: i % 2 === 0 ? 100 + i : null }));
    const s = fold(bars);
    const expected = (state: MarketState) => bars.map((e) => {
      const p = (e.payload as { open: number; high: number; low: number; close: number; volume: number; vwap: number | null });
      const corrected = e.ts === at(d, '09:35') && state !== s;
      return { ts: e.ts, open: corrected ? 1 : p.open, high: corrected ? 1 : p.high, low: corrected ? 1 : p.low, close: corrected ? 1 : p.close, volume: corrected ? 100 : p.volume, vwap: corrected ? null : p.vwap };
    });
    const fixed = evolveMarket(s, correction('SPY', at(d, '09:35'), 1, {}, at(d, '11:00')));
    for (const state of [s, fixed]) {
      for (const count of [0, 1, 5, STORE_LEAF_BARS, STORE_LEAF_BARS + 1, 40, 53, 200]) {
        const got = recentBars(rec(state), count);
        expect(got).toEqual(expected(state).slice(Math.max(0, bars.length - count)));
        expect(got.every((b) => Object.isFrozen(b))).toBe(true);
      }
    }
  });
});

describe('market reducer: splits', () => {
  it('AAPL 7:1 on 2014-06-09: prevClose 645.57 becomes 92.2243 and a 92.23 open gaps ~0', () => {
    let s = fold([
      bar('AAPL', at('2014-06-06', '15:59'), 645.57, { volume: 1000 }),
      bar('AAPL', at('2014-06-06', '16:30'), 645.7, { volume: 500 }),
      split('AAPL', '2014-06-09', 7, utc('2014-06-07T12:00:00Z')),
    ]);
    expect(rec(s, 'AAPL').splits).toEqual([expect.objectContaining({ exDate: '2014-06-09', ratio: 7, applied: false })]);
    expect(recentBars(rec(s, 'AAPL'), 5).map((b) => b.close)).toEqual([645.57, 645.7]); // not yet: exDate ahead
    s = fold([bar('AAPL', at('2014-06-09', '04:00'), 92.42), bar('AAPL', at('2014-06-09', '09:30'), 92.5, { open: 92.23 })], s);
    const ind = indicatorsOf(rec(s, 'AAPL'));
    expect(ind.prevClose).toBeCloseTo(92.2243, 4);
    expect(ind.prevClose).toBe(645.57 / 7);
    expect(Math.abs(ind.gapPct ?? 1)).toBeLessThan(1e-4);
    const [friday, after] = recentBars(rec(s, 'AAPL'), 4);
    expect(friday).toMatchObject({ close: 645.57 / 7, volume: 7000 });
    expect(after).toMatchObject({ close: 645.7 / 7, volume: 3500 });
    expect(rec(s, 'AAPL').splits[0]?.applied).toBe(true);
  });

  it('waits for exDate: bars of the day before that arrive after the announcement are rescaled with the rest', () => {
    const s = fold([
      split('AAPL', '2014-06-09', 7, at('2014-06-06', '12:00')),
      bar('AAPL', at('2014-06-06', '15:58'), 700),
      bar('AAPL', at('2014-06-06', '15:59'), 645.57),
      bar('AAPL', at('2014-06-09', '04:00'), 92.42),
    ]);
    expect(recentBars(rec(s, 'AAPL'), 3).map((b) => b.close)).toEqual([700 / 7, 645.57 / 7, 92.42]);
    expect(indicatorsOf(rec(s, 'AAPL')).prevClose).toBe(645.57 / 7);
  });

  it('applies a late split (announced after exDate bars arrived) at once, to the older references only', () => {
    const s = fold([
      bar('AAPL', at('2014-06-06', '15:59'), 645.57),
      bar('AAPL', at('2014-06-09', '09:30'), 92.5, { open: 92.23 }),
      split('AAPL', '2014-06-09', 7, at('2014-06-09', '09:31')),
    ]);
    expect(indicatorsOf(rec(s, 'AAPL')).prevClose).toBe(645.57 / 7);
    expect(Math.abs(indicatorsOf(rec(s, 'AAPL')).gapPct ?? 1)).toBeLessThan(1e-4);
    expect(recentBars(rec(s, 'AAPL'), 2).map((b) => b.close)).toEqual([645.57 / 7, 92.5]);
    expect(rec(s, 'AAPL').lastPrice).toBe(92.5);
  });

  it('records a duplicate or conflicting split as an anomaly and applies it once', () => {
    const base = fold([bar('AAPL', at('2014-06-06', '15:59'), 645.57), split('AAPL', '2014-06-09', 7, 1)]);
    const dup = fold([split('AAPL', '2014-06-09', 7, 2), split('AAPL', '2014-06-09', 4, 3)], base);
    expect(dup.anomalies.map((a) => a.detail)).toEqual([expect.stringContaining('duplicate split 7'), expect.stringContaining('conflicts with 7')]);
    expect(rec(dup, 'AAPL')).toBe(rec(base, 'AAPL'));
  });
});

describe('market reducer: corrections', () => {
  const d = '2026-03-09';
  const day = (closes: number[], start = '09:28') => closes.map((c, i) => bar('SPY', at(d, start) + i * 60_000, c, { volume: 100 + i, high: c + 1, low: c - 1 }));

  it('replaces a bar of today: the record is exactly the one a clean delivery of the corrected bar gives', () => {
    const config = withMarket({ slopeBars: 3, rangeBars: 3, volumeSpikeWindowBars: 2 });
    const wrong = [config, ...day([10, 11, 12, 13, 14, 15, 16, 17])];
    const fixedBar = bar('SPY', at(d, '09:31'), 99, { volume: 5000, high: 120, low: 98, open: 98.5 });
    const clean = [config, ...day([10, 11, 12, 13, 14, 15, 16, 17]).map((e) => (e.ts === at(d, '09:31') ? fixedBar : e))];
    const corrected = fold([...wrong, correction('SPY', at(d, '09:31'), 99, { volume: 5000, high: 120, low: 98, open: 98.5 })]);
    expect(rec(corrected)).toEqual(rec(fold(clean)));
    expect(indicatorsOf(rec(corrected)).sessionHigh).toBe(120);
    expect(corrected.anomalyCount).toBe(0);
  });

  it('corrects the previous day\'s last regular bar: prevClose and the gap follow', () => {
    const s = fold([
      bar('SPY', at('2026-03-06', '15:59'), 100),
      bar('SPY', at('2026-03-09', '09:30'), 104, { open: 104 }),
      correction('SPY', at('2026-03-06', '15:59'), 80, {}, at('2026-03-09', '09:31')),
    ]);
    expect(indicatorsOf(rec(s))).toMatchObject({ prevClose: 80, gapPct: 0.3 });
  });

  it('rescales a correction of a pre-split bar by the splits applied since', () => {
    const s = fold([
      bar('AAPL', at('2014-06-06', '15:59'), 645.57),
      split('AAPL', '2014-06-09', 7, 1),
      bar('AAPL', at('2014-06-09', '09:30'), 92.5, { open: 92.23 }),
      correction('AAPL', at('2014-06-06', '15:59'), 651, {}, at('2014-06-09', '09:31')),
    ]);
    expect(indicatorsOf(rec(s, 'AAPL')).prevClose).toBe(651 / 7);
    expect(recentBars(rec(s, 'AAPL'), 2)[0]?.close).toBe(651 / 7);
  });

  it('records a correction for a bar it does not keep as an anomaly and leaves the record untouched', () => {
    const s = fold([withMarket({ barRingSize: 1, slopeBars: 2, rangeBars: 1, volumeSpikeWindowBars: 1 })]);
    // 40 bars over three days; capacity 2, so most of the older days' bars are gone.
    const days = ['2026-03-04', '2026-03-05', '2026-03-06'];
    const bars = days.flatMap((dd) => Array.from({ length: 40 }, (_, i) => bar('SPY', at(dd, '09:30') + i * 60_000, 10 + i)));
    const t = fold(bars, s);
    const before = rec(t);
    for (const e of [
      correction('SPY', at('2026-03-04', '09:30'), 1), // evicted
      correction('SPY', at('2026-03-06', '09:30') + 30_000, 1), // never seen (no bar starts then)
      correction('SPY', at('2026-03-06', '11:00'), 1), // later than the latest bar
      correction('QQQ', at('2026-03-06', '09:30'), 1), // unknown symbol
    ]) {
      const u = evolveMarket(t, e);
      expect(rec(u)).toBe(before);
      expect(u.anomalies[u.anomalies.length - 1]).toMatchObject({ seq: e.seq, type: 'market.bar_correction', detail: expect.stringContaining('indicators untouched') });
    }
    expect(ringCapacity(t.config.market)).toBe(2);
  });

  it('keeps only the recent bars of the day once the session closes; a late correction then fixes what is kept', () => {
    const config = withMarket({ barRingSize: 16, slopeBars: 3, rangeBars: 3, volumeSpikeWindowBars: 2 });
    // 09:30-15:59: 390 regular bars, far more than the ring.
    const closes = Array.from({ length: 390 }, (_, i) => 100 + (i % 7));
    const open = fold([config, ...day(closes, '09:30'), bar('QQQ', at(d, '15:59'), 50)]);
    expect(rec(open).dayStoreComplete).toBe(true);
    const close = journalEvent('session.phase_changed', at(d, '16:00'), { tradingDay: d, from: 'EOD_LIQUIDATION', to: 'AFTER_HOURS', calendar: null, reason: 'x' });
    const closed = evolveMarket(open, close);
    // SPY's store drops whole leaves down to the ring; QQQ (one bar) is untouched, the same object.
    expect(storeCount(rec(open).store)).toBe(390);
    expect(storeCount(rec(closed).store)).toBeGreaterThanOrEqual(16);
    expect(storeCount(rec(closed).store)).toBeLessThan(16 + STORE_LEAF_BARS);
    expect(rec(closed)).toMatchObject({ dayStoreComplete: false, indicators: rec(open).indicators, lastRegularClose: rec(open).lastRegularClose });
    expect(rec(closed, 'QQQ')).toBe(rec(open, 'QQQ'));
    // Not again after hours, and never at an opening.
    expect(evolveMarket(closed, { ...close, payload: { ...close.payload, from: 'AFTER_HOURS', to: 'CLOSED' } } as AnyEvent)).toBe(closed);

    // A correction of a dropped bar is an anomaly; of the 15:59 bar it fixes the close the next day's gap uses.
    const dropped = evolveMarket(closed, correction('SPY', at(d, '09:31'), 1, {}, at(d, '16:01')));
    expect(rec(dropped)).toBe(rec(closed));
    expect(dropped.anomalies.at(-1)?.detail).toContain('no such bar is kept');
    const fixed = evolveMarket(closed, correction('SPY', at(d, '15:59'), 90, {}, at(d, '16:01')));
    expect(rec(fixed)).toMatchObject({ lastRegularClose: 90, lastPrice: 90 });
    expect(fixed.anomalies.at(-1)?.detail).toContain('the session closed');
    const next = evolveMarket(fixed, bar('SPY', at('2026-03-10', '09:30'), 99));
    expect(indicatorsOf(rec(next))).toMatchObject({ prevClose: 90, gapPct: 0.1 });
  });
});

describe('market reducer: config, calendar and bounds', () => {
  it('takes its parameters from run.started and rebuilds every record; a config that does not parse is an anomaly', () => {
    const d = '2026-03-09';
    const s = fold([1, 2, 4, 8].map((c, i) => bar('SPY', at(d, '09:30') + i * 60_000, c)));
    expect(indicatorsOf(rec(s)).slope).toBeNull(); // 20 bars needed by default
    const t = fold([withMarket({ slopeBars: 2, rangeBars: 4 })], s);
    expect(indicatorsOf(rec(t))).toMatchObject({ slope: 4, rangeHigh: 8, rangeLow: 1 });
    expect(fold([withMarket({ slopeBars: 2, rangeBars: 4 })], t)).toBe(t); // same config: same state
    const bad = journalEvent('run.started', 9, {
      runId: 'test0009', mode: 'backtest', config: { market: { slopeBars: 1 } }, configHash: 'c'.repeat(64),
      strategies: [], codeVersion: 't', catalogVersion: 1, dataSource: 't',
    });
    const u = evolveMarket(t, bad);
    expect(u.config).toEqual(t.config);
    expect(u.anomalies[0]?.detail).toContain('market.slopeBars');
  });

  it('re-folds today when a broker calendar changes its session (a late-announced 13:00 close)', () => {
    const d = '2026-11-25';
    let s = fold([
      bar('SPY', at(d, '09:30'), 10, { high: 11 }),
      bar('SPY', at(d, '12:59'), 12, { high: 13 }),
      bar('SPY', at(d, '13:30'), 20, { high: 21 }),
    ]);
    expect(indicatorsOf(rec(s)).sessionHigh).toBe(21);
    s = fold([journalEvent('broker.calendar', at(d, '13:31'), { days: calendarDaysFromAlpaca([{ date: d, open: '09:30', close: '13:00' }]) })], s);
    expect(indicatorsOf(rec(s)).sessionHigh).toBe(13);
    expect(rec(s).lastRegularClose).toBe(12);
    expect(s.overrides[d]?.earlyClose).toBe(true);
  });

  it('keeps at most the ring plus today\'s bars (whole leaves), and at most 1,440 bars of one day', () => {
    let s = fold([withMarket({ barRingSize: 5, slopeBars: 3, rangeBars: 3, volumeSpikeWindowBars: 3 })]);
    for (const dd of ['2026-03-04', '2026-03-05', '2026-03-06']) {
      s = fold(Array.from({ length: 100 }, (_, i) => bar('SPY', at(dd, '09:30') + i * 60_000, 10 + i)), s);
      expect(recentBars(rec(s), 10_000).length).toBeLessThanOrEqual(100 + STORE_LEAF_BARS);
    }
    s = fold([bar('SPY', at('2026-03-09', '04:00'), 1)], s);
    expect(recentBars(rec(s), 10_000).length).toBeLessThanOrEqual(5 + STORE_LEAF_BARS);

    // 1,456 bars in one New York day (59 s apart): past 1,440 the oldest leave (a whole leaf at a time) and
    // the day can no longer be re-folded exactly.
    const first = at('2026-03-10', '00:00');
    const count = DAY_STORE_BARS_MAX + STORE_LEAF_BARS - 1;
    let t = fold(Array.from({ length: count }, (_, i) => bar('QQQ', first + i * 59_000, 10 + (i % 7))));
    expect(rec(t, 'QQQ')).toMatchObject({ barsToday: count, dayStoreComplete: true });
    t = fold([bar('QQQ', first + count * 59_000, 10)], t);
    expect(rec(t, 'QQQ')).toMatchObject({ barsToday: count + 1, dayStoreComplete: false });
    expect(recentBars(rec(t, 'QQQ'), 10_000).length).toBe(count + 1 - STORE_LEAF_BARS);
    const evicted = fold([correction('QQQ', first, 500)], t);
    expect(evicted.anomalies[0]?.detail).toContain('no such bar is kept');
    t = fold([correction('QQQ', first + (count - 10) * 59_000, 500)], t); // within the last 30 bars (rangeBars)
    expect(t.anomalies[0]?.detail).toContain('keep the uncorrected bar');
    expect(indicatorsOf(rec(t, 'QQQ')).rangeHigh).toBe(500);
  });

  it('keeps the last 100 anomalies and counts them all', () => {
    let s = fold([bar('SPY', at('2026-03-09', '09:31'), 10)]);
    for (let i = 0; i < 130; i++) s = evolveMarket(s, bar('SPY', at('2026-03-09', '09:30'), 10));
    expect(s.anomalyCount).toBe(130);
    expect(s.anomalies).toHaveLength(ANOMALIES_KEPT_MAX);
  });

  it('is plain JSON: a snapshot round trip restores it identically and it evolves the same afterwards', () => {
    const d = '2026-03-09';
    const events = [
      withMarket({ slopeBars: 3 }),
      ...Array.from({ length: 50 }, (_, i) => bar(i % 2 ? 'SPY' : 'QQQ', at(d, '09:00') + i * 60_000, 10 + (i % 5), { vwap: i % 3 ? null : 10 })),
      split('SPY', '2026-03-10', 2, at(d, '12:00')),
      bar('SPY', at(d, '10:00'), 1, { open: 3 }),
    ];
    const s = fold(events);
    const restored = JSON.parse(JSON.stringify(s)) as MarketState;
    expect(restored).toEqual(s);
    const more = [
      bar('SPY', at('2026-03-10', '09:30'), 6), correction('SPY', at(d, '09:55'), 50),
      bar('QQQ', at('2026-03-10', '09:31'), 6),
    ];
    expect(fold(more, restored)).toEqual(fold(more, s));
  });
});
