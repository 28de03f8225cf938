// Shapes of the positions slice: one record per symbol ever traded, the closed round trips, running totals.
import type { ExitReason, OrderStatus } from '@axiom/events';
import type { AnomalyLog, PMap } from '../orders';

/** A protective leg (layer 1) attached to a position, with its status mirrored from the orders slice. */
export interface Leg {
  clientOrderId: string;
  purpose: 'take_profit' | 'stop_loss';
  qty: number;
  /** Limit price of a take-profit, stop price of a stop-loss. */
  price: number | null;
  status: OrderStatus;
  /** isLive(order): PENDING .. PENDING_CANCEL and never terminal. A PENDING leg counts: it is about to be sent. */
  live: boolean;
}

/** The round trip in progress: from flat to flat (a flip closes one and opens the next). */
export interface Trip {
  direction: 'long' | 'short';
  entryId: string | null;
  openedSeq: number;
  openedTs: number;
  /** Shares opened (adds included) and their notional, for the average entry price of the trip. */
  entryQty: number;
  entryNotional: number;
  /** Shares closed so far and their notional. */
  exitQty: number;
  exitNotional: number;
  realizedPnl: number;
}

export type TradeExitReason = ExitReason | 'entry_against' | 'unknown';

/** A closed round trip, for summaries. */
export interface Trade {
  symbol: string;
  direction: 'long' | 'short';
  entryId: string | null;
  qty: number;
  entryPrice: number;
  exitPrice: number;
  pnl: number;
  openedSeq: number;
  openedTs: number;
  closedSeq: number;
  closedTs: number;
  exitReason: TradeExitReason;
}

export interface Position {
  symbol: string;
  /** Signed shares: negative is short. */
  qty: number;
  /** Average entry price of the open quantity (average-cost method); 0 when flat. */
  avgEntryPrice: number;
  /** Realized PnL of this symbol since the start of the run. */
  realizedPnl: number;
  /** qty x (markPrice - avgEntryPrice). */
  unrealizedPnl: number;
  /** The latest of: the last bar close while held, the last fill price. */
  markPrice: number | null;
  markTs: number | null;
  legs: { takeProfit: Leg | null; stopLoss: Leg | null };
  /** Set by position.exit_requested, cleared when the position is flat. */
  exitPending: { reason: ExitReason; detail: string; seq: number; ts: number } | null;
  /** Set when reconciliation overrode the local position (DESIGN §5). */
  reconciled: { action: 'close_local' | 'adopt'; seq: number; detail: string } | null;
  trip: Trip | null;
  fillCount: number;
  updatedSeq: number;
  updatedTs: number;
}

export interface PositionsState extends AnomalyLog {
  bySymbol: PMap<Position>;
  /** Symbols with a non-zero quantity, sorted. */
  openSymbols: string[];
  totals: {
    realizedPnl: number;
    unrealizedPnl: number;
    /** Sum of qty x mark over all positions (signed). */
    marketValue: number;
  };
  /** Closed round trips, the latest TRADES_KEPT_MAX. */
  trades: Trade[];
  tradeCount: number;
}
