// Bar sources over the committed sample and over small directories: order, day-by-day reading, corporate
// actions handed out before the first bar they affect, and refusals.
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Bar, compareBars } from './bar';
import { openBarSource } from './bar-source';
import { writeCorporateActions } from './corporate-actions';
import { writeBarDay } from './parquet-day';
import { nyWallTimeToUtcMs } from './ny-time';
import { readSampleManifest, SAMPLE_DIR } from './sample';

let tmp: string;
beforeAll(() => { tmp = mkdtempSync(join(tmpdir(), 'axiom-source-')); });
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const AAPL_SPLIT = { symbol: 'AAPL', exDate: '2014-06-09', kind: 'split' as const, ratio: 7 };

test('the sample replays every bar in strict (ts, symbol) order, day by day', () => {
  const manifest = readSampleManifest();
  const source = openBarSource(SAMPLE_DIR);
  expect(source.days()).toEqual(manifest.days.map((d) => d.date));
  let previous: Bar | null = null;
  let count = 0;
  for (const bar of source) {
    if (previous !== null) expect(compareBars(previous, bar)).toBeLessThan(0);
    previous = bar;
    count += 1;
  }
  expect(count).toBe(manifest.days.reduce((sum, d) => sum + d.rows, 0));
});

test('the AAPL split is returned and handed out with 2014-06-09, before its first bar', () => {
  const source = openBarSource(SAMPLE_DIR);
  expect(source.corporateActions()).toEqual([AAPL_SPLIT]);
  const withActions = [...source.eachDay()].filter((d) => d.actions.length > 0).map((d) => [d.date, d.actions]);
  expect(withActions).toEqual([['2014-06-09', [AAPL_SPLIT]]]);
});

test('from/to limit the days and the actions that apply', () => {
  expect(openBarSource(SAMPLE_DIR, { from: '2014-06-06', to: '2014-06-09' }).days()).toEqual(['2014-06-06', '2014-06-09']);
  expect(openBarSource(SAMPLE_DIR, { from: '2014-06-06', to: '2014-06-09' }).corporateActions()).toEqual([AAPL_SPLIT]);
  expect(openBarSource(SAMPLE_DIR, { from: '2014-06-10' }).corporateActions()).toEqual([]);
  expect(openBarSource(SAMPLE_DIR, { to: '2014-06-06' }).corporateActions()).toEqual([]);
  expect(() => openBarSource(SAMPLE_DIR, { from: '2014-6-1' })).toThrow(/option 'from' = "2014-6-1" is not a YYYY-MM-DD date/);
});

test('a single day file is a source of one day, with the actions of its directory', () => {
  const source = openBarSource(join(SAMPLE_DIR, '2013-10-07.parquet'));
  expect(source.days()).toEqual(['2013-10-07']);
  expect(source.corporateActions()).toEqual([]);
  const first = source.readDay('2013-10-07').find((b) => b.ts >= nyWallTimeToUtcMs('2013-10-07', 9.5 * 3_600_000))!;
  expect(first.ts).toBe(Date.UTC(2013, 9, 7, 13, 30));
  expect(openBarSource(join(SAMPLE_DIR, '2014-06-09.parquet')).corporateActions()).toEqual([AAPL_SPLIT]);
  const columns = source.readDayColumns('2013-10-07');
  expect(columns.length).toBe(828);
  expect(columns.symbols).toEqual(['SPY']);
  expect(() => source.readDay('2013-10-08')).toThrow(/no day file for 2013-10-08 in this source/);
});

test('an action whose ex-date has no day file comes with the next day that has one', () => {
  const dir = join(tmp, 'gap');
  const bar = (date: string): Bar => ({ symbol: 'AAPL', ts: nyWallTimeToUtcMs(date, 10 * 3_600_000), open: 1, high: 1, low: 1, close: 1, volume: 1, vwap: null, trades: null });
  mkdirSync(dir);
  writeBarDay(join(dir, '2014-06-06.parquet'), [bar('2014-06-06')]);
  writeBarDay(join(dir, '2014-06-10.parquet'), [bar('2014-06-10')]);
  writeCorporateActions(dir, [AAPL_SPLIT]);
  const days = [...openBarSource(dir).eachDay()].map((d) => [d.date, d.actions.length]);
  expect(days).toEqual([['2014-06-06', 0], ['2014-06-10', 1]]);
});

test('a .parquet file that is not named by its date, or a bad corporate-actions.json, is refused', () => {
  const dir = join(tmp, 'stray');
  mkdirSync(dir);
  copyFileSync(join(SAMPLE_DIR, '2013-10-07.parquet'), join(dir, '2013-10-07.parquet'));
  writeFileSync(join(dir, 'README.md'), 'ignored');
  expect(openBarSource(dir).days()).toEqual(['2013-10-07']);
  writeFileSync(join(dir, 'corporate-actions.json'), '[{"symbol":"AAPL","exDate":"2014-06-09","kind":"split","ratio":0}]');
  expect(() => openBarSource(dir)).toThrow(/corporate-actions\.json entry 0: field 'ratio' = 0/);
  rmSync(join(dir, 'corporate-actions.json'));
  copyFileSync(join(SAMPLE_DIR, '2013-10-07.parquet'), join(dir, 'spy.parquet'));
  expect(() => openBarSource(dir)).toThrow(/spy\.parquet: a \.parquet file in a bar directory must be named YYYY-MM-DD\.parquet/);
  expect(() => openBarSource(join(tmp, 'nothing-here'))).toThrow(expect.objectContaining({ reason: 'missing' }));
});
