// The rule for bad prints in vendor minute data — the one place it is defined (data/sample/README.md quotes it).
//
// RULE: within one symbol's bars of one day, a bar is DROPPED (never repaired) when any of its open, high,
// low or close lies more than a factor IMPLAUSIBLE_RANGE_FACTOR (1.5) above or below the median close of its
// neighbours: up to NEIGHBOUR_WINDOW_BARS (5) bars before and 5 after it, the same symbol and day. Bars with
// fewer than NEIGHBOURS_MIN (3) neighbours are not judged. Every dropped bar is reported with its source row,
// the fields that failed, their values and the reference.
//
// Why drop and not clamp: clamping a field would write a price nobody traded, and nothing in the bar says
// which fields are the good ones. Why a median of neighbours: it is robust to the bad bar itself and to one
// more bad neighbour. Why 1.5: regular-session moves are bounded by LULD bands (5–20% for most stocks), and
// the largest deviation in the bundled LEAN sample other than the bad print below is 1.7%, so ×1.5 only catches
// prints on a different price scale; it would also drop a genuine extreme one-minute spike (a 2010-style flash
// crash print), which is why the drops are reported and the factor is an option.
//
// The case that motivated it: LEAN's AAPL 2014-06-09 (7-for-1 split day) first row, 04:00 New York,
// `14400000,6455700,6455700,922300,924200,600`: open and high are 645.57, the pre-split close of 2014-06-06,
// inside a bar whose low and close (92.23, 92.42) are post-split. Kept, it would look like a 600% intraday
// range and poison every range/volatility indicator; its 600 shares are the only loss from dropping it.
import { Bar } from './bar';

export const IMPLAUSIBLE_RANGE_FACTOR = 1.5;
export const NEIGHBOUR_WINDOW_BARS = 5;
export const NEIGHBOURS_MIN = 3;

export type ImplausibleBar = { index: number; reason: string };

/**
 * Indexes (into `bars`, one symbol and one day, ascending ts) of the bars the rule drops, with the reason.
 * `factor` = Infinity disables the rule.
 */
export function findImplausibleBars(bars: readonly Bar[], factor: number = IMPLAUSIBLE_RANGE_FACTOR): ImplausibleBar[] {
  if (!(factor > 1)) throw new Error(`assertion: implausible-range factor must be > 1, got ${factor}`);
  const out: ImplausibleBar[] = [];
  if (factor === Infinity) return out;
  for (let i = 0; i < bars.length; i += 1) {
    const neighbourCloses: number[] = [];
    for (let j = Math.max(0, i - NEIGHBOUR_WINDOW_BARS); j <= Math.min(bars.length - 1, i + NEIGHBOUR_WINDOW_BARS); j += 1) {
      if (j !== i) neighbourCloses.push(bars[j]!.close);
    }
    if (neighbourCloses.length < NEIGHBOURS_MIN) continue;
    const reference = median(neighbourCloses);
    const bar = bars[i]!;
    const offending: string[] = [];
    let worst = 1;
    for (const field of ['open', 'high', 'low', 'close'] as const) {
      const value = bar[field];
      const deviation = Math.max(value / reference, reference / value);
      if (deviation > factor) {
        offending.push(`${field} ${value}`);
        worst = Math.max(worst, deviation);
      }
    }
    if (offending.length > 0) {
      out.push({
        index: i,
        reason: `${offending.join(', ')} ${offending.length === 1 ? 'is' : 'are'} up to ×${worst.toFixed(2)} away from ` +
          `the median close ${reference} of ${neighbourCloses.length} neighbouring bars (limit ×${factor})`,
      });
    }
  }
  return out;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
