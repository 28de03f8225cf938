// LEAN factor files (splits, dividends) and map files (ticker history), parsed strictly.
//
// Factor file rows are `yyyymmdd, price factor, split factor, reference price`, dates ascending. A row's
// factors apply to dates up to and including its date (after the previous row's), so when the split factor
// changes between consecutive rows A → B, a split took effect on the first trading day after A's date:
// ratio = split(B) / split(A). AAPL: 20140606 has 0.0357143, the next row 0.25 → 7-for-1, ex-date 2014-06-09
// (the Monday after Friday 2014-06-06). A change of the price factor marks a dividend the same way; the
// importer keeps raw prices and emits only splits (dividends are reported, not applied).
//
// Map file rows are `yyyymmdd, ticker[, exchange]`, dates ascending: a row names the ticker used up to and
// including its date; the last row is the ticker in use now (or until delisting).
import { BarDataError, showValue } from './bar';
import { compactToIsoDate } from './ny-time';

export type FactorRow = {
  date: string;
  priceFactor: number;
  splitFactor: number;
  referencePrice: number;
  line: number;
};

export type FactorEvent = {
  kind: 'split' | 'dividend';
  /** The factor row after which the event happened. */
  rowDate: string;
  /** Split: new shares per old share. Dividend: price factor after / before. */
  ratio: number;
};

export type MapRow = { date: string; ticker: string; line: number };

/**
 * Share ratios are p/q or its inverse with small q (3/2, 7, 1/10, 2/3 …). Factor files carry 7 significant
 * digits, so the quotient of two split factors is within ~1e-6 of the true ratio; 1e-5 leaves margin while
 * keeping an arbitrary quotient (π) from matching by accident.
 */
const SPLIT_RATIO_DENOMINATOR_MAX = 20;
const SPLIT_RATIO_RELATIVE_TOLERANCE = 1e-5;

function dataLines(text: string): Array<{ line: number; fields: string[] }> {
  const out: Array<{ line: number; fields: string[] }> = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    if (raw.trim() === '') return;
    out.push({ line: i + 1, fields: raw.split(',').map((f) => f.trim()) });
  });
  return out;
}

function parseFinite(text: string | undefined, field: string, where: string): number {
  const value = Number(text);
  if (text === undefined || text === '' || !Number.isFinite(value)) {
    throw new BarDataError(`${where}: field '${field}' = ${showValue(text)} is not a finite number`);
  }
  return value;
}

export function parseFactorFile(text: string, file: string): FactorRow[] {
  const rows: FactorRow[] = [];
  for (const { line, fields } of dataLines(text)) {
    const where = `${file} line ${line}`;
    if (fields.length < 3 || fields.length > 4) throw new BarDataError(`${where}: expected 'yyyymmdd,price factor,split factor[,reference price]', found ${fields.length} fields`);
    const date = compactToIsoDate(fields[0]!);
    if (date === null) throw new BarDataError(`${where}: field 'date' = ${showValue(fields[0])} is not a yyyymmdd date`);
    const priceFactor = parseFinite(fields[1], 'price factor', where);
    const splitFactor = parseFinite(fields[2], 'split factor', where);
    const referencePrice = fields[3] === undefined ? 0 : parseFinite(fields[3], 'reference price', where);
    if (priceFactor <= 0) throw new BarDataError(`${where}: field 'price factor' = ${priceFactor} is not > 0`);
    if (splitFactor <= 0) throw new BarDataError(`${where}: field 'split factor' = ${splitFactor} is not > 0`);
    const previous = rows[rows.length - 1];
    if (previous !== undefined && date <= previous.date) {
      throw new BarDataError(`${where}: date ${date} is not after line ${previous.line}'s ${previous.date}`);
    }
    rows.push({ date, priceFactor, splitFactor, referencePrice, line });
  }
  return rows;
}

/** Splits and dividends between consecutive factor rows, in date order. Unrounded split quotients are refused. */
export function factorEvents(rows: readonly FactorRow[], file: string): FactorEvent[] {
  const events: FactorEvent[] = [];
  for (let i = 0; i + 1 < rows.length; i += 1) {
    const a = rows[i]!;
    const b = rows[i + 1]!;
    if (a.splitFactor !== b.splitFactor) {
      const ratio = shareRatio(b.splitFactor / a.splitFactor);
      if (ratio === null) {
        throw new BarDataError(`${file} lines ${a.line}-${b.line}: split factor ${a.splitFactor} → ${b.splitFactor} is not a share ratio p/q or q/p with q ≤ ${SPLIT_RATIO_DENOMINATOR_MAX}`);
      }
      events.push({ kind: 'split', rowDate: a.date, ratio });
    }
    if (a.priceFactor !== b.priceFactor) events.push({ kind: 'dividend', rowDate: a.date, ratio: b.priceFactor / a.priceFactor });
  }
  return events;
}

/** The simplest p/q (or q/p) within tolerance of `quotient`, as a number (7, 1.5, 0.1, 0.02), or null. */
export function shareRatio(quotient: number): number | null {
  if (!Number.isFinite(quotient) || quotient <= 0) return null;
  for (let q = 1; q <= SPLIT_RATIO_DENOMINATOR_MAX; q += 1) {
    for (const [target, invert] of [[quotient, false], [1 / quotient, true]] as const) {
      const p = Math.round(target * q);
      if (p >= 1 && Math.abs(p / q - target) <= SPLIT_RATIO_RELATIVE_TOLERANCE * target) return invert ? q / p : p / q;
    }
  }
  return null;
}

export function parseMapFile(text: string, file: string): MapRow[] {
  const rows: MapRow[] = [];
  for (const { line, fields } of dataLines(text)) {
    const where = `${file} line ${line}`;
    if (fields.length < 2) throw new BarDataError(`${where}: expected 'yyyymmdd,ticker[,exchange]', found ${fields.length} fields`);
    const date = compactToIsoDate(fields[0]!);
    if (date === null) throw new BarDataError(`${where}: field 'date' = ${showValue(fields[0])} is not a yyyymmdd date`);
    const ticker = fields[1]!.toUpperCase();
    if (!/^[A-Z0-9][A-Z0-9./-]*$/.test(ticker)) throw new BarDataError(`${where}: field 'ticker' = ${showValue(fields[1])} is not a ticker`);
    const previous = rows[rows.length - 1];
    if (previous !== undefined && date <= previous.date) {
      throw new BarDataError(`${where}: date ${date} is not after line ${previous.line}'s ${previous.date}`);
    }
    rows.push({ date, ticker, line });
  }
  if (rows.length === 0) throw new BarDataError(`${file}: no rows`);
  return rows;
}

/** The ticker in use on `date` per the map file, or null when the date is after the last row (delisted). */
export function tickerOn(rows: readonly MapRow[], date: string): string | null {
  for (const row of rows) if (row.date >= date) return row.ticker;
  return null;
}
