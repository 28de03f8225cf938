// The risk slice: kill-switch state, daily and weekly realized PnL with their start-of-period equity (the
// day and week of New York time; the week rolls on Monday), per-symbol cooldowns counted in that symbol's
// bars, the halted flag, blocked symbols. The period roll is checked on every event with one comparison
// against the current day's end instant; the calendar is consulted once per day. A kill switch is cleared
// when its period rolls (the catalog has no explicit reset event).
// The period roll and the PnL booking (every closing fill, every day) copy the state by hand (cloneRisk lists
// every field), not with immer: `produce` there measured ~50 ms of a one-symbol-year backtest. The rare
// decisions (kill switch, halt, resume, symbol blocked) keep `produce`.
import { produce } from 'immer';
import type { AnyEvent, EngineConfig, Envelope } from '@axiom/events';
import { pmapDelete, pmapEmpty, pmapGet, pmapSet, type AnomalyLog, type PMap } from '../orders';
import { nyDate, nyDayBounds, weekStartOf } from './calendar';

export { nyDate, nyDayBounds, weekStartOf, RISK_TIME_ZONE } from './calendar';

export interface PeriodPnl {
  /** The New York date (daily) or the Monday of the week (weekly); null before the first event. */
  period: string | null;
  realizedPnl: number;
  /** Equity when the period started (or when equity first became known in it). */
  startEquity: number | null;
}

export interface RiskState extends AnomalyLog {
  killSwitch: {
    scope: 'daily' | 'weekly';
    realizedLoss: number;
    limit: number;
    periodStart: string;
    reason: string;
    seq: number;
    ts: number;
  } | null;
  daily: PeriodPnl;
  weekly: PeriodPnl;
  /** [fromTs, toTs) of the current New York day: an event at or past toTs rolls the periods. */
  dayFromTs: number;
  dayToTs: number;
  /** symbol -> bars of that symbol still to wait (only symbols in cooldown are keys). A persistent map, not a
   *  Record: a Record with deletions drops to V8 dictionary mode and copying it cost ~50 µs per bar. */
  cooldowns: PMap<number>;
  halted: { reason: string; error: string | null; seq: number; ts: number } | null;
  blocked: Record<string, { reason: string; seq: number; ts: number }>;
}

/** What the composition passes: realized PnL booked by this event and the equity known after it. */
export interface RiskContext {
  realizedDelta: number;
  equity: number | null;
}

export function initialRiskState(): RiskState {
  return {
    killSwitch: null,
    daily: { period: null, realizedPnl: 0, startEquity: null },
    weekly: { period: null, realizedPnl: 0, startEquity: null },
    dayFromTs: 0,
    dayToTs: 0,
    cooldowns: pmapEmpty(),
    halted: null,
    blocked: {},
    anomalies: [],
    anomalyCount: 0,
  };
}

export function evolveRisk(state: RiskState, event: AnyEvent, ctx: RiskContext): RiskState {
  const roll = event.ts >= state.dayToTs;
  const needsEquity = ctx.equity !== null && (state.daily.startEquity === null || state.weekly.startEquity === null);
  let s = state;
  if (roll || needsEquity || ctx.realizedDelta !== 0) {
    // `d` is a fresh copy; its daily/weekly objects are replaced, never written in place (they are shared).
    const d = cloneRisk(state);
    if (roll) rollPeriods(d, event.ts, ctx.equity);
    if (ctx.equity !== null) {
      if (d.daily.startEquity === null) d.daily = { period: d.daily.period, realizedPnl: d.daily.realizedPnl, startEquity: ctx.equity };
      if (d.weekly.startEquity === null) d.weekly = { period: d.weekly.period, realizedPnl: d.weekly.realizedPnl, startEquity: ctx.equity };
    }
    if (ctx.realizedDelta !== 0) {
      d.daily = { period: d.daily.period, realizedPnl: d.daily.realizedPnl + ctx.realizedDelta, startEquity: d.daily.startEquity };
      d.weekly = { period: d.weekly.period, realizedPnl: d.weekly.realizedPnl + ctx.realizedDelta, startEquity: d.weekly.startEquity };
    }
    s = d;
  }
  switch (event.type) {
    case 'market.bar': {
      // The persistent map is updated by hand (it is already immutable); immer would only add a draft.
      const symbol = event.payload.symbol;
      const left = s.cooldowns.size === 0 ? undefined : pmapGet(s.cooldowns, symbol);
      if (left === undefined) return s;
      return { ...s, cooldowns: left <= 1 ? pmapDelete(s.cooldowns, symbol) : pmapSet(s.cooldowns, symbol, left - 1) };
    }
    case 'risk.cooldown_started':
      return { ...s, cooldowns: pmapSet(s.cooldowns, event.payload.symbol, event.payload.bars) };
    case 'risk.kill_switch_tripped':
      return onKillSwitch(s, event);
    case 'engine.halted':
      return produce(s, (d) => {
        d.halted = { reason: event.payload.reason, error: event.payload.error, seq: event.seq, ts: event.ts };
      });
    case 'engine.resumed':
      return s.halted === null ? s : produce(s, (d) => {
        d.halted = null;
      });
    case 'risk.symbol_blocked':
      return produce(s, (d) => {
        d.blocked[event.payload.symbol] = { reason: event.payload.reason, seq: event.seq, ts: event.ts };
      });
    default:
      return s;
  }
}

