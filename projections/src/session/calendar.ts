// The exchange calendar: which New York dates the market is open and the regular open/close of each as
// instants (ms UTC). The bundled NYSE data (calendar-data.ts, generated from QuantConnect LEAN) can be
// overridden day by day from the broker's calendar (Alpaca /v2/calendar), which wins.
//
// Wall-clock -> instant conversions never depend on the process time zone: they read the zone's offset
// through Intl (ICU tz data) at explicit instants and converge in two steps, which is exact for every wall
// time that exists exactly once. All times we convert (00:00 and the session times 04:00-20:00) do: US DST
// switches happen at 02:00, so this avoids the date-fns-tz traps (fromZonedTime's process-TZ-dependent
// choice in the repeated hour, getTimezoneOffset near the switches). Results are memoized in bounded
// module-level caches: pure functions of their arguments, so the caches change speed, never answers.
import { SESSION_DEFAULTS, type EngineConfig } from '@axiom/events';
import { CALENDAR_FIRST_YEAR, CALENDAR_LAST_YEAR, EARLY_CLOSES, HOLIDAYS } from './calendar-data';

export type SessionConfig = EngineConfig['session'];

/** Same shape as the catalog's calendar day in `session.phase_changed` and `broker.calendar`. */
export interface CalendarDay {
  /** New York date, YYYY-MM-DD. */
  date: string;
  /** Regular-session open and close, ms UTC. */
  openTs: number;
  closeTs: number;
  earlyClose: boolean;
}

/** Per-date overrides of the bundled calendar: a day, or null when the exchange is closed that date. */
export type CalendarOverrides = Record<string, CalendarDay | null>;

/** One row of Alpaca's GET /v2/calendar (legacy_calendar_day; times are New York wall clock). */
export interface AlpacaCalendarRow {
  date: string;
  /** HH:MM */
  open: string;
  /** HH:MM */
  close: string;
  /** HHMM, the extended session (informational: the session config owns 04:00/20:00). */
  session_open?: string;
  session_close?: string;
  settlement_date?: string;
}

/** Years the bundled calendar covers. Outside them every weekday counts as a regular day (no holiday data). */
export const CALENDAR_COVERAGE = { firstYear: CALENDAR_FIRST_YEAR, lastYear: CALENDAR_LAST_YEAR } as const;

/** Most override dates a state keeps (a broker calendar may list decades); the oldest dates go first. */
export const CALENDAR_OVERRIDES_MAX_DATES = 800;

const MS_PER_MINUTE = 60_000;
const MS_PER_DAY = 86_400_000;
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const HHMM = /^([01]\d|2[0-3]):([0-5]\d)$/;

const HOLIDAY_SET: ReadonlySet<string> = new Set(HOLIDAYS);
const EARLY_CLOSE_BY_DATE: ReadonlyMap<string, string> = new Map(
  Object.entries(EARLY_CLOSES).flatMap(([time, dates]) => dates.map((d) => [d, time] as const)),
);

// ---------------------------------------------------------------------------------------------------------
// Dates and wall clock.

function parseIsoDate(date: string): [number, number, number] {
  const m = ISO_DATE.exec(date);
  if (!m) throw new Error(`calendar: ${JSON.stringify(date)} is not a YYYY-MM-DD date`);
  return [Number(m[1]), Number(m[2]), Number(m[3])];
}

/** Minutes since midnight of an HH:MM wall-clock time. Throws on a malformed time (a programmer error). */
export function hhmmToMinutes(hhmm: string): number {
  const m = HHMM.exec(hhmm);
  if (!m) throw new Error(`calendar: ${JSON.stringify(hhmm)} is not an HH:MM time`);
  return Number(m[1]) * 60 + Number(m[2]);
}

/** The date `days` after (or before) an ISO date; pure calendar arithmetic in UTC. */
export function addDays(date: string, days: number): string {
  const [y, m, d] = parseIsoDate(date);
  return new Date(Date.UTC(y, m - 1, d) + days * MS_PER_DAY).toISOString().slice(0, 10);
}

