// PositionSizer: how many whole shares an accepted signal may buy or sell short. Pure. A refusal is a
// reason string the decider journals as `signal.rejected` (gate `sizing` or `buying_power`).

export interface SizingInput {
  /** Equity the engine believes it has now (broker-reported, adjusted by fills since). */
  equity: number | null;
  /** Equity at the last broker snapshot, and whether fills happened since (an unexplained drop is suspicious). */
  equityAtSnapshot: number | null;
  fillsSinceSnapshot: number;
  buyingPower: number | null;
  price: number;
  maxPositionPctEquity: number;
  equityDropImplausiblePct: number;
}

export type SizingResult =
  | { ok: true; qty: number; notional: number }
  | { ok: false; gate: 'sizing' | 'buying_power'; reason: string };

export function sizePosition(input: SizingInput): SizingResult {
  const { equity, price } = input;
  if (equity === null) return { ok: false, gate: 'sizing', reason: 'equity unknown: no broker snapshot yet' };
  if (!Number.isFinite(equity) || equity <= 0) return { ok: false, gate: 'sizing', reason: `equity ${equity} is not positive` };
  if (!Number.isFinite(price) || price <= 0) return { ok: false, gate: 'sizing', reason: `price ${price} is not positive` };
  if (input.equityAtSnapshot !== null && input.equityAtSnapshot > 0 && input.fillsSinceSnapshot === 0) {
    const dropPct = ((input.equityAtSnapshot - equity) / input.equityAtSnapshot) * 100;
    if (dropPct > input.equityDropImplausiblePct) {
      return { ok: false, gate: 'sizing', reason: `equity ${equity.toFixed(2)} is ${dropPct.toFixed(1)}% below the last snapshot with no fills since: implausible` };
    }
  }
  const budget = (equity * input.maxPositionPctEquity) / 100;
  const qty = Math.floor(budget / price);
  if (qty <= 0) {
    return { ok: false, gate: 'sizing', reason: `0 shares: ${input.maxPositionPctEquity}% of equity ${equity.toFixed(2)} = ${budget.toFixed(2)} < price ${price.toFixed(2)}` };
  }
  const notional = qty * price;
  if (input.buyingPower === null || !(input.buyingPower >= notional)) {
    return { ok: false, gate: 'buying_power', reason: `notional ${notional.toFixed(2)} exceeds buying power ${input.buyingPower === null ? 'unknown' : input.buyingPower.toFixed(2)}` };
  }
  return { ok: true, qty, notional };
}
