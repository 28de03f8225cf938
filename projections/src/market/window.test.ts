// recentBarsReusing: the strategy window built from the previous one. It must equal recentBars element by
// element whatever the previous window holds (same symbol, another symbol, corrected or split bars), and
// reuse exactly the bar objects whose values did not change.
import fc from 'fast-check';
import type { AnyEvent } from '@axiom/events';
import { journalEvent } from '../session/test-support';
import { evolveMarket, initialMarketState, recentBars, recentBarsReusing, symbolMarket, type MarketBar, type MarketState, type SymbolMarket } from './index';

const T0 = Date.UTC(2026, 2, 9, 14, 0); // 10:00 New York, a Monday
const bar = (symbol: string, i: number, close: number): AnyEvent =>
  journalEvent('market.bar', T0 + i * 60_000, { symbol, open: close, high: close + 1, low: close - 1, close, volume: 100 + i, vwap: i % 3 === 0 ? null : close, trades: null });
const correction = (symbol: string, i: number, close: number): AnyEvent =>
  journalEvent('market.bar_correction', T0 + (i + 2) * 60_000, { symbol, barTs: T0 + i * 60_000, open: close, high: close + 1, low: close - 1, close, volume: 7, vwap: null, trades: null });
const record = (s: MarketState, symbol: string): SymbolMarket => {
  const r = symbolMarket(s, symbol);
  if (r === undefined) throw new Error(`no record for ${symbol}`);
  return r;
};

describe('recentBarsReusing', () => {
  it('slides: reuses every bar still in the window and builds only the new one', () => {
    let s = initialMarketState();
    for (let i = 0; i < 30; i++) s = evolveMarket(s, bar('SPY', i, 100 + i));
    const before = recentBarsReusing(record(s, 'SPY'), 22, null);
    s = evolveMarket(s, bar('SPY', 30, 130));
    const after = recentBarsReusing(record(s, 'SPY'), 22, before);
    expect(after).toEqual(recentBars(record(s, 'SPY'), 22));
    for (let k = 0; k < 21; k++) expect(after[k]).toBe(before[k + 1]);
    expect(after[21]).not.toBe(before[21]);
    expect(Object.isFrozen(after) && after.every((b) => Object.isFrozen(b))).toBe(true);
  });

  it('rebuilds a corrected bar instead of reusing the stale one', () => {
    let s = initialMarketState();
    for (let i = 0; i < 30; i++) s = evolveMarket(s, bar('SPY', i, 100 + i));
    const before = recentBarsReusing(record(s, 'SPY'), 10, null);
    s = evolveMarket(s, correction('SPY', 25, 50));
    const after = recentBarsReusing(record(s, 'SPY'), 10, before);
    expect(after).toEqual(recentBars(record(s, 'SPY'), 10));
    expect(after.find((b) => b.ts === T0 + 25 * 60_000)?.close).toBe(50);
    expect(after[5]).not.toBe(before[5]);
    expect(after[4]).toBe(before[4]);
  });

  it('equals recentBars for any previous window, even of another symbol or a corrected history (property)', () => {
    const step = fc.oneof(
      fc.record({ kind: fc.constant('bar' as const), symbol: fc.constantFrom('A', 'B'), close: fc.integer({ min: 10, max: 20 }) }),
      fc.record({ kind: fc.constant('fix' as const), symbol: fc.constantFrom('A', 'B'), back: fc.nat(5), close: fc.integer({ min: 10, max: 20 }) }),
    );
    fc.assert(fc.property(fc.array(step, { minLength: 1, maxLength: 60 }), fc.integer({ min: 1, max: 25 }), (steps, count) => {
      let s = initialMarketState();
      const n = new Map<string, number>([['A', 0], ['B', 0]]);
      const windows = new Map<string, readonly MarketBar[]>();
      let other: readonly MarketBar[] | null = null;
      for (const st of steps) {
        const i = n.get(st.symbol) as number;
        if (st.kind === 'bar') {
          s = evolveMarket(s, bar(st.symbol, i * 2 + (st.symbol === 'A' ? 0 : 1), st.close));
          n.set(st.symbol, i + 1);
        } else if (i > st.back) {
          const j = i - 1 - st.back;
          s = evolveMarket(s, correction(st.symbol, j * 2 + (st.symbol === 'A' ? 0 : 1), st.close));
        }
        const m = symbolMarket(s, st.symbol);
        if (m === undefined) continue;
        const reused = recentBarsReusing(m, count, windows.get(st.symbol) ?? other);
        expect(reused).toEqual(recentBars(m, count));
        windows.set(st.symbol, reused);
        other = reused;
      }
    }), { numRuns: 300 });
  });
});
