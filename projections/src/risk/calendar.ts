// New York trading-day and week keys for the risk accumulators. The week rolls on Monday, New York time.
// Day boundaries are computed once per day (wall-clock midnight -> instant), so a fill costs one comparison;
// midnight is never inside a DST switch in New York (the switches happen at 02:00), so fromZonedTime is exact.
import { formatInTimeZone, fromZonedTime } from 'date-fns-tz';

export const RISK_TIME_ZONE = 'America/New_York';
const DAY_MS = 86_400_000;

/** The New York calendar date (YYYY-MM-DD) of an instant. */
export function nyDate(ts: number): string {
  return formatInTimeZone(ts, RISK_TIME_ZONE, 'yyyy-MM-dd');
}

function utcDateOf(day: string): number {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  return Date.UTC(y, m - 1, d);
}

function isoDay(utcMs: number): string {
  return new Date(utcMs).toISOString().slice(0, 10);
}

/** The Monday (YYYY-MM-DD) of the week a New York date belongs to. */
export function weekStartOf(day: string): string {
  const ms = utcDateOf(day);
  const dow = new Date(ms).getUTCDay(); // 0 = Sunday
  return isoDay(ms - ((dow + 6) % 7) * DAY_MS);
}

/** [start, end) instants of a New York date. */
export function nyDayBounds(day: string): { fromTs: number; toTs: number } {
  const next = isoDay(utcDateOf(day) + DAY_MS);
  return {
    fromTs: fromZonedTime(`${day}T00:00:00.000`, RISK_TIME_ZONE).getTime(),
    toTs: fromZonedTime(`${next}T00:00:00.000`, RISK_TIME_ZONE).getTime(),
  };
}
