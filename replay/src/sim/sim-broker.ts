// The simulated broker for backtests: an Alpaca-like venue that keeps orders, positions and cash, and
// answers only through its sink, as `broker.request_result`, `broker.order_update` and `broker.snapshot`
// inputs (the same vocabulary as the live adapter). Guarantee: deterministic; no clock, no randomness.
// Broker order ids are `sim-1, sim-2, …` in acceptance order; event ids are `${clientOrderId}:${n}` with n
// counting that order's events (so every fill has its own id). The price, quantity, buying-power and OCO
// rules are written down once, in fill-model.ts; this file keeps the books.
//
// Answers, like Alpaca's REST + trade_updates: an accepted submit gives `broker.request_result` (ok, 200) then
// the 'new' update, then any fill made when it lands; a refused submit (403/422) gives only the result and
// creates no order, so its client order id stays free; a resubmitted id that exists gets 422 "client_order_id
// must be unique" naming the existing broker order id, and nothing changes. A cancel gives the result (204)
// then 'canceled' (fills kept); 422 "order is already in <filled|canceled|expired> state" when it is not
// open; 404 "order not found" when the id is unknown. A snapshot request gives only the `broker.snapshot`.
//
// Requests land `latencyMs` after the call. The broker holds them until then and tells the scheduler when
// (`nextDueMs`); the scheduler calls `advanceTo` at that instant (scheduler.ts, time model). Between the call
// and the landing, bars can still fill the order: that is how a fill beats a cancel.
import type { EngineConfig, InputDraft, PayloadOf } from '@axiom/events';
import type { Broker, OrderRequest } from '@axiom/engine/src/broker';
import {
  barCanFill, barOutcome, fillPass, floorShares, limitMarketable, marketFillPrice, volumeCapShares,
  type Side, type SimOrderType,
} from './fill-model';
import { MinHeap } from './heap';
import { nyDayOf, nyRegularCloseMs } from './ny-clock';
import type { SimBar, SimCorporateAction, SimVenue } from './scheduler';

export type SimConfig = EngineConfig['sim'];

export type SimBrokerOptions = {
  /** Where every answer goes; usually `scheduler.push`. */
  sink: (input: InputDraft) => void;
  config: SimConfig;
  /**
   * When day orders accepted on the New York date `date` expire (ms UTC); null when there is no session
   * that day. Default: 16:00 New York (regular close). Pass a calendar-aware function for early closes.
   */
  closeMsOf?: (date: string) => number | null;
};

export type SimOrderStatus = 'new' | 'partially_filled' | 'filled' | 'canceled' | 'expired';
export type SimPosition = { readonly symbol: string; readonly qty: number; readonly avgEntryPrice: number };
export type SimAccount = { readonly equity: number; readonly cash: number; readonly buyingPower: number };
export type OvernightHolding = SimPosition & { readonly date: string };
export type SnapshotPayload = PayloadOf<'broker.snapshot'>;
export type SnapshotOrder = SnapshotPayload['openOrders'][number];

type SimOrder = {
  readonly clientOrderId: string;
  readonly brokerOrderId: string;
  readonly symbol: string;
  readonly side: Side;
  qty: number;
  readonly orderType: SimOrderType;
  limitPrice: number | null;
  stopPrice: number | null;
  readonly timeInForce: OrderRequest['timeInForce'];
  readonly ocoGroup: string | null;
  readonly acceptedAtMs: number;
  /** Increases exposure (buying power applies) rather than reducing a position (held shares apply). */
  readonly opening: boolean;
  status: SimOrderStatus;
  filledQty: number;
  /** Σ fill qty × fill price, for the average fill price. */
  notional: number;
  triggered: boolean;
  /** Events emitted for this order so far (the n of its event ids). */
  events: number;
};

