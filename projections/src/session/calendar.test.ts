// Unit tests of the bundled calendar, wall-clock conversion and broker overrides. Run under TZ=UTC and another
// TZ (e.g. America/Los_Angeles): nothing here may depend on the process time zone.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import fc from 'fast-check';
import { formatInTimeZone } from 'date-fns-tz';
import {
  addDays, calendarDayFor, calendarDaysFromAlpaca, calendarFromAlpaca, dayWindow, mergeOverrides, nextCalendarDay,
  overridesFromCalendarDays, tradingDayOf, wallTimeToUtcMs, zoneOffsetMs,
} from './index';
import { parseLeanMarketHours, renderCalendarModule } from './calendar-source';
import { EARLY_CLOSES, HOLIDAYS } from './calendar-data';
import { utc } from './test-support';

const NY = 'America/New_York';

describe('bundled calendar data', () => {
  it('is exactly what the generator renders from the LEAN source file', () => {
    const sourcePath = resolve(__dirname, '../../data/lean/market-hours-equity-usa.json');
    const json = JSON.parse(readFileSync(sourcePath, 'utf8')) as { source: string };
    const rendered = renderCalendarModule(parseLeanMarketHours(json), json.source);
    expect(readFileSync(resolve(__dirname, 'calendar-data.ts'), 'utf8')).toBe(rendered);
  });

  it('is compact and sorted: weekday dates only', () => {
    expect(HOLIDAYS.length).toBe(291);
    expect(EARLY_CLOSES['13:00']?.length).toBe(64);
    expect(Object.keys(EARLY_CLOSES)).toEqual(['13:00']);
    for (const list of [HOLIDAYS, EARLY_CLOSES['13:00'] ?? []]) {
      expect([...list].sort()).toEqual(list);
      for (const d of list) expect([0, 6]).not.toContain(new Date(`${d}T00:00:00Z`).getUTCDay());
    }
  });

  it('refuses a source it does not understand', () => {
    expect(() => parseLeanMarketHours({ entry: { lateOpens: {} } })).toThrow(/unknown key "lateOpens"/);
    expect(() => parseLeanMarketHours({})).toThrow(/no "entry"/);
  });
});

describe('calendarDayFor', () => {
  it('knows the early closes: 2015-12-24 and the day after Thanksgiving 2026 close at 13:00 New York', () => {
    expect(calendarDayFor('2015-12-24')).toEqual({
      date: '2015-12-24', openTs: utc('2015-12-24T14:30:00Z'), closeTs: utc('2015-12-24T18:00:00Z'), earlyClose: true,
    });
    expect(calendarDayFor('2026-11-27')).toEqual({
      date: '2026-11-27', openTs: utc('2026-11-27T14:30:00Z'), closeTs: utc('2026-11-27T18:00:00Z'), earlyClose: true,
    });
  });

  it('knows the closures: Thanksgiving 2026, Hurricane Sandy 2012-10-29, the 2025-01-09 national day of mourning', () => {
    expect(calendarDayFor('2026-11-26')).toBeNull();
    expect(calendarDayFor('2012-10-29')).toBeNull();
    expect(calendarDayFor('2025-01-09')).toBeNull();
  });

  it('closes weekends, including both 2026 DST switch dates (Sundays)', () => {
    for (const d of ['2026-03-07', '2026-03-08', '2026-10-31', '2026-11-01', '2015-12-26', '2015-12-27']) {
      expect(calendarDayFor(d)).toBeNull();
    }
  });

  it('puts the open at 09:30 New York on either side of both 2026 DST switches', () => {
    // EST = UTC-5 (09:30 = 14:30Z), EDT = UTC-4 (09:30 = 13:30Z).
    expect(calendarDayFor('2026-03-06')?.openTs).toBe(utc('2026-03-06T14:30:00Z'));
    expect(calendarDayFor('2026-03-09')?.openTs).toBe(utc('2026-03-09T13:30:00Z'));
    expect(calendarDayFor('2026-03-09')?.closeTs).toBe(utc('2026-03-09T20:00:00Z'));
    expect(calendarDayFor('2026-10-30')?.openTs).toBe(utc('2026-10-30T13:30:00Z'));
    expect(calendarDayFor('2026-11-02')?.openTs).toBe(utc('2026-11-02T14:30:00Z'));
    expect(calendarDayFor('2026-11-02')?.closeTs).toBe(utc('2026-11-02T21:00:00Z'));
    expect(calendarDayFor('2026-11-02')?.earlyClose).toBe(false);
  });

  it('lets an override win over the bundled calendar, both ways', () => {
    const open = { date: '2026-11-26', openTs: utc('2026-11-26T14:30:00Z'), closeTs: utc('2026-11-26T21:00:00Z'), earlyClose: false };
    expect(calendarDayFor('2026-11-26', { '2026-11-26': open })).toEqual(open);
    expect(calendarDayFor('2026-11-25', { '2026-11-25': null })).toBeNull();
    expect(calendarDayFor('2026-11-24', { '2026-11-25': null })?.date).toBe('2026-11-24');
  });

  it('finds the next open day across a holiday and a weekend', () => {
    expect(nextCalendarDay('2026-11-25')?.date).toBe('2026-11-27');
    expect(nextCalendarDay('2026-11-27')?.date).toBe('2026-11-30');
    expect(nextCalendarDay('2001-09-10')?.date).toBe('2001-09-17');
  });
});

