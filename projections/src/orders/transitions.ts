// The two state machines of DESIGN §3 as data: the order machine (one per client order id) and the entry
// machine (one per accepted signal). The reducer looks edges up here and nowhere else; a (state, event) pair
// with no entry is an anomaly that leaves the order unchanged. A target equal to the source is a "stay":
// the event is a legitimate fact (a duplicate ack, another partial fill) that changes no status.
import type { BrokerOrderEvent, OrderStatus } from '@axiom/events';

/** The order machine's alphabet: what the journaled inputs and decisions mean for one order. */
export const ORDER_EVENTS = [
  'submit_ok', // broker.request_result submit ok (REST answer)
  'submit_refused', // broker.request_result submit refused
  'abandon', // order.abandoned decision
  'pending_new', // trade_updates pending_new
  'accept', // trade_updates new / accepted / held
  'partial_fill',
  'fill',
  'cancel_requested', // cancel.requested decision
  'pending_cancel', // trade_updates pending_cancel
  'cancel_refused', // trade_updates order_cancel_rejected, or broker.request_result cancel refused
  'canceled',
  'expired', // trade_updates expired / done_for_day
  'rejected', // trade_updates rejected
  'info', // trade_updates stopped / suspended / calculated: informational, no status of ours
  'replaced', // trade_updates replaced / pending_replace / order_replace_rejected: we never replace orders
] as const;
export type OrderEvent = (typeof ORDER_EVENTS)[number];

/** Alpaca trade-update events onto the alphabet. */
export const BROKER_EVENT_TO_ORDER_EVENT: { readonly [K in BrokerOrderEvent]: OrderEvent } = {
  pending_new: 'pending_new',
  new: 'accept',
  accepted: 'accept',
  // Alpaca reports the waiting leg of an OCO pair as held: the broker has it, it is working for us.
  held: 'accept',
  partial_fill: 'partial_fill',
  fill: 'fill',
  canceled: 'canceled',
  expired: 'expired',
  // Alpaca: "done executing for the day, no further updates until the next trading day": for our day
  // orders this ends the order like an expiry.
  done_for_day: 'expired',
  rejected: 'rejected',
  pending_cancel: 'pending_cancel',
  order_cancel_rejected: 'cancel_refused',
  stopped: 'info',
  suspended: 'info',
  calculated: 'info',
  replaced: 'replaced',
  pending_replace: 'replaced',
  order_replace_rejected: 'replaced',
};

/** Back to the status the order had when the cancel was requested (the cancel was refused). */
export const PREVIOUS = '@previous' as const;
export type OrderTarget = OrderStatus | typeof PREVIOUS;

type Table = { readonly [S in OrderStatus]: { readonly [E in OrderEvent]?: OrderTarget } };

