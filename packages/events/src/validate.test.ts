import fc from 'fast-check';
import { CATALOG } from './catalog';
import { validatePayload } from './validate';
import type { z } from 'zod';

// The fast path for market.bar must agree with the zod schema on every payload: valid ones and near misses.
describe('market.bar fast validation agrees with the schema', () => {
  const zodOk = (p: unknown) => (CATALOG['market.bar'].schema as z.ZodType).safeParse(p).success;
  const num = fc.oneof(
    fc.double({ min: -10, max: 1000, noNaN: false }), fc.integer({ min: -5, max: 1e6 }),
    fc.constantFrom(0, -0, 1e-9, Number.NaN, Infinity, -Infinity, 1.5), fc.constant(null), fc.string(), fc.constant(undefined),
  );
  const bar = fc.record({
    symbol: fc.oneof(fc.constantFrom('SPY', 'BRK.B', 'X', 'lower', '', 'TOOLONGSYMBOLNAME1', '1AB'), fc.string()),
    open: num, high: num, low: num, close: num, volume: num, vwap: num, trades: num,
  }, { requiredKeys: [] });
  const withExtra = fc.tuple(bar, fc.boolean()).map(([b, extra]) => (extra ? { ...b, extra: 1 } : b));

  it('random payloads (property)', () => {
    fc.assert(fc.property(withExtra, (p) => {
      expect(validatePayload('market.bar', p).ok).toBe(zodOk(p));
    }), { numRuns: 5000 });
  });

  it('valid bars (property)', () => {
    const price = fc.double({ min: 0.0001, max: 1e5, noNaN: true });
    const valid = fc.record({
      symbol: fc.constantFrom('SPY', 'AAPL', 'BRK.B'), open: price, high: price, low: price, close: price,
      volume: fc.nat(), vwap: fc.option(price, { nil: null }), trades: fc.option(fc.nat(), { nil: null }),
    });
    fc.assert(fc.property(valid, (p) => {
      expect(validatePayload('market.bar', p).ok).toBe(zodOk(p));
    }), { numRuns: 2000 });
  });
});