describe('wall clock and trading day, independent of the process TZ', () => {
  it('converts the wall times of both 2026 switch dates exactly', () => {
    // 2026-03-08: 02:00 EST -> 03:00 EDT. Midnight is still EST, 04:00 and 20:00 are EDT.
    expect(wallTimeToUtcMs('2026-03-08', '00:00', NY)).toBe(utc('2026-03-08T05:00:00Z'));
    expect(wallTimeToUtcMs('2026-03-08', '04:00', NY)).toBe(utc('2026-03-08T08:00:00Z'));
    expect(wallTimeToUtcMs('2026-03-08', '09:30', NY)).toBe(utc('2026-03-08T13:30:00Z'));
    expect(wallTimeToUtcMs('2026-03-08', '20:00', NY)).toBe(utc('2026-03-09T00:00:00Z'));
    // 2026-11-01: 02:00 EDT -> 01:00 EST. Midnight is still EDT, 04:00 and 20:00 are EST.
    expect(wallTimeToUtcMs('2026-11-01', '00:00', NY)).toBe(utc('2026-11-01T04:00:00Z'));
    expect(wallTimeToUtcMs('2026-11-01', '04:00', NY)).toBe(utc('2026-11-01T09:00:00Z'));
    expect(wallTimeToUtcMs('2026-11-01', '09:30', NY)).toBe(utc('2026-11-01T14:30:00Z'));
    expect(wallTimeToUtcMs('2026-11-01', '20:00', NY)).toBe(utc('2026-11-02T01:00:00Z'));
    expect(zoneOffsetMs(utc('2026-03-08T06:59:59Z'), NY)).toBe(-5 * 3_600_000);
    expect(zoneOffsetMs(utc('2026-03-08T07:00:00Z'), NY)).toBe(-4 * 3_600_000);
    expect(zoneOffsetMs(utc('2026-11-01T05:59:59Z'), NY)).toBe(-4 * 3_600_000);
    expect(zoneOffsetMs(utc('2026-11-01T06:00:00Z'), NY)).toBe(-5 * 3_600_000);
  });

  it('gives the New York date of an instant, including around midnight on switch dates', () => {
    expect(tradingDayOf(utc('2026-03-09T03:59:59.999Z'))).toBe('2026-03-08');
    expect(tradingDayOf(utc('2026-03-09T04:00:00Z'))).toBe('2026-03-09');
    expect(tradingDayOf(utc('2026-03-08T04:59:59.999Z'))).toBe('2026-03-07');
    expect(tradingDayOf(utc('2026-03-08T05:00:00Z'))).toBe('2026-03-08');
    expect(tradingDayOf(utc('2026-11-01T03:59:59.999Z'))).toBe('2026-10-31');
    expect(tradingDayOf(utc('2026-11-01T04:00:00Z'))).toBe('2026-11-01');
    expect(tradingDayOf(utc('2026-11-02T04:59:59.999Z'))).toBe('2026-11-01');
    expect(tradingDayOf(utc('2026-11-02T05:00:00Z'))).toBe('2026-11-02');
    // The day window is 23 h and 25 h long on the switch dates.
    const spring = dayWindow('2026-03-08');
    const fall = dayWindow('2026-11-01');
    expect(spring.endTs - spring.startTs).toBe(23 * 3_600_000);
    expect(fall.endTs - fall.startTs).toBe(25 * 3_600_000);
  });

  it('round-trips 00:00, 04:00 and 20:00 (no switch falls between 04:00 and 20:00) of every date 1998-2028 through formatInTimeZone', () => {
    let date = '1998-01-01';
    let checked = 0;
    while (date <= '2028-12-31') {
      for (const hhmm of ['00:00', '04:00', '20:00']) {
        const ts = wallTimeToUtcMs(date, hhmm, NY);
        const back = formatInTimeZone(ts, NY, 'yyyy-MM-dd HH:mm:ss.SSS');
        if (back !== `${date} ${hhmm}:00.000`) throw new Error(`${date} ${hhmm} -> ${ts} -> ${back}`);
        checked++;
      }
      date = addDays(date, 1);
    }
    expect(checked).toBe(11_323 * 3);
  });

  it('agrees with formatInTimeZone on the date of random instants 1998-2028', () => {
    fc.assert(
      fc.property(fc.integer({ min: utc('1998-01-01T00:00:00Z'), max: utc('2029-01-01T00:00:00Z') - 1 }), (ts) => {
        expect(tradingDayOf(ts)).toBe(formatInTimeZone(ts, NY, 'yyyy-MM-dd'));
      }),
      { numRuns: 5_000 },
    );
  });
});