type Book = {
  readonly symbol: string;
  /** Close of the symbol's last bar (the last trade), or null before its first bar. */
  lastPrice: number | null;
  /** Shares the last bar still offers (fill-model.ts, QUANTITY). */
  capLeft: number;
  /** Signed position and its average entry price (0 when flat). */
  qty: number;
  avgEntryPrice: number;
  /** Open orders of the symbol in acceptance order. */
  open: SimOrder[];
};

type Effect =
  | { readonly kind: 'submit'; readonly at: number; readonly seq: number; readonly order: OrderRequest; readonly forSeq: number }
  | { readonly kind: 'cancel'; readonly at: number; readonly seq: number; readonly clientOrderId: string; readonly forSeq: number }
  | { readonly kind: 'snapshot'; readonly at: number; readonly seq: number; readonly forSeq: number }
  | { readonly kind: 'close'; readonly at: number; readonly seq: number; readonly date: string };

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

const effectBefore = (a: Effect, b: Effect): boolean => (a.at !== b.at ? a.at < b.at : a.seq < b.seq);
/** Money comparisons tolerate float noise (STYLE rule 5). */
const MONEY_EPSILON = 1e-6;
const HTTP_OK = 200;
const HTTP_NO_CONTENT = 204;
const HTTP_FORBIDDEN = 403;
const HTTP_NOT_FOUND = 404;
const HTTP_UNPROCESSABLE = 422;

const isOpen = (o: SimOrder): boolean => o.status === 'new' || o.status === 'partially_filled';

export class SimBroker implements Broker, SimVenue {
  private readonly sink: (input: InputDraft) => void;
  private readonly latencyMs: number;
  private readonly slippageBps: number;
  private readonly maxVolumeShare: number;
  private readonly closeMsOf: (date: string) => number | null;

  private cash: number;
  private readonly books = new Map<string, Book>();
  /** Books with a non-zero position. */
  private readonly holding = new Set<Book>();
  /** Every order ever accepted (idempotency, cancel answers); bounded by the orders of one run. */
  private readonly orders = new Map<string, SimOrder>();
  /** Open orders in acceptance order (a Set keeps insertion order). */
  private readonly openOrders = new Set<SimOrder>();
  private readonly ocoFilled = new Map<string, number>();
  private readonly ocoLegs = new Map<string, SimOrder[]>();
  private readonly effects = new MinHeap<Effect>(effectBefore);
  private readonly overnight: OvernightHolding[] = [];
  private effectSeq = 0;
  private brokerOrderSeq = 0;
  private lastNowMs = -Infinity;
  private dayEndMs = -Infinity;

  constructor(opts: SimBrokerOptions) {
    const c = opts.config;
    if (!(c.initialCash > 0)) throw new Error(`sim broker: initialCash ${c.initialCash} is not > 0`);
    if (!Number.isInteger(c.latencyMs) || c.latencyMs < 0) throw new Error(`sim broker: latencyMs ${c.latencyMs} is not an integer >= 0`);
    if (!(c.slippageBps >= 0)) throw new Error(`sim broker: slippageBps ${c.slippageBps} is not >= 0`);
    if (!(c.maxVolumeShare > 0 && c.maxVolumeShare <= 1)) throw new Error(`sim broker: maxVolumeShare ${c.maxVolumeShare} is not in (0, 1]`);
    this.sink = opts.sink;
    this.latencyMs = c.latencyMs;
    this.slippageBps = c.slippageBps;
    this.maxVolumeShare = c.maxVolumeShare;
    this.cash = c.initialCash;
    this.closeMsOf = opts.closeMsOf ?? nyRegularCloseMs;
  }

  // ---- Broker: requests from the engine's shell, answered after latency ---------------------------------

  submit(order: OrderRequest, forSeq: number, now: number): void {
    this.tick(now);
    this.schedule({ kind: 'submit', at: now + this.latencyMs, order, forSeq });
  }

