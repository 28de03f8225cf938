// The event catalog: every event type the journal accepts, whether it is an input (a fact from the outside
// world) or a decision (what the engine decided), and the schema of its payload. Bump CATALOG_VERSION on any
// change that an older reader could not understand; the journal refuses files written by a newer catalog.
import { z } from 'zod';
import {
  arrayOf, boolean, clientOrderId, epochMs, id, jsonValue, money, nonNegInt, nullable, oneOf, posInt, price, qty, seqRef,
  side, signedInt, strictObject, symbol, text, tradingDay,
} from './fields';

export const CATALOG_VERSION = 1;

// ---------------------------------------------------------------------------------------------------------
// Enumerations shared with the projections.

export const ORDER_STATES = [
  'PENDING', 'SUBMITTED', 'ACCEPTED', 'PARTIALLY_FILLED', 'FILLED', 'PENDING_CANCEL', 'CANCELED', 'REJECTED',
  'EXPIRED', 'ABANDONED',
] as const;
export type OrderStatus = (typeof ORDER_STATES)[number];

export const SESSION_PHASES = [
  'CLOSED', 'PRE_MARKET', 'WARMUP', 'ACTIVE', 'EOD_WARNING', 'EOD_LIQUIDATION', 'AFTER_HOURS',
] as const;
export type SessionPhase = (typeof SESSION_PHASES)[number];

/** Broker trade-update events (Alpaca `trade_updates` vocabulary, see shared/alpaca/PROTOCOL.md). */
export const BROKER_ORDER_EVENTS = [
  'pending_new', 'new', 'accepted', 'partial_fill', 'fill', 'canceled', 'expired', 'done_for_day', 'replaced',
  'rejected', 'pending_cancel', 'stopped', 'suspended', 'calculated', 'order_cancel_rejected',
  'order_replace_rejected', 'pending_replace', 'held',
] as const;
export type BrokerOrderEvent = (typeof BROKER_ORDER_EVENTS)[number];

export const ORDER_TYPES = ['market', 'limit', 'stop', 'stop_limit'] as const;
export const TIME_IN_FORCE = ['day', 'gtc', 'ioc', 'fok'] as const;
/** Why an order exists. Entry attempts escalate; take_profit/stop_loss are the broker-held legs (layer 1). */
export const ORDER_PURPOSES = ['entry', 'take_profit', 'stop_loss', 'exit'] as const;
export type OrderPurpose = (typeof ORDER_PURPOSES)[number];

/** The gates of DESIGN §4 step 7 (plus the phase/warmup gates of steps 4-5), in the order they run. */
export const SIGNAL_GATES = [
  'phase', 'warmup', 'kill_switch', 'halted', 'symbol_blocked', 'cooldown', 'position_exists', 'working_order',
  'sizing', 'buying_power',
] as const;
export type SignalGate = (typeof SIGNAL_GATES)[number];

export const EXIT_REASONS = ['take_profit', 'stop_loss', 'eod_liquidation', 'kill_switch', 'reconciliation', 'operator'] as const;
export type ExitReason = (typeof EXIT_REASONS)[number];

export const FEEDS = ['market_data', 'trade_updates', 'rest'] as const;
export const CONNECTION_STATES = ['connecting', 'connected', 'authenticated', 'disconnected', 'reconnecting'] as const;

export const OPERATOR_COMMANDS = ['halt', 'resume', 'flatten', 'cancel_all', 'reconcile'] as const;

// ---------------------------------------------------------------------------------------------------------
// Reusable payload parts.

/** A strict object; it gets a fast check (fields.ts) when every field has one. */
const obj = strictObject;

const ohlcv = {
  symbol: symbol(),
  open: price(),
  high: price(),
  low: price(),
  close: price(),
  volume: nonNegInt(),
  /** Volume-weighted average price of the bar, when the feed provides it. */
  vwap: nullable(price()),
  /** Number of trades in the bar, when the feed provides it. */
  trades: nullable(nonNegInt()),
};
const barShape = obj(ohlcv).refine((b) => b.high >= b.low, { message: 'has high below low', path: ['high'] });

