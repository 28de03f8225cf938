// The session projection: trading day, its calendar, the current phase, and the broker's calendar overrides.
// The reducer does NOT compute phases from bars or timers: the decider computes the phase with phaseAt
// (sessionAt below) and emits `session.phase_changed`, and this reducer applies that decision. Keeping the
// computation in the decider means a replay reproduces the recorded phase changes instead of re-deriving
// them. Inputs it applies: `broker.calendar` (overrides) and `run.started` (the session config).
import { produce } from 'immer';
import { EngineConfigSchema, defaultEngineConfig, type AnyEvent, type SessionPhase } from '@axiom/events';
import { recordAnomaly, type Anomaly } from './anomalies';
import {
  calendarDayFor, mergeOverrides, overridesFromCalendarDays, tradingDayOf, type CalendarDay, type CalendarOverrides,
  type SessionConfig,
} from './calendar';
import { phaseAt } from './phase';

export interface SessionState {
  /** The New York date of the last applied phase change; null before the first. */
  tradingDay: string | null;
  phase: SessionPhase;
  /** The calendar of tradingDay as the decider saw it (null: closed that date, or no day yet). */
  calendar: CalendarDay | null;
  /** Ts of the last applied phase change. */
  phaseSinceTs: number | null;
  /** Broker calendar overrides by date (null = closed); at most CALENDAR_OVERRIDES_MAX_DATES, newest kept. */
  overrides: CalendarOverrides;
  /** config.session of the last run.started (defaults before any). */
  config: SessionConfig;
  anomalies: Anomaly[];
  anomalyCount: number;
}

export function initialSessionState(): SessionState {
  return {
    tradingDay: null,
    phase: 'CLOSED',
    calendar: null,
    phaseSinceTs: null,
    overrides: {},
    config: defaultEngineConfig().session,
    anomalies: [],
    anomalyCount: 0,
  };
}

/** The session at an instant as the decider should see it: the input to a `session.phase_changed` decision. */
export function sessionAt(state: SessionState, ts: number): { tradingDay: string; calendar: CalendarDay | null; phase: SessionPhase } {
  const tradingDay = tradingDayOf(ts, state.config.timeZone);
  const calendar = calendarDayFor(tradingDay, state.overrides, state.config);
  return { tradingDay, calendar, phase: phaseAt(ts, calendar, state.config) };
}

/** The calendar of a date under this state's overrides and config. */
export function sessionCalendarFor(state: SessionState, date: string): CalendarDay | null {
  return calendarDayFor(date, state.overrides, state.config);
}

export function evolveSession(state: SessionState, event: AnyEvent): SessionState {
  switch (event.type) {
    case 'session.phase_changed': {
      const p = event.payload;
      return produce(state, (d) => {
        if (p.from !== state.phase) {
          recordAnomaly(d, { seq: event.seq, type: event.type, symbol: null, detail: `phase change from ${p.from} to ${p.to}, but the session was in ${state.phase}; applied` });
        }
        if (p.calendar !== null && p.calendar.date !== p.tradingDay) {
          recordAnomaly(d, { seq: event.seq, type: event.type, symbol: null, detail: `calendar date ${p.calendar.date} is not the trading day ${p.tradingDay}; applied` });
        }
        d.tradingDay = p.tradingDay;
        d.phase = p.to;
        d.calendar = p.calendar === null ? null : { ...p.calendar };
        d.phaseSinceTs = event.ts;
      });
    }
    case 'broker.calendar': {
      if (event.payload.days.length === 0) return state;
      const added = overridesFromCalendarDays(event.payload.days);
      return produce(state, (d) => {
        d.overrides = mergeOverrides(state.overrides, added);
      });
    }
    case 'run.started': {
      const parsed = EngineConfigSchema.safeParse(event.payload.config);
      return produce(state, (d) => {
        if (parsed.success) d.config = parsed.data.session;
        else recordAnomaly(d, { seq: event.seq, type: event.type, symbol: null, detail: `run config does not parse; session config kept: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}` });
      });
    }
    // Events the session does not read: the same state object comes back (no produce), so a replay of bars
    // and order events costs nothing here.
    case 'market.bar':
    case 'market.bar_correction':
    case 'market.corporate_action':
    case 'broker.order_update':
    case 'broker.snapshot':
    case 'broker.request_result':
    case 'timer.fired':
    case 'connection.status':
    case 'operator.command':
    case 'input.rejected':
    case 'signal.emitted':
    case 'signal.rejected':
    case 'order.created':
    case 'order.transition':
    case 'cancel.requested':
    case 'order.abandoned':
    case 'entry.gave_up':
    case 'position.exit_requested':
    case 'risk.kill_switch_tripped':
    case 'risk.cooldown_started':
    case 'risk.symbol_blocked':
    case 'engine.halted':
    case 'engine.resumed':
    case 'reconciliation.requested':
    case 'reconciliation.applied':
    case 'checkpoint.taken':
      return state;
    default: {
      // A new event type must be placed above (read or deliberately ignored); at runtime stay total.
      const _unhandled: never = event;
      return state;
    }
  }
}