  cancel(clientOrderId: string, forSeq: number, now: number): void {
    this.tick(now);
    this.schedule({ kind: 'cancel', at: now + this.latencyMs, clientOrderId, forSeq });
  }

  requestSnapshot(forSeq: number, now: number): void {
    this.tick(now);
    this.schedule({ kind: 'snapshot', at: now + this.latencyMs, forSeq });
  }

  /** The snapshot a backtest starts from, stamped `now` (account = initialCash, flat, before any order). */
  initialSnapshot(now: number): InputDraft {
    return { type: 'broker.snapshot', ts: now, payload: this.snapshotPayload() };
  }

  // ---- SimVenue: driven by the scheduler ----------------------------------------------------------------

  nextDueMs(): number {
    return this.effects.peek()?.at ?? Infinity;
  }

  /** Produce every effect due at or before `now`, each stamped with its own instant. */
  advanceTo(now: number): void {
    this.tick(now);
    this.runDue(now, true);
  }

  matchBar(bar: SimBar, now: number): void {
    this.tick(now);
    let book = this.books.get(bar.symbol);
    if (book === undefined) {
      book = { symbol: bar.symbol, lastPrice: null, capLeft: 0, qty: 0, avgEntryPrice: 0, open: [] };
      this.books.set(bar.symbol, book);
    }
    book.lastPrice = bar.close;
    book.capLeft = volumeCapShares(bar.volume, this.maxVolumeShare);
    if (book.open.length === 0) return;
    const candidates = book.open.slice();
    for (const pass of [0, 1] as const) {
      for (const o of candidates) {
        if (fillPass(o.orderType) !== pass || !isOpen(o) || !barCanFill(bar.ts, o.acceptedAtMs)) continue;
        const outcome = barOutcome(o, bar, this.slippageBps);
        if (outcome.triggered) o.triggered = true;
        if (outcome.price === null) continue;
        const qty = Math.min(this.fillable(o), book.capLeft);
        if (qty <= 0) continue;
        book.capLeft -= qty;
        this.fill(o, book, qty, outcome.price, now);
      }
    }
  }

  applyCorporateAction(action: SimCorporateAction, now: number): void {
    this.tick(now);
    const book = this.books.get(action.symbol);
    if (book === undefined) return;
    const r = action.ratio;
    if (book.lastPrice !== null) book.lastPrice /= r;
    book.capLeft = floorShares(book.capLeft * r);
    if (book.qty !== 0) {
      const exact = book.qty * r;
      const whole = floorShares(exact);
      // A fractional share is paid out in cash at the adjusted last trade (cash in lieu).
      if (Math.abs(exact - whole) > 1e-9 && book.lastPrice !== null) this.cash += (exact - whole) * book.lastPrice;
      book.qty = whole;
      book.avgEntryPrice = whole === 0 ? 0 : book.avgEntryPrice / r;
      if (whole === 0) this.holding.delete(book);
    }
    const groups = new Set<string>();
    for (const o of book.open.slice()) {
      const qty = floorShares(o.qty * r);
      const filledQty = floorShares(o.filledQty * r);
      if (qty === 0 || filledQty >= qty) {
        // Reported on the old basis: the engine receives this before the corporate action itself.
        this.closeOrder(o, book, 'canceled', now, `split ratio ${r} leaves the order nothing to fill`);
        continue;
      }
      o.qty = qty;
      o.filledQty = filledQty;
      if (o.limitPrice !== null) o.limitPrice /= r;
      if (o.stopPrice !== null) o.stopPrice /= r;
      if (o.ocoGroup !== null) groups.add(o.ocoGroup);
    }
    for (const g of groups) this.ocoFilled.set(g, floorShares((this.ocoFilled.get(g) ?? 0) * r));
  }

  // ---- Inspection (tests, reports) ----------------------------------------------------------------------

