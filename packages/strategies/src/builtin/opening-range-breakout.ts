// Opening-range breakout: once the 09:30-09:45 range is set, trade the first close outside it when volume
// confirms. Fires on the crossing bar only (the previous close was inside the range).
import { z } from 'zod';
import { defineStrategy } from '../contract';

export const openingRangeBreakout = defineStrategy({
  name: 'opening-range-breakout',
  version: '1.0.0',
  description: 'Buy the first close above the opening-range high (sell below the low) with volume above its mean.',
  warmupBars: 2,
  params: z.strictObject({
    /** Bar volume / rolling mean volume needed to confirm the breakout. */
    minVolumeRatio: z.number().nonnegative().default(1.2),
    /** Close must clear the range edge by at least this, percent. */
    minBreakPct: z.number().nonnegative().default(0.02),
    takeProfitPct: z.number().positive().default(0.5),
    stopLossPct: z.number().positive().default(0.3),
  }),
  // Reads the last two bars only (ctx.bar), past the indicator checks: no bar window is built.
  onBar: (ctx) => {
    const { indicators, params } = ctx;
    const { openingRangeHigh: hi, openingRangeLow: lo, openingRangeComplete, volumeRatio } = indicators;
    if (!openingRangeComplete || hi === null || lo === null) return null;
    if (volumeRatio === null || volumeRatio < params.minVolumeRatio) return null;
    const bar = ctx.bar(0);
    const prev = ctx.bar(1);
    if (bar === undefined || prev === undefined) return null;
    const up = hi * (1 + params.minBreakPct / 100);
    const down = lo * (1 - params.minBreakPct / 100);
    if (bar.close > up && prev.close <= up) {
      return { side: 'buy', reason: `close ${bar.close.toFixed(2)} broke opening-range high ${hi.toFixed(2)} on ${volumeRatio.toFixed(1)}x volume`, takeProfitPct: params.takeProfitPct, stopLossPct: params.stopLossPct };
    }
    if (bar.close < down && prev.close >= down) {
      return { side: 'sell', reason: `close ${bar.close.toFixed(2)} broke opening-range low ${lo.toFixed(2)} on ${volumeRatio.toFixed(1)}x volume`, takeProfitPct: params.takeProfitPct, stopLossPct: params.stopLossPct };
    }
    return null;
  },
});