const calendarDay = obj({
  date: tradingDay(),
  /** Regular open and close as instants (ms UTC), computed once per day from New York wall time. */
  openTs: epochMs(),
  closeTs: epochMs(),
  earlyClose: boolean(),
});

const snapshotPosition = obj({ symbol: symbol(), qty: signedInt(), avgEntryPrice: price() });
const snapshotOrder = obj({
  clientOrderId: text(256),
  brokerOrderId: id(),
  symbol: symbol(),
  side: side(),
  qty: qty(),
  filledQty: nonNegInt(),
  orderType: oneOf(ORDER_TYPES),
  limitPrice: nullable(price()),
  stopPrice: nullable(price()),
  status: text(64),
});

const discrepancy = obj({
  kind: oneOf([
    'broker_flat_engine_holds', 'broker_holds_engine_flat', 'quantity_mismatch', 'order_missing_at_broker',
    'order_unknown_to_engine', 'order_status_mismatch', 'leg_missing',
  ]),
  symbol: symbol(),
  clientOrderId: nullable(text(256)),
  engineQty: nullable(signedInt()),
  brokerQty: nullable(signedInt()),
  /** The broker's average entry price, for an adopted position. */
  brokerAvgPrice: nullable(price()),
  action: oneOf(['close_local', 'adopt', 'block_symbol', 'halt', 'abandon_order', 'cancel_order', 'mark_status', 'resubmit_legs', 'none']),
  detail: text(),
});

// ---------------------------------------------------------------------------------------------------------
// The catalog. `kind` says where an event comes from; `schema` validates its payload.