  /** Non-zero positions, by symbol. */
  positions(): SimPosition[] {
    return [...this.holding]
      .map((b) => ({ symbol: b.symbol, qty: b.qty, avgEntryPrice: b.avgEntryPrice }))
      .sort((a, b) => (a.symbol < b.symbol ? -1 : a.symbol > b.symbol ? 1 : 0));
  }

  account(): SimAccount {
    let equity = this.cash;
    let gross = 0;
    for (const b of this.holding) {
      const px = b.lastPrice ?? b.avgEntryPrice;
      equity += b.qty * px;
      gross += Math.abs(b.qty) * px;
    }
    let committed = 0;
    for (const o of this.openOrders) {
      if (o.opening) committed += this.fillable(o) * (o.limitPrice ?? o.stopPrice ?? this.books.get(o.symbol)?.lastPrice ?? 0);
    }
    return { equity, cash: this.cash, buyingPower: equity - gross - committed };
  }

  /** Open orders in acceptance order, as a snapshot lists them. */
  openOrderList(): SnapshotOrder[] {
    return [...this.openOrders].map((o) => ({
      clientOrderId: o.clientOrderId, brokerOrderId: o.brokerOrderId, symbol: o.symbol, side: o.side, qty: o.qty,
      filledQty: o.filledQty, orderType: o.orderType, limitPrice: o.limitPrice, stopPrice: o.stopPrice, status: o.status,
    }));
  }

  /** Status of an order the broker accepted, or undefined. */
  orderStatus(clientOrderId: string): SimOrderStatus | undefined {
    return this.orders.get(clientOrderId)?.status;
  }

  /** The positions carried past each close, in the order the closes happened. */
  heldOvernight(): readonly OvernightHolding[] {
    return this.overnight;
  }

  // ---- Time ---------------------------------------------------------------------------------------------

  /** Every entry point: time never goes back; effects due strictly before now happen first; a new day gets its close. */
  private tick(now: number): void {
    if (!(now >= this.lastNowMs)) throw new Error(`sim broker: time went back from ${this.lastNowMs} to ${now}`);
    // Driven by the scheduler this never runs (it advances the broker at each due instant); a caller that
    // drives the broker by hand still gets its earlier landings, in order, before what happens now.
    if (this.nextDueMs() < now) this.runDue(now, false);
    this.lastNowMs = now;
    if (now >= this.dayEndMs) this.rollDay(now);
  }

  private rollDay(now: number): void {
    const { date, nextDayStartMs } = nyDayOf(now);
    this.dayEndMs = nextDayStartMs;
    const close = this.closeMsOf(date);
    if (close !== null && close >= now) this.schedule({ kind: 'close', at: close, date });
  }

  private schedule(effect: DistributiveOmit<Effect, 'seq'>): void {
    this.effects.push({ ...effect, seq: ++this.effectSeq } as Effect);
  }

  private runDue(now: number, inclusive: boolean): void {
    for (;;) {
      const e = this.effects.peek();
      if (e === undefined || e.at > now || (!inclusive && e.at === now)) return;
      this.effects.pop();
      if (e.at >= this.dayEndMs) this.rollDay(e.at);
      switch (e.kind) {
        case 'submit':
          this.land(e.order, e.forSeq, e.at);
          break;
        case 'cancel':
          this.landCancel(e.clientOrderId, e.forSeq, e.at);
          break;
        case 'snapshot':
          this.sink({ type: 'broker.snapshot', ts: e.at, payload: this.snapshotPayload() });
          break;
        case 'close':
          this.close(e.date, e.at);
          break;
        default: {
          const never: never = e;
          throw new Error(`assertion: unknown effect ${JSON.stringify(never)}`);
        }
      }
    }
  }

  // ---- Landing requests ---------------------------------------------------------------------------------

