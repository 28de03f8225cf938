// decide(state, input) -> decisions: the bar pipeline of DESIGN §4 and the engine's answers to broker
// facts, timers, snapshots and operators. Pure: it reads time only from the input, ids only from journal
// seqs, and every choice it makes is a journaled decision with a reason, caused by the input.
import { DEFAULTS, type AnyEvent, type DecisionDraft, type Envelope, type PayloadOf, type SignalGate } from '@axiom/events';
import { evolve, isSessionOver, type EngineState } from '@axiom/projections';
import { BAR_MS, nowOf } from '../time';
import { DecisionContext, type DecideDeps } from './context';
import { roundPrice, protectivePrices, priceAtOrAbove, priceAtOrBelow } from './prices';
import { sizePosition } from './sizing';
import * as V from './view';

export type { DecideDeps } from './context';

export interface StepResult {
  state: EngineState;
  decisions: DecisionDraft[];
}

/**
 * step = evolve the input, decide, evolve the decisions (DESIGN §1). `input` carries the seq the journal
 * will assign it (the shell reads it from `journal.nextSeq()`), so decision seqs and ids are known here.
 */
export function step(state: EngineState, input: AnyEvent, deps: DecideDeps): StepResult {
  const afterInput = evolve(state, input);
  const ctx = new DecisionContext(afterInput, input, nowOf(input), deps);
  runPipeline(ctx, state);
  return { state: ctx.state, decisions: ctx.decisions };
}

/** The decisions alone, for callers that keep their own state (replay --verify uses step). */
export function decide(stateAfterInput: EngineState, input: AnyEvent, deps: DecideDeps, stateBeforeInput = stateAfterInput): DecisionDraft[] {
  const ctx = new DecisionContext(stateAfterInput, input, nowOf(input), deps);
  runPipeline(ctx, stateBeforeInput);
  return ctx.decisions;
}

function runPipeline(ctx: DecisionContext, before: EngineState): void {
  const input = ctx.input;
  switch (input.type) {
    case 'run.started':
      // Startup is crash recovery too: the broker is the source of truth, so ask it first (DESIGN §5).
      ctx.emit('reconciliation.requested', { reason: 'startup: reconcile with the broker before any entry' });
      return;
    case 'market.bar':
      onBar(ctx, input, before);
      return;
    case 'timer.fired':
      onTimer(ctx);
      return;
    case 'broker.order_update':
      onOrderUpdate(ctx, input);
      return;
    case 'broker.request_result':
      onRequestResult(ctx, input);
      return;
    case 'broker.snapshot':
      onSnapshot(ctx, input);
      return;
    case 'operator.command':
      onOperator(ctx, input);
      return;
    case 'input.rejected':
      onRejectedInput(ctx, input);
      return;
    case 'market.bar_correction':
    case 'market.corporate_action':
    case 'broker.calendar':
    case 'connection.status':
      // Folded into state by evolve; nothing to decide.
      return;
    default:
      // Decisions are never inputs; the journal refuses them as such. Reaching here is a programming error.
      throw new Error(`decide: ${input.type} is not an input`);
  }
}

// ---------------------------------------------------------------------------------------------------------
// Session phase (DESIGN §4 step 4).

/**
 * The phase only moves forward in time. A bar is judged at its start (the 09:45 bar is ACTIVE) but handled
 * at its end, so after a phase-boundary timer at 09:45:00 the 09:44 bars that arrive at that same instant
 * must not roll the session back to WARMUP: an evaluation earlier than the current phase's start is ignored.
 */
