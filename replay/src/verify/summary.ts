// What an operator reads the morning after (`axiom replay`): the rebuilt state in a few lines — where the
// fold ended, the session phase, positions, working orders, kill-switch and halt, and every anomaly the
// slices recorded — plus, on a divergence, the state of the one symbol involved. Plain JSON, bounded lists.
import {
  blockedReason, cooldownBarsLeft, currentEquity, getPosition, indicatorsOf, openPositions, stateHash, symbolMarket,
  workingOrders, type EngineState,
} from '@axiom/projections';

/** Lists in a summary are capped; the counts are always complete. */
export const SUMMARY_ORDERS_MAX = 200;
export const SUMMARY_ANOMALIES_MAX = 50;

export interface PositionLine {
  symbol: string;
  qty: number;
  avgEntryPrice: number;
  markPrice: number | null;
  unrealizedPnl: number;
  realizedPnl: number;
  legs: string;
  exitPending: string | null;
}

export interface OrderLine {
  clientOrderId: string;
  symbol: string;
  side: string;
  purpose: string;
  orderType: string;
  qty: number;
  filledQty: number;
  limitPrice: number | null;
  stopPrice: number | null;
  status: string;
  attempt: number;
  createdSeq: number;
}

export interface AnomalyLine {
  slice: string;
  seq: number;
  type: string;
  symbol: string | null;
  detail: string;
}

export interface StateSummary {
  seq: number;
  lastTs: number;
  stateHash: string;
  run: EngineState['run'];
  session: { tradingDay: string | null; phase: string; phaseSinceTs: number | null };
  counters: EngineState['counters'];
  account: { equity: number | null; reportedEquity: number | null };
  pnl: { realized: number; unrealized: number };
  positions: PositionLine[];
  workingOrders: { count: number; shown: OrderLine[] };
  killSwitch: EngineState['risk']['killSwitch'];
  halted: EngineState['risk']['halted'];
  blockedSymbols: string[];
  anomalies: { count: number; bySlice: Record<string, number>; latest: AnomalyLine[] };
}

export function summarizeState(state: EngineState): StateSummary {
  const working = workingOrders(state.orders);
  const anomalies = collectAnomalies(state);
  return {
    seq: state.seq,
    lastTs: state.lastTs,
    stateHash: stateHash(state),
    run: state.run,
    session: { tradingDay: state.session.tradingDay, phase: state.session.phase, phaseSinceTs: state.session.phaseSinceTs },
    counters: state.counters,
    account: { equity: currentEquity(state.account), reportedEquity: state.account.reported?.equity ?? null },
    pnl: { realized: state.positions.totals.realizedPnl, unrealized: state.positions.totals.unrealizedPnl },
    positions: openPositions(state.positions).map(positionLine),
    workingOrders: { count: working.length, shown: working.slice(0, SUMMARY_ORDERS_MAX).map(orderLine) },
    killSwitch: state.risk.killSwitch,
    halted: state.risk.halted,
    blockedSymbols: Object.keys(state.risk.blocked).sort(),
    anomalies,
  };
}

function positionLine(p: ReturnType<typeof openPositions>[number]): PositionLine {
  const leg = (l: typeof p.legs.takeProfit, name: string) => (l === null ? null : `${name} ${l.price ?? '-'} ${l.status}${l.live ? ' (live)' : ''}`);
  const legs = [leg(p.legs.takeProfit, 'TP'), leg(p.legs.stopLoss, 'SL')].filter((x): x is string => x !== null);
  return {
    symbol: p.symbol,
    qty: p.qty,
    avgEntryPrice: p.avgEntryPrice,
    markPrice: p.markPrice,
    unrealizedPnl: p.unrealizedPnl,
    realizedPnl: p.realizedPnl,
    legs: legs.length === 0 ? 'none' : legs.join(', '),
    exitPending: p.exitPending === null ? null : `${p.exitPending.reason} (seq ${p.exitPending.seq}): ${p.exitPending.detail}`,
  };
}

function orderLine(o: ReturnType<typeof workingOrders>[number]): OrderLine {
  return {
    clientOrderId: o.clientOrderId, symbol: o.symbol, side: o.side, purpose: o.purpose, orderType: o.orderType, qty: o.qty,
    filledQty: o.filledQty, limitPrice: o.limitPrice, stopPrice: o.stopPrice, status: o.status, attempt: o.attempt, createdSeq: o.createdSeq,
  };
}

interface AnomalyRecord { seq: number; type: string; symbol: string | null; detail: string }

/**
 * Every slice that keeps an anomaly log (`anomalies` + `anomalyCount`), found by shape rather than by name so
 * a slice that starts keeping one is summarized without a change here.
 */
function collectAnomalies(state: EngineState): StateSummary['anomalies'] {
  const bySlice: Record<string, number> = {};
  const all: AnomalyLine[] = [];
  const visit = (slice: string, value: unknown) => {
    if (value === null || typeof value !== 'object') return;
    const rec = value as { anomalies?: unknown; anomalyCount?: unknown };
    if (!Array.isArray(rec.anomalies) || typeof rec.anomalyCount !== 'number') return;
    if (rec.anomalyCount > 0) bySlice[slice] = rec.anomalyCount;
    for (const a of rec.anomalies as AnomalyRecord[]) all.push({ slice, seq: a.seq, type: a.type, symbol: a.symbol ?? null, detail: a.detail });
  };
  visit('engine', state);
  for (const [k, v] of Object.entries(state)) visit(k, v);
  all.sort((a, b) => b.seq - a.seq);
  const count = Object.values(bySlice).reduce((s, n) => s + n, 0);
  return { count, bySlice, latest: all.slice(0, SUMMARY_ANOMALIES_MAX) };
}

/** The state of one symbol as the decider saw it: position, working orders, market (bar count, indicators). */
export interface SymbolState {
  symbol: string;
  position: PositionLine | null;
  workingOrders: OrderLine[];
  market: { barsToday: number; lastPrice: number | null; indicators: Record<string, unknown> } | null;
  cooldownBarsLeft: number;
  blocked: string | null;
}

export function symbolState(state: EngineState, symbol: string): SymbolState {
  const p = getPosition(state.positions, symbol);
  const m = symbolMarket(state.market, symbol);
  let market: SymbolState['market'] = null;
  if (m !== undefined) {
    market = { barsToday: m.barsToday, lastPrice: m.lastPrice, indicators: { ...indicatorsOf(m) } as Record<string, unknown> };
  }
  return {
    symbol,
    position: p === undefined || (p.qty === 0 && p.exitPending === null) ? null : positionLine(p),
    workingOrders: workingOrders(state.orders, symbol).map(orderLine),
    market,
    cooldownBarsLeft: cooldownBarsLeft(state.risk, symbol),
    blocked: blockedReason(state.risk, symbol),
  };
}
