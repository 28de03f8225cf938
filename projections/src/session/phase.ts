// The session phase of an instant, from the day's calendar and the session config (DESIGN §4):
//   CLOSED before 04:00, after 20:00 and all day on a closed date; PRE_MARKET [04:00, open);
//   WARMUP [open, open+15 min); ACTIVE until close-30 min; EOD_WARNING until close-1 min;
//   EOD_LIQUIDATION until the close; AFTER_HOURS [close, 20:00).
// Warmup keeps its distance to the open and warning/liquidation keep theirs to the close, so a 13:00 early
// close warns at 12:30 and liquidates at 12:59. 04:00 and 20:00 are wall-clock times of the day.
// Pure arithmetic on instants computed once per day (sessionBoundaries, memoized for the last day seen).
import { SESSION_DEFAULTS, type SessionPhase } from '@axiom/events';
import { hhmmToMinutes, wallTimeToUtcMs, type CalendarDay, type SessionConfig } from './calendar';

const MS_PER_MINUTE = 60_000;

/** Every instant at which the phase of a day can change, ms UTC, non-decreasing in this order. */
export interface SessionBoundaries {
  date: string;
  preMarketStartTs: number;
  openTs: number;
  activeStartTs: number;
  eodWarningTs: number;
  eodLiquidationTs: number;
  closeTs: number;
  afterHoursEndTs: number;
}

let memo: { day: CalendarDay; config: SessionConfig; result: SessionBoundaries } | null = null;

/**
 * The phase boundaries of an open day. Odd broker calendars are clamped so the order above always holds
 * (e.g. a close 10 minutes after the open leaves WARMUP 10 minutes and no ACTIVE phase).
 */
export function sessionBoundaries(day: CalendarDay, sessionConfig: SessionConfig = SESSION_DEFAULTS): SessionBoundaries {
  if (memo !== null && memo.config === sessionConfig && memo.day.date === day.date && memo.day.openTs === day.openTs && memo.day.closeTs === day.closeTs) {
    return memo.result;
  }
  const c = sessionConfig;
  const open = hhmmToMinutes(c.open);
  const close = hhmmToMinutes(c.close);
  const openTs = day.openTs;
  const closeTs = Math.max(day.closeTs, openTs);
  const activeStartTs = Math.min(openTs + (hhmmToMinutes(c.activeStart) - open) * MS_PER_MINUTE, closeTs);
  const eodWarningTs = Math.min(Math.max(closeTs - (close - hhmmToMinutes(c.eodWarning)) * MS_PER_MINUTE, activeStartTs), closeTs);
  const eodLiquidationTs = Math.min(Math.max(closeTs - (close - hhmmToMinutes(c.eodLiquidation)) * MS_PER_MINUTE, eodWarningTs), closeTs);
  const result: SessionBoundaries = Object.freeze({
    date: day.date,
    preMarketStartTs: Math.min(wallTimeToUtcMs(day.date, c.preMarketStart, c.timeZone), openTs),
    openTs,
    activeStartTs,
    eodWarningTs,
    eodLiquidationTs,
    closeTs,
    afterHoursEndTs: Math.max(wallTimeToUtcMs(day.date, c.afterHoursEnd, c.timeZone), closeTs),
  });
  memo = { day, config: sessionConfig, result };
  return result;
}

/**
 * The day's session is over (after the close): the decider checkpoints and the market slice trims the day's
 * store on the phase change into one of these from any other.
 */
export function isSessionOver(phase: SessionPhase): boolean {
  return phase === 'AFTER_HOURS' || phase === 'CLOSED';
}

/** The session phase at `ts` given the calendar of its New York date (null = exchange closed that date). */
export function phaseAt(ts: number, day: CalendarDay | null, sessionConfig: SessionConfig = SESSION_DEFAULTS): SessionPhase {
  if (day === null) return 'CLOSED';
  const b = sessionBoundaries(day, sessionConfig);
  if (ts < b.preMarketStartTs || ts >= b.afterHoursEndTs) return 'CLOSED';
  if (ts < b.openTs) return 'PRE_MARKET';
  if (ts < b.activeStartTs) return 'WARMUP';
  if (ts < b.eodWarningTs) return 'ACTIVE';
  if (ts < b.eodLiquidationTs) return 'EOD_WARNING';
  if (ts < b.closeTs) return 'EOD_LIQUIDATION';
  return 'AFTER_HOURS';
}

/**
 * The next instant after `ts` at which the phase changes within this day, or null when it will not change
 * again this day (after 20:00, or a closed day): then the next change is the next open day's 04:00
 * (nextCalendarDay + sessionBoundaries). The engine turns it into a timer.
 */
export function nextPhaseBoundary(ts: number, day: CalendarDay | null, sessionConfig: SessionConfig = SESSION_DEFAULTS): number | null {
  if (day === null) return null;
  const b = sessionBoundaries(day, sessionConfig);
  const now = phaseAt(ts, day, sessionConfig);
  for (const t of [b.preMarketStartTs, b.openTs, b.activeStartTs, b.eodWarningTs, b.eodLiquidationTs, b.closeTs, b.afterHoursEndTs]) {
    if (t > ts && phaseAt(t, day, sessionConfig) !== now) return t;
  }
  return null;
}
