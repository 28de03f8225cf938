// The LEAN importer on the real LEAN files (when present) and on small synthetic LEAN directories.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { zipSync } from 'fflate';
import { Bar, BarDataError } from './bar';
import { CORPORATE_ACTIONS_FILE, readCorporateActions } from './corporate-actions';
import { ImportReport } from './import-report';
import { importLean } from './lean-import';
import { MARKET_HOURS_FILE } from './lean-calendar';
import { nyWallTimeToUtcMs } from './ny-time';
import { readBarDay } from './parquet-day';
import { leanDirFromEnv } from './sample';

const H = 3_600_000;
const M = 60_000;
const LEAN = leanDirFromEnv();
const describeWithLean = existsSync(join(LEAN, 'minute')) ? describe : describe.skip;

let tmp: string;
beforeAll(() => { tmp = mkdtempSync(join(tmpdir(), 'axiom-lean-')); });
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function regular(bars: readonly Bar[], date: string, symbol: string, closeWallMs = 16 * H): Bar[] {
  const open = nyWallTimeToUtcMs(date, 9 * H + 30 * M);
  const close = nyWallTimeToUtcMs(date, closeWallMs);
  return bars.filter((b) => b.symbol === symbol && b.ts >= open && b.ts < close);
}

describeWithLean('the real LEAN sample', () => {
  let out: string;
  let report: ImportReport;
  beforeAll(() => {
    out = join(tmp, 'real');
    report = importLean(LEAN, out);
  });

  test('SPY 2013-10-07: the first regular bar is 09:30 New York = 13:30 UTC; the first bar 04:00 = 08:00 UTC', () => {
    const bars = readBarDay(join(out, '2013-10-07.parquet'));
    expect(bars[0]!.ts).toBe(Date.UTC(2013, 9, 7, 8, 0));
    const reg = regular(bars, '2013-10-07', 'SPY');
    expect(reg.length).toBe(390);
    expect(reg[0]!.ts).toBe(Date.UTC(2013, 9, 7, 13, 30));
    expect(reg[389]!.ts).toBe(Date.UTC(2013, 9, 7, 19, 59));
    expect(bars.every((b) => b.vwap === null && b.trades === null)).toBe(true); // LEAN has neither; none invented
  });

  test('AAPL 7:1 split: corporate-actions.json has it with ex-date 2014-06-09; adjusted, 06-06 close vs 06-09 open differ < 2%', () => {
    expect(JSON.parse(readFileSync(join(out, CORPORATE_ACTIONS_FILE), 'utf8'))).toEqual([{ symbol: 'AAPL', exDate: '2014-06-09', kind: 'split', ratio: 7 }]);
    expect(report.corporateActions).toEqual(readCorporateActions(out));
    const lastClose = regular(readBarDay(join(out, '2014-06-06.parquet')), '2014-06-06', 'AAPL').pop()!;
    const firstOpen = regular(readBarDay(join(out, '2014-06-09.parquet')), '2014-06-09', 'AAPL')[0]!;
    expect(lastClose.ts).toBe(nyWallTimeToUtcMs('2014-06-06', 15 * H + 59 * M));
    expect(firstOpen.ts).toBe(nyWallTimeToUtcMs('2014-06-09', 9 * H + 30 * M));
    // Raw prices are kept as traded: unadjusted, the split looks like an 86% gap…
    expect(firstOpen.open / lastClose.close).toBeLessThan(0.15);
    // …and adjusted by the ratio it does not.
    expect(Math.abs(firstOpen.open / (lastClose.close / 7) - 1)).toBeLessThan(0.02);
  });

  test('AAPL 2014-06-09 04:00 bad print is dropped and reported; the rest of the day is intact', () => {
    expect(report.dropped).toHaveLength(1);
    const d = report.dropped[0]!;
    expect(d).toMatchObject({ symbol: 'AAPL', date: '2014-06-09', ts: nyWallTimeToUtcMs('2014-06-09', 4 * H) });
    expect(d.bar).toMatchObject({ open: 645.57, high: 645.57, low: 92.23, close: 92.42, volume: 600 });
    expect(d.source).toMatch(/aapl[/\\]20140609_trade\.zip:20140609_aapl_minute_trade\.csv line 1$/);
    expect(d.reason).toMatch(/^open 645\.57, high 645\.57 are up to ×6\.98 away from the median close/);
    const aapl = readBarDay(join(out, '2014-06-09.parquet')).filter((b) => b.symbol === 'AAPL');
    expect(aapl.length).toBe(833); // 834 rows in the LEAN file, minus the dropped one
    expect(aapl[0]!.ts).toBe(nyWallTimeToUtcMs('2014-06-09', 4 * H + M));
    expect(aapl.every((b) => b.high / b.low < 1.05)).toBe(true);
  });

  test('GOOG 2015-12-24 (13:00 early close): no regular-session bar at or after 13:00; what follows is thin post-close prints', () => {
    const bars = readBarDay(join(out, '2015-12-24.parquet'));
    const reg = regular(bars, '2015-12-24', 'GOOG', 13 * H);
    expect(reg[reg.length - 1]!.ts).toBe(nyWallTimeToUtcMs('2015-12-24', 12 * H + 59 * M));
    const after = bars.filter((b) => b.ts >= nyWallTimeToUtcMs('2015-12-24', 13 * H));
    // The raw file has 15 prints from 13:00 to 16:11 (post-market on an early-close day): kept, reported, and tiny
    // next to the session; a session classifier must use the early close, not 16:00.
    expect(after.length).toBe(15);
    const sessionVolume = reg.reduce((s, b) => s + b.volume, 0);
    expect(after.reduce((s, b) => s + b.volume, 0)).toBeLessThan(sessionVolume * 0.02); // 5,754 vs 515,572 shares
    expect(report.notes).toContainEqual(expect.stringMatching(/^GOOG 2015-12-24: early close at 13:00 New York; 210 regular-session bar\(s\), 15 bar\(s\) at or after the close/));
  });

  test('TWX 2014-06-23 (6 bars, 09:30–09:35) is kept and reported as looking truncated', () => {
    expect(readBarDay(join(out, '2014-06-23.parquet')).length).toBe(6);
    expect(report.warnings).toContainEqual(expect.stringMatching(/^TWX 2014-06-23: the last regular-session bar starts at 09:35 .* looks truncated/));
  });

  test('the map file confirms AAPL; symbols without factor files are reported', () => {
    expect(report.notes).toContainEqual(expect.stringMatching(/^AAPL: ticker confirmed by .*map_aapl\.csv/));
    expect(report.warnings).toContainEqual(expect.stringMatching(/^SPY: no factor file/));
  });

  test('a second import into the same directory is refused and changes nothing', () => {
    const before = readdirSync(out).sort();
    let error: unknown;
    try { importLean(LEAN, out, { symbols: ['spy'] }); } catch (e) { error = e; }
    expect(error).toBeInstanceOf(BarDataError);
    expect((error as BarDataError).reason).toBe('exists');
    expect(readdirSync(out).sort()).toEqual(before);
    expect(() => importLean(LEAN, out, { symbols: ['SPY'], from: '2013-10-07', to: '2013-10-07', overwrite: true })).not.toThrow();
  });
});

