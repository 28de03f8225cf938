// Read-ahead of day files on a reader thread (day-read-ahead.ts): the same columns as reading each file here,
// in order, whoever reads which day; a bad day's error when the replay reaches it; the bar source's readAhead
// giving the same days, bars and actions. Real files, a real worker thread.
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mulberry32 } from '@axiom/events';
import { generateDay } from '../testing/generated-days';
import { BarDataError } from './bar';
import { openBarSource } from './bar-source';
import { readDayColumnsAhead } from './day-read-ahead';
import { readBarDayColumns, writeBarDay } from './parquet-day';
import { SAMPLE_DIR } from './sample';

let tmp: string;
let paths: string[];
const DATES = ['2025-03-03', '2025-03-04', '2025-03-05', '2025-03-06', '2025-03-07', '2025-03-10', '2025-03-11'];
beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'axiom-read-ahead-'));
  const rnd = mulberry32(20261204);
  const prices = new Map<string, number>();
  paths = DATES.map((date) => {
    const path = join(tmp, `${date}.parquet`);
    writeBarDay(path, generateDay(date, ['AAA', 'BBB', 'CCC'], rnd, prices));
    return path;
  });
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function errorOf(fn: () => unknown): Error {
  try {
    fn();
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected a throw');
}

describe('readDayColumnsAhead', () => {
  it('gives exactly the columns of reading each day here, in order, however far it reads ahead', () => {
    const here = paths.map((p) => readBarDayColumns(p));
    for (const readHere of [true, false]) {
      for (const ahead of [1, 2, 16]) {
        for (const n of [0, 1, 2, paths.length]) {
          expect([...readDayColumnsAhead(paths.slice(0, n), { ahead, readHere })]).toEqual(here.slice(0, n));
        }
      }
    }
  });

  it('throws a bad day\'s error, as reading it here would, when the replay reaches that day', () => {
    const dir = join(tmp, 'bad');
    mkdirSync(dir, { recursive: true });
    const files = paths.map((p, i) => {
      const to = join(dir, `${DATES[i]}.parquet`);
      copyFileSync(p, to);
      return to;
    });
    writeFileSync(files[3]!, 'not parquet');
    const expected = errorOf(() => readBarDayColumns(files[3]!));
    expect(expected).toBeInstanceOf(BarDataError);
    // Whether this thread or the reader read it (readHere false: the reader reads every day).
    for (const readHere of [true, false]) {
      const got: string[] = [];
      const it = readDayColumnsAhead(files, { ahead: 2, readHere });
      const error = errorOf(() => {
        for (const c of it) got.push(c.date);
      });
      expect(got).toEqual(DATES.slice(0, 3));
      expect(error).toBeInstanceOf(BarDataError);
      expect(error.message).toBe(expected.message);
      expect((error as BarDataError).reason).toBe((expected as BarDataError).reason);
      // A missing file is BarDataError 'missing', here and from the reader.
      const missing = [...files.slice(0, 2), join(dir, '2025-03-12.parquet')];
      const m = errorOf(() => [...readDayColumnsAhead(missing, { ahead: 4, readHere })]);
      expect(m).toBeInstanceOf(BarDataError);
      expect((m as BarDataError).reason).toBe('missing');
      expect(m.message).toBe(errorOf(() => readBarDayColumns(missing[2]!)).message);
    }
  });

  it('throws a file system error with its name, message and code, as reading it here would', () => {
    // A directory where a day file should be: readFileSync's EISDIR, which the day reader passes on as it is.
    const dir = join(tmp, 'eisdir');
    mkdirSync(join(dir, '2025-03-12.parquet'), { recursive: true });
    const files = [paths[0]!, paths[1]!, join(dir, '2025-03-12.parquet')];
    const expected = errorOf(() => readBarDayColumns(files[2]!)) as NodeJS.ErrnoException;
    expect(expected.code).toBe('EISDIR');
    for (const readHere of [true, false]) {
      const got = errorOf(() => [...readDayColumnsAhead(files, { ahead: 2, readHere })]) as NodeJS.ErrnoException;
      expect({ name: got.name, message: got.message, code: got.code, errno: got.errno, syscall: got.syscall })
        .toEqual({ name: expected.name, message: expected.message, code: expected.code, errno: expected.errno, syscall: expected.syscall });
    }
  });

  it('can be left early (the reader stops) and read again', () => {
    const first: string[] = [];
    for (const c of readDayColumnsAhead(paths, { ahead: 3, readHere: false })) {
      first.push(c.date);
      if (first.length === 2) break;
    }
    expect(first).toEqual(DATES.slice(0, 2));
    expect([...readDayColumnsAhead(paths, { ahead: 3, readHere: false })].map((c) => c.date)).toEqual(DATES);
  });
});

describe('a bar source read ahead', () => {
  it('gives the same days, bars and corporate actions as reading day by day (the bundled sample)', () => {
    const source = openBarSource(SAMPLE_DIR);
    const plain = [...source.eachDay()];
    const ahead = [...source.eachDay({ readAhead: true })];
    expect(ahead).toEqual(plain);
    expect(plain.some((d) => d.actions.length > 0)).toBe(true);
    expect([...source.bars({ readAhead: true })]).toEqual(plain.flatMap((d) => d.bars));
  });
});
