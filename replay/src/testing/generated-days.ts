// Generated market days for tests and benchmarks: a deterministic random walk (one regular session per
// symbol, U-shaped volume). Synthetic data is for benchmarks and property tests only; the demo and the
// scenario tests use the bundled real sample.
import { nyWallTimeToUtcMs, type Bar } from '../data';

/** UTC ms of a New York wall time (minutes after midnight) on a date. */
export function nyMs(date: string, minutes: number): number {
  return nyWallTimeToUtcMs(date, minutes * 60_000);
}

/** One regular session (09:30-15:59 New York, 390 one-minute bars) per symbol. */
export function generateDay(date: string, symbols: readonly string[], rnd: () => number, prices: Map<string, number>, volatility = 0.004): Bar[] {
  const bars: Bar[] = [];
  const r2 = (x: number) => Math.round(x * 100) / 100;
  for (let i = 0; i < 390; i++) {
    const ts = nyMs(date, 9 * 60 + 30 + i);
    for (const symbol of symbols) {
      const prev = prices.get(symbol) ?? 20 + rnd() * 300;
      const open = prev;
      const close = Math.max(1, prev * (1 + (rnd() - 0.5) * volatility));
      const high = Math.max(open, close) * (1 + rnd() * 0.001);
      const low = Math.min(open, close) * (1 - rnd() * 0.001);
      const u = Math.abs(i - 195) / 195;
      bars.push({
        symbol, ts, open: r2(open), high: r2(Math.max(high, open, close)), low: r2(Math.min(low, open, close)), close: r2(close),
        volume: Math.round(2_000 + 20_000 * u * u + rnd() * 5_000), vwap: r2((high + low + close) / 3), trades: 10 + Math.floor(rnd() * 90),
      });
      prices.set(symbol, close);
    }
  }
  return bars;
}
