// LEAN factor and map files: splits from split-factor changes, dividends from price-factor changes.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { factorEvents, parseFactorFile, parseMapFile, shareRatio, tickerOn } from './lean-factors';
import { leanDirFromEnv } from './sample';

const AAPL_FACTORS = `19980102,0.8613657,0.00892857,1
20000620,0.8613657,0.00892857,101
20050225,0.8613657,0.01785710,88.97
20120808,0.8613657,0.03571430,619.86
20140507,0.8961764,0.03571430,592.33
20140606,0.9011818,0.03571430,645.57
20140806,0.9011818,0.25,94.97
20200828,0.9967882,0.25,499.23
20201105,0.9967882,1,119.03
20501231,1,1,0`;

test('AAPL splits: 2:1 (2000, 2005), 7:1 after 2014-06-06, 4:1 after 2020-08-28', () => {
  const splits = factorEvents(parseFactorFile(AAPL_FACTORS, 'factor_aapl.csv'), 'factor_aapl.csv').filter((e) => e.kind === 'split');
  expect(splits).toEqual([
    { kind: 'split', rowDate: '2000-06-20', ratio: 2 },
    { kind: 'split', rowDate: '2005-02-25', ratio: 2 },
    { kind: 'split', rowDate: '2014-06-06', ratio: 7 },
    { kind: 'split', rowDate: '2020-08-28', ratio: 4 },
  ]);
});

test('the real factor file parses and yields the 7:1 split', () => {
  const file = join(leanDirFromEnv(), 'factor_aapl.csv');
  let text: string;
  try { text = readFileSync(file, 'utf8'); } catch { return; } // the LEAN files are not on every machine
  const events = factorEvents(parseFactorFile(text, file), file);
  expect(events).toContainEqual({ kind: 'split', rowDate: '2014-06-06', ratio: 7 });
});

test('share ratios are rounded to p/q from 7-digit factors, and nonsense is refused', () => {
  expect(shareRatio(0.25 / 0.0357143)).toBe(7);
  expect(shareRatio(1.5000001)).toBe(1.5);
  expect(shareRatio(0.1000002)).toBe(0.1);
  expect(shareRatio(1 / 50.00004)).toBe(0.02);
  expect(shareRatio(0.6666668)).toBe(2 / 3);
  expect(shareRatio(Math.PI)).toBeNull();
  expect(shareRatio(0)).toBeNull();
});

test('factor file errors name the line and field', () => {
  expect(() => parseFactorFile('20140606,0.9,abc,1', 'f.csv')).toThrow(/^f\.csv line 1: field 'split factor' = 'abc' is not a finite number/);
  expect(() => parseFactorFile('20140606,0.9,0.25,1\n20140605,0.9,0.25,1', 'f.csv')).toThrow(/^f\.csv line 2: date 2014-06-05 is not after line 1's 2014-06-06/);
  expect(() => parseFactorFile('2014066,0.9,0.25,1', 'f.csv')).toThrow(/field 'date' = '2014066'/);
  expect(() => parseFactorFile('20140606,0,0.25,1', 'f.csv')).toThrow(/field 'price factor' = 0 is not > 0/);
});

test('map file: the ticker on a date is the first row on or after it', () => {
  const rows = parseMapFile('19980102,aapl,Q\n20501231,aapl,Q', 'map_aapl.csv');
  expect(tickerOn(rows, '2014-06-09')).toBe('AAPL');
  // AOL Time Warner traded as AOL until 2003-10-15 and as TWX from 2003-10-16.
  const renamed = parseMapFile('19920101,aol,N\n20031015,aol,N\n20180614,twx,N', 'map_twx.csv');
  expect(tickerOn(renamed, '2003-10-15')).toBe('AOL');
  expect(tickerOn(renamed, '2003-10-16')).toBe('TWX');
  expect(tickerOn(renamed, '2014-06-09')).toBe('TWX');
  expect(tickerOn(renamed, '2019-01-01')).toBeNull();
});
