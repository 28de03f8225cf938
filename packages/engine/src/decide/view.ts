// Read-only views of EngineState for the decider: the one place that knows the projections' shapes, so the
// pipeline reads as the design does ("position for the symbol?", "live legs?"). Pure.
import { type EngineConfig, type OrderStatus, type PayloadOf, type SessionPhase } from '@axiom/events';
import {
  blockedReason as riskBlockedReason, cooldownBarsLeft, getEntry, getOrder, getPosition,
  indicatorsOf, isTerminalStatus, lossLimitBreached, nextDeadline as ordersNextDeadline, nextPhaseBoundary,
  openPositions, phaseAt, recentBarAt, recentBarCount, recentBars, recentCloseAt, sessionAt, snapshotOutstanding as brokerSnapshotOutstanding, symbolMarket, tradingDayOf,
  workingOrders as ordersWorking, type CalendarDay, type EngineState, type Order,
} from '@axiom/projections';
import type { StrategyBar, StrategyContext, StrategyIndicators } from '@axiom/strategies';
import { reconcile as reconcileSnapshot } from './reconcile';

export type OrderView = Order;

export const config = (s: EngineState): EngineConfig => s.config;
export const runId = (s: EngineState): string => s.run?.runId ?? 'norun';

// ---- session -------------------------------------------------------------------------------------------

export function session(s: EngineState): { tradingDay: string | null; phase: SessionPhase } {
  return { tradingDay: s.session.tradingDay, phase: s.session.phase };
}

export function phaseFor(s: EngineState, ts: number): { tradingDay: string; phase: SessionPhase; calendar: CalendarDay | null } {
  const tradingDay = tradingDayOf(ts, s.session.config.timeZone);
  // The calendar of the current day is already in state: skip the look-up on the per-bar path.
  if (s.session.calendar !== null && s.session.calendar.date === tradingDay) {
    return { tradingDay, phase: phaseAt(ts, s.session.calendar, s.session.config), calendar: s.session.calendar };
  }
  return sessionAt(s.session, ts);
}

/** Phases in which no position may be held: liquidate. */
export function isLiquidationPhase(phase: SessionPhase): boolean {
  return phase === 'EOD_LIQUIDATION' || phase === 'AFTER_HOURS' || phase === 'CLOSED';
}

