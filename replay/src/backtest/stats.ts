// Run statistics from a stream of journaled events and the state after them: the backtest summary, and the
// per-run figures `axiom diff` compares. Computed from the journal alone (plus the state the same reducers
// rebuild), so a live journal and a backtest journal are measured the same way.
import type { AnyEvent, OrderStatus, SignalGate } from '@axiom/events';
import { getOrder, openPositions, type EngineState, type Trade } from '@axiom/projections';

export interface EquityPoint {
  /** Start of the bar minute. */
  ts: number;
  equity: number;
}

export interface SymbolStats {
  bars: number;
  signals: number;
  rejected: Partial<Record<SignalGate, number>>;
  orders: number;
  fills: number;
  trades: number;
  wins: number;
  realizedPnl: number;
}

export interface RunSummary {
  runId: string | null;
  days: string[];
  bars: number;
  symbols: number;
  signals: { emitted: number; accepted: number; rejected: number; byGate: Partial<Record<SignalGate, number>> };
  orders: { created: number; byFinalState: Partial<Record<OrderStatus, number>> };
  entries: { gaveUp: number };
  fills: number;
  trades: number;
  wins: number;
  losses: number;
  winRate: number | null;
  grossPnl: number;
  /** Commissions and fees. The simulated broker charges none (Alpaca is commission-free); slippage is in the fill prices. */
  fees: number;
  netPnl: number;
  startingEquity: number | null;
  endingEquity: number | null;
  maxDrawdown: number;
  maxDrawdownPct: number;
  /** Share of bar minutes with any open position. */
  exposureTimePct: number;
  /** Mean of gross position value / equity over the bar minutes. */
  avgGrossExposurePct: number;
  killSwitchTrips: number;
  halts: number;
  anomalies: number;
  reconciliations: number;
  discrepancies: number;
  equityCurve: EquityPoint[];
  perSymbol: Record<string, SymbolStats>;
  tradeList: Trade[];
}

const emptySymbol = (): SymbolStats => ({ bars: 0, signals: 0, rejected: {}, orders: 0, fills: 0, trades: 0, wins: 0, realizedPnl: 0 });

export class RunStats {
  private readonly orderStatus = new Map<string, { symbol: string; status: OrderStatus }>();
  private readonly perSymbol = new Map<string, SymbolStats>();
  private readonly days = new Set<string>();
  private readonly curve: EquityPoint[] = [];
  private readonly trades: Trade[] = [];
  private tradesSeen = 0;
  private bars = 0;
  private signals = 0;
  private rejected = 0;
  private readonly byGate: Partial<Record<SignalGate, number>> = {};
  private ordersCreated = 0;
  private gaveUp = 0;
  private fills = 0;
  private killSwitchTrips = 0;
  private halts = 0;
  private reconciliations = 0;
  private discrepancies = 0;
  private minutes = 0;
  private minutesExposed = 0;
  private grossExposureSum = 0;
  private lastTick = -1;
  private startingEquity: number | null = null;
  private peak = -Infinity;
  private maxDrawdown = 0;
  private maxDrawdownPct = 0;

  private sym(symbol: string): SymbolStats {
    let s = this.perSymbol.get(symbol);
    if (s === undefined) {
      s = emptySymbol();
      this.perSymbol.set(symbol, s);
    }
    return s;
  }

  /** Observe the events of one journal transaction (an input and its decisions) and the state after them. */
  observe(events: readonly AnyEvent[], state: EngineState): void {
    for (const e of events) this.observeEvent(e, state);
    if (state.counters.barTicks !== this.lastTick) this.onMinute(state);
    this.collectTrades(state);
  }

  private observeEvent(e: AnyEvent, state: EngineState): void {
    switch (e.type) {
      case 'market.bar':
        this.bars++;
        this.sym(e.payload.symbol).bars++;
        if (state.session.tradingDay !== null) this.days.add(state.session.tradingDay);
        break;
      case 'signal.emitted':
        this.signals++;
        this.sym(e.payload.symbol).signals++;
        break;
      case 'signal.rejected': {
        this.rejected++;
        this.byGate[e.payload.gate] = (this.byGate[e.payload.gate] ?? 0) + 1;
        const s = this.sym(e.payload.symbol);
        s.rejected[e.payload.gate] = (s.rejected[e.payload.gate] ?? 0) + 1;
        break;
      }
      case 'order.created':
        this.ordersCreated++;
        this.sym(e.payload.symbol).orders++;
        this.trackOrder(e.payload.clientOrderId, state);
        break;
      case 'broker.order_update':
        if (state.orders.lastFill !== null && state.orders.lastFill.seq === e.seq) {
          this.fills++;
          this.sym(e.payload.symbol).fills++;
        }
        this.trackOrder(e.payload.clientOrderId, state);
        break;
      case 'broker.request_result':
      case 'cancel.requested':
      case 'order.abandoned':
      case 'order.transition':
        if ('clientOrderId' in e.payload && e.payload.clientOrderId !== null) this.trackOrder(e.payload.clientOrderId, state);
        break;
      case 'entry.gave_up':
        this.gaveUp++;
        break;
      case 'risk.kill_switch_tripped':
        this.killSwitchTrips++;
        break;
      case 'engine.halted':
        this.halts++;
        break;
      case 'reconciliation.applied':
        this.reconciliations++;
        this.discrepancies += e.payload.discrepancies.length;
        break;
      default:
        break;
    }
  }

