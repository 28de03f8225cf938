// The few calendar facts the LEAN importer needs, read from LEAN's US-equity market-hours entry
// (`market-hours-equity-usa.json`: holidays and 13:00 early closes as M/D/YYYY): which dates trade, the next
// trading date after a date (a split's ex-date), and where the regular session ends on a date.
// Guarantee: without that file the importer still works, treating only weekends as closed, and says so.
// The engine's own session calendar lives with the session projection; this is only for importing.
import { readFileSync } from 'node:fs';
import { BarDataError } from './bar';
import { isIsoDate, isWeekend, addDays } from './ny-time';

export const MARKET_HOURS_FILE = 'market-hours-equity-usa.json';
/** Regular session of US equities in New York wall time (ms since midnight). */
export const REGULAR_OPEN_MS = (9 * 60 + 30) * 60_000;
export const REGULAR_CLOSE_MS = 16 * 60 * 60_000;
/** A week of consecutive closures does not happen (the longest, 9/11, was four trading days). */
const CLOSED_DAYS_IN_A_ROW_MAX = 10;

export type TradingCalendar = {
  /** Where the facts come from, or null when only weekends are known to be closed. */
  source: string | null;
  holidays: ReadonlySet<string>;
  /** Early close of a date, ms since New York midnight. */
  earlyCloseMs: ReadonlyMap<string, number>;
};

export const WEEKENDS_ONLY_CALENDAR: TradingCalendar = { source: null, holidays: new Set(), earlyCloseMs: new Map() };

export function isTradingDay(calendar: TradingCalendar, date: string): boolean {
  return !isWeekend(date) && !calendar.holidays.has(date);
}

export function nextTradingDay(calendar: TradingCalendar, date: string): string {
  let d = date;
  for (let i = 0; i < CLOSED_DAYS_IN_A_ROW_MAX; i += 1) {
    d = addDays(d, 1);
    if (isTradingDay(calendar, d)) return d;
  }
  throw new BarDataError(`calendar ${calendar.source ?? '(weekends only)'}: no trading day within ${CLOSED_DAYS_IN_A_ROW_MAX} days after ${date}`);
}

/** End of the regular session on a date (13:00 on early-close days), ms since New York midnight. */
export function regularCloseMs(calendar: TradingCalendar, date: string): number {
  return calendar.earlyCloseMs.get(date) ?? REGULAR_CLOSE_MS;
}

/** `M/D/YYYY` → `YYYY-MM-DD`, or null. */
function leanDateToIso(text: string): string | null {
  const m = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(text);
  if (m === null) return null;
  const iso = `${m[3]}-${m[1]!.padStart(2, '0')}-${m[2]!.padStart(2, '0')}`;
  return isIsoDate(iso) ? iso : null;
}

/** Parses the market-hours entry; only `holidays` and `earlyCloses` are read, each checked. */
export function parseLeanMarketHours(text: string, file: string): TradingCalendar {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new BarDataError(`${file}: not valid JSON (${String(error)})`);
  }
  const entry = (json as { entry?: unknown } | null)?.entry;
  if (typeof entry !== 'object' || entry === null) throw new BarDataError(`${file}: expected an object with an 'entry' object`);
  const { holidays, earlyCloses } = entry as { holidays?: unknown; earlyCloses?: unknown };
  if (!Array.isArray(holidays)) throw new BarDataError(`${file}: field 'entry.holidays' is not an array`);
  const holidaySet = new Set<string>();
  holidays.forEach((h: unknown, i) => {
    const iso = typeof h === 'string' ? leanDateToIso(h) : null;
    if (iso === null) throw new BarDataError(`${file}: field 'entry.holidays[${i}]' = ${JSON.stringify(h)} is not an M/D/YYYY date`);
    holidaySet.add(iso);
  });
  const early = new Map<string, number>();
  if (earlyCloses !== undefined) {
    if (typeof earlyCloses !== 'object' || earlyCloses === null || Array.isArray(earlyCloses)) {
      throw new BarDataError(`${file}: field 'entry.earlyCloses' is not an object`);
    }
    for (const [date, time] of Object.entries(earlyCloses as Record<string, unknown>)) {
      const iso = leanDateToIso(date);
      const t = typeof time === 'string' ? /^(\d{2}):(\d{2}):(\d{2})$/.exec(time) : null;
      if (iso === null || t === null) {
        throw new BarDataError(`${file}: field 'entry.earlyCloses' has ${JSON.stringify(date)}: ${JSON.stringify(time)}; expected "M/D/YYYY": "HH:MM:SS"`);
      }
      early.set(iso, ((Number(t[1]) * 60 + Number(t[2])) * 60 + Number(t[3])) * 1000);
    }
  }
  return { source: file, holidays: holidaySet, earlyCloseMs: early };
}

export function readLeanMarketHours(file: string): TradingCalendar {
  return parseLeanMarketHours(readFileSync(file, 'utf8'), file);
}