const NY_TIME = new Intl.DateTimeFormat('en-US', { timeZone: 'America/New_York', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' });
export function nyTime(ts: number): string {
  return `${NY_TIME.format(new Date(ts))} New York`;
}

// ---- orders ---------------------------------------------------------------------------------------------

export function workingOrders(s: EngineState, symbol?: string): Order[] {
  return ordersWorking(s.orders, symbol);
}

export function order(s: EngineState, clientOrderId: string): Order | null {
  return getOrder(s.orders, clientOrderId) ?? null;
}

/** An order we may ask the broker to cancel: it reached the broker and no cancel is in flight. */
export function canCancel(o: Order): boolean {
  return o.status === 'SUBMITTED' || o.status === 'ACCEPTED' || o.status === 'PARTIALLY_FILLED';
}

export function isTerminal(status: OrderStatus): boolean {
  return isTerminalStatus(status);
}

export function entry(s: EngineState, entryId: string): { done: boolean; targetQty: number; filledQty: number } | null {
  const e = getEntry(s.orders, entryId);
  if (e === undefined) return null;
  return { done: e.status === 'FILLED' || e.status === 'GAVE_UP', targetQty: e.targetQty, filledQty: e.filledQty };
}

// ---- positions ------------------------------------------------------------------------------------------

export interface PositionView {
  qty: number;
  avgPrice: number;
  exitPending: PayloadOf<'position.exit_requested'>['reason'] | null;
  entryId: string | null;
}

export function position(s: EngineState, symbol: string): PositionView | null {
  const p = getPosition(s.positions, symbol);
  if (p === undefined) return null;
  return { qty: p.qty, avgPrice: p.avgEntryPrice, exitPending: p.exitPending?.reason ?? null, entryId: p.trip?.entryId ?? null };
}

export function positionQty(s: EngineState, symbol: string): number {
  return getPosition(s.positions, symbol)?.qty ?? 0;
}

export function symbolsWithPositions(s: EngineState): string[] {
  return s.positions.openSymbols;
}

/** The live protective legs of a symbol's position, as orders. */
export function liveLegs(s: EngineState, symbol: string): Order[] {
  const p = getPosition(s.positions, symbol);
  if (p === undefined) return [];
  const out: Order[] = [];
  for (const leg of [p.legs.takeProfit, p.legs.stopLoss]) {
    if (leg === null || !leg.live) continue;
    const o = getOrder(s.orders, leg.clientOrderId);
    if (o !== undefined) out.push(o);
  }
  return out;
}

/**
 * Whether the broker refused this position's last protective legs. The engine then relies on layer 2 (its
 * own TP/SL check) rather than resubmitting legs on every bar: retries are bounded (TigerBeetle style).
 */
export function legsRefused(s: EngineState, symbol: string): boolean {
  const p = getPosition(s.positions, symbol);
  if (p === undefined) return false;
  return p.legs.takeProfit?.status === 'REJECTED' || p.legs.stopLoss?.status === 'REJECTED';
}

/** The TP/SL levels protecting a position: those of the entry that opened it, else of its legs. */
export function protectiveLevels(s: EngineState, symbol: string): { takeProfitPrice: number; stopLossPrice: number } | null {
  const p = getPosition(s.positions, symbol);
  if (p === undefined || p.qty === 0) return null;
  const entryId = p.trip?.entryId ?? null;
  const e = entryId === null ? undefined : getEntry(s.orders, entryId);
  if (e !== undefined && e.takeProfitPrice !== null && e.stopLossPrice !== null && (e.side === 'buy') === p.qty > 0) {
    return { takeProfitPrice: e.takeProfitPrice, stopLossPrice: e.stopLossPrice };
  }
  const tp = p.legs.takeProfit?.price ?? null;
  const sl = p.legs.stopLoss?.price ?? null;
  return tp !== null && sl !== null ? { takeProfitPrice: tp, stopLossPrice: sl } : null;
}

// ---- market ---------------------------------------------------------------------------------------------

export function marketOf(s: EngineState, symbol: string): { barsToday: number; indicators: StrategyIndicators } | null {
  const m = symbolMarket(s.market, symbol);
  if (m === undefined) return null;
  return { barsToday: m.barsToday, indicators: indicatorsOf(m) };
}

export function lastPrice(s: EngineState, symbol: string): number | null {
  return symbolMarket(s.market, symbol)?.lastPrice ?? null;
}

/**
 * What a strategy may see: this symbol's recent bars (the last `barsWanted`, at least the strategies'
 * warmupBars + 1) and indicators, all frozen: strategies cannot write state.
 */
export function strategyContext(s: EngineState, symbol: string, ts: number, barsWanted: number): Omit<StrategyContext<unknown>, 'params'> {
  const m = symbolMarket(s.market, symbol);
  if (m === undefined) throw new Error(`strategyContext: no market state for ${symbol}`);
  return new BarContext(m, symbol, ts, barsWanted);
}

/**
 * A strategy's view of one bar. The bars are built on first read (most strategies decide from the
 * indicators on most bars) and shared by every strategy of this bar; a class keeps the getter on the
 * prototype, so reads stay fast. The indicators record is replaced, never edited, by the market slice:
 * freezing it in place is safe.
 */
class BarContext {
  readonly indicators: StrategyIndicators;
  // #private: a plugin cannot reach the market state through the context.
  readonly #m: NonNullable<ReturnType<typeof symbolMarket>>;
  readonly #wanted: number;
  #built: ReturnType<typeof recentBars> | null = null;
  #single: (StrategyBar | undefined)[] | null = null;

  constructor(m: NonNullable<ReturnType<typeof symbolMarket>>, readonly symbol: string, readonly ts: number, wanted: number) {
    this.#m = m;
    this.#wanted = wanted;
    this.indicators = Object.freeze(indicatorsOf(m));
  }

  get bars(): ReturnType<typeof recentBars> {
    if (this.#built === null) this.#built = recentBars(this.#m, this.#wanted);
    return this.#built;
  }

  get barCount(): number {
    return this.#built === null ? recentBarCount(this.#m, this.#wanted) : this.#built.length;
  }

  /** One bar, built alone unless the window was built already (then its object, as `bars` holds it). */
  bar(back: number): StrategyBar | undefined {
    const built = this.#built;
    if (built !== null) return Number.isInteger(back) && back >= 0 ? built[built.length - 1 - back] : undefined;
    // The bars asked for so far, shared by the strategies of this bar (most ask for the last one or two).
    const single = (this.#single ??= []);
    let b = single[back];
    if (b === undefined) {
      b = recentBarAt(this.#m, this.#wanted, back);
      if (b !== undefined) single[back] = b;
    }
    return b;
  }

  close(back: number): number | undefined {
    const built = this.#built;
    if (built !== null) return Number.isInteger(back) && back >= 0 ? built[built.length - 1 - back]?.close : undefined;
    return recentCloseAt(this.#m, this.#wanted, back);
  }
}

// ---- account, risk, broker ------------------------------------------------------------------------------

export function sizingInputs(s: EngineState) {
  const a = s.account;
  const equity = a.impliedEquity ?? a.reported?.equity ?? null;
  let gross = 0;
  for (const p of openPositions(s.positions)) gross += Math.abs(p.qty * (p.markPrice ?? p.avgEntryPrice));
  for (const o of ordersWorking(s.orders)) {
    if (o.purpose === 'entry') gross += (o.qty - o.filledQty) * (o.limitPrice ?? lastPrice(s, o.symbol) ?? 0);
  }
  // Buying power: 1x equity minus what is already exposed, never above what the broker last reported.
  const implied = equity === null ? null : equity - gross;
  const reported = a.reported?.buyingPower ?? null;
  const buyingPower = implied === null ? reported : reported === null ? implied : Math.min(implied, reported + a.fillCashFlowSinceReport);
  return { equity, equityAtSnapshot: a.reported?.equity ?? null, fillsSinceSnapshot: a.fillsSinceReport, buyingPower };
}

export function killSwitch(s: EngineState): string | null {
  const k = s.risk.killSwitch;
  return k === null ? null : `kill-switch (${k.scope}) tripped: ${k.reason}`;
}

export function halted(s: EngineState): string | null {
  return s.risk.halted === null ? null : `engine halted: ${s.risk.halted.reason}`;
}

export function blockedReason(s: EngineState, symbol: string): string | null {
  const r = riskBlockedReason(s.risk, symbol);
  return r === null ? null : `symbol ${symbol} blocked: ${r}`;
}

export function cooldownBars(s: EngineState, symbol: string): number {
  return cooldownBarsLeft(s.risk, symbol);
}

/** A loss-limit breach not yet acted on, as the payload of `risk.kill_switch_tripped`. */
export function lossLimitBreach(s: EngineState): PayloadOf<'risk.kill_switch_tripped'> | null {
  if (s.risk.killSwitch !== null) return null;
  const b = lossLimitBreached(s.risk, s.config);
  if (b === null) return null;
  return { ...b, reason: `${b.scope} realized loss ${b.realizedLoss.toFixed(2)} reached the limit ${b.limit.toFixed(2)}` };
}

/**
 * A snapshot was asked for and has not arrived. A request older than `staleBeforeTs` no longer counts, so a
 * lost request is retried at the next cadence instead of blocking reconciliation forever.
 */
/** DESIGN §5: after a start (or restart), no entry until the broker snapshot has been reconciled. */
export function reconciledSinceStart(s: EngineState): boolean {
  const started = s.run?.startedSeq ?? 0;
  const last = s.broker.lastReconciliation;
  return last !== null && last.seq > started;
}

export function snapshotOutstanding(s: EngineState, staleBeforeTs: number): boolean {
  const r = s.broker.snapshotRequested;
  return brokerSnapshotOutstanding(s.broker) && r !== null && r.ts > staleBeforeTs;
}

export const reconcile = reconcileSnapshot;

export const lastBarTs = (s: EngineState): number | null => s.counters.lastBarTs;
export const barTicks = (s: EngineState): number => s.counters.barTicks;
export const counters = (s: EngineState): EngineState['counters'] => s.counters;

/**
 * The engine's next deadline: the earliest entry-order timeout, or the next session phase boundary (so EOD
 * liquidation starts on time even when no bar arrives). The shell turns it into a `timer.fired` input.
 */
export function nextDeadline(s: EngineState): number | null {
  const orders = ordersNextDeadline(s.orders);
  if (s.lastTs === 0) return orders;
  const day = phaseFor(s, s.lastTs).calendar;
  const boundary = nextPhaseBoundary(s.lastTs, day, s.session.config);
  if (boundary === null) return orders;
  return orders === null ? boundary : Math.min(orders, boundary);
}
