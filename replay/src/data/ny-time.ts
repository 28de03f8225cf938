// New York trading dates and wall-clock times ↔ UTC instants, for the bar data layer.
// Guarantee: every conversion is independent of the process time zone (TZ) and correct across the DST
// switches, because the UTC offset of a New York date is read from ICU for that date, never assumed.
//
// Why "offset at local noon" is enough: America/New_York switches at 02:00 local time, so one offset
// holds from 02:00 of a date until 02:00 of the next date. Noon of date D gives the offset for
// [02:00 D, 24:00 D); the offset for [00:00 D, 02:00 D) is the one of noon of D-1. The only wall
// times that do not map to exactly one instant are 02:00–02:59 on the spring-forward date (they do
// not exist: refused) and 01:00–01:59 on the fall-back date (they happen twice: the first, daylight
// time occurrence is returned, which is what "01:30 on that date" means before the clocks go back).

const NEW_YORK_TIME_ZONE = 'America/New_York';
const MS_PER_MINUTE = 60_000;
const MS_PER_HOUR = 3_600_000;
export const MS_PER_DAY = 86_400_000;
/** The wall-clock hour at which America/New_York changes its UTC offset (both directions). */
const DST_SWITCH_HOUR_LOCAL = 2;

const offsetFormatter = new Intl.DateTimeFormat('en-US', {
  timeZone: NEW_YORK_TIME_ZONE,
  timeZoneName: 'longOffset',
});

/** Offsets are cached per date; the cache is bounded so a long-running process cannot grow it forever. */
const OFFSET_CACHE_ENTRIES_MAX = 50_000;
const offsetMinutesByDate = new Map<string, number>();

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** `YYYY-MM-DD` for a real calendar date (2014-02-30 is refused). */
export function isIsoDate(text: string): boolean {
  const m = ISO_DATE.exec(text);
  if (m === null) return false;
  const y = Number(m[1]);
  const mo = Number(m[2]);
  const d = Number(m[3]);
  if (mo < 1 || mo > 12 || d < 1) return false;
  return d <= daysInMonth(y, mo);
}

export function daysInMonth(year: number, month1to12: number): number {
  return new Date(Date.UTC(year, month1to12, 0)).getUTCDate();
}

/** Midnight UTC of a calendar date, in ms. Asserts the date is valid (callers validate at the boundary). */
export function utcMidnightMs(date: string): number {
  const m = ISO_DATE.exec(date);
  if (m === null || !isIsoDate(date)) throw new Error(`assertion: not a valid YYYY-MM-DD date: '${date}'`);
  return Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
}