  private land(req: OrderRequest, forSeq: number, at: number): void {
    const known = this.orders.get(req.clientOrderId);
    if (known !== undefined) {
      // Idempotency: the retry creates nothing; the answer names the order that exists.
      this.result('submit', req.clientOrderId, false, HTTP_UNPROCESSABLE, known.brokerOrderId, 'client_order_id must be unique', forSeq, at);
      return;
    }
    const invalid = this.invalidReason(req);
    if (invalid !== null) {
      this.result('submit', req.clientOrderId, false, HTTP_UNPROCESSABLE, null, invalid, forSeq, at);
      return;
    }
    const book = this.bookOf(req.symbol);
    const reducing = (book.qty > 0 && req.side === 'sell') || (book.qty < 0 && req.side === 'buy');
    if (reducing) {
      const available = Math.abs(book.qty) - this.heldShares(book, req.side, req.ocoGroup);
      if (req.qty > available) {
        this.result('submit', req.clientOrderId, false, HTTP_FORBIDDEN, null,
          `insufficient qty available for order (requested: ${req.qty}, available: ${Math.max(0, available)})`, forSeq, at);
        return;
      }
    } else {
      const ref = req.limitPrice ?? req.stopPrice ?? book.lastPrice;
      if (ref === null) {
        this.result('submit', req.clientOrderId, false, HTTP_UNPROCESSABLE, null, `no last trade known for ${req.symbol}: the cost of a market order cannot be checked`, forSeq, at);
        return;
      }
      if (req.qty * ref > this.account().buyingPower + MONEY_EPSILON) {
        this.result('submit', req.clientOrderId, false, HTTP_FORBIDDEN, null, 'insufficient buying power', forSeq, at);
        return;
      }
    }
    const o: SimOrder = {
      clientOrderId: req.clientOrderId, brokerOrderId: `sim-${++this.brokerOrderSeq}`, symbol: req.symbol, side: req.side,
      qty: req.qty, orderType: req.orderType, limitPrice: req.limitPrice, stopPrice: req.stopPrice,
      timeInForce: req.timeInForce, ocoGroup: req.ocoGroup, acceptedAtMs: at, opening: !reducing, status: 'new',
      filledQty: 0, notional: 0, triggered: false, events: 0,
    };
    this.orders.set(o.clientOrderId, o);
    this.openOrders.add(o);
    book.open.push(o);
    if (o.ocoGroup !== null) {
      const legs = this.ocoLegs.get(o.ocoGroup);
      if (legs === undefined) this.ocoLegs.set(o.ocoGroup, [o]);
      else legs.push(o);
    }
    this.result('submit', o.clientOrderId, true, HTTP_OK, o.brokerOrderId, null, forSeq, at);
    this.update(o, 'new', at, null, null);
    this.fillOnLanding(o, book, at);
  }

  /** Requests a broker refuses as malformed (422) before looking at the account. */
  private invalidReason(req: OrderRequest): string | null {
    if (!Number.isInteger(req.qty) || req.qty <= 0) return `qty ${req.qty} is not a positive whole number of shares`;
    const needsLimit = req.orderType === 'limit' || req.orderType === 'stop_limit';
    const needsStop = req.orderType === 'stop' || req.orderType === 'stop_limit';
    if (needsLimit && req.limitPrice === null) return `limit_price is required for ${req.orderType} orders`;
    if (needsStop && req.stopPrice === null) return `stop_price is required for ${req.orderType} orders`;
    if ((req.timeInForce === 'ioc' || req.timeInForce === 'fok') && needsStop) {
      return `time_in_force ${req.timeInForce} is not supported for ${req.orderType} orders`;
    }
    return null;
  }