function updatePhase(ctx: DecisionContext, phaseTs: number): void {
  const since = ctx.state.session.phaseSinceTs;
  if (since !== null && phaseTs < since && V.session(ctx.state).tradingDay !== null) return;
  const next = V.phaseFor(ctx.state, phaseTs);
  const cur = V.session(ctx.state);
  if (next.tradingDay === cur.tradingDay && next.phase === cur.phase) return;
  ctx.emit('session.phase_changed', {
    tradingDay: next.tradingDay, from: cur.phase, to: next.phase, calendar: next.calendar,
    reason: cur.tradingDay === next.tradingDay ? `${next.phase} at ${V.nyTime(phaseTs)}` : `new trading day ${next.tradingDay}`,
  });
  if (V.isLiquidationPhase(next.phase)) liquidateAll(ctx, `phase ${next.phase}`);
  if (next.tradingDay === cur.tradingDay && isSessionOver(next.phase) && !isSessionOver(cur.phase)) {
    // DESIGN §6: the day's end is checkpointed, so a restart after the close (or the next morning) replays
    // only what came after it.
    checkpoint(ctx, `session close (${next.phase} at ${V.nyTime(phaseTs)})`);
  }
}

/** At most one checkpoint per input: the shell stores one snapshot, of the state after the whole step. */
function checkpoint(ctx: DecisionContext, reason: string): void {
  if (ctx.decisions.some((d) => d.type === 'checkpoint.taken')) return;
  ctx.emit('checkpoint.taken', { barsSinceStart: V.barTicks(ctx.state), reason });
}

/** EOD: close every position and cancel every working entry order; no position is held overnight. */
function liquidateAll(ctx: DecisionContext, why: string): void {
  for (const order of V.workingOrders(ctx.state)) {
    if (order.purpose === 'entry' && V.canCancel(order)) {
      ctx.emit('cancel.requested', { clientOrderId: order.clientOrderId, reason: `EOD liquidation (${why}): cancel working entry` });
    }
  }
  for (const symbol of V.symbolsWithPositions(ctx.state)) requestExit(ctx, symbol, 'eod_liquidation', why);
}

// ---------------------------------------------------------------------------------------------------------
// The bar pipeline.

function onBar(ctx: DecisionContext, input: Envelope<'market.bar'>, before: EngineState): void {
  const symbol = input.payload.symbol;
  updatePhase(ctx, input.ts);
  const phase = V.session(ctx.state).phase;

  // A position must not outlive the session (EOD_LIQUIDATION and later).
  if (V.isLiquidationPhase(phase) && V.positionQty(ctx.state, symbol) !== 0) requestExit(ctx, symbol, 'eod_liquidation', `bar in ${phase}`);

  checkKillSwitch(ctx);
  softwareExitCheck(ctx, symbol, input.payload.close);
  exitSweep(ctx, symbol);
  protect(ctx, symbol);
  runStrategies(ctx, input, phase);
  cadence(ctx, input, before);
}

/** Layer 2: the engine's own TP/SL check defers to live broker legs and exits at market when none are live. */
function softwareExitCheck(ctx: DecisionContext, symbol: string, last: number): void {
  const pos = V.position(ctx.state, symbol);
  if (pos === null || pos.qty === 0 || pos.exitPending !== null) return;
  const levels = V.protectiveLevels(ctx.state, symbol);
  if (levels === null) return;
  const long = pos.qty > 0;
  const hitTp = long ? priceAtOrAbove(last, levels.takeProfitPrice) : priceAtOrBelow(last, levels.takeProfitPrice);
  const hitSl = long ? priceAtOrBelow(last, levels.stopLossPrice) : priceAtOrAbove(last, levels.stopLossPrice);
  if (!hitTp && !hitSl) return;
  if (V.liveLegs(ctx.state, symbol).length > 0) return; // the broker-held legs will act: defer to them
  const reason = hitSl ? 'stop_loss' : 'take_profit';
  const level = hitSl ? levels.stopLossPrice : levels.takeProfitPrice;
  requestExit(ctx, symbol, reason, `layer 2: last ${last} crossed ${reason} ${level} with no live legs`);
}

function requestExit(ctx: DecisionContext, symbol: string, reason: PayloadOf<'position.exit_requested'>['reason'], detail: string): void {
  const pos = V.position(ctx.state, symbol);
  if (pos === null || pos.qty === 0 || pos.exitPending !== null) return;
  ctx.emit('position.exit_requested', { symbol, reason, detail });
  exitSweep(ctx, symbol);
}

