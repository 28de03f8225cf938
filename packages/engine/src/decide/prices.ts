// The one place prices are rounded (STYLE rule 5): prices stay unrounded numbers through indicators and
// sizing, and are rounded only here, when an order is built. US equities quote in cents at or above $1 and
// in 1/100 cent below (Reg NMS sub-penny rule), so that is the tick we round to.

export function tickFor(price: number): number {
  return price >= 1 ? 0.01 : 0.0001;
}

/** Round to the nearest valid tick, fixing binary noise (e.g. 100.12999999 → 100.13). */
export function roundPrice(price: number): number {
  const tick = tickFor(price);
  const decimals = tick === 0.01 ? 2 : 4;
  return Number((Math.round(price / tick) * tick).toFixed(decimals));
}

/** Compare prices with a tolerance of a tenth of a tick: never `===` after arithmetic. */
export function priceAtOrAbove(a: number, b: number): boolean {
  return a >= b - tickFor(b) / 10;
}
export function priceAtOrBelow(a: number, b: number): boolean {
  return a <= b + tickFor(b) / 10;
}

/** Take-profit and stop-loss prices for an entry at `ref`, rounded; a buy's TP is above and SL below. */
export function protectivePrices(side: 'buy' | 'sell', ref: number, takeProfitPct: number, stopLossPct: number) {
  const dir = side === 'buy' ? 1 : -1;
  return {
    takeProfitPrice: roundPrice(ref * (1 + (dir * takeProfitPct) / 100)),
    stopLossPrice: roundPrice(ref * (1 - (dir * stopLossPct) / 100)),
  };
}
