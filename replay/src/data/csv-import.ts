// CSV → day files. Header `symbol,ts,open,high,low,close,volume[,vwap][,trades]`; ts is integer epoch ms or
// ISO-8601 with an explicit offset (`Z` or `±HH:MM`). Guarantee: every row is checked before anything is
// written; the first bad row stops the import with its line number (1-based, the header is line 1), the field
// and the value. Every valid row is kept as given: CSV input is the user's own data, so unlike the LEAN
// importer this one does not judge prices against their neighbours.
import { readFileSync, statSync } from 'node:fs';
import { Bar, barProblem, BarDataError, showValue } from './bar';
import { checkOutputsFree, DayFileStager, ImportReport, ImportedDay } from './import-report';
import { daysInMonth, formatNyTime, nyDateOf } from './ny-time';
import { barDayFileName } from './parquet-day';

/** The whole file is parsed in memory; beyond this size, split the CSV (or convert it with a streaming tool). */
export const CSV_BYTES_MAX = 1024 * 1024 * 1024;

const REQUIRED_COLUMNS = ['symbol', 'ts', 'open', 'high', 'low', 'close', 'volume'] as const;
const DECIMAL = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;
const EPOCH_MS = /^\d+$/;
const ISO_INSTANT = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?([Zz]|[+-]\d{2}:?\d{2})?$/;
/** An integer ts below this (1973-03-03 in ms) is almost surely epoch seconds; the message says so. */
const EPOCH_SECONDS_SUSPECT_BELOW = 100_000_000_000;

export type CsvImportOptions = {
  /** Replace day files that already exist in outDir (default: refuse and write nothing). */
  overwrite?: boolean;
};

export type ParsedCsvBars = {
  bars: Bar[];
  /** The 1-based line of each bar, same index. */
  lines: number[];
};

/** Parses CSV text into checked bars; `file` is only used in messages. */
export function parseBarsCsv(text: string, file: string): ParsedCsvBars {
  const rawLines = (text.startsWith('\uFEFF') ? text.slice(1) : text).split(/\r?\n/);
  const header = (rawLines[0] ?? '').split(',').map((h) => unquote(h.trim()));
  const hasVwap = header[7] === 'vwap';
  const tradesAt = hasVwap ? 8 : 7;
  const hasTrades = header[tradesAt] === 'trades';
  const expectedWidth = 7 + (hasVwap ? 1 : 0) + (hasTrades ? 1 : 0);
  const headerOk = REQUIRED_COLUMNS.every((c, i) => header[i] === c) && header.length === expectedWidth;
  if (!headerOk) {
    throw new BarDataError(
      `${file} line 1: header is '${rawLines[0] ?? ''}'; expected symbol,ts,open,high,low,close,volume ` +
      'optionally followed by vwap and/or trades (in that order)',
    );
  }
  const bars: Bar[] = [];
  const lines: number[] = [];
  const lineByKey = new Map<string, number>();
  for (let i = 1; i < rawLines.length; i += 1) {
    const raw = rawLines[i]!;
    if (raw.trim() === '') continue; // blank lines (a trailing newline) carry nothing
    const line = i + 1;
    const where = `${file} line ${line}`;
    const fields = raw.split(',').map((f) => unquote(f.trim()));
    if (fields.length !== expectedWidth) {
      throw new BarDataError(`${where}: expected ${expectedWidth} fields (${header.join(',')}), found ${fields.length}`);
    }
    const bar: Bar = {
      symbol: fields[0]!,
      ts: parseTs(fields[1]!, where),
      open: parseNumber(fields[2]!, 'open', where),
      high: parseNumber(fields[3]!, 'high', where),
      low: parseNumber(fields[4]!, 'low', where),
      close: parseNumber(fields[5]!, 'close', where),
      volume: parseNumber(fields[6]!, 'volume', where),
      vwap: hasVwap ? parseOptionalNumber(fields[7]!, 'vwap', where) : null,
      trades: hasTrades ? parseOptionalNumber(fields[tradesAt]!, 'trades', where) : null,
    };
    const problem = barProblem(bar);
    if (problem !== null) {
      const hint = problem.startsWith("field 'ts'") && EPOCH_MS.test(fields[1]!) && bar.ts < EPOCH_SECONDS_SUSPECT_BELOW
        ? ' (epoch seconds? ts must be epoch milliseconds)'
        : '';
      throw new BarDataError(`${where}: ${problem}${hint}`);
    }
    const key = `${bar.symbol}\u0000${bar.ts}`;
    const earlier = lineByKey.get(key);
    if (earlier !== undefined) {
      throw new BarDataError(`${where}: a second bar for ${bar.symbol} at ts ${bar.ts} (${formatNyTime(bar.ts)} New York); the first is on line ${earlier}`);
    }
    lineByKey.set(key, line);
    bars.push(bar);
    lines.push(line);
  }
  return { bars, lines };
}