/**
 * Drive a pending exit: the broker holds a position's shares for its live legs, so cancel the legs first and
 * send the market exit once none is live (DESIGN §4 step 4). Idempotent: safe to call on every input.
 */
function exitSweep(ctx: DecisionContext, symbol: string): void {
  const pos = V.position(ctx.state, symbol);
  if (pos === null || pos.exitPending === null || pos.qty === 0) return;
  let waiting = false;
  for (const leg of V.liveLegs(ctx.state, symbol)) {
    waiting = true;
    if (V.canCancel(leg)) ctx.emit('cancel.requested', { clientOrderId: leg.clientOrderId, reason: `exit (${pos.exitPending}): free the shares held by the leg` });
  }
  for (const order of V.workingOrders(ctx.state, symbol)) {
    if (order.purpose === 'entry') {
      waiting = true;
      if (V.canCancel(order)) ctx.emit('cancel.requested', { clientOrderId: order.clientOrderId, reason: `exit (${pos.exitPending}): stop adding to the position` });
    }
  }
  if (waiting || V.workingOrders(ctx.state, symbol).some((o) => o.purpose === 'exit')) return;
  const qty = Math.abs(pos.qty);
  createOrder(ctx, {
    entryId: pos.entryId ?? `exit-${symbol}`, symbol, side: pos.qty > 0 ? 'sell' : 'buy', qty, orderType: 'market',
    limitPrice: null, stopPrice: null, timeInForce: 'day', purpose: 'exit', attempt: 1, ocoGroup: null, timeoutAt: null,
    takeProfitPrice: null, stopLossPrice: null, exitReason: pos.exitPending, reason: `market exit of ${qty} (${pos.exitPending})`,
  });
}

/**
 * Layer 1 upkeep: a position whose entry is done gets broker-held TP and SL legs (an OCO pair) for exactly its
 * quantity. Legs for the wrong quantity are canceled and re-placed; legs left on a flat symbol are canceled.
 */
function protect(ctx: DecisionContext, symbol: string): void {
  const pos = V.position(ctx.state, symbol);
  const legs = V.liveLegs(ctx.state, symbol);
  const qty = pos === null ? 0 : Math.abs(pos.qty);
  if (qty === 0 || (pos !== null && pos.exitPending !== null)) {
    if (qty === 0) for (const leg of legs) if (V.canCancel(leg)) ctx.emit('cancel.requested', { clientOrderId: leg.clientOrderId, reason: 'position is flat: leg is stale' });
    return;
  }
  if (V.workingOrders(ctx.state, symbol).some((o) => o.purpose === 'entry' || o.purpose === 'exit')) return; // entry still escalating
  if (legs.length > 0) {
    if (legs.every((l) => l.qty - l.filledQty === qty)) return;
    if (legs.some((l) => l.status === 'PENDING_CANCEL' || l.status === 'PENDING')) return;
    for (const leg of legs) if (V.canCancel(leg)) ctx.emit('cancel.requested', { clientOrderId: leg.clientOrderId, reason: `leg covers ${leg.qty - leg.filledQty}, position is ${qty}: re-protect` });
    return;
  }
  if (V.legsRefused(ctx.state, symbol)) return; // layer 2 protects it; the halt tells the operator
  const levels = V.protectiveLevels(ctx.state, symbol) ?? defaultLevels(pos!.qty > 0 ? 'buy' : 'sell', pos!.avgPrice);
  const side = pos!.qty > 0 ? 'sell' : 'buy';
  const entryId = pos!.entryId ?? `adopt-${symbol}`;
  const ocoGroup = `oco-${ctx.peekSeq()}`;
  const common = { entryId, symbol, side, qty, timeInForce: 'gtc', attempt: 1, ocoGroup, timeoutAt: null, exitReason: null } as const;
  createOrder(ctx, { ...common, orderType: 'limit', limitPrice: levels.takeProfitPrice, stopPrice: null, purpose: 'take_profit', takeProfitPrice: levels.takeProfitPrice, stopLossPrice: levels.stopLossPrice, reason: `layer 1: take-profit leg at ${levels.takeProfitPrice}` });
  createOrder(ctx, { ...common, orderType: 'stop', limitPrice: null, stopPrice: levels.stopLossPrice, purpose: 'stop_loss', takeProfitPrice: levels.takeProfitPrice, stopLossPrice: levels.stopLossPrice, reason: `layer 1: stop-loss leg at ${levels.stopLossPrice}` });
}