  private trackOrder(clientOrderId: string, state: EngineState): void {
    const o = getOrder(state.orders, clientOrderId);
    if (o !== undefined) this.orderStatus.set(clientOrderId, { symbol: o.symbol, status: o.status });
  }

  private onMinute(state: EngineState): void {
    this.lastTick = state.counters.barTicks;
    const equity = state.account.impliedEquity ?? state.account.reported?.equity ?? null;
    const ts = state.counters.lastBarTs;
    if (equity === null || ts === null) return;
    this.startingEquity ??= equity;
    this.curve.push({ ts, equity });
    this.minutes++;
    let gross = 0;
    for (const p of openPositions(state.positions)) gross += Math.abs(p.qty * (p.markPrice ?? p.avgEntryPrice));
    if (state.positions.openSymbols.length > 0) this.minutesExposed++;
    this.grossExposureSum += equity > 0 ? gross / equity : 0;
    if (equity > this.peak) this.peak = equity;
    const dd = this.peak - equity;
    if (dd > this.maxDrawdown) this.maxDrawdown = dd;
    const ddPct = this.peak > 0 ? (dd / this.peak) * 100 : 0;
    if (ddPct > this.maxDrawdownPct) this.maxDrawdownPct = ddPct;
  }

  private collectTrades(state: EngineState): void {
    const total = state.positions.tradeCount;
    if (total === this.tradesSeen) return;
    const kept = state.positions.trades;
    const fresh = Math.min(total - this.tradesSeen, kept.length);
    for (const t of kept.slice(kept.length - fresh)) {
      this.trades.push(t);
      const s = this.sym(t.symbol);
      s.trades++;
      s.realizedPnl += t.pnl;
      if (t.pnl > 0) s.wins++;
    }
    this.tradesSeen = total;
  }

  summary(state: EngineState): RunSummary {
    const byFinalState: Partial<Record<OrderStatus, number>> = {};
    for (const { status } of this.orderStatus.values()) byFinalState[status] = (byFinalState[status] ?? 0) + 1;
    const wins = this.trades.filter((t) => t.pnl > 0).length;
    const grossPnl = state.positions.totals.realizedPnl;
    const endingEquity = state.account.impliedEquity ?? state.account.reported?.equity ?? null;
    const perSymbol: Record<string, SymbolStats> = {};
    for (const k of [...this.perSymbol.keys()].sort()) perSymbol[k] = this.perSymbol.get(k)!;
    return {
      runId: state.run?.runId ?? null,
      days: [...this.days].sort(),
      bars: this.bars,
      symbols: [...this.perSymbol.values()].filter((s) => s.bars > 0).length,
      signals: { emitted: this.signals, accepted: this.signals - this.rejected, rejected: this.rejected, byGate: { ...this.byGate } },
      orders: { created: this.ordersCreated, byFinalState },
      entries: { gaveUp: this.gaveUp },
      fills: this.fills,
      trades: this.trades.length,
      wins,
      losses: this.trades.length - wins,
      winRate: this.trades.length === 0 ? null : wins / this.trades.length,
      grossPnl,
      fees: 0,
      netPnl: grossPnl,
      startingEquity: this.startingEquity,
      endingEquity,
      maxDrawdown: this.maxDrawdown,
      maxDrawdownPct: this.maxDrawdownPct,
      exposureTimePct: this.minutes === 0 ? 0 : (this.minutesExposed / this.minutes) * 100,
      avgGrossExposurePct: this.minutes === 0 ? 0 : (this.grossExposureSum / this.minutes) * 100,
      killSwitchTrips: this.killSwitchTrips,
      halts: this.halts,
      anomalies: countAnomalies(state),
      reconciliations: this.reconciliations,
      discrepancies: this.discrepancies,
      equityCurve: this.curve,
      perSymbol,
      tradeList: this.trades,
    };
  }
}

function countAnomalies(state: EngineState): number {
  return state.anomalyCount + state.orders.anomalyCount + state.positions.anomalyCount + state.risk.anomalyCount + state.broker.anomalyCount;
}
