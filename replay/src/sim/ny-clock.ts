// New York dates for the simulator: the instant a New York date begins (a split's ex-date), the New York date
// of an instant (which trading day an order belongs to) and the regular close of a date (day-order expiry).
// Guarantee: independent of the process time zone; the UTC offset of each date is read from ICU once and
// cached (bounded). Kept apart from the bar data layer's helpers so the simulator does not depend on that
// module's shape; it needs only these three conversions.

const MS_PER_MINUTE = 60_000;
const MS_PER_HOUR = 3_600_000;
const MS_PER_DAY = 86_400_000;
/** America/New_York changes its offset at 02:00 local time, so noon of a date carries that date's offset. */
const DST_SWITCH_HOUR_LOCAL = 2;
const OFFSET_CACHE_ENTRIES_MAX = 10_000;

const offsetFormatter = new Intl.DateTimeFormat('en-US', { timeZone: 'America/New_York', timeZoneName: 'longOffset' });
const offsetMinutesByDate = new Map<string, number>();
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

function utcMidnightMs(date: string): number {
  const m = ISO_DATE.exec(date);
  if (m === null) throw new Error(`assertion: not a YYYY-MM-DD date: '${date}'`);
  return Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
}

function utcDateOf(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

function addDays(date: string, days: number): string {
  return utcDateOf(utcMidnightMs(date) + days * MS_PER_DAY);
}

/** UTC offset of New York (minutes, -240 or -300) from 02:00 of `date` to its end. */
function offsetMinutes(date: string): number {
  const cached = offsetMinutesByDate.get(date);
  if (cached !== undefined) return cached;
  const part = offsetFormatter.formatToParts(new Date(utcMidnightMs(date) + 17 * MS_PER_HOUR)).find((p) => p.type === 'timeZoneName');
  const m = part === undefined ? null : /^GMT([+-])(\d{2}):(\d{2})$/.exec(part.value);
  if (m === null) throw new Error(`assertion: unexpected ICU offset for New York on ${date}: '${part?.value ?? 'none'}'`);
  const minutes = (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3]));
  if (offsetMinutesByDate.size >= OFFSET_CACHE_ENTRIES_MAX) offsetMinutesByDate.clear();
  offsetMinutesByDate.set(date, minutes);
  return minutes;
}

/**
 * The instant of a New York wall-clock time on `date`. Times before 02:00 use the previous date's offset
 * (the switch happens at 02:00 local); the simulator only asks for 00:00 and the close, never for 02:xx.
 */
export function nyWallTimeMs(date: string, hour: number, minute: number): number {
  const offset = hour < DST_SWITCH_HOUR_LOCAL ? offsetMinutes(addDays(date, -1)) : offsetMinutes(date);
  return utcMidnightMs(date) + hour * MS_PER_HOUR + minute * MS_PER_MINUTE - offset * MS_PER_MINUTE;
}

/** First instant of the New York date `date` (local midnight), ms since epoch UTC. */
export function nyDayStartMs(date: string): number {
  return nyWallTimeMs(date, 0, 0);
}

/** The New York date containing the instant `ms`, with the instant its next date begins. */
export function nyDayOf(ms: number): { date: string; nextDayStartMs: number } {
  // New York is 4 or 5 hours behind UTC: the candidate is right or one day off, and one check settles it.
  let date = utcDateOf(ms - 4 * MS_PER_HOUR);
  if (ms < nyDayStartMs(date)) date = addDays(date, -1);
  let next = addDays(date, 1);
  let nextStart = nyDayStartMs(next);
  if (ms >= nextStart) {
    date = next;
    next = addDays(date, 1);
    nextStart = nyDayStartMs(next);
  }
  return { date, nextDayStartMs: nextStart };
}

/** The regular close (16:00 New York) of `date`: the default day-order expiry of the simulated broker. */
export function nyRegularCloseMs(date: string): number {
  return nyWallTimeMs(date, 16, 0);
}