/** 0 = Sunday ... 6 = Saturday. */
export function dayOfWeek(date: string): number {
  const [y, m, d] = parseIsoDate(date);
  return new Date(Date.UTC(y, m - 1, d)).getUTCDay();
}

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (f === undefined) {
    // hourCycle h23: midnight is 00, never 24 (hour12:false gives "24" in some ICU versions).
    f = new Intl.DateTimeFormat('en-US', {
      timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit',
      hour: '2-digit', minute: '2-digit', second: '2-digit',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

interface WallParts { year: number; month: number; day: number; hour: number; minute: number; second: number }

function wallPartsAt(ts: number, timeZone: string): WallParts {
  const out: WallParts = { year: 0, month: 0, day: 0, hour: 0, minute: 0, second: 0 };
  for (const p of formatterFor(timeZone).formatToParts(new Date(ts))) {
    if (p.type === 'year' || p.type === 'month' || p.type === 'day' || p.type === 'hour' || p.type === 'minute' || p.type === 'second') {
      out[p.type] = Number(p.value);
    }
  }
  return out;
}

/** The zone's UTC offset at an instant, ms (wall clock minus UTC; New York is -4 h or -5 h). */
export function zoneOffsetMs(ts: number, timeZone: string): number {
  const p = wallPartsAt(ts, timeZone);
  const wallAsUtc = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
  return wallAsUtc - (ts - (((ts % 1000) + 1000) % 1000));
}

const WALL_CACHE_MAX = 4096;
const wallCache = new Map<string, number>();

/**
 * The instant (ms UTC) of a wall-clock time on a date in a zone. Exact for wall times that exist once;
 * for the spring-forward gap or the repeated autumn hour it returns one nearby instant (never needed here:
 * the session uses 00:00 and 04:00-20:00).
 */
export function wallTimeToUtcMs(date: string, hhmm: string, timeZone: string): number {
  const key = `${date} ${hhmm} ${timeZone}`;
  const hit = wallCache.get(key);
  if (hit !== undefined) return hit;
  const [y, m, d] = parseIsoDate(date);
  const naive = Date.UTC(y, m - 1, d) + hhmmToMinutes(hhmm) * MS_PER_MINUTE;
  const offset1 = zoneOffsetMs(naive, timeZone);
  let ts = naive - offset1;
  const offset2 = zoneOffsetMs(ts, timeZone);
  if (offset2 !== offset1) ts = naive - offset2;
  if (wallCache.size >= WALL_CACHE_MAX) wallCache.clear();
  wallCache.set(key, ts);
  return ts;
}

// tradingDayOf keeps the window [start, end) of the last date it resolved, so a stream of same-day
// timestamps costs two comparisons. The window is checked against Intl before it is trusted.
let lastDay: { timeZone: string; date: string; startTs: number; endTs: number } | null = null;

/** The calendar date in the zone (New York by default) of an instant: the trading day a bar belongs to. */
export function tradingDayOf(ts: number, timeZone: string = SESSION_DEFAULTS.timeZone): string {
  if (lastDay !== null && lastDay.timeZone === timeZone && ts >= lastDay.startTs && ts < lastDay.endTs) {
    return lastDay.date;
  }
  const p = wallPartsAt(ts, timeZone);
  const date = `${String(p.year).padStart(4, '0')}-${String(p.month).padStart(2, '0')}-${String(p.day).padStart(2, '0')}`;
  const window = dayWindow(date, timeZone);
  if (ts >= window.startTs && ts < window.endTs) lastDay = { timeZone, date, ...window };
  return date;
}

/** The instants of 00:00 on the date and on the next date in the zone: the date is [startTs, endTs). */
export function dayWindow(date: string, timeZone: string = SESSION_DEFAULTS.timeZone): { startTs: number; endTs: number } {
  return { startTs: wallTimeToUtcMs(date, '00:00', timeZone), endTs: wallTimeToUtcMs(addDays(date, 1), '00:00', timeZone) };
}

// ---------------------------------------------------------------------------------------------------------
// The calendar.

/** True when the bundled data says the exchange is closed all day (weekend or holiday), ignoring overrides. */
export function isBundledClosure(date: string): boolean {
  const dow = dayOfWeek(date);
  return dow === 0 || dow === 6 || HOLIDAY_SET.has(date);
}

/**
 * The regular session of a New York date, or null when the exchange is closed. An override for the date
 * (from the broker) wins over the bundled calendar. Early closes keep the configured open and close at the
 * bundled early-close time (13:00). Outside CALENDAR_COVERAGE every weekday is a regular day.
 */
export function calendarDayFor(
  date: string,
  overrides?: CalendarOverrides | null,
  sessionConfig: SessionConfig = SESSION_DEFAULTS,
): CalendarDay | null {
  if (overrides != null && Object.prototype.hasOwnProperty.call(overrides, date)) return overrides[date] ?? null;
  if (isBundledClosure(date)) return null;
  const early = EARLY_CLOSE_BY_DATE.get(date);
  const earlyClose = early !== undefined && hhmmToMinutes(early) < hhmmToMinutes(sessionConfig.close);
  const tz = sessionConfig.timeZone;
  return Object.freeze({
    date,
    openTs: wallTimeToUtcMs(date, sessionConfig.open, tz),
    closeTs: wallTimeToUtcMs(date, earlyClose && early !== undefined ? early : sessionConfig.close, tz),
    earlyClose,
  });
}

/** The first open day strictly after `date` (searching at most 14 days: the longest closure was 4 weekdays). */
export function nextCalendarDay(
  date: string,
  overrides?: CalendarOverrides | null,
  sessionConfig: SessionConfig = SESSION_DEFAULTS,
): CalendarDay | null {
  for (let i = 1; i <= 14; i++) {
    const day = calendarDayFor(addDays(date, i), overrides, sessionConfig);
    if (day !== null) return day;
  }
  return null;
}

// ---------------------------------------------------------------------------------------------------------
// Broker calendars.

/**
 * Alpaca /v2/calendar rows to calendar days (a boundary parser: throws with the row and field on bad input).
 * A day is an early close when its close is before the configured regular close.
 */
export function calendarDaysFromAlpaca(
  rows: readonly AlpacaCalendarRow[],
  sessionConfig: SessionConfig = SESSION_DEFAULTS,
): CalendarDay[] {
  const regularCloseMin = hhmmToMinutes(sessionConfig.close);
  return rows.map((row, i) => {
    const where = `alpaca calendar[${i}]`;
    if (typeof row.date !== 'string' || !ISO_DATE.test(row.date) || Number.isNaN(Date.parse(`${row.date}T00:00:00Z`))) {
      throw new Error(`${where}.date: ${JSON.stringify(row.date)} is not a YYYY-MM-DD date`);
    }
    for (const field of ['open', 'close'] as const) {
      if (typeof row[field] !== 'string' || !HHMM.test(row[field])) {
        throw new Error(`${where}.${field}: ${JSON.stringify(row[field])} is not an HH:MM time`);
      }
    }
    if (hhmmToMinutes(row.close) <= hhmmToMinutes(row.open)) {
      throw new Error(`${where}: close ${row.close} is not after open ${row.open}`);
    }
    const tz = sessionConfig.timeZone;
    return {
      date: row.date,
      openTs: wallTimeToUtcMs(row.date, row.open, tz),
      closeTs: wallTimeToUtcMs(row.date, row.close, tz),
      earlyClose: hhmmToMinutes(row.close) < regularCloseMin,
    };
  });
}

/**
 * Calendar days (a broker.calendar payload) to overrides. The broker lists every market day in the range
 * it was asked for, so a weekday missing between two listed days is a closure: it becomes a null override.
 */
export function overridesFromCalendarDays(days: readonly CalendarDay[]): CalendarOverrides {
  const sorted = [...days].sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
  const out: CalendarOverrides = {};
  let prev: string | null = null;
  for (const day of sorted) {
    if (prev !== null) {
      for (let d = addDays(prev, 1); d < day.date; d = addDays(d, 1)) {
        const dow = dayOfWeek(d);
        if (dow !== 0 && dow !== 6) out[d] = null;
      }
    }
    out[day.date] = { date: day.date, openTs: day.openTs, closeTs: day.closeTs, earlyClose: day.earlyClose };
    prev = day.date;
  }
  return out;
}

/** Alpaca /v2/calendar rows straight to overrides (see calendarDaysFromAlpaca, overridesFromCalendarDays). */
export function calendarFromAlpaca(
  rows: readonly AlpacaCalendarRow[],
  sessionConfig: SessionConfig = SESSION_DEFAULTS,
): CalendarOverrides {
  return overridesFromCalendarDays(calendarDaysFromAlpaca(rows, sessionConfig));
}

/** Existing overrides plus newer ones (the newer win), keeping only the latest `maxDates` dates. */
export function mergeOverrides(
  existing: CalendarOverrides,
  added: CalendarOverrides,
  maxDates: number = CALENDAR_OVERRIDES_MAX_DATES,
): CalendarOverrides {
  const merged: CalendarOverrides = { ...existing, ...added };
  const dates = Object.keys(merged);
  if (dates.length <= maxDates) return merged;
  dates.sort();
  const kept: CalendarOverrides = {};
  for (const d of dates.slice(dates.length - maxDates)) kept[d] = merged[d] ?? null;
  return kept;
}
