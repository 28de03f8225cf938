// The positions slice: per-symbol positions built only from accepted fills, their protective legs, exit
// requests, reconciliation overrides and the closed round trips.
import { pmapGet } from '../orders';
import type { Position, PositionsState } from './types';

export * from './types';
export { evolvePositions, initialPositionsState, emptyPosition, newFill, TRADES_KEPT_MAX, type PositionsContext } from './evolve';

export function getPosition(state: PositionsState, symbol: string): Position | undefined {
  return pmapGet(state.bySymbol, symbol);
}

/** Signed quantity held in symbol (0 when none). */
export function positionQty(state: PositionsState, symbol: string): number {
  return pmapGet(state.bySymbol, symbol)?.qty ?? 0;
}

/** Every non-flat position, by symbol. */
export function openPositions(state: PositionsState): Position[] {
  const out: Position[] = [];
  for (const symbol of state.openSymbols) {
    const p = pmapGet(state.bySymbol, symbol);
    if (p !== undefined) out.push(p);
  }
  return out;
}

/** The protective legs of a position that are live (working or about to be sent). */
export function liveLegs(position: Position): NonNullable<Position['legs']['takeProfit']>[] {
  const out = [];
  if (position.legs.takeProfit?.live) out.push(position.legs.takeProfit);
  if (position.legs.stopLoss?.live) out.push(position.legs.stopLoss);
  return out;
}