/** Levels for a position without an entry of ours (adopted at reconciliation): the design defaults. */
function defaultLevels(side: 'buy' | 'sell', ref: number) {
  return protectivePrices(side, ref, DEFAULTS.takeProfitPct, DEFAULTS.stopLossPct);
}

/** Client order ids derive from the run id and the seq of the `order.created` decision: a resend reuses it. */
function createOrder(ctx: DecisionContext, p: Omit<PayloadOf<'order.created'>, 'clientOrderId'>): string {
  const clientOrderId = `ax-${V.runId(ctx.state)}-${ctx.peekSeq()}`;
  ctx.emit('order.created', { clientOrderId, ...p });
  return clientOrderId;
}

// ---------------------------------------------------------------------------------------------------------
// Entries: strategies, gates, routing.

function runStrategies(ctx: DecisionContext, input: Envelope<'market.bar'>, phase: string): void {
  if (phase !== 'ACTIVE' && phase !== 'EOD_WARNING') return;
  const symbol = input.payload.symbol;
  const cfg = V.config(ctx.state);
  const m = V.marketOf(ctx.state, symbol);
  if (m === null || m.barsToday < cfg.warmupBars) return; // DESIGN §4 step 5: no exceptions
  const sctx = V.strategyContext(ctx.state, symbol, input.ts, contextBars(ctx.deps.strategies, cfg.market.barRingSize));
  for (const strategy of ctx.deps.strategies) {
    if (m.barsToday < strategy.warmupBars) continue;
    const signal = strategy.onBar(sctx);
    if (signal === null) continue;
    const refPrice = input.payload.close;
    const { takeProfitPrice, stopLossPrice } = protectivePrices(signal.side, refPrice, signal.takeProfitPct, signal.stopLossPct);
    const signalSeq = ctx.emit('signal.emitted', {
      symbol, strategy: strategy.name, strategyVersion: strategy.version, side: signal.side, reason: signal.reason,
      refPrice, takeProfitPrice, stopLossPrice,
    });
    const reject = (gate: SignalGate, reason: string) =>
      ctx.emit('signal.rejected', { symbol, strategy: strategy.name, side: signal.side, gate, reason });
    const gate = entryGate(ctx, symbol, phase, signal.side);
    if (gate !== null) {
      reject(gate.gate, gate.reason);
      continue;
    }
    const fair = m.indicators.vwap ?? refPrice;
    const limitPrice = roundPrice(fair);
    const sized = sizePosition({ ...V.sizingInputs(ctx.state), price: Math.max(limitPrice, refPrice), maxPositionPctEquity: cfg.risk.maxPositionPctEquity, equityDropImplausiblePct: cfg.risk.equityDropImplausiblePct });
    if (!sized.ok) {
      reject(sized.gate, sized.reason);
      continue;
    }
    createOrder(ctx, {
      entryId: `E${signalSeq}`, symbol, side: signal.side, qty: sized.qty, orderType: 'limit', limitPrice, stopPrice: null,
      timeInForce: 'day', purpose: 'entry', attempt: 1, ocoGroup: null, timeoutAt: ctx.now + cfg.routing.entryTimeoutMs,
      takeProfitPrice, stopLossPrice, exitReason: null,
      reason: `entry attempt 1: limit at fair price (VWAP) ${limitPrice} for ${strategy.name}`,
    });
  }
}

/** Bars a strategy context carries: every strategy's warmup plus the current bar (at least 2), within the ring. */
function contextBars(strategies: DecideDeps['strategies'], ringSize: number): number {
  let n = 2;
  for (const s of strategies) n = Math.max(n, s.warmupBars + 1);
  return Math.min(n, ringSize);
}