// ── synthetic LEAN directories ──

function leanRow(wallMs: number, price: number, volume = 100): string {
  const p = Math.round(price * 10_000);
  return `${wallMs},${p},${p},${p},${p},${volume}`;
}
function makeLean(name: string, days: Record<string, Record<string, string[]>>, extra: Record<string, string> = {}): string {
  const root = join(tmp, name);
  for (const [symbol, byDate] of Object.entries(days)) {
    mkdirSync(join(root, 'minute', symbol), { recursive: true });
    for (const [compact, rows] of Object.entries(byDate)) {
      const entry = `${compact}_${symbol}_minute_trade.csv`;
      writeFileSync(join(root, 'minute', symbol, `${compact}_trade.zip`), zipSync({ [entry]: new TextEncoder().encode(rows.join('\r\n')) }));
    }
  }
  for (const [file, text] of Object.entries(extra)) writeFileSync(join(root, file), text);
  return root;
}
const marketHours = (): string => {
  const real = join(LEAN, MARKET_HOURS_FILE);
  // A minimal entry when the real one is absent: July 4th 2014 closed.
  return existsSync(real) ? readFileSync(real, 'utf8') : JSON.stringify({ entry: { holidays: ['7/4/2014'], earlyCloses: { '7/3/2014': '13:00:00' } } });
};