function unquote(field: string): string {
  return field.length >= 2 && field.startsWith('"') && field.endsWith('"') ? field.slice(1, -1) : field;
}

function parseNumber(text: string, field: string, where: string): number {
  if (text === '') throw new BarDataError(`${where}: field '${field}' is empty`);
  if (!DECIMAL.test(text)) throw new BarDataError(`${where}: field '${field}' = ${showValue(text)} is not a decimal number`);
  return Number(text);
}

function parseOptionalNumber(text: string, field: string, where: string): number | null {
  return text === '' ? null : parseNumber(text, field, where);
}

/** Integer epoch ms, or ISO-8601 with an offset; a wall time without offset is refused (no guessing). */
export function parseTs(text: string, where: string): number {
  if (text === '') throw new BarDataError(`${where}: field 'ts' is empty`);
  if (EPOCH_MS.test(text)) {
    const ms = Number(text);
    if (!Number.isSafeInteger(ms)) throw new BarDataError(`${where}: field 'ts' = ${showValue(text)} is too large for epoch ms`);
    return ms;
  }
  const m = ISO_INSTANT.exec(text);
  if (m === null) {
    throw new BarDataError(`${where}: field 'ts' = ${showValue(text)} is neither integer epoch ms nor ISO-8601 (YYYY-MM-DDTHH:MM[:SS[.mmm]] with Z or ±HH:MM)`);
  }
  const [, y, mo, d, h, mi, s, frac, zone] = m;
  if (zone === undefined) {
    throw new BarDataError(`${where}: field 'ts' = ${showValue(text)} has no UTC offset; add Z or ±HH:MM (a bare wall time is ambiguous)`);
  }
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  const hour = Number(h);
  const minute = Number(mi);
  const second = Number(s ?? '0');
  const ms = Number((frac ?? '0').padEnd(3, '0'));
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month) || hour > 23 || minute > 59 || second > 59) {
    throw new BarDataError(`${where}: field 'ts' = ${showValue(text)} is not a real date and time`);
  }
  let offsetMinutes = 0;
  if (zone !== 'Z' && zone !== 'z') {
    const zm = /^([+-])(\d{2}):?(\d{2})$/.exec(zone)!;
    const zoneHours = Number(zm[2]);
    const zoneMinutes = Number(zm[3]);
    if (zoneHours > 18 || zoneMinutes > 59) throw new BarDataError(`${where}: field 'ts' = ${showValue(text)} has an impossible offset ${zone}`);
    offsetMinutes = (zm[1] === '-' ? -1 : 1) * (zoneHours * 60 + zoneMinutes);
  }
  return Date.UTC(year, month - 1, day, hour, minute, second, ms) - offsetMinutes * 60_000;
}

/** Reads a CSV of bars and writes one day file per New York date into outDir. */
export function importCsv(file: string, outDir: string, options: CsvImportOptions = {}): ImportReport {
  let size: number;
  try {
    size = statSync(file).size;
  } catch {
    throw new BarDataError(`${file}: no such file`, 'missing');
  }
  if (size > CSV_BYTES_MAX) throw new BarDataError(`${file}: ${size} bytes is more than the ${CSV_BYTES_MAX} bytes this importer reads at once; split the file`);
  const { bars } = parseBarsCsv(readFileSync(file, 'utf8'), file);
  const byDate = new Map<string, Bar[]>();
  for (const bar of bars) {
    const date = nyDateOf(bar.ts);
    let list = byDate.get(date);
    if (list === undefined) { list = []; byDate.set(date, list); }
    list.push(bar);
  }
  checkOutputsFree(outDir, [...byDate.keys()].map(barDayFileName), options.overwrite === true);
  let days: ImportedDay[] = [];
  if (byDate.size > 0) {
    const stager = new DayFileStager(outDir);
    try {
      for (const [date, dayBars] of byDate) stager.stage(date, dayBars);
      days = stager.commit();
    } catch (error) {
      stager.abort();
      throw error;
    }
  }
  const warnings: string[] = [];
  if (bars.length === 0) warnings.push(`${file}: no rows after the header; nothing was written`);
  return {
    source: file,
    outDir,
    days,
    symbols: [...new Set(bars.map((b) => b.symbol))].sort(),
    rows: bars.length,
    dropped: [],
    warnings,
    notes: [],
    corporateActions: [],
  };
}