/** DESIGN §4 step 7, in order. Sizing and buying power come after, from the sizer. */
function entryGate(ctx: DecisionContext, symbol: string, phase: string, side: 'buy' | 'sell'): { gate: SignalGate; reason: string } | null {
  const s = ctx.state;
  if (phase !== 'ACTIVE') return { gate: 'phase', reason: `no entries in ${phase}` };
  const ks = V.killSwitch(s);
  if (ks !== null) return { gate: 'kill_switch', reason: ks };
  const halted = V.halted(s);
  if (halted !== null) return { gate: 'halted', reason: halted };
  if (!V.reconciledSinceStart(s)) return { gate: 'halted', reason: 'awaiting the startup broker reconciliation: no entry before it (DESIGN §5)' };
  const blocked = V.blockedReason(s, symbol);
  if (blocked !== null) return { gate: 'symbol_blocked', reason: blocked };
  const cooldown = V.cooldownBars(s, symbol);
  if (cooldown > 0) return { gate: 'cooldown', reason: `${cooldown} bars of cooldown left after a stop-loss` };
  if (V.positionQty(s, symbol) !== 0) return { gate: 'position_exists', reason: `already holding ${V.positionQty(s, symbol)}` };
  const working = V.workingOrders(s, symbol);
  if (working.length > 0) return { gate: 'working_order', reason: `working order ${working[0]!.clientOrderId} (${working[0]!.purpose})` };
  if (side === 'sell' && !V.config(s).risk.allowShort) return { gate: 'sizing', reason: 'short selling is disabled (config.risk.allowShort)' };
  return null;
}

// ---------------------------------------------------------------------------------------------------------
// Escalation (DESIGN §4 step 8): limit at VWAP → 2 s → cancel, limit halfway to the last trade → 2 s →
// cancel, market → give up after the last attempt. A fill that beats a cancel is kept: the remaining
// quantity is what escalates.

function onTimer(ctx: DecisionContext): void {
  updatePhase(ctx, ctx.now);
  for (const order of V.workingOrders(ctx.state)) {
    if (order.purpose !== 'entry' || order.timeoutAt === null || order.timeoutAt > ctx.now) continue;
    if (!V.canCancel(order)) continue;
    ctx.emit('cancel.requested', { clientOrderId: order.clientOrderId, reason: `entry attempt ${order.attempt} unfilled after timeout` });
  }
  for (const symbol of V.symbolsWithPositions(ctx.state)) exitSweep(ctx, symbol);
}

/** Called when an entry order reaches a terminal state: escalate the rest, or finish the entry. */
function continueEntry(ctx: DecisionContext, order: V.OrderView): void {
  const entry = V.entry(ctx.state, order.entryId);
  if (entry === null || entry.done) return;
  if (V.workingOrders(ctx.state, order.symbol).some((o) => o.entryId === order.entryId && o.purpose === 'entry')) return;
  const remaining = entry.targetQty - entry.filledQty;
  const cfg = V.config(ctx.state);
  if (remaining <= 0) return; // complete: protect() places the legs
  const phase = V.session(ctx.state).phase;
  const stop = order.attempt >= cfg.routing.entryAttemptsMax ? `no fill after ${order.attempt} attempts`
    : order.status === 'REJECTED' ? `attempt ${order.attempt} rejected by the broker`
    : order.status === 'ABANDONED' ? `attempt ${order.attempt} never reached the broker`
    : phase !== 'ACTIVE' && phase !== 'EOD_WARNING' ? `phase ${phase}: no more entry attempts`
    : V.killSwitch(ctx.state) ?? V.halted(ctx.state) ?? (V.position(ctx.state, order.symbol)?.exitPending ? 'an exit is pending' : null);
  if (stop !== null) {
    ctx.emit('entry.gave_up', { entryId: order.entryId, symbol: order.symbol, attempts: order.attempt, filledQty: entry.filledQty, reason: stop });
    return;
  }
  const attempt = order.attempt + 1;
  const last = V.lastPrice(ctx.state, order.symbol) ?? order.limitPrice;
  const isMarket = attempt >= cfg.routing.entryAttemptsMax || order.limitPrice === null || last === null;
  const limitPrice = isMarket ? null : roundPrice((order.limitPrice! + last!) / 2);
  createOrder(ctx, {
    entryId: order.entryId, symbol: order.symbol, side: order.side, qty: remaining, orderType: isMarket ? 'market' : 'limit',
    limitPrice, stopPrice: null, timeInForce: 'day', purpose: 'entry', attempt, ocoGroup: null,
    timeoutAt: ctx.now + cfg.routing.entryTimeoutMs, takeProfitPrice: order.takeProfitPrice, stopLossPrice: order.stopLossPrice,
    exitReason: null,
    reason: isMarket ? `entry attempt ${attempt}: market for the remaining ${remaining}` : `entry attempt ${attempt}: reprice halfway to last trade ${last} → ${limitPrice}`,
  });
}