  /** Market orders trade at once against the last trade; ioc/fok are judged once, here (fill-model.ts). */
  private fillOnLanding(o: SimOrder, book: Book, at: number): void {
    // A leg that lands when its OCO group has nothing left to fill ends as any such leg does (OCO rules).
    if (o.ocoGroup !== null && this.fillable(o) <= 0) {
      this.closeOrder(o, book, 'canceled', at, `oco: group ${o.ocoGroup} has nothing left to fill`);
      return;
    }
    const last = book.lastPrice;
    const immediate = o.timeInForce === 'ioc' || o.timeInForce === 'fok';
    if (o.orderType === 'market' || (immediate && o.orderType === 'limit')) {
      const marketable = last !== null && (o.orderType === 'market' || limitMarketable(o.side, o.limitPrice as number, last));
      const qty = Math.min(this.fillable(o), book.capLeft);
      // A fill is of at least one share: fok fills all that is left, or nothing.
      const allowed = qty > 0 && (o.timeInForce !== 'fok' || qty >= this.fillable(o));
      if (marketable && allowed && last !== null) {
        book.capLeft -= qty;
        const price = o.orderType === 'market' ? marketFillPrice(last, o.side, this.slippageBps) : last;
        this.fill(o, book, qty, price, at);
      }
    }
    if (immediate && isOpen(o)) {
      this.closeOrder(o, book, 'canceled', at, `${o.timeInForce}: the rest could not fill when the order landed`);
    }
  }

  private landCancel(clientOrderId: string, forSeq: number, at: number): void {
    const o = this.orders.get(clientOrderId);
    if (o === undefined) {
      this.result('cancel', clientOrderId, false, HTTP_NOT_FOUND, null, 'order not found', forSeq, at);
      return;
    }
    if (!isOpen(o)) {
      this.result('cancel', clientOrderId, false, HTTP_UNPROCESSABLE, o.brokerOrderId, `order is already in ${o.status} state`, forSeq, at);
      return;
    }
    this.result('cancel', clientOrderId, true, HTTP_NO_CONTENT, o.brokerOrderId, null, forSeq, at);
    this.closeOrder(o, this.bookOf(o.symbol), 'canceled', at, 'canceled by request');
  }

  /** The day's close: day orders accepted before it expire; the positions carried overnight are recorded. */
  private close(date: string, at: number): void {
    for (const o of [...this.openOrders]) {
      if (o.timeInForce === 'day' && o.acceptedAtMs < at) this.closeOrder(o, this.bookOf(o.symbol), 'expired', at, 'day order expired at the close');
    }
    for (const p of this.positions()) this.overnight.push({ ...p, date });
  }

  // ---- Books --------------------------------------------------------------------------------------------

  private bookOf(symbol: string): Book {
    let book = this.books.get(symbol);
    if (book === undefined) {
      book = { symbol, lastPrice: null, capLeft: 0, qty: 0, avgEntryPrice: 0, open: [] };
      this.books.set(symbol, book);
    }
    return book;
  }

  /** Shares an order may still fill: OCO legs share one quantity (fill-model.ts, OCO). */
  private fillable(o: SimOrder): number {
    return o.ocoGroup === null ? o.qty - o.filledQty : o.qty - (this.ocoFilled.get(o.ocoGroup) ?? 0);
  }

  /** Shares held by open reducing orders on `side`, an OCO group once, not counting `exceptGroup`. */
  private heldShares(book: Book, side: Side, exceptGroup: string | null): number {
    let held = 0;
    const groups = new Map<string, number>();
    for (const o of book.open) {
      if (o.opening || o.side !== side) continue;
      const left = Math.max(0, this.fillable(o));
      if (o.ocoGroup === null) held += left;
      else if (o.ocoGroup !== exceptGroup) groups.set(o.ocoGroup, Math.max(groups.get(o.ocoGroup) ?? 0, left));
    }
    for (const v of groups.values()) held += v;
    return held;
  }

