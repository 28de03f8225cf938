// A bar source: a directory of day files (or one day file) replayed in (ts, symbol) order, one day at a time.
// Guarantee: days are visited in date order and each day file is read (and checked) only when the iterator
// reaches it, so replaying years never holds more than one day in memory or in WASM; with `readAhead` the
// next days' files are read on a thread beforehand (at most READ_AHEAD_DAYS more in memory), and a day's
// error is still thrown when the iterator reaches that day. Corporate actions from
// `corporate-actions.json` are handed out with the first day on or after their ex-date, so a backtest can
// emit each one before the first bar it affects, even when the ex-date itself has no day file.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Bar, BarDataError } from './bar';
import { CorporateAction, readCorporateActions } from './corporate-actions';
import { isIsoDate } from './ny-time';
import { readDayColumnsAhead } from './day-read-ahead';
import { BAR_DAY_FILE_PATTERN, BarColumns, barDayFileDate, barsOfColumns, readBarDay, readBarDayColumns } from './parquet-day';

/** The next day of a read-ahead, which must be `date`'s. */
function nextDay(ahead: Generator<BarColumns, void, undefined>, date: string): BarColumns {
  const next = ahead.next();
  if (next.done === true || next.value.date !== date) throw new Error(`assertion: the day read ahead is not ${date}`);
  return next.value;
}

export type BarDay = {
  date: string;
  /**
   * Actions to apply before this day's first bar: those with exDate in (previous day of the source, date];
   * for the first day, those with exDate equal to it.
   */
  actions: CorporateAction[];
  bars: Bar[];
};

export type BarSource = {
  /** The directory (or file) the source was opened on. */
  readonly path: string;
  /** The New York dates with a day file, ascending (after the from/to filter). */
  days(): string[];
  /** Actions whose exDate lies within [first day, last day], sorted by exDate then symbol. */
  corporateActions(): CorporateAction[];
  /** The checked bars of one day of the source, in (ts, symbol) order. */
  readDay(date: string): Bar[];
  /** The same day as typed-array columns: no object per bar (the fast path for large days). */
  readDayColumns(date: string): BarColumns;
  /** The day file of one day of the source (its bytes identify the data set cheaply: a backtest's run id). */
  dayFile(date: string): string;
  /** Day by day, with the actions that apply before each day's first bar. */
  eachDay(options?: ReadOptions): Generator<BarDay, void, undefined>;
  /** Every bar of the source in (ts, symbol) order, read one day file at a time. */
  bars(options?: ReadOptions): Generator<Bar, void, undefined>;
  [Symbol.iterator](): Generator<Bar, void, undefined>;
};

export type ReadOptions = {
  /**
   * Read the next days' files on a thread while the caller replays the current one (day-read-ahead.ts): a
   * long replay of many small days. The same bars and the same errors, when the replay reaches their day;
   * up to READ_AHEAD_DAYS more days are held in memory.
   */
  readAhead?: boolean;
};

export type BarSourceOptions = {
  /** First date to include, `YYYY-MM-DD` (inclusive). */
  from?: string;
  /** Last date to include, `YYYY-MM-DD` (inclusive). */
  to?: string;
};

/**
 * Opens a directory of `YYYY-MM-DD.parquet` files (other files such as README.md are ignored, but a
 * `.parquet` file with another name is refused rather than skipped) or a single day file, whose directory
 * is searched for `corporate-actions.json`.
 */
export function openBarSource(pathOrDir: string, options: BarSourceOptions = {}): BarSource {
  for (const [name, value] of Object.entries(options)) {
    if (value !== undefined && (typeof value !== 'string' || !isIsoDate(value))) {
      throw new BarDataError(`bar source option '${name}' = ${JSON.stringify(value)} is not a YYYY-MM-DD date`);
    }
  }
  if (!existsSync(pathOrDir)) throw new BarDataError(`${pathOrDir}: no such file or directory`, 'missing');
  let dir: string;
  let files: Map<string, string>;
  if (statSync(pathOrDir).isDirectory()) {
    dir = pathOrDir;
    files = new Map();
    for (const name of readdirSync(dir).sort()) {
      if (!name.endsWith('.parquet')) continue;
      if (!BAR_DAY_FILE_PATTERN.test(name)) {
        throw new BarDataError(`${join(dir, name)}: a .parquet file in a bar directory must be named YYYY-MM-DD.parquet`);
      }
      files.set(barDayFileDate(join(dir, name)), join(dir, name));
    }
  } else {
    dir = dirname(pathOrDir);
    files = new Map([[barDayFileDate(pathOrDir), pathOrDir]]);
  }
  const { from, to } = options;
  const days = [...files.keys()].filter((d) => (from === undefined || d >= from) && (to === undefined || d <= to)).sort();
  const daySet = new Set(days);
  const allActions = readCorporateActions(dir);
  const first = days[0];
  const last = days[days.length - 1];
  const actionsInRange = first === undefined || last === undefined
    ? []
    : allActions.filter((a) => a.exDate >= first && a.exDate <= last);

  const dayFile = (date: string): string => {
    const file = files.get(date);
    if (file === undefined || !daySet.has(date)) {
      throw new BarDataError(`${pathOrDir}: no day file for ${date} in this source`, 'missing');
    }
    return file;
  };
  const readDay = (date: string): Bar[] => readBarDay(dayFile(date));

  function* eachDay(options: ReadOptions = {}): Generator<BarDay, void, undefined> {
    const ahead = options.readAhead === true ? readDayColumnsAhead(days.map(dayFile)) : null;
    try {
      let previous: string | null = null;
      for (const date of days) {
        const lowerExclusive = previous;
        const actions = actionsInRange.filter((a) => (lowerExclusive === null ? a.exDate === date : a.exDate > lowerExclusive && a.exDate <= date));
        yield { date, actions, bars: ahead === null ? readDay(date) : barsOfColumns(nextDay(ahead, date)) };
        previous = date;
      }
    } finally {
      ahead?.return();
    }
  }

  function* bars(options: ReadOptions = {}): Generator<Bar, void, undefined> {
    for (const day of eachDay(options)) yield* day.bars;
  }

  return {
    path: pathOrDir,
    days: () => [...days],
    corporateActions: () => actionsInRange.map((a) => ({ ...a })),
    readDay,
    readDayColumns: (date: string) => readBarDayColumns(dayFile(date)),
    dayFile,
    eachDay,
    bars,
    [Symbol.iterator]: bars,
  };
}
