// VWAP reversion: when the price stretches away from the session VWAP while the trend is flat, bet on the
// return toward VWAP. Fires only on the bar that crosses the stretch threshold, not on every bar beyond it.
import { z } from 'zod';
import { defineStrategy } from '../contract';

export const vwapReversion = defineStrategy({
  name: 'vwap-reversion',
  version: '1.0.0',
  description: 'Buy a stretch below session VWAP (sell one above) when the slope is flat; target back toward VWAP.',
  warmupBars: 20,
  params: z.strictObject({
    /** Distance from VWAP that counts as a stretch, percent of VWAP. */
    deviationPct: z.number().positive().default(0.2),
    /** Largest |normalized slope| (per bar) that still counts as flat. */
    maxSlopeNorm: z.number().positive().default(0.0002),
    takeProfitPct: z.number().positive().default(0.25),
    stopLossPct: z.number().positive().default(0.3),
  }),
  // Reads the last two closes only (ctx.close), past the indicator checks: no bar window is built.
  onBar: (ctx) => {
    const { indicators, params } = ctx;
    const { vwap, slopeNorm } = indicators;
    if (vwap === null || slopeNorm === null || Math.abs(slopeNorm) > params.maxSlopeNorm) return null;
    const close = ctx.close(0);
    const prevClose = ctx.close(1);
    if (close === undefined || prevClose === undefined) return null;
    const dev = ((close - vwap) / vwap) * 100;
    const prevDev = ((prevClose - vwap) / vwap) * 100;
    const fmt = (x: number) => x.toFixed(3);
    if (dev <= -params.deviationPct && prevDev > -params.deviationPct) {
      return { side: 'buy', reason: `close ${fmt(dev)}% below VWAP ${vwap.toFixed(2)}, slope flat (${slopeNorm.toExponential(2)}/bar)`, takeProfitPct: params.takeProfitPct, stopLossPct: params.stopLossPct };
    }
    if (dev >= params.deviationPct && prevDev < params.deviationPct) {
      return { side: 'sell', reason: `close ${fmt(dev)}% above VWAP ${vwap.toFixed(2)}, slope flat (${slopeNorm.toExponential(2)}/bar)`, takeProfitPct: params.takeProfitPct, stopLossPct: params.stopLossPct };
    }
    return null;
  },
});
