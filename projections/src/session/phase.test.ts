// Unit and property tests of phaseAt / nextPhaseBoundary. Run under TZ=UTC and TZ=America/Los_Angeles.
import fc from 'fast-check';
import { formatInTimeZone } from 'date-fns-tz';
import type { SessionPhase } from '@axiom/events';
import {
  addDays, calendarDayFor, calendarFromAlpaca, nextPhaseBoundary, phaseAt, sessionBoundaries, tradingDayOf,
  wallTimeToUtcMs, type CalendarDay,
} from './index';
import { EARLY_CLOSES, HOLIDAYS } from './calendar-data';
import { utc } from './test-support';

const NY = 'America/New_York';
const dayOf = (date: string): CalendarDay | null => calendarDayFor(date);
const at = (iso: string): SessionPhase => {
  const ts = utc(iso);
  return phaseAt(ts, dayOf(tradingDayOf(ts)));
};

describe('phaseAt on a regular day', () => {
  it('walks through every phase on the Monday after the spring switch (EDT, UTC-4)', () => {
    expect(at('2026-03-09T07:59:59.999Z')).toBe('CLOSED');
    expect(at('2026-03-09T08:00:00Z')).toBe('PRE_MARKET'); // 04:00 EDT
    expect(at('2026-03-09T13:29:59.999Z')).toBe('PRE_MARKET');
    expect(at('2026-03-09T13:30:00Z')).toBe('WARMUP'); // 09:30 EDT
    expect(at('2026-03-09T13:44:59.999Z')).toBe('WARMUP');
    expect(at('2026-03-09T13:45:00Z')).toBe('ACTIVE'); // a bar at exactly 09:45:00
    expect(at('2026-03-09T19:29:59.999Z')).toBe('ACTIVE');
    expect(at('2026-03-09T19:30:00Z')).toBe('EOD_WARNING'); // 15:30
    expect(at('2026-03-09T19:58:59.999Z')).toBe('EOD_WARNING');
    expect(at('2026-03-09T19:59:00Z')).toBe('EOD_LIQUIDATION'); // a bar at exactly 15:59:00
    expect(at('2026-03-09T19:59:59.999Z')).toBe('EOD_LIQUIDATION');
    expect(at('2026-03-09T20:00:00Z')).toBe('AFTER_HOURS'); // 16:00
    expect(at('2026-03-09T23:59:59.999Z')).toBe('AFTER_HOURS');
    expect(at('2026-03-10T00:00:00Z')).toBe('CLOSED'); // 20:00
  });

  it('shifts by one hour in UTC across the spring switch: the Friday before is EST (UTC-5)', () => {
    expect(at('2026-03-06T09:00:00Z')).toBe('PRE_MARKET'); // 04:00 EST
    expect(at('2026-03-06T08:59:59.999Z')).toBe('CLOSED');
    expect(at('2026-03-06T13:30:00Z')).toBe('PRE_MARKET'); // 08:30 EST: not open yet
    expect(at('2026-03-06T14:30:00Z')).toBe('WARMUP');
    expect(at('2026-03-06T14:44:59.999Z')).toBe('WARMUP');
    expect(at('2026-03-06T14:45:00Z')).toBe('ACTIVE');
    expect(at('2026-03-06T20:59:00Z')).toBe('EOD_LIQUIDATION');
    expect(at('2026-03-06T21:00:00Z')).toBe('AFTER_HOURS');
    expect(at('2026-03-07T01:00:00Z')).toBe('CLOSED');
  });

  it('shifts back across the autumn switch: the Friday before is EDT, the Monday after EST', () => {
    expect(at('2026-10-30T13:30:00Z')).toBe('WARMUP');
    expect(at('2026-10-30T13:45:00Z')).toBe('ACTIVE');
    expect(at('2026-10-30T19:59:00Z')).toBe('EOD_LIQUIDATION');
    expect(at('2026-11-02T13:30:00Z')).toBe('PRE_MARKET'); // 08:30 EST
    expect(at('2026-11-02T14:30:00Z')).toBe('WARMUP');
    expect(at('2026-11-02T14:44:59.999Z')).toBe('WARMUP');
    expect(at('2026-11-02T14:45:00Z')).toBe('ACTIVE');
    expect(at('2026-11-02T20:58:59.999Z')).toBe('EOD_WARNING');
    expect(at('2026-11-02T20:59:00Z')).toBe('EOD_LIQUIDATION');
    expect(at('2026-11-03T00:59:59.999Z')).toBe('AFTER_HOURS');
    expect(at('2026-11-03T01:00:00Z')).toBe('CLOSED');
  });

  it('is CLOSED all day on both switch dates (Sundays), and exact there when a broker calendar opens them', () => {
    for (const date of ['2026-03-08', '2026-11-01']) {
      const start = wallTimeToUtcMs(date, '00:00', NY);
      for (let ts = start; ts < start + 25 * 3_600_000; ts += 60_000) {
        if (tradingDayOf(ts) === date) expect(phaseAt(ts, dayOf(date))).toBe('CLOSED');
      }
    }
    // A hypothetical open switch date exercises the DST math on the switch date itself.
    const o = calendarFromAlpaca([
      { date: '2026-03-08', open: '09:30', close: '16:00' },
      { date: '2026-11-01', open: '09:30', close: '16:00' },
    ]);
    const spring = sessionBoundaries(o['2026-03-08'] as CalendarDay);
    expect(spring).toMatchObject({
      preMarketStartTs: utc('2026-03-08T08:00:00Z'), openTs: utc('2026-03-08T13:30:00Z'), activeStartTs: utc('2026-03-08T13:45:00Z'),
      eodWarningTs: utc('2026-03-08T19:30:00Z'), eodLiquidationTs: utc('2026-03-08T19:59:00Z'), closeTs: utc('2026-03-08T20:00:00Z'),
      afterHoursEndTs: utc('2026-03-09T00:00:00Z'),
    });
    const fall = sessionBoundaries(o['2026-11-01'] as CalendarDay);
    expect(fall).toMatchObject({
      preMarketStartTs: utc('2026-11-01T09:00:00Z'), openTs: utc('2026-11-01T14:30:00Z'), activeStartTs: utc('2026-11-01T14:45:00Z'),
      eodWarningTs: utc('2026-11-01T20:30:00Z'), eodLiquidationTs: utc('2026-11-01T20:59:00Z'), closeTs: utc('2026-11-01T21:00:00Z'),
      afterHoursEndTs: utc('2026-11-02T01:00:00Z'),
    });
    expect(phaseAt(utc('2026-11-01T08:59:59.999Z'), o['2026-11-01'] ?? null)).toBe('CLOSED');
    expect(phaseAt(utc('2026-11-01T09:00:00Z'), o['2026-11-01'] ?? null)).toBe('PRE_MARKET');
  });
});

