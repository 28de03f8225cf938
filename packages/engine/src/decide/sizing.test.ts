import fc from 'fast-check';
import { sizePosition, type SizingInput } from './sizing';
import { priceAtOrAbove, protectivePrices, roundPrice } from './prices';

const base: SizingInput = {
  equity: 100_000, equityAtSnapshot: 100_000, fillsSinceSnapshot: 0, buyingPower: 100_000, price: 123.45,
  maxPositionPctEquity: 10, equityDropImplausiblePct: 50,
};

describe('PositionSizer', () => {
  it('floors max-position % of equity to whole shares', () => {
    expect(sizePosition(base)).toEqual({ ok: true, qty: 81, notional: 81 * 123.45 });
  });
  it('refuses unknown, non-positive or implausible equity', () => {
    expect(sizePosition({ ...base, equity: null })).toMatchObject({ ok: false, gate: 'sizing', reason: expect.stringMatching(/equity unknown/) });
    expect(sizePosition({ ...base, equity: 0 })).toMatchObject({ ok: false, gate: 'sizing' });
    expect(sizePosition({ ...base, equity: -5 })).toMatchObject({ ok: false, gate: 'sizing' });
    expect(sizePosition({ ...base, equity: 40_000 })).toMatchObject({ ok: false, gate: 'sizing', reason: expect.stringMatching(/implausible/) });
    // The same drop explained by fills since the snapshot is accepted.
    expect(sizePosition({ ...base, equity: 40_000, fillsSinceSnapshot: 3 })).toMatchObject({ ok: true, qty: 32 });
  });
  it('rejects zero shares after flooring with that reason', () => {
    expect(sizePosition({ ...base, price: 20_000 })).toMatchObject({ ok: false, gate: 'sizing', reason: expect.stringMatching(/^0 shares/) });
  });
  it('checks buying power', () => {
    expect(sizePosition({ ...base, buyingPower: 5_000 })).toMatchObject({ ok: false, gate: 'buying_power' });
    expect(sizePosition({ ...base, buyingPower: null })).toMatchObject({ ok: false, gate: 'buying_power' });
  });
  it('never sizes above the budget or the buying power (property)', () => {
    fc.assert(fc.property(
      fc.double({ min: 1, max: 1e7, noNaN: true }), fc.double({ min: 0.01, max: 5000, noNaN: true }),
      fc.double({ min: 0.1, max: 100, noNaN: true }), fc.double({ min: 0, max: 1e7, noNaN: true }),
      (equity, price, pct, bp) => {
        const r = sizePosition({ ...base, equity, equityAtSnapshot: equity, price, maxPositionPctEquity: pct, buyingPower: bp });
        if (r.ok) {
          expect(Number.isInteger(r.qty)).toBe(true);
          expect(r.qty).toBeGreaterThan(0);
          expect(r.qty * price).toBeLessThanOrEqual((equity * pct) / 100 + 1e-6);
          expect(r.notional).toBeLessThanOrEqual(bp);
        }
      }), { numRuns: 1000 });
  });
});

describe('prices', () => {
  it('rounds to the cent at or above $1 and to 1/100 cent below', () => {
    expect(roundPrice(100.129999999)).toBe(100.13);
    expect(roundPrice(0.123456)).toBe(0.1235);
    expect(roundPrice(1.0049)).toBe(1);
    expect(roundPrice(1.0051)).toBe(1.01);
  });
  it('places TP above and SL below a buy, mirrored for a sell', () => {
    expect(protectivePrices('buy', 100, 1, 0.5)).toEqual({ takeProfitPrice: 101, stopLossPrice: 99.5 });
    expect(protectivePrices('sell', 100, 1, 0.5)).toEqual({ takeProfitPrice: 99, stopLossPrice: 100.5 });
  });
  it('compares prices with a tolerance, never ===', () => {
    expect(priceAtOrAbove(0.1 + 0.2, 0.3)).toBe(true);
    expect(priceAtOrAbove(99.98, 100)).toBe(false);
  });
});
