// Shapes of the orders slice: orders keyed by client order id, entries keyed by entry id, the per-symbol
// index of working orders and the entry deadlines. Plain JSON: snapshots are JSON round-tripped.
import type { ExitReason, OrderPurpose, OrderStatus, PayloadOf } from '@axiom/events';
import type { AnomalyLog } from './anomaly';
import type { PMap } from './pmap';
import type { EntryStatus } from './transitions';

export interface OrderTransitionRecord {
  /** null for the creation. */
  from: OrderStatus | null;
  /** Equal to `from` for a fill that changed no status (another partial fill). */
  to: OrderStatus;
  seq: number;
  ts: number;
  reason: string;
}

type Created = PayloadOf<'order.created'>;

export interface Order {
  clientOrderId: string;
  entryId: string;
  symbol: string;
  side: Created['side'];
  qty: number;
  orderType: Created['orderType'];
  limitPrice: number | null;
  stopPrice: number | null;
  timeInForce: Created['timeInForce'];
  purpose: OrderPurpose;
  attempt: number;
  ocoGroup: string | null;
  timeoutAt: number | null;
  takeProfitPrice: number | null;
  stopLossPrice: number | null;
  exitReason: ExitReason | null;
  createdSeq: number;
  createdTs: number;
  status: OrderStatus;
  /** The status to go back to if a cancel is refused; set while PENDING_CANCEL. */
  statusBeforeCancel: OrderStatus | null;
  /** Once a final status was reached the order is never live again, even if a late fill moves its status. */
  terminalReached: boolean;
  brokerOrderId: string | null;
  /** Cumulative shares filled, never above qty. */
  filledQty: number;
  avgFillPrice: number | null;
  /** The last refusal text (submit or cancel). */
  lastError: string | null;
  /** Every transition and every fill, with its reason (bounded by ORDER_TRAIL_MAX, oldest dropped). */
  trail: OrderTransitionRecord[];
  trailDropped: number;
  /** Broker event ids already applied (bounded by ORDER_SEEN_IDS_MAX, oldest dropped). */
  seenEventIds: string[];
  updatedSeq: number;
  updatedTs: number;
}

export interface EntryTransitionRecord {
  from: EntryStatus | null;
  to: EntryStatus;
  seq: number;
  reason: string;
}

export interface Entry {
  entryId: string;
  symbol: string;
  side: Created['side'];
  status: EntryStatus;
  /** The quantity of attempt 1: what the accepted signal was sized to. */
  targetQty: number;
  /** Filled across all attempts (late fills included). */
  filledQty: number;
  avgFillPrice: number | null;
  /** The highest attempt created so far. */
  attempts: number;
  currentOrderId: string;
  orderIds: string[];
  takeProfitPrice: number | null;
  stopLossPrice: number | null;
  gaveUpReason: string | null;
  createdSeq: number;
  createdTs: number;
  updatedSeq: number;
  updatedTs: number;
  trail: EntryTransitionRecord[];
}

/** A broker fill the orders slice accepted (new, fits the machine, capped at the order qty). */
export interface AppliedFill {
  seq: number;
  ts: number;
  eventId: string;
  clientOrderId: string;
  entryId: string;
  symbol: string;
  side: Created['side'];
  /** Shares applied (> 0). */
  qty: number;
  price: number;
  purpose: OrderPurpose;
  exitReason: ExitReason | null;
}

export interface Deadline {
  timeoutAt: number;
  clientOrderId: string;
  entryId: string;
  symbol: string;
}

export interface OrdersState extends AnomalyLog {
  orders: PMap<Order>;
  entries: PMap<Entry>;
  /** symbol -> client order ids of its live orders, in creation order. */
  working: PMap<string[]>;
  workingCount: number;
  /** Live entry orders with a timeout that has not fired yet, earliest first. */
  deadlines: Deadline[];
  /** The last fill applied; `lastFill.seq === event.seq` tells the other slices this event moved shares. */
  lastFill: AppliedFill | null;
  fillCount: number;
  /** Broker events dropped because their event id was already seen. */
  duplicatesIgnored: number;
  /** Event ids of broker events that applied to no order (unknown order, no edge), for de-duplication. */
  strayEventIds: string[];
  /** Finished orders/entries dropped by the daily retention sweep. */
  pruned: number;
}