// ---------------------------------------------------------------------------------------------------------
// Broker facts.

function onOrderUpdate(ctx: DecisionContext, input: Envelope<'broker.order_update'>): void {
  const { clientOrderId, symbol } = input.payload;
  const order = V.order(ctx.state, clientOrderId);
  if (order === null) {
    // An update for an order we never created: no guessing. Recorded as an anomaly by evolve; block the symbol.
    if (V.blockedReason(ctx.state, symbol) === null) {
      ctx.emit('risk.symbol_blocked', { symbol, reason: `broker update ${input.payload.event} for unknown order ${clientOrderId}` });
    }
    return;
  }
  afterOrderChange(ctx, order);
}

function afterOrderChange(ctx: DecisionContext, order: V.OrderView): void {
  const symbol = order.symbol;
  if (order.purpose === 'entry' && V.isTerminal(order.status)) continueEntry(ctx, order);
  // A stop-loss exit starts the symbol's cooldown once the position is flat.
  if (V.positionQty(ctx.state, symbol) === 0 && order.filledQty > 0 && V.isTerminal(order.status)) {
    const stopLoss = order.purpose === 'stop_loss' || (order.purpose === 'exit' && order.exitReason === 'stop_loss');
    const bars = V.config(ctx.state).risk.cooldownBars;
    if (stopLoss && bars > 0 && V.cooldownBars(ctx.state, symbol) === 0) {
      ctx.emit('risk.cooldown_started', { symbol, bars, reason: `stop-loss exit by ${order.clientOrderId}` });
    }
  }
  checkKillSwitch(ctx);
  if (V.isLiquidationPhase(V.session(ctx.state).phase) && V.positionQty(ctx.state, symbol) !== 0) {
    requestExit(ctx, symbol, 'eod_liquidation', 'fill during liquidation');
  }
  exitSweep(ctx, symbol);
  protect(ctx, symbol);
}

function onRequestResult(ctx: DecisionContext, input: Envelope<'broker.request_result'>): void {
  const p = input.payload;
  if (p.clientOrderId === null) return;
  const order = V.order(ctx.state, p.clientOrderId);
  if (order === null) return;
  if (p.request === 'submit' && !p.ok && order.purpose !== 'entry' && V.positionQty(ctx.state, order.symbol) !== 0) {
    // A protective leg or an exit the broker refused leaves a position we cannot protect: stop trading.
    ctx.emit('engine.halted', { reason: `${order.purpose} order ${order.clientOrderId} for ${order.symbol} refused by the broker: ${p.error ?? p.httpStatus}`, error: null });
  }
  afterOrderChange(ctx, order);
}

function checkKillSwitch(ctx: DecisionContext): void {
  const breach = V.lossLimitBreach(ctx.state);
  if (breach === null) return;
  ctx.emit('risk.kill_switch_tripped', breach);
}

// ---------------------------------------------------------------------------------------------------------
// Reconciliation (layer 3, DESIGN §5): the broker is the source of truth.

