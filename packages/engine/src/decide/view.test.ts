// The strategy context's single-bar reads agree with its window: bar(k) and close(k) are bars[length - 1 - k],
// barCount is bars.length, whether or not the window was built first.
import type { AnyEvent } from '@axiom/events';
import { evolve, initialEngineState, type EngineState } from '@axiom/projections';
import { strategyContext } from './view';

const T0 = Date.UTC(2026, 10, 24, 15, 0); // 10:00 New York
function withBars(count: number): EngineState {
  let s = initialEngineState();
  for (let i = 0; i < count; i++) {
    const close = 100 + ((i * 7) % 11) / 10;
    const e = { seq: i + 1, ts: T0 + i * 60_000, kind: 'input', type: 'market.bar', causedBy: null, hash: '', recordedAt: 0,
      payload: { symbol: 'SPY', open: close, high: close + 0.5, low: close - 0.5, close, volume: 100 + i, vwap: i % 2 === 0 ? null : close, trades: null } } as AnyEvent;
    s = evolve(s, e);
  }
  return s;
}

describe('strategy context: bar(back), close(back), barCount', () => {
  it.each([[40, 22], [5, 22], [30, 2]])('agree with the window (%i bars stored, %i wanted), built before or after', (stored, wanted) => {
    const s = withBars(stored);
    const lazy = strategyContext(s, 'SPY', T0, wanted);
    const singles = Array.from({ length: wanted + 2 }, (_, k) => [lazy.bar(k), lazy.close(k)] as const);
    const count = lazy.barCount;
    const bars = lazy.bars;
    expect(count).toBe(bars.length);
    expect(count).toBe(Math.min(stored, wanted));
    for (let k = 0; k < wanted + 2; k++) {
      const expected = bars[bars.length - 1 - k];
      expect(singles[k]![0]).toEqual(expected);
      expect(singles[k]![1]).toBe(expected?.close);
      // After the window is built, the same objects as the window's.
      expect(lazy.bar(k)).toBe(expected);
      expect(lazy.close(k)).toBe(expected?.close);
      if (expected !== undefined) expect(Object.isFrozen(singles[k]![0])).toBe(true);
    }
    expect(lazy.bar(-1)).toBeUndefined();
    expect(lazy.bar(0.5)).toBeUndefined();
    expect(lazy.close(-1)).toBeUndefined();
    expect(strategyContext(s, 'SPY', T0, wanted).close(1.5)).toBeUndefined();
  });

  it('the same single bar is built once per context', () => {
    const ctx = strategyContext(withBars(30), 'SPY', T0, 22);
    expect(ctx.bar(1)).toBe(ctx.bar(1));
  });
});