  private fill(o: SimOrder, book: Book, qty: number, price: number, at: number): void {
    o.filledQty += qty;
    o.notional += qty * price;
    if (o.ocoGroup !== null) this.ocoFilled.set(o.ocoGroup, (this.ocoFilled.get(o.ocoGroup) ?? 0) + qty);
    this.applyToPosition(book, o.side, qty, price);
    const done = o.filledQty >= o.qty;
    o.status = done ? 'filled' : 'partially_filled';
    this.update(o, done ? 'fill' : 'partial_fill', at, { qty, price }, null);
    if (done) this.removeOpen(o, book);
    if (o.ocoGroup !== null) {
      // The leg that filled ends first (if it has nothing left), then its siblings in acceptance order.
      const legs = (this.ocoLegs.get(o.ocoGroup) ?? []).filter((leg) => leg !== o);
      for (const leg of [o, ...legs]) {
        if (isOpen(leg) && this.fillable(leg) <= 0) {
          this.closeOrder(leg, this.bookOf(leg.symbol), 'canceled', at, `oco: group ${o.ocoGroup} filled its quantity (by ${o.clientOrderId})`);
        }
      }
    }
  }

  private applyToPosition(book: Book, side: Side, qty: number, price: number): void {
    const signed = side === 'buy' ? qty : -qty;
    this.cash -= signed * price;
    const q0 = book.qty;
    const q1 = q0 + signed;
    if (q0 === 0 || Math.sign(q0) === Math.sign(signed)) {
      book.avgEntryPrice = (Math.abs(q0) * book.avgEntryPrice + qty * price) / Math.abs(q1);
    } else if (q1 === 0) {
      book.avgEntryPrice = 0;
    } else if (Math.sign(q1) !== Math.sign(q0)) {
      book.avgEntryPrice = price; // flipped: the new side opened at this fill
    }
    book.qty = q1;
    if (q1 === 0) this.holding.delete(book);
    else this.holding.add(book);
  }

  private closeOrder(o: SimOrder, book: Book, status: 'canceled' | 'expired', at: number, reason: string): void {
    o.status = status;
    this.removeOpen(o, book);
    this.update(o, status, at, null, reason);
  }

  private removeOpen(o: SimOrder, book: Book): void {
    this.openOrders.delete(o);
    const i = book.open.indexOf(o);
    if (i >= 0) book.open.splice(i, 1);
    if (o.ocoGroup !== null) {
      const legs = this.ocoLegs.get(o.ocoGroup);
      if (legs !== undefined) {
        const j = legs.indexOf(o);
        if (j >= 0) legs.splice(j, 1);
        if (legs.length === 0) {
          this.ocoLegs.delete(o.ocoGroup);
          this.ocoFilled.delete(o.ocoGroup);
        }
      }
    }
  }

  // ---- Answers ------------------------------------------------------------------------------------------

  private update(o: SimOrder, event: 'new' | 'partial_fill' | 'fill' | 'canceled' | 'expired', at: number,
    fill: { qty: number; price: number } | null, reason: string | null): void {
    o.events += 1;
    this.sink({
      type: 'broker.order_update',
      ts: at,
      payload: {
        event, eventId: `${o.clientOrderId}:${o.events}`, clientOrderId: o.clientOrderId, brokerOrderId: o.brokerOrderId,
        symbol: o.symbol, side: o.side, orderQty: o.qty, fillQty: fill?.qty ?? null, fillPrice: fill?.price ?? null,
        cumFilledQty: o.filledQty, avgFillPrice: o.filledQty > 0 ? o.notional / o.filledQty : null, reason,
      },
    });
  }

  private result(request: 'submit' | 'cancel', clientOrderId: string, ok: boolean, httpStatus: number,
    brokerOrderId: string | null, error: string | null, forSeq: number, at: number): void {
    this.sink({ type: 'broker.request_result', ts: at, payload: { request, clientOrderId, ok, httpStatus, brokerOrderId, error, forSeq } });
  }

  private snapshotPayload(): SnapshotPayload {
    const a = this.account();
    return {
      account: { equity: a.equity, cash: a.cash, buyingPower: Math.max(0, a.buyingPower) },
      positions: this.positions(),
      openOrders: this.openOrderList(),
    };
  }
}