test('DST: 09:30 New York is 13:30 UTC in daylight time and 14:30 UTC in standard time, on each side of both switches', () => {
  const open = 9 * H + 30 * M;
  const rows = [leanRow(open, 10), leanRow(open + M, 10), leanRow(open + 2 * M, 10)];
  const root = makeLean('dst', { xyz: { 20131101: rows, 20131104: rows, 20140307: rows, 20140310: rows } });
  const out = join(tmp, 'dst-out');
  const report = importLean(root, out);
  expect(report.warnings).toContainEqual(expect.stringMatching(/market-hours-equity-usa\.json not found/));
  const first = (d: string) => readBarDay(join(out, `${d}.parquet`))[0]!.ts;
  expect(first('2013-11-01')).toBe(Date.UTC(2013, 10, 1, 13, 30));
  expect(first('2013-11-04')).toBe(Date.UTC(2013, 10, 4, 14, 30));
  expect(first('2014-03-07')).toBe(Date.UTC(2014, 2, 7, 14, 30));
  expect(first('2014-03-10')).toBe(Date.UTC(2014, 2, 10, 13, 30));
});

test('a split whose row date precedes a holiday gets the next trading day as ex-date; a ticker change is reported', () => {
  const open = 9 * H + 30 * M;
  const rows = (p: number) => [leanRow(open, p), leanRow(open + M, p), leanRow(open + 2 * M, p), leanRow(15 * H + 59 * M, p)];
  const root = makeLean('holiday', { xyz: { 20140703: rows(30), 20140707: rows(20) } }, {
    [MARKET_HOURS_FILE]: marketHours(),
    'factor_xyz.csv': '20100101,1,0.6666667,1\n20140703,1,0.6666667,30\n20501231,1,1,0\n',
    'map_xyz.csv': '20000101,abc,N\n20140703,abc,N\n20501231,xyz,N\n',
  });
  const report = importLean(root, join(tmp, 'holiday-out'));
  expect(report.corporateActions).toEqual([{ symbol: 'XYZ', exDate: '2014-07-07', kind: 'split', ratio: 1.5 }]);
  expect(report.warnings).toContainEqual(expect.stringMatching(/^XYZ: ticker changed within 2014-07-03\.\.2014-07-07 .*\(ABC → XYZ\)/));
  expect(report.notes).toContainEqual(expect.stringMatching(/^XYZ 2014-07-03: early close at 13:00/));
});

test.each<[string, string[], RegExp]>([
  ['a price that is not an integer', ['34200000,1.5,2,1,1,100'], /zip:20140609_bad_minute_trade\.csv line 1: field 'open' = '1\.5' is not an integer/],
  ['high below low', ['34200000,100000,90000,95000,95000,100'], /line 1: field 'high' = 9 is below field 'low' = 9\.5/],
  ['a row out of order', [leanRow(34_260_000, 10), leanRow(34_200_000, 10)], /line 2: field 'time' = 34200000 \(09:30\) is not after the previous row's 09:31/],
  ['a time off the minute', ['34200500,100000,100000,100000,100000,100'], /line 1: field 'time' = 34200500 ms \(09:30:00\.500\) is not on a minute boundary/],
  ['a missing field', ['34200000,100000,100000,100000,100000'], /line 1: expected 6 fields/],
  ['a negative volume', ['34200000,100000,100000,100000,100000,-1'], /line 1: field 'volume' = -1 /],
])('refuses %s, naming zip, entry, line and field, and writes nothing', (name, rows, message) => {
  const root = makeLean(`bad-${name.replace(/\W+/g, '-')}`, { good: { 20140606: [leanRow(34_200_000, 10)] }, bad: { 20140609: rows } });
  const out = join(tmp, `bad-out-${name.replace(/\W+/g, '-')}`);
  expect(() => importLean(root, out)).toThrow(message);
  expect(existsSync(out) ? readdirSync(out) : []).toEqual([]); // no day file, no staging directory left behind
});

test('a missing LEAN directory or symbol is reported as missing', () => {
  expect(() => importLean(join(tmp, 'nowhere'), join(tmp, 'x'))).toThrow(expect.objectContaining({ reason: 'missing' }));
  const root = makeLean('one', { abc: { 20140606: [leanRow(34_200_000, 10)] } });
  expect(() => importLean(root, join(tmp, 'y'), { symbols: ['zzz'] })).toThrow(/no directory for zzz/);
});
