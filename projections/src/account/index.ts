// The account slice: equity, cash and buying power as last reported by the broker (`broker.snapshot`, with
// its seq), and as implied by the fills since: implied cash = reported cash - sum of signed fill notional
// since that snapshot; implied equity = implied cash + sum of qty x mark over all positions (the positions
// slice keeps that sum incrementally, so this costs O(1) per event). Before the first snapshot the implied
// figures are null, but the fill cash flow is still accumulated.
// Updates build the next state as a literal with every field, not with immer: this runs on every bar of a
// held symbol, and immer's `produce` here measured ~60 ms of a one-symbol-year backtest (now ~1 ms).
import type { AnyEvent } from '@axiom/events';
import type { AppliedFill } from '../orders';

export interface AccountState {
  reported: { equity: number; cash: number; buyingPower: number; seq: number; ts: number } | null;
  /** -sum(signed qty x price) of the fills applied since the last snapshot (since the start before one). */
  fillCashFlowSinceReport: number;
  fillsSinceReport: number;
  impliedCash: number | null;
  impliedEquity: number | null;
  /** positions.totals.marketValue as last seen (sum of qty x mark). */
  marketValue: number;
}

/** What the composition passes: the fill this event applied (if any) and the positions' market value after it. */
export interface AccountContext {
  fill: AppliedFill | null;
  marketValue: number;
}

export function initialAccountState(): AccountState {
  return { reported: null, fillCashFlowSinceReport: 0, fillsSinceReport: 0, impliedCash: null, impliedEquity: null, marketValue: 0 };
}

export function evolveAccount(state: AccountState, event: AnyEvent, ctx: AccountContext): AccountState {
  if (event.type === 'broker.snapshot') {
    const a = event.payload.account;
    return {
      reported: { equity: a.equity, cash: a.cash, buyingPower: a.buyingPower, seq: event.seq, ts: event.ts },
      fillCashFlowSinceReport: 0,
      fillsSinceReport: 0,
      impliedCash: a.cash,
      impliedEquity: a.cash + ctx.marketValue,
      marketValue: ctx.marketValue,
    };
  }
  const fill = ctx.fill;
  // The common case (bars of unheld symbols, most decisions): nothing moved, same object. Past this line
  // something always changes (a fill counts, or the market value differs), so no same-object check below.
  if (fill === null && ctx.marketValue === state.marketValue) return state;
  let flow = state.fillCashFlowSinceReport;
  let fills = state.fillsSinceReport;
  if (fill !== null) {
    const signed = fill.side === 'buy' ? fill.qty : -fill.qty;
    flow -= signed * fill.price;
    fills += 1;
  }
  const impliedCash = state.reported === null ? null : state.reported.cash + flow;
  return {
    reported: state.reported,
    fillCashFlowSinceReport: flow,
    fillsSinceReport: fills,
    impliedCash,
    impliedEquity: impliedCash === null ? null : impliedCash + ctx.marketValue,
    marketValue: ctx.marketValue,
  };
}

/** The best equity figure known: implied (fresher) when a snapshot anchors it, else null. */
export function currentEquity(state: AccountState): number | null {
  return state.impliedEquity ?? state.reported?.equity ?? null;
}
