// Public face of the session projection: the exchange calendar (bundled NYSE data + broker overrides), the
// phase of an instant, and the reducer that applies the decider's phase changes.
export { initialSessionState, evolveSession, sessionAt, sessionCalendarFor, type SessionState } from './session';
export { phaseAt, isSessionOver, nextPhaseBoundary, sessionBoundaries, type SessionBoundaries } from './phase';
export {
  calendarDayFor, nextCalendarDay, calendarFromAlpaca, calendarDaysFromAlpaca, overridesFromCalendarDays, mergeOverrides,
  tradingDayOf, dayWindow, wallTimeToUtcMs, zoneOffsetMs, hhmmToMinutes, addDays, dayOfWeek, isBundledClosure,
  CALENDAR_COVERAGE, CALENDAR_OVERRIDES_MAX_DATES,
  type CalendarDay, type CalendarOverrides, type AlpacaCalendarRow, type SessionConfig,
} from './calendar';
export { recordAnomaly, ANOMALIES_KEPT_MAX, type Anomaly, type AnomalyLog } from './anomalies';