describe('phaseAt on an early close and a holiday', () => {
  it('warns at 12:30, liquidates at 12:59 and is AFTER_HOURS from 13:00 on 2026-11-27 (EST)', () => {
    expect(at('2026-11-27T14:45:00Z')).toBe('ACTIVE');
    expect(at('2026-11-27T17:29:59.999Z')).toBe('ACTIVE');
    expect(at('2026-11-27T17:30:00Z')).toBe('EOD_WARNING'); // 12:30
    expect(at('2026-11-27T17:58:59.999Z')).toBe('EOD_WARNING');
    expect(at('2026-11-27T17:59:00Z')).toBe('EOD_LIQUIDATION'); // 12:59
    expect(at('2026-11-27T18:00:00Z')).toBe('AFTER_HOURS'); // 13:00
    expect(at('2026-11-27T20:30:00Z')).toBe('AFTER_HOURS'); // 15:30 is not a warning on an early close
    expect(at('2026-11-28T00:59:59.999Z')).toBe('AFTER_HOURS');
    expect(at('2026-11-28T01:00:00Z')).toBe('CLOSED'); // 20:00
  });

  it('is CLOSED every minute of Thanksgiving 2026', () => {
    const start = wallTimeToUtcMs('2026-11-26', '00:00', NY);
    for (let ts = start; ts < start + 24 * 3_600_000; ts += 60_000) expect(at(new Date(ts).toISOString())).toBe('CLOSED');
  });

  it('lets a broker override win: 2026-11-27 as a full day has no 12:30 warning', () => {
    const o = calendarFromAlpaca([{ date: '2026-11-27', open: '09:30', close: '16:00' }]);
    const day = calendarDayFor('2026-11-27', o);
    expect(day?.earlyClose).toBe(false);
    expect(phaseAt(utc('2026-11-27T17:30:00Z'), day)).toBe('ACTIVE');
    expect(phaseAt(utc('2026-11-27T20:30:00Z'), day)).toBe('EOD_WARNING');
    expect(phaseAt(utc('2026-11-27T20:59:00Z'), day)).toBe('EOD_LIQUIDATION');
    expect(phaseAt(utc('2026-11-27T21:00:00Z'), day)).toBe('AFTER_HOURS');
  });
});

describe('nextPhaseBoundary', () => {
  it('gives the next change within the day, then null after 20:00 and on closed days', () => {
    const day = dayOf('2026-11-27');
    expect(nextPhaseBoundary(utc('2026-11-27T05:00:00Z'), day)).toBe(utc('2026-11-27T09:00:00Z'));
    expect(nextPhaseBoundary(utc('2026-11-27T09:00:00Z'), day)).toBe(utc('2026-11-27T14:30:00Z'));
    expect(nextPhaseBoundary(utc('2026-11-27T14:30:00Z'), day)).toBe(utc('2026-11-27T14:45:00Z'));
    expect(nextPhaseBoundary(utc('2026-11-27T15:00:00Z'), day)).toBe(utc('2026-11-27T17:30:00Z'));
    expect(nextPhaseBoundary(utc('2026-11-27T17:30:00Z'), day)).toBe(utc('2026-11-27T17:59:00Z'));
    expect(nextPhaseBoundary(utc('2026-11-27T17:59:30Z'), day)).toBe(utc('2026-11-27T18:00:00Z'));
    expect(nextPhaseBoundary(utc('2026-11-27T18:00:00Z'), day)).toBe(utc('2026-11-28T01:00:00Z'));
    expect(nextPhaseBoundary(utc('2026-11-28T01:00:00Z'), day)).toBeNull();
    expect(nextPhaseBoundary(utc('2026-11-26T15:00:00Z'), dayOf('2026-11-26'))).toBeNull();
  });
});

