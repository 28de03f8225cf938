import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  BUILTIN_STRATEGIES, instantiate, loadStrategy, normalizedSlope, openingRangeBreakout, slopeMomentum,
  vwapReversion, type StrategyBar, type StrategyIndicators,
} from './index';

const noIndicators: StrategyIndicators = {
  vwap: null, slope: null, slopeNorm: null, sessionHigh: null, sessionLow: null, rangeHigh: null, rangeLow: null,
  openingRangeHigh: null, openingRangeLow: null, openingRangeComplete: false, volumeMean: null, volumeRatio: null,
  volumeSpike: false, gapPct: null, prevClose: null, barsToday: 60,
};
const bar = (close: number, i = 0, volume = 1000): StrategyBar =>
  ({ ts: 1_700_000_000_000 + i * 60_000, open: close, high: close, low: close, close, volume, vwap: null });
const ctx = (bars: StrategyBar[], ind: Partial<StrategyIndicators>) => ({
  symbol: 'SPY', ts: bars[bars.length - 1]!.ts, bars: Object.freeze(bars), indicators: { ...noIndicators, ...ind },
  barCount: bars.length, bar: (back: number) => bars[bars.length - 1 - back], close: (back: number) => bars[bars.length - 1 - back]?.close,
});

describe('vwap-reversion', () => {
  const s = instantiate(vwapReversion);
  it('buys the bar that crosses below VWAP by the threshold, once', () => {
    const sig = s.onBar(ctx([bar(100), bar(99.7)], { vwap: 100, slopeNorm: 0 }));
    expect(sig).toMatchObject({ side: 'buy', takeProfitPct: 0.25, stopLossPct: 0.3 });
    expect(sig?.reason).toContain('below VWAP');
    expect(s.onBar(ctx([bar(99.7), bar(99.6)], { vwap: 100, slopeNorm: 0 }))).toBeNull();
  });
  it('sells a stretch above VWAP and stays out when the slope is not flat', () => {
    expect(s.onBar(ctx([bar(100), bar(100.3)], { vwap: 100, slopeNorm: 0 }))?.side).toBe('sell');
    expect(s.onBar(ctx([bar(100), bar(100.3)], { vwap: 100, slopeNorm: 0.01 }))).toBeNull();
    expect(s.onBar(ctx([bar(100), bar(100.3)], { vwap: null, slopeNorm: 0 }))).toBeNull();
  });
});

describe('opening-range-breakout', () => {
  const s = instantiate(openingRangeBreakout);
  const ind = { openingRangeHigh: 101, openingRangeLow: 99, openingRangeComplete: true, volumeRatio: 2 };
  it('buys the first close above the range high with volume', () => {
    expect(s.onBar(ctx([bar(100.9), bar(101.3)], ind))?.side).toBe('buy');
    expect(s.onBar(ctx([bar(101.3), bar(101.5)], ind))).toBeNull();
  });
  it('sells below the low; nothing before the range is complete or without volume', () => {
    expect(s.onBar(ctx([bar(99.1), bar(98.7)], ind))?.side).toBe('sell');
    expect(s.onBar(ctx([bar(100.9), bar(101.3)], { ...ind, openingRangeComplete: false }))).toBeNull();
    expect(s.onBar(ctx([bar(100.9), bar(101.3)], { ...ind, volumeRatio: 1 }))).toBeNull();
  });
});

describe('slope-momentum', () => {
  const s = instantiate(slopeMomentum, { lookbackBars: 5, minSlopeNorm: 0.001 });
  it('computes the normalized least-squares slope', () => {
    const bars = [100, 101, 102, 103].map((c, i) => bar(c, i));
    expect(normalizedSlope(bars.map((b) => b.close), 0, 4)).toBeCloseTo(1 / 101.5, 12);
    expect(normalizedSlope(bars.map((b) => b.close), 0, 1)).toBeNull();
  });
  it('buys when the slope crosses up through the threshold above VWAP', () => {
    const flat = [100, 100, 100, 100, 100].map((c, i) => bar(c, i));
    const bars = [...flat, bar(101, 5)];
    // Before: slope over bars 0..4 is 0; now: bars 1..5 ramp at the end.
    expect(s.onBar(ctx(bars, { vwap: 100, volumeRatio: 1.5 }))?.side).toBe('buy');
    expect(s.onBar(ctx(bars, { vwap: 102, volumeRatio: 1.5 }))).toBeNull();
  });
});

describe('contract', () => {
  it('refuses bad params, naming the strategy and field', () => {
    expect(() => instantiate(vwapReversion, { deviationPct: -1 })).toThrow(/vwap-reversion\.params\.deviationPct/);
    expect(() => instantiate(vwapReversion, { nope: 1 })).toThrow(/invalid strategy params/);
  });
  it('freezes params so a strategy cannot change them', () => {
    const s = instantiate(vwapReversion);
    expect(Object.isFrozen(s.params)).toBe(true);
  });
  it('validates a plugin signal at the boundary', () => {
    const bad = { ...vwapReversion, onBar: () => ({ side: 'buy' as const, reason: 'x', takeProfitPct: Number.NaN, stopLossPct: 1 }) };
    expect(() => instantiate(bad).onBar(ctx([bar(1)], {}))).toThrow(/takeProfitPct NaN/);
  });
  it('has three built-ins and loads a user strategy from a file', () => {
    expect(Object.keys(BUILTIN_STRATEGIES).sort()).toEqual(['opening-range-breakout', 'slope-momentum', 'vwap-reversion']);
    const dir = mkdtempSync(join(tmpdir(), 'axiom-strategy-'));
    const file = join(dir, 'my.ts');
    writeFileSync(file, `
      import { z } from 'zod';
      import { defineStrategy } from '${join(__dirname, 'index').replace(/\\/g, '/')}';
      export default defineStrategy({ name: 'always-buy', version: '0.1.0', params: z.object({}),
        onBar: () => ({ side: 'buy', reason: 'always', takeProfitPct: 1, stopLossPct: 1 }) });
    `);
    const loaded = loadStrategy(file);
    expect(loaded.definition.name).toBe('always-buy');
    expect(loaded.sourceHash).toMatch(/^[0-9a-f]{64}$/);
    expect(() => loadStrategy('no-such')).toThrow(/unknown strategy "no-such"/);
    expect(() => loadStrategy(join(dir, 'missing.ts'))).toThrow(/cannot be read/);
  });
});
