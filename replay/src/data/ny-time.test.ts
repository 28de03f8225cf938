// New York wall time ↔ UTC across both DST switches, and independence from the process time zone.
import {
  addDays, isIsoDate, nyDateOf, nyDayStartUtcMs, nyMsSinceMidnight, nyUtcOffsetMinutes, nyWallTimeToUtcMs,
} from './ny-time';

const H = 3_600_000;
const M = 60_000;
const OPEN = 9 * H + 30 * M;

describe('New York UTC offset per date', () => {
  test.each([
    ['2013-10-07', -240], // SPY sample week: daylight time
    ['2013-11-01', -240],
    ['2013-11-03', -300], // fall back (Sunday): from 02:00 the offset is EST
    ['2013-11-04', -300],
    ['2014-03-07', -300],
    ['2014-03-09', -240], // spring forward (Sunday)
    ['2014-03-10', -240],
    ['2015-12-24', -300],
    ['2023-08-03', -240],
  ])('%s is UTC%i min', (date, offset) => {
    expect(nyUtcOffsetMinutes(date)).toBe(offset);
  });
});

describe('09:30 New York in UTC around the switches', () => {
  test.each([
    ['2013-10-07', Date.UTC(2013, 9, 7, 13, 30)], // the SPY sample's first regular bar: 13:30 UTC
    ['2013-11-01', Date.UTC(2013, 10, 1, 13, 30)],
    ['2013-11-03', Date.UTC(2013, 10, 3, 14, 30)],
    ['2013-11-04', Date.UTC(2013, 10, 4, 14, 30)],
    ['2014-03-07', Date.UTC(2014, 2, 7, 14, 30)],
    ['2014-03-09', Date.UTC(2014, 2, 9, 13, 30)],
    ['2014-03-10', Date.UTC(2014, 2, 10, 13, 30)],
  ])('%s', (date, utc) => {
    expect(nyWallTimeToUtcMs(date, OPEN)).toBe(utc);
  });
});

describe('the switch hours themselves', () => {
  test('fall back: 01:30 is the first (daylight) occurrence; 02:00 is standard time', () => {
    expect(nyWallTimeToUtcMs('2013-11-03', H + 30 * M)).toBe(Date.UTC(2013, 10, 3, 5, 30));
    expect(nyWallTimeToUtcMs('2013-11-03', 2 * H)).toBe(Date.UTC(2013, 10, 3, 7, 0));
    // The second 01:30 (06:30 UTC) still reads as 01:30 on that date.
    expect(nyMsSinceMidnight(Date.UTC(2013, 10, 3, 6, 30))).toBe(H + 30 * M);
  });

  test('spring forward: 02:00–02:59 does not exist; 01:59 and 03:00 are one minute apart', () => {
    expect(() => nyWallTimeToUtcMs('2014-03-09', 2 * H + 30 * M)).toThrow(/does not exist/);
    expect(() => nyWallTimeToUtcMs('2014-03-09', 2 * H)).toThrow(/does not exist/);
    expect(nyWallTimeToUtcMs('2014-03-09', 3 * H) - nyWallTimeToUtcMs('2014-03-09', H + 59 * M)).toBe(M);
  });

  test('switch days last 25 h and 23 h', () => {
    expect(nyDayStartUtcMs('2013-11-04') - nyDayStartUtcMs('2013-11-03')).toBe(25 * H);
    expect(nyDayStartUtcMs('2014-03-10') - nyDayStartUtcMs('2014-03-09')).toBe(23 * H);
    expect(nyDayStartUtcMs('2013-10-08') - nyDayStartUtcMs('2013-10-07')).toBe(24 * H);
  });

  test('every minute of the switch days and a normal day maps back to its date and wall time', () => {
    for (const date of ['2013-11-03', '2014-03-09', '2013-10-07']) {
      for (let ms = 0; ms < 24 * H; ms += M) {
        if (date === '2014-03-09' && ms >= 2 * H && ms < 3 * H) continue;
        const utc = nyWallTimeToUtcMs(date, ms);
        expect(nyDateOf(utc)).toBe(date);
        expect(nyMsSinceMidnight(utc)).toBe(ms);
      }
    }
  });

  test('refuses times outside a day', () => {
    expect(() => nyWallTimeToUtcMs('2013-10-07', -1)).toThrow(RangeError);
    expect(() => nyWallTimeToUtcMs('2013-10-07', 24 * H)).toThrow(RangeError);
    expect(() => nyWallTimeToUtcMs('2013-10-07', 0.5)).toThrow(RangeError);
  });
});

describe('calendar date helpers', () => {
  test('isIsoDate refuses impossible dates', () => {
    expect(isIsoDate('2014-06-09')).toBe(true);
    expect(isIsoDate('2016-02-29')).toBe(true);
    expect(isIsoDate('2014-02-29')).toBe(false);
    expect(isIsoDate('2014-6-9')).toBe(false);
    expect(isIsoDate('2014-13-01')).toBe(false);
  });

  test('addDays crosses months and years', () => {
    expect(addDays('2013-12-31', 1)).toBe('2014-01-01');
    expect(addDays('2014-03-01', -1)).toBe('2014-02-28');
  });
});