// ---------------------------------------------------------------------------------------------------------
// The naive reference: format the instant in New York wall time and compare HH:MM strings.

const EARLY = new Set(EARLY_CLOSES['13:00'] ?? []);
const HOLIDAY = new Set(HOLIDAYS);
const minusMinutes = (hhmm: string, m: number): string => {
  const total = Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5)) - m;
  return `${String(Math.floor(total / 60)).padStart(2, '0')}:${String(total % 60).padStart(2, '0')}`;
};

function referencePhase(ts: number): SessionPhase {
  const date = formatInTimeZone(ts, NY, 'yyyy-MM-dd');
  const isoWeekday = formatInTimeZone(ts, NY, 'i'); // 6 = Saturday, 7 = Sunday
  if (isoWeekday === '6' || isoWeekday === '7' || HOLIDAY.has(date)) return 'CLOSED';
  const hm = formatInTimeZone(ts, NY, 'HH:mm');
  const close = EARLY.has(date) ? '13:00' : '16:00';
  if (hm < '04:00') return 'CLOSED';
  if (hm < '09:30') return 'PRE_MARKET';
  if (hm < '09:45') return 'WARMUP';
  if (hm < minusMinutes(close, 30)) return 'ACTIVE';
  if (hm < minusMinutes(close, 1)) return 'EOD_WARNING';
  if (hm < close) return 'EOD_LIQUIDATION';
  if (hm < '20:00') return 'AFTER_HOURS';
  return 'CLOSED';
}

const FIRST = utc('1998-01-01T05:00:00Z');
const LAST = utc('2029-01-01T05:00:00Z') - 1;
const DAYS_1998_2028 = 11_323;
/** Dates that matter most: early closes, the days around every DST switch of 2026, a few closures. */
const SPECIAL_DATES = [
  ...(EARLY_CLOSES['13:00'] ?? []), '2026-03-06', '2026-03-08', '2026-03-09', '2026-10-30', '2026-11-01', '2026-11-02',
  '2012-10-29', '2025-01-09', '2001-09-11', '2015-12-24',
];
const BOUNDARY_TIMES = ['00:00', '04:00', '09:30', '09:45', '12:30', '12:59', '13:00', '15:30', '15:59', '16:00', '20:00', '23:59'];

const uniformTs = fc.integer({ min: FIRST, max: LAST });
const dateArb = fc.oneof(
  fc.integer({ min: 0, max: DAYS_1998_2028 - 1 }).map((i) => addDays('1998-01-01', i)),
  fc.constantFrom(...SPECIAL_DATES),
);
/** Instants within a minute of a session boundary, where an off-by-one would show. */
const nearBoundaryTs = fc
  .tuple(dateArb, fc.constantFrom(...BOUNDARY_TIMES), fc.constantFrom(-60_000, -1, 0, 1, 30_000, 59_999))
  .map(([date, hhmm, delta]) => wallTimeToUtcMs(date, hhmm, NY) + delta);
const anyTs = fc.oneof(uniformTs, nearBoundaryTs);

describe('phaseAt property: agrees with the naive New York wall-clock reference', () => {
  it('for random instants 1998-2028 (uniform and near boundaries)', () => {
    fc.assert(
      fc.property(anyTs, (ts) => {
        expect(phaseAt(ts, calendarDayFor(tradingDayOf(ts)))).toBe(referencePhase(ts));
      }),
      { numRuns: 3_000 },
    );
  });

  it('nextPhaseBoundary is the first instant the phase differs', () => {
    fc.assert(
      fc.property(anyTs, fc.double({ min: 0, max: 1, noNaN: true }), (ts, frac) => {
        const day = calendarDayFor(tradingDayOf(ts));
        const phase = phaseAt(ts, day);
        const next = nextPhaseBoundary(ts, day);
        if (next === null) {
          expect(phase).toBe('CLOSED');
          return;
        }
        expect(next).toBeGreaterThan(ts);
        expect(phaseAt(next - 1, day)).toBe(phase);
        expect(phaseAt(ts + Math.floor((next - ts) * frac * 0.999999), day)).toBe(phase);
        expect(phaseAt(next, day)).not.toBe(phase);
        expect(referencePhase(next)).toBe(phaseAt(next, day));
      }),
      { numRuns: 1_000 },
    );
  });
});