export const ORDER_TRANSITIONS = {
  PENDING: {
    submit_ok: 'SUBMITTED',
    submit_refused: 'REJECTED',
    // Decided but never reached the broker (crash between journal and send, or the submit failed for good).
    abandon: 'ABANDONED',
    // Real-world: the trade_updates stream can deliver the ack before the REST call that sent the order
    // returns, so the broker's word can arrive while we are still PENDING.
    pending_new: 'SUBMITTED',
    accept: 'ACCEPTED',
    // Real-world: a marketable order can fill (and its fill arrive) before the REST answer.
    partial_fill: 'PARTIALLY_FILLED',
    fill: 'FILLED',
    rejected: 'REJECTED',
  },
  SUBMITTED: {
    submit_ok: 'SUBMITTED', // the REST answer after a ws pending_new
    pending_new: 'SUBMITTED',
    accept: 'ACCEPTED',
    rejected: 'REJECTED',
    // A fill can beat the ack (DESIGN §3).
    partial_fill: 'PARTIALLY_FILLED',
    fill: 'FILLED',
    // IOC/FOK orders are canceled (or expired) by the broker without ever resting.
    canceled: 'CANCELED',
    expired: 'EXPIRED',
    // Real-world: the entry timeout can pass before the broker acks; the cancel goes out regardless.
    cancel_requested: 'PENDING_CANCEL',
    pending_cancel: 'PENDING_CANCEL',
    info: 'SUBMITTED',
  },
  ACCEPTED: {
    submit_ok: 'ACCEPTED', // the REST answer after the ws ack
    accept: 'ACCEPTED', // new after accepted, or a held leg becoming active
    partial_fill: 'PARTIALLY_FILLED',
    // One execution can fill the whole order.
    fill: 'FILLED',
    cancel_requested: 'PENDING_CANCEL',
    // The broker can start a cancel we did not ask for (dashboard, OCO sibling filled).
    pending_cancel: 'PENDING_CANCEL',
    // Alpaca often reports canceled without a pending_cancel first; an OCO sibling fill cancels us too.
    canceled: 'CANCELED',
    // A day order at the close.
    expired: 'EXPIRED',
    // A refusal that arrives after we already fell back (duplicate REST + ws refusal).
    cancel_refused: 'ACCEPTED',
    info: 'ACCEPTED',
  },
  PARTIALLY_FILLED: {
    submit_ok: 'PARTIALLY_FILLED',
    accept: 'PARTIALLY_FILLED',
    partial_fill: 'PARTIALLY_FILLED',
    fill: 'FILLED',
    cancel_requested: 'PENDING_CANCEL',
    pending_cancel: 'PENDING_CANCEL',
    // The partial fill is kept (DESIGN §3).
    canceled: 'CANCELED',
    expired: 'EXPIRED',
    cancel_refused: 'PARTIALLY_FILLED',
    info: 'PARTIALLY_FILLED',
  },
  PENDING_CANCEL: {
    submit_ok: 'PENDING_CANCEL', // canceled before the REST answer came back
    accept: 'PENDING_CANCEL', // a late ack while our cancel is in flight (the fallback state is updated)
    pending_new: 'PENDING_CANCEL',
    cancel_requested: 'PENDING_CANCEL', // asked again
    pending_cancel: 'PENDING_CANCEL',
    canceled: 'CANCELED',
    // The fill won the race against our cancel.
    partial_fill: 'PARTIALLY_FILLED',
    fill: 'FILLED',
    // The cancel was refused: back to where we were.
    cancel_refused: PREVIOUS,
    // The close came before the cancel.
    expired: 'EXPIRED',
    info: 'PENDING_CANCEL',
  },
  FILLED: {
    submit_ok: 'FILLED', // the REST answer after the fill arrived on the stream
    cancel_refused: 'FILLED', // our cancel lost the race against the fill
  },
  CANCELED: {
    submit_ok: 'CANCELED', // an IOC order canceled before the REST answer
    canceled: 'CANCELED', // a second confirmation (REST and stream) with another event id
    cancel_refused: 'CANCELED', // a repeated cancel refused because the order is already canceled
    // A real fill reported after the cancel: apply it, record it (Nautilus has the same edge). The order
    // stays not-live (terminalReached), only its fills change.
    partial_fill: 'PARTIALLY_FILLED',
    fill: 'FILLED',
  },
  REJECTED: {
    submit_refused: 'REJECTED', // the REST refusal after the stream's rejected, or vice versa
    rejected: 'REJECTED',
  },
  EXPIRED: {
    expired: 'EXPIRED', // expired and done_for_day both reported
    cancel_refused: 'EXPIRED', // our cancel lost against the close
  },
  ABANDONED: {},
} as const satisfies Table;

export const TERMINAL_STATUSES: readonly OrderStatus[] = ['FILLED', 'CANCELED', 'REJECTED', 'EXPIRED', 'ABANDONED'];
/** Working (not final) statuses. PENDING counts: the order is decided and about to be sent. */
export const LIVE_STATUSES: readonly OrderStatus[] = ['PENDING', 'SUBMITTED', 'ACCEPTED', 'PARTIALLY_FILLED', 'PENDING_CANCEL'];

export function orderTarget(from: OrderStatus, event: OrderEvent): OrderTarget | undefined {
  return (ORDER_TRANSITIONS as Table)[from][event];
}

export function isTerminalStatus(status: OrderStatus): boolean {
  return TERMINAL_STATUSES.includes(status);
}

export function isLiveStatus(status: OrderStatus): boolean {
  return LIVE_STATUSES.includes(status);
}

// ---------------------------------------------------------------------------------------------------------
// Entry machine (DESIGN §3 "Entry"): one per accepted signal, up to entryAttemptsMax orders, one at a time.

export const ENTRY_STATES = ['LIMIT', 'REPRICING', 'ESCALATING', 'FILLED', 'GAVE_UP'] as const;
export type EntryStatus = (typeof ENTRY_STATES)[number];

export const ENTRY_EVENTS = [
  'reprice', // order.created purpose=entry, attempt >= 2, a limit order
  'escalate', // order.created purpose=entry, attempt >= 2, a market order
  'fill_complete', // the entry's filled quantity reached its target
  'give_up', // entry.gave_up
] as const;
export type EntryEvent = (typeof ENTRY_EVENTS)[number];

type EntryTable = { readonly [S in EntryStatus]: { readonly [E in EntryEvent]?: EntryStatus } };

export const ENTRY_TRANSITIONS = {
  LIMIT: { reprice: 'REPRICING', escalate: 'ESCALATING', fill_complete: 'FILLED', give_up: 'GAVE_UP' },
  // A config with more than 3 attempts reprices more than once.
  REPRICING: { reprice: 'REPRICING', escalate: 'ESCALATING', fill_complete: 'FILLED', give_up: 'GAVE_UP' },
  ESCALATING: { fill_complete: 'FILLED', give_up: 'GAVE_UP' },
  // Final. A late fill still adds to filledQty (late facts are facts) without a transition.
  FILLED: {},
  GAVE_UP: {},
} as const satisfies EntryTable;

export function entryTarget(from: EntryStatus, event: EntryEvent): EntryStatus | undefined {
  return (ENTRY_TRANSITIONS as EntryTable)[from][event];
}
