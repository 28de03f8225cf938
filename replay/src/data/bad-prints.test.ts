// The bad-print rule (bad-prints.ts): which bars it drops, and which it leaves alone.
import { Bar } from './bar';
import { findImplausibleBars, IMPLAUSIBLE_RANGE_FACTOR } from './bad-prints';

const t0 = Date.UTC(2014, 5, 9, 8, 0);
function bar(i: number, open: number, high: number, low: number, close: number): Bar {
  return { symbol: 'AAPL', ts: t0 + i * 60_000, open, high, low, close, volume: 100, vwap: null, trades: null };
}

test('the AAPL 2014-06-09 04:00 print (pre-split open/high in a post-split bar) is dropped, its neighbours kept', () => {
  const bars = [
    bar(0, 645.57, 645.57, 92.23, 92.42), // the LEAN row 14400000,6455700,6455700,922300,924200,600
    bar(1, 92.46, 92.46, 92.46, 92.46),
    bar(3, 92.46, 92.46, 92.3, 92.3),
    bar(5, 92.46, 92.46, 92.46, 92.46),
    bar(7, 92.46, 92.5, 92.46, 92.5),
    bar(9, 92.5, 92.5, 92.5, 92.5),
  ];
  const found = findImplausibleBars(bars);
  expect(found.map((f) => f.index)).toEqual([0]);
  expect(found[0]!.reason).toMatch(/^open 645\.57, high 645\.57 are up to ×6\.98 away from the median close 92\.46 of 5 neighbouring bars \(limit ×1\.5\)$/);
});

test('ordinary moves, even a 10% one-minute drop, are kept', () => {
  const closes = [100, 100.5, 99.8, 100.2, 90, 91, 92, 93, 94, 95];
  const bars = closes.map((c, i) => bar(i, c, c * 1.01, c * 0.99, c));
  expect(findImplausibleBars(bars)).toEqual([]);
});

test('a bar with too few neighbours is not judged; Infinity disables the rule', () => {
  expect(findImplausibleBars([bar(0, 500, 500, 90, 90), bar(1, 90, 90, 90, 90), bar(2, 90, 90, 90, 90)])).toEqual([]);
  const bars = [bar(0, 500, 500, 90, 90), ...[1, 2, 3, 4].map((i) => bar(i, 90, 90, 90, 90))];
  expect(findImplausibleBars(bars).length).toBe(1);
  expect(findImplausibleBars(bars, Infinity)).toEqual([]);
  expect(IMPLAUSIBLE_RANGE_FACTOR).toBe(1.5);
});
