// Unit tests of the simulator's New York date helpers, across both DST switches.
import { nyDayOf, nyDayStartMs, nyRegularCloseMs } from './ny-clock';

describe('ny-clock', () => {
  it('places New York midnight and the 16:00 close in UTC on standard, daylight and switch dates', () => {
    expect(nyDayStartMs('2024-03-04')).toBe(Date.UTC(2024, 2, 4, 5));
    expect(nyRegularCloseMs('2024-03-04')).toBe(Date.UTC(2024, 2, 4, 21));
    // Spring forward (2024-03-10 02:00 EST): midnight is still EST, the close is EDT.
    expect(nyDayStartMs('2024-03-10')).toBe(Date.UTC(2024, 2, 10, 5));
    expect(nyRegularCloseMs('2024-03-11')).toBe(Date.UTC(2024, 2, 11, 20));
    // Fall back (2024-11-03 02:00 EDT): midnight is still EDT, the close is EST.
    expect(nyDayStartMs('2024-11-03')).toBe(Date.UTC(2024, 10, 3, 4));
    expect(nyRegularCloseMs('2024-11-04')).toBe(Date.UTC(2024, 10, 4, 21));
  });

  it('finds the New York date of an instant and when the next one begins', () => {
    expect(nyDayOf(Date.UTC(2024, 2, 5, 4, 59, 59, 999))).toEqual({ date: '2024-03-04', nextDayStartMs: Date.UTC(2024, 2, 5, 5) });
    expect(nyDayOf(Date.UTC(2024, 2, 5, 5))).toEqual({ date: '2024-03-05', nextDayStartMs: Date.UTC(2024, 2, 6, 5) });
    expect(nyDayOf(Date.UTC(2024, 6, 1, 3, 59))).toEqual({ date: '2024-06-30', nextDayStartMs: Date.UTC(2024, 6, 1, 4) });
    expect(nyDayOf(Date.UTC(2024, 2, 10, 23))).toEqual({ date: '2024-03-10', nextDayStartMs: Date.UTC(2024, 2, 11, 4) });
  });
});
