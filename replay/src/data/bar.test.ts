// Boundary validation of a bar: each refusal names the field and the value.
import { Bar, barProblem, BarDataError, compareBars, validateBar } from './bar';

const good: Bar = {
  symbol: 'SPY', ts: Date.UTC(2013, 9, 7, 13, 30), open: 168.1, high: 168.5, low: 167.9, close: 168.2, volume: 1200, vwap: 168.2, trades: 31,
};

describe('barProblem', () => {
  test('a valid bar, with and without vwap/trades', () => {
    expect(barProblem(good)).toBeNull();
    expect(barProblem({ ...good, vwap: null, trades: null })).toBeNull();
    expect(barProblem({ ...good, volume: 0, trades: 0 })).toBeNull();
    expect(barProblem({ ...good, symbol: 'BRK.B' })).toBeNull();
  });

  test.each<[Partial<Bar>, RegExp]>([
    [{ open: Number.NaN }, /field 'open' = NaN is not a finite price > 0/],
    [{ high: Infinity }, /field 'high' = Infinity is not a finite price > 0/],
    [{ low: 0 }, /field 'low' = 0 is not a finite price > 0/],
    [{ close: -1 }, /field 'close' = -1 /],
    [{ high: 167, low: 168 }, /field 'high' = 167 is below field 'low' = 168/],
    [{ open: 169 }, /field 'open' = 169 is above field 'high' = 168.5/],
    [{ close: 167 }, /field 'close' = 167 is below field 'low' = 167.9/],
    [{ volume: -5 }, /field 'volume' = -5 is not a whole number/],
    [{ volume: 1.5 }, /field 'volume' = 1.5 /],
    [{ volume: Number.NaN }, /field 'volume' = NaN /],
    [{ vwap: Number.NaN }, /field 'vwap' = NaN is neither null nor a finite price/],
    [{ vwap: 0 }, /field 'vwap' = 0 /],
    [{ trades: -1 }, /field 'trades' = -1 /],
    [{ trades: 2.5 }, /field 'trades' = 2.5 /],
    [{ trades: 2 ** 31 }, /field 'trades' = 2147483648 /],
    [{ ts: 1.5 }, /field 'ts' = 1.5 is not a whole number/],
    [{ ts: 1_380_000_000 }, /field 'ts' = 1380000000 is outside \[1980-01-01, 2100-01-01\)/],
    [{ symbol: 'spy' }, /field 'symbol' = 'spy' is not an upper-case ticker/],
    [{ symbol: '' }, /field 'symbol' = '' /],
    [{ symbol: 'S PY' }, /field 'symbol' = 'S PY' /],
  ])('refuses %o', (change, message) => {
    expect(barProblem({ ...good, ...change })).toMatch(message);
  });

  test('validateBar prefixes where the bar came from', () => {
    expect(() => validateBar({ ...good, high: Number.NaN }, 'x.csv line 7')).toThrow(BarDataError);
    expect(() => validateBar({ ...good, high: Number.NaN }, 'x.csv line 7')).toThrow(/^x\.csv line 7: field 'high' = NaN/);
  });
});

test('compareBars orders by ts, then symbol by code unit', () => {
  const bars = [{ ...good, symbol: 'b' }, { ...good, symbol: 'B' }, { ...good, symbol: 'A', ts: good.ts + 1 }, { ...good, symbol: 'AA' }];
  expect(bars.sort(compareBars).map((b) => b.symbol)).toEqual(['AA', 'B', 'b', 'A']);
});