export const CATALOG = {
  // ---- inputs: facts from the outside world --------------------------------------------------------
  /** A run begins: what produced the events that follow. The config is stored whole (it holds no secrets). */
  'run.started': {
    kind: 'input',
    schema: obj({
      runId: z.string().regex(/^[A-Za-z0-9]{4,24}$/, 'is not a run id (4-24 letters/digits)'),
      mode: oneOf(['backtest', 'live', 'paper']),
      config: jsonValue,
      configHash: z.string().regex(/^[0-9a-f]{64}$/, 'is not a sha256 hex digest'),
      strategies: arrayOf(obj({ name: id(), version: id(), params: jsonValue })),
      codeVersion: text(128),
      catalogVersion: posInt(),
      /** Hash of the market inputs' source (e.g. of the bar files) when known in advance. */
      dataSource: text(1024),
    }),
  },
  /** A minute bar; the envelope ts is the bar's start. */
  'market.bar': { kind: 'input', schema: barShape },
  /** A correction of a bar already delivered (Alpaca `u` bars); replaces the bar that starts at barTs. */
  'market.bar_correction': {
    kind: 'input',
    schema: obj({ ...ohlcv, barTs: epochMs() }).refine((b) => b.high >= b.low, { message: 'has high below low', path: ['high'] }),
  },
  /** A corporate action effective at the start of exDate: previous-close references are divided by ratio. */
  'market.corporate_action': {
    kind: 'input',
    schema: obj({ symbol: symbol(), action: oneOf(['split']), exDate: tradingDay(), ratio: price() }),
  },
  /** One broker trade update for one of our orders (or one we do not know: that becomes an anomaly). */
  'broker.order_update': {
    kind: 'input',
    schema: obj({
      event: oneOf(BROKER_ORDER_EVENTS),
      /** Unique id of this broker event: the execution id for fills; used to drop duplicates. */
      eventId: id(),
      clientOrderId: text(256),
      brokerOrderId: nullable(id()),
      symbol: symbol(),
      side: side(),
      orderQty: qty(),
      /** Shares filled by this execution (fills only). */
      fillQty: nullable(qty()),
      fillPrice: nullable(price()),
      /** Cumulative filled quantity of the order after this event. */
      cumFilledQty: nonNegInt(),
      avgFillPrice: nullable(price()),
      reason: nullable(text()),
    }),
  },
  /** What the broker holds right now: positions, open orders and the account (reconciliation, DESIGN §5). */
  'broker.snapshot': {
    kind: 'input',
    schema: obj({
      account: obj({ equity: money(), cash: money(), buyingPower: money() }),
      positions: arrayOf(snapshotPosition),
      openOrders: arrayOf(snapshotOrder),
    }),
  },
  /** The answer to a REST request the shell made for a decision (submit, cancel, snapshot). */
  'broker.request_result': {
    kind: 'input',
    schema: obj({
      request: oneOf(['submit', 'cancel', 'snapshot']),
      clientOrderId: nullable(text(256)),
      ok: boolean(),
      httpStatus: nullable(nonNegInt()),
      brokerOrderId: nullable(id()),
      error: nullable(text()),
      /** The seq of the decision this request carried out. */
      forSeq: seqRef(),
    }),
  },
  /** The broker's trading calendar for some days (Alpaca /v2/calendar), overriding the bundled calendar. */
  'broker.calendar': { kind: 'input', schema: obj({ days: arrayOf(calendarDay) }) },
  /** A deadline found in state has passed; the envelope ts is the deadline. */
  'timer.fired': { kind: 'input', schema: obj({ purpose: text(128) }) },
  'connection.status': {
    kind: 'input',
    schema: obj({ feed: oneOf(FEEDS), status: oneOf(CONNECTION_STATES), detail: nullable(text()) }),
  },
  'operator.command': {
    kind: 'input',
    schema: obj({ command: oneOf(OPERATOR_COMMANDS), operator: id(), reason: text(), symbol: nullable(symbol()) }),
  },
  /** Raw text from the outside that failed its schema: kept, never dropped (DESIGN §2). */
  'input.rejected': {
    kind: 'input',
    schema: obj({ source: text(128), raw: text(65536), error: text() }),
  },

  // ---- decisions: what the engine decided ---------------------------------------------------------
  'signal.emitted': {
    kind: 'decision',
    schema: obj({
      symbol: symbol(),
      strategy: id(),
      strategyVersion: id(),
      side: side(),
      reason: text(),
      /** Reference price when the signal fired (the bar close). */
      refPrice: price(),
      takeProfitPrice: price(),
      stopLossPrice: price(),
    }),
  },
  'signal.rejected': {
    kind: 'decision',
    schema: obj({
      symbol: symbol(),
      strategy: id(),
      side: side(),
      gate: oneOf(SIGNAL_GATES),
      reason: text(),
    }),
  },
  /** An order the engine will send. The shell sends it only after this event is durable. */
  'order.created': {
    kind: 'decision',
    schema: obj({
      clientOrderId: clientOrderId(),
      /** The entry (one accepted signal) this order belongs to; protective legs and exits carry it too. */
      entryId: id(),
      symbol: symbol(),
      side: side(),
      qty: qty(),
      orderType: oneOf(ORDER_TYPES),
      limitPrice: nullable(price()),
      stopPrice: nullable(price()),
      timeInForce: oneOf(TIME_IN_FORCE),
      purpose: oneOf(ORDER_PURPOSES),
      /** 1-based attempt of an entry's escalation; 1 for other orders. */
      attempt: posInt(),
      /** Protective legs of one position share an OCO group (the broker cancels one when the other fills). */
      ocoGroup: nullable(id()),
      /** When the order times out unfilled (entry escalation), or null. */
      timeoutAt: nullable(epochMs()),
      takeProfitPrice: nullable(price()),
      stopLossPrice: nullable(price()),
      exitReason: nullable(oneOf(EXIT_REASONS)),
      reason: text(),
    }),
  },
  /** A transition the engine infers rather than the broker reports (e.g. from a reconciliation snapshot). */
  'order.transition': {
    kind: 'decision',
    schema: obj({
      clientOrderId: clientOrderId(),
      from: oneOf(ORDER_STATES),
      to: oneOf(ORDER_STATES),
      reason: text(),
    }),
  },
  'cancel.requested': {
    kind: 'decision',
    schema: obj({ clientOrderId: clientOrderId(), reason: text() }),
  },
  /** Decided but never reached the broker (found missing at reconciliation, or its submit failed for good). */
  'order.abandoned': {
    kind: 'decision',
    schema: obj({ clientOrderId: clientOrderId(), reason: text() }),
  },
  /** An entry's escalation ended without a complete fill: what was filled is kept and protected. */
  'entry.gave_up': {
    kind: 'decision',
    schema: obj({ entryId: id(), symbol: symbol(), attempts: nonNegInt(), filledQty: nonNegInt(), reason: text() }),
  },
  /** The engine wants this position closed; it cancels live legs first, then sends a market exit. */
  'position.exit_requested': {
    kind: 'decision',
    schema: obj({ symbol: symbol(), reason: oneOf(EXIT_REASONS), detail: text() }),
  },
  'session.phase_changed': {
    kind: 'decision',
    schema: obj({
      tradingDay: tradingDay(),
      from: oneOf(SESSION_PHASES),
      to: oneOf(SESSION_PHASES),
      calendar: nullable(calendarDay),
      reason: text(),
    }),
  },
  'risk.kill_switch_tripped': {
    kind: 'decision',
    schema: obj({
      scope: oneOf(['daily', 'weekly']),
      realizedLoss: money(),
      limit: money(),
      periodStart: tradingDay(),
      reason: text(),
    }),
  },
  'risk.cooldown_started': {
    kind: 'decision',
    schema: obj({ symbol: symbol(), bars: posInt(), reason: text() }),
  },
  'risk.symbol_blocked': {
    kind: 'decision',
    schema: obj({ symbol: symbol(), reason: text() }),
  },
  'engine.halted': {
    kind: 'decision',
    schema: obj({ reason: text(), error: nullable(text(65536)) }),
  },
  'engine.resumed': { kind: 'decision', schema: obj({ reason: text() }) },
  /** Ask the shell to fetch a broker snapshot (layer 3, every N bars and at startup). */
  'reconciliation.requested': { kind: 'decision', schema: obj({ reason: text() }) },
  'reconciliation.applied': {
    kind: 'decision',
    schema: obj({ snapshotSeq: seqRef(), discrepancies: arrayOf(discrepancy), reason: text() }),
  },
  /** Every N bars: the shell stores a snapshot of the state after this transaction. */
  'checkpoint.taken': {
    kind: 'decision',
    schema: obj({ barsSinceStart: nonNegInt(), reason: text() }),
  },
} as const;

export type Catalog = typeof CATALOG;
export type EventType = keyof Catalog;
export type InputType = { [K in EventType]: Catalog[K]['kind'] extends 'input' ? K : never }[EventType];
export type DecisionType = { [K in EventType]: Catalog[K]['kind'] extends 'decision' ? K : never }[EventType];
export type PayloadOf<T extends EventType> = z.output<Catalog[T]['schema']>;
export type EventKind = 'input' | 'decision';

export const EVENT_TYPES = Object.keys(CATALOG) as EventType[];
export const INPUT_TYPES = EVENT_TYPES.filter((t) => CATALOG[t].kind === 'input') as InputType[];
export const DECISION_TYPES = EVENT_TYPES.filter((t) => CATALOG[t].kind === 'decision') as DecisionType[];

export function isEventType(type: string): type is EventType {
  return Object.prototype.hasOwnProperty.call(CATALOG, type);
}

export function kindOf(type: EventType): EventKind {
  return CATALOG[type].kind;
}