/** The UTC calendar date (`YYYY-MM-DD`) that contains the instant `ms`. */
export function utcDateOf(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

export function addDays(date: string, days: number): string {
  return utcDateOf(utcMidnightMs(date) + days * MS_PER_DAY);
}

/** 0 = Sunday … 6 = Saturday (the date is a calendar date, so no zone is involved). */
export function weekdayOf(date: string): number {
  return new Date(utcMidnightMs(date)).getUTCDay();
}

export function isWeekend(date: string): boolean {
  const d = weekdayOf(date);
  return d === 0 || d === 6;
}

/** `yyyymmdd` (LEAN file names) → `YYYY-MM-DD`, or null if it is not a real date. */
export function compactToIsoDate(compact: string): string | null {
  if (!/^\d{8}$/.test(compact)) return null;
  const iso = `${compact.slice(0, 4)}-${compact.slice(4, 6)}-${compact.slice(6, 8)}`;
  return isIsoDate(iso) ? iso : null;
}

/**
 * UTC offset of New York in minutes (-240 for EDT, -300 for EST) in effect from 02:00 of `date` to the
 * end of that date. Read from ICU at local noon (17:00 UTC is 12:00 or 13:00 in New York).
 */
export function nyUtcOffsetMinutes(date: string): number {
  const cached = offsetMinutesByDate.get(date);
  if (cached !== undefined) return cached;
  const probeMs = utcMidnightMs(date) + 17 * MS_PER_HOUR;
  const part = offsetFormatter.formatToParts(new Date(probeMs)).find((p) => p.type === 'timeZoneName');
  if (part === undefined) throw new Error(`assertion: ICU returned no time zone name for ${date}`);
  const minutes = parseGmtOffset(part.value);
  if (offsetMinutesByDate.size >= OFFSET_CACHE_ENTRIES_MAX) offsetMinutesByDate.clear();
  offsetMinutesByDate.set(date, minutes);
  return minutes;
}

/** `GMT-04:00` → -240, `GMT` → 0, `GMT+05:30` → 330. */
function parseGmtOffset(text: string): number {
  if (text === 'GMT' || text === 'UTC') return 0;
  const m = /^(?:GMT|UTC)([+-])(\d{1,2})(?::?(\d{2}))?$/.exec(text);
  if (m === null) throw new Error(`assertion: unexpected ICU offset text '${text}'`);
  const sign = m[1] === '-' ? -1 : 1;
  return sign * (Number(m[2]) * 60 + Number(m[3] ?? '0'));
}

/**
 * The instant (ms since epoch UTC) of a New York wall-clock time, given as ms since local midnight of
 * `date`. Throws for a wall time that does not exist (spring-forward gap) or is out of [0, 24h).
 */
export function nyWallTimeToUtcMs(date: string, msSinceMidnight: number): number {
  if (!Number.isInteger(msSinceMidnight) || msSinceMidnight < 0 || msSinceMidnight >= MS_PER_DAY) {
    throw new RangeError(`time of day ${msSinceMidnight} ms is outside [0, ${MS_PER_DAY}) for ${date}`);
  }
  const offsetBeforeSwitch = nyUtcOffsetMinutes(addDays(date, -1));
  const offsetAfterSwitch = nyUtcOffsetMinutes(date);
  const switchMs = DST_SWITCH_HOUR_LOCAL * MS_PER_HOUR;
  const offsetMinutes = msSinceMidnight < switchMs ? offsetBeforeSwitch : offsetAfterSwitch;
  if (msSinceMidnight >= switchMs && offsetAfterSwitch > offsetBeforeSwitch) {
    // Spring forward: local times in [02:00, 02:00 + gap) never happen on this date.
    const gapMs = (offsetAfterSwitch - offsetBeforeSwitch) * MS_PER_MINUTE;
    if (msSinceMidnight < switchMs + gapMs) {
      throw new RangeError(`${date} ${formatTimeOfDay(msSinceMidnight)} does not exist in New York (DST gap)`);
    }
  }
  return utcMidnightMs(date) + msSinceMidnight - offsetMinutes * MS_PER_MINUTE;
}

/** First instant of the New York date `date` (its local midnight), in ms since epoch UTC. */
export function nyDayStartUtcMs(date: string): number {
  return nyWallTimeToUtcMs(date, 0);
}

/** The New York calendar date that contains the instant `ms`. */
export function nyDateOf(ms: number): string {
  // New York is 4 or 5 hours behind UTC, so the candidate is right or off by one day; two checks settle it.
  let date = utcDateOf(ms - 4 * MS_PER_HOUR);
  for (let step = 0; step < 3; step += 1) {
    if (ms < nyDayStartUtcMs(date)) date = addDays(date, -1);
    else if (ms >= nyDayStartUtcMs(addDays(date, 1))) date = addDays(date, 1);
    else return date;
  }
  throw new Error(`assertion: could not place instant ${ms} on a New York date`);
}

/** ms since New York midnight of the instant `ms` on its New York date. */
export function nyMsSinceMidnight(ms: number): number {
  const date = nyDateOf(ms);
  const offsetBeforeSwitch = nyUtcOffsetMinutes(addDays(date, -1));
  const switchInstantMs = utcMidnightMs(date) + DST_SWITCH_HOUR_LOCAL * MS_PER_HOUR - offsetBeforeSwitch * MS_PER_MINUTE;
  const offsetMinutes = ms < switchInstantMs ? offsetBeforeSwitch : nyUtcOffsetMinutes(date);
  // Wall time = instant + offset; on the fall-back date both occurrences of 01:xx map to the same wall time.
  return ms + offsetMinutes * MS_PER_MINUTE - utcMidnightMs(date);
}

/** `HH:MM` (or `HH:MM:SS.mmm` when not on a minute) for ms since midnight, for messages and reports. */
export function formatTimeOfDay(msSinceMidnight: number): string {
  const h = Math.floor(msSinceMidnight / MS_PER_HOUR);
  const m = Math.floor((msSinceMidnight % MS_PER_HOUR) / MS_PER_MINUTE);
  const rest = msSinceMidnight % MS_PER_MINUTE;
  const hhmm = `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}`;
  if (rest === 0) return hhmm;
  return `${hhmm}:${String(Math.floor(rest / 1000)).padStart(2, '0')}.${String(rest % 1000).padStart(3, '0')}`;
}

/** `YYYY-MM-DD HH:MM New York` for an instant, for human-readable reports. */
export function formatNyTime(ms: number): string {
  return `${nyDateOf(ms)} ${formatTimeOfDay(nyMsSinceMidnight(ms))}`;
}