describe('broker calendars', () => {
  const rows = [
    { date: '2026-11-25', open: '09:30', close: '16:00', session_open: '0400', session_close: '2000', settlement_date: '2026-11-27' },
    { date: '2026-11-27', open: '09:30', close: '13:00', session_open: '0400', session_close: '1700', settlement_date: '2026-11-30' },
    { date: '2026-11-30', open: '09:30', close: '16:00', session_open: '0400', session_close: '2000', settlement_date: '2026-12-01' },
  ];

  it('turns Alpaca /v2/calendar rows into overrides; a missing weekday between listed days is a closure', () => {
    const o = calendarFromAlpaca(rows);
    expect(o).toEqual({
      '2026-11-25': { date: '2026-11-25', openTs: utc('2026-11-25T14:30:00Z'), closeTs: utc('2026-11-25T21:00:00Z'), earlyClose: false },
      '2026-11-26': null,
      '2026-11-27': { date: '2026-11-27', openTs: utc('2026-11-27T14:30:00Z'), closeTs: utc('2026-11-27T18:00:00Z'), earlyClose: true },
      '2026-11-30': { date: '2026-11-30', openTs: utc('2026-11-30T14:30:00Z'), closeTs: utc('2026-11-30T21:00:00Z'), earlyClose: false },
    });
    expect(overridesFromCalendarDays(calendarDaysFromAlpaca([...rows].reverse()))).toEqual(o);
  });

  it('refuses malformed rows, naming the row and the field', () => {
    expect(() => calendarDaysFromAlpaca([{ date: '2026-11-25', open: '9:30', close: '16:00' }])).toThrow('alpaca calendar[0].open: "9:30" is not an HH:MM time');
    expect(() => calendarDaysFromAlpaca([{ date: '11/25/2026', open: '09:30', close: '16:00' }])).toThrow('alpaca calendar[0].date');
    expect(() => calendarDaysFromAlpaca([{ date: '2026-11-25', open: '16:00', close: '09:30' }])).toThrow('close 09:30 is not after open 16:00');
  });

  it('keeps at most the newest N override dates', () => {
    const many: Record<string, null> = {};
    for (let i = 0; i < 30; i++) many[addDays('2026-01-01', i)] = null;
    const merged = mergeOverrides(many, { '2026-03-01': null }, 10);
    expect(Object.keys(merged).sort()).toEqual([...Object.keys(many).sort().slice(21), '2026-03-01']);
  });
});
