// CSV import to disk: grouping by New York date, overwrite policy, and all-or-nothing on bad input.
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BarDataError } from './bar';
import { importCsv } from './csv-import';
import { readBarDay } from './parquet-day';

let tmp: string;
beforeAll(() => { tmp = mkdtempSync(join(tmpdir(), 'axiom-csv-')); });
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

// 23:59 New York on 10-07 is 03:59Z on 10-08; 04:00Z on 10-08 is New York midnight, so it starts 10-08.
const CSV = `symbol,ts,open,high,low,close,volume,vwap,trades
SPY,2013-10-07T09:30:00-04:00,168.1,168.5,167.9,168.2,1200,168.21,31
AAPL,1381152600000,483.5,484,483,483.9,500,,
SPY,2013-10-07T23:59:00-04:00,167,167,167,167,10,,2
SPY,2013-10-08T04:00:00Z,167,167,167,167,10,167,1
SPY,2013-10-08T08:00:00Z,166,166,166,166,20,,
`;

function writeCsv(name: string, text: string): string {
  const file = join(tmp, name);
  writeFileSync(file, text);
  return file;
}

test('rows go to the day file of their New York date, sorted by (ts, symbol), vwap/trades kept or null', () => {
  const out = join(tmp, 'out');
  const report = importCsv(writeCsv('bars.csv', CSV), out);
  expect(report.days.map((d) => [d.date, d.rows, d.symbols])).toEqual([['2013-10-07', 3, ['AAPL', 'SPY']], ['2013-10-08', 2, ['SPY']]]);
  expect(report).toMatchObject({ rows: 5, symbols: ['AAPL', 'SPY'], dropped: [], corporateActions: [] });
  expect(readBarDay(join(out, '2013-10-07.parquet')).map((b) => [b.symbol, new Date(b.ts).toISOString(), b.vwap, b.trades])).toEqual([
    ['AAPL', '2013-10-07T13:30:00.000Z', null, null],
    ['SPY', '2013-10-07T13:30:00.000Z', 168.21, 31],
    ['SPY', '2013-10-08T03:59:00.000Z', null, 2],
  ]);
  expect(readBarDay(join(out, '2013-10-08.parquet')).map((b) => new Date(b.ts).toISOString())).toEqual(['2013-10-08T04:00:00.000Z', '2013-10-08T08:00:00.000Z']);
});

test('existing day files are refused (nothing written) unless overwrite is asked for', () => {
  const out = join(tmp, 'twice');
  const file = writeCsv('twice.csv', CSV);
  importCsv(file, out);
  let error: unknown;
  try { importCsv(file, out); } catch (e) { error = e; }
  expect(error).toBeInstanceOf(BarDataError);
  expect((error as BarDataError).reason).toBe('exists');
  expect((error as Error).message).toMatch(/2 output file\(s\) already exist \(2013-10-07\.parquet, 2013-10-08\.parquet\)/);
  expect(importCsv(file, out, { overwrite: true }).rows).toBe(5);
  expect(readdirSync(out).sort()).toEqual(['2013-10-07.parquet', '2013-10-08.parquet']);
});

test('a bad line stops the import with its line and field, and nothing is written', () => {
  const out = join(tmp, 'bad');
  const file = writeCsv('bad.csv', `${CSV}SPY,2013-10-09T13:30:00Z,1,1,1,1,-3,,\n`);
  expect(() => importCsv(file, out)).toThrow(/bad\.csv line 7: field 'volume' = -3 is not a whole number of shares/);
  expect(existsSync(out) ? readdirSync(out) : []).toEqual([]);
});

test('a missing file is reported as missing', () => {
  expect(() => importCsv(join(tmp, 'nope.csv'), join(tmp, 'x'))).toThrow(expect.objectContaining({ reason: 'missing' }));
});
