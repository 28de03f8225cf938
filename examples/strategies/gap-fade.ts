// An example user strategy, loaded by path: `pnpm axiom backtest --strategy examples/strategies/gap-fade.ts`.
// Fades a large opening gap once the opening range is set: a gap up that fails back under the opening-range
// low is sold, a gap down that recovers over the opening-range high is bought. It reads only its symbol's
// bars and indicators (the contract); sizing, routing, exits and risk are the engine's.
import { defineStrategy, z } from '@axiom/strategies';

export default defineStrategy({
  name: 'gap-fade',
  version: '0.1.0',
  description: 'Fade a failed opening gap (split-adjusted gap vs. the previous close).',
  warmupBars: 2,
  params: z.strictObject({
    /** Smallest |gap| that counts, as a fraction of the previous close (0.003 = 0.3%). */
    minGap: z.number().positive().default(0.003),
    takeProfitPct: z.number().positive().default(0.4),
    stopLossPct: z.number().positive().default(0.3),
  }),
  onBar: ({ bars, indicators, params }) => {
    const { gapPct, openingRangeComplete, openingRangeHigh: hi, openingRangeLow: lo } = indicators;
    if (gapPct === null || !openingRangeComplete || hi === null || lo === null || Math.abs(gapPct) < params.minGap) return null;
    const bar = bars[bars.length - 1];
    const prev = bars[bars.length - 2];
    if (bar === undefined || prev === undefined) return null;
    if (gapPct > 0 && bar.close < lo && prev.close >= lo) {
      return { side: 'sell', reason: `gap up ${(gapPct * 100).toFixed(2)}% failed below the opening-range low ${lo}`, takeProfitPct: params.takeProfitPct, stopLossPct: params.stopLossPct };
    }
    if (gapPct < 0 && bar.close > hi && prev.close <= hi) {
      return { side: 'buy', reason: `gap down ${(gapPct * 100).toFixed(2)}% recovered above the opening-range high ${hi}`, takeProfitPct: params.takeProfitPct, stopLossPct: params.stopLossPct };
    }
    return null;
  },
});
