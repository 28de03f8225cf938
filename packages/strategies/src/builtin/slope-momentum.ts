// Slope momentum: follow a trend when the least-squares slope of recent closes turns steep in the direction
// of the price's side of VWAP. Computes its own slopes over `lookbackBars` so it can see the crossing.
import { z } from 'zod';
import { defineStrategy } from '../contract';

/** Least-squares slope of closes[from, to), normalized by their mean (fraction per bar). */
export function normalizedSlope(closes: readonly number[], from: number, to: number): number | null {
  const n = to - from;
  if (n < 2 || from < 0 || to > closes.length) return null;
  let sx = 0, sy = 0, sxx = 0, sxy = 0;
  for (let i = 0; i < n; i++) {
    const y = closes[from + i] as number;
    sx += i; sy += y; sxx += i * i; sxy += i * y;
  }
  const den = n * sxx - sx * sx;
  const mean = sy / n;
  if (den === 0 || mean <= 0) return null;
  return (n * sxy - sx * sy) / den / mean;
}

export const slopeMomentum = defineStrategy({
  name: 'slope-momentum',
  version: '1.0.0',
  description: 'Buy when the normalized slope of the last N closes rises through a threshold above VWAP (sell mirrored).',
  warmupBars: 21,
  params: z.strictObject({
    lookbackBars: z.number().int().min(3).max(100).default(15),
    /** Normalized slope per bar that counts as a trend (0.0002 = 0.02% per bar). */
    minSlopeNorm: z.number().positive().default(0.0002),
    minVolumeRatio: z.number().nonnegative().default(1.0),
    takeProfitPct: z.number().positive().default(0.4),
    stopLossPct: z.number().positive().default(0.25),
  }),
  // Reads closes only (ctx.close), past the indicator checks: no bar window is built.
  onBar: (ctx) => {
    const { indicators, params } = ctx;
    const n = params.lookbackBars;
    if (indicators.vwap === null) return null;
    if (indicators.volumeRatio === null || indicators.volumeRatio < params.minVolumeRatio) return null;
    if (ctx.barCount < n + 1) return null;
    // The last n + 1 closes, oldest first (ctx.close reads them without building a bar window).
    const closes: number[] = [];
    for (let back = n; back >= 0; back--) closes.push(ctx.close(back) as number);
    const now = normalizedSlope(closes, 1, n + 1);
    const before = normalizedSlope(closes, 0, n);
    const close = closes[n];
    if (now === null || before === null || close === undefined) return null;
    const t = params.minSlopeNorm;
    if (now >= t && before < t && close > indicators.vwap) {
      return { side: 'buy', reason: `slope ${(now * 100).toFixed(3)}%/bar over ${n} bars crossed +${(t * 100).toFixed(3)}%, above VWAP`, takeProfitPct: params.takeProfitPct, stopLossPct: params.stopLossPct };
    }
    if (now <= -t && before > -t && close < indicators.vwap) {
      return { side: 'sell', reason: `slope ${(now * 100).toFixed(3)}%/bar over ${n} bars crossed -${(t * 100).toFixed(3)}%, below VWAP`, takeProfitPct: params.takeProfitPct, stopLossPct: params.stopLossPct };
    }
    return null;
  },
});