function cadence(ctx: DecisionContext, input: Envelope<'market.bar'>, before: EngineState): void {
  if (V.lastBarTs(before) === input.ts) return; // not the first bar of a new minute
  const ticks = V.barTicks(ctx.state);
  const cfg = V.config(ctx.state);
  if (ticks % cfg.reconcileEveryBars === 0 && !V.snapshotOutstanding(ctx.state, ctx.now - 2 * cfg.reconcileEveryBars * BAR_MS)) {
    ctx.emit('reconciliation.requested', { reason: `every ${cfg.reconcileEveryBars} bars (bar minute ${ticks})` });
  }
  const c = V.counters(ctx.state);
  const events = input.seq - c.checkpointSeq;
  if ((ticks - c.checkpointTick >= cfg.checkpointEveryBars && events >= cfg.checkpointMinEvents) || events >= cfg.checkpointMaxEvents) {
    checkpoint(ctx, `${ticks - c.checkpointTick} bar minutes and ${events} events since the last checkpoint`);
  }
}

function onSnapshot(ctx: DecisionContext, input: Envelope<'broker.snapshot'>): void {
  const result = V.reconcile(ctx.state, input);
  ctx.emit('reconciliation.applied', { snapshotSeq: input.seq, discrepancies: result.discrepancies, reason: result.summary });
  for (const a of result.abandon) ctx.emit('order.abandoned', { clientOrderId: a.clientOrderId, reason: a.reason });
  for (const t of result.transitions) ctx.emit('order.transition', t);
  for (const symbol of result.block) {
    if (V.blockedReason(ctx.state, symbol) === null) ctx.emit('risk.symbol_blocked', { symbol, reason: 'reconciliation: broker and engine disagree' });
  }
  if (result.halt !== null && V.halted(ctx.state) === null) ctx.emit('engine.halted', { reason: result.halt, error: null });
  for (const a of result.abandon) {
    const o = V.order(ctx.state, a.clientOrderId);
    if (o !== null && o.purpose === 'entry') continueEntry(ctx, o);
  }
  for (const symbol of result.touched) {
    exitSweep(ctx, symbol);
    protect(ctx, symbol);
  }
}

// ---------------------------------------------------------------------------------------------------------
// Operators and unreadable inputs.

function onOperator(ctx: DecisionContext, input: Envelope<'operator.command'>): void {
  const p = input.payload;
  const who = `operator ${p.operator}: ${p.reason}`;
  switch (p.command) {
    case 'halt':
      if (V.halted(ctx.state) === null) ctx.emit('engine.halted', { reason: who, error: null });
      return;
    case 'resume':
      if (V.halted(ctx.state) !== null) ctx.emit('engine.resumed', { reason: who });
      return;
    case 'flatten':
      for (const symbol of V.symbolsWithPositions(ctx.state)) if (p.symbol === null || p.symbol === symbol) requestExit(ctx, symbol, 'operator', who);
      return;
    case 'cancel_all':
      for (const order of V.workingOrders(ctx.state)) {
        if ((p.symbol === null || p.symbol === order.symbol) && order.purpose === 'entry' && V.canCancel(order)) {
          ctx.emit('cancel.requested', { clientOrderId: order.clientOrderId, reason: who });
        }
      }
      return;
    case 'reconcile':
      if (!V.snapshotOutstanding(ctx.state, ctx.now - 2 * V.config(ctx.state).reconcileEveryBars * BAR_MS)) ctx.emit('reconciliation.requested', { reason: who });
      return;
    default: {
      const never: never = p.command;
      throw new Error(`unknown operator command ${String(never)}`);
    }
  }
}

function onRejectedInput(ctx: DecisionContext, input: Envelope<'input.rejected'>): void {
  // Market data we cannot read costs a bar; a broker message we cannot read may hide a fill: no guessing.
  if (input.payload.source.startsWith('market') || V.halted(ctx.state) !== null) return;
  ctx.emit('engine.halted', { reason: `unreadable input from ${input.payload.source}: ${input.payload.error}`, error: null });
}