function onKillSwitch(s: RiskState, e: Envelope<'risk.kill_switch_tripped'>): RiskState {
  const p = e.payload;
  return produce(s, (d) => {
    d.killSwitch = { scope: p.scope, realizedLoss: p.realizedLoss, limit: p.limit, periodStart: p.periodStart, reason: p.reason, seq: e.seq, ts: e.ts };
  });
}

/** A copy of the state with every field listed (a literal: V8 builds it far faster than a spread). */
function cloneRisk(s: RiskState): RiskState {
  return {
    killSwitch: s.killSwitch,
    daily: s.daily,
    weekly: s.weekly,
    dayFromTs: s.dayFromTs,
    dayToTs: s.dayToTs,
    cooldowns: s.cooldowns,
    halted: s.halted,
    blocked: s.blocked,
    anomalies: s.anomalies,
    anomalyCount: s.anomalyCount,
  };
}

/** Roll the periods of `d`, a fresh copy (cloneRisk): its fields are reassigned, the objects they held are not written. */
function rollPeriods(d: RiskState, ts: number, equity: number | null): void {
  const day = nyDate(ts);
  const bounds = nyDayBounds(day);
  d.dayFromTs = bounds.fromTs;
  d.dayToTs = bounds.toTs;
  // Only forward: an event older than the current period (out of order) is counted in the current one.
  if (d.daily.period === null || day > d.daily.period) {
    d.daily = { period: day, realizedPnl: 0, startEquity: equity };
    if (d.killSwitch?.scope === 'daily') d.killSwitch = null;
  }
  const week = weekStartOf(day);
  if (d.weekly.period === null || week > d.weekly.period) {
    d.weekly = { period: week, realizedPnl: 0, startEquity: equity };
    if (d.killSwitch !== null) d.killSwitch = null;
  }
}

export interface LossLimitBreach {
  scope: 'daily' | 'weekly';
  /** Positive dollars lost in the period. */
  realizedLoss: number;
  /** The limit in dollars. */
  limit: number;
  periodStart: string;
}

/**
 * Whether the daily or weekly realized loss reached its limit (`config.risk.dailyLossLimit` /
 * `weeklyLossLimit`, in dollars or % of start-of-period equity). Daily is checked first. A % limit with no
 * known start-of-period equity cannot be evaluated and does not breach (the decider's equity sanity gate
 * covers an unknown equity).
 */
export function lossLimitBreached(risk: RiskState, config: EngineConfig): LossLimitBreach | null {
  const scopes = [
    ['daily', risk.daily, config.risk.dailyLossLimit],
    ['weekly', risk.weekly, config.risk.weeklyLossLimit],
  ] as const;
  for (const [scope, period, limitCfg] of scopes) {
    if (period.period === null) continue;
    const loss = -period.realizedPnl;
    const limit = limitCfg.unit === 'usd' ? limitCfg.value : period.startEquity === null ? null : (period.startEquity * limitCfg.value) / 100;
    if (limit !== null && loss >= limit && loss > 0) return { scope, realizedLoss: loss, limit, periodStart: period.period };
  }
  return null;
}

export function cooldownBarsLeft(risk: RiskState, symbol: string): number {
  return pmapGet(risk.cooldowns, symbol) ?? 0;
}

export function blockedReason(risk: RiskState, symbol: string): string | null {
  return risk.blocked[symbol]?.reason ?? null;
}
