// The bar: one symbol's trading over one interval, as the data layer stores and replays it.
// Guarantee: every bar that enters the data layer from outside (a Parquet day file, a CSV line, a LEAN
// row) passes `barProblem` once, at that boundary; code inside trusts bars without re-checking.

export type Bar = {
  symbol: string;
  /** Bar start, integer ms since epoch UTC. */
  ts: number;
  open: number;
  high: number;
  low: number;
  close: number;
  /** Integer shares. */
  volume: number;
  /** Volume-weighted average price, when the source provides it (never invented). */
  vwap: number | null;
  /** Number of trades, when the source provides it (never invented). */
  trades: number | null;
};

export type BarField = keyof Bar;

/**
 * Upper-case tickers with the separators US feeds use for share classes (BRK.B, BRK/B, BF-B).
 * Lower case is refused rather than folded: the symbol is an identifier, so no guessing.
 */
export const SYMBOL_PATTERN = /^[A-Z0-9][A-Z0-9./-]{0,19}$/;

/**
 * Bars before 1980 or from 2100 on are refused: no US intraday bar data exists before 1980, and a
 * bound catches a unit mix-up (epoch seconds read as ms land in January 1970).
 */
export const BAR_TS_MS_MIN = Date.UTC(1980, 0, 1);
export const BAR_TS_MS_MAX_EXCLUSIVE = Date.UTC(2100, 0, 1);

/** The trades column is stored as int32. */
export const BAR_TRADES_MAX = 2_147_483_647;

/** Why the data layer refused something; `reason` lets a CLI pick its exit code. */
export type BarDataErrorReason =
  /** The content is wrong: a field, a row, a file layout. */
  | 'invalid'
  /** An input that was asked for is not there. */
  | 'missing'
  /** An output already exists and overwriting was not asked for. */
  | 'exists';

export class BarDataError extends Error {
  readonly reason: BarDataErrorReason;

  constructor(message: string, reason: BarDataErrorReason = 'invalid') {
    super(message);
    this.name = 'BarDataError';
    this.reason = reason;
  }
}

/** A value as it should appear in an error message (strings quoted, so '' and ' 1' are visible). */
export function showValue(value: unknown): string {
  if (typeof value === 'string') return `'${value}'`;
  if (typeof value === 'bigint') return `${value}n`;
  if (typeof value === 'number') return Object.is(value, -0) ? '-0' : String(value);
  if (value === null) return 'null';
  if (value === undefined) return 'missing';
  return JSON.stringify(value) ?? String(value);
}

function isPositivePrice(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value > 0;
}

/**
 * What is wrong with a bar, naming the field and the value, or null when it is valid.
 * Rules: prices finite and > 0; low ≤ open, close ≤ high; volume a whole number ≥ 0; vwap null or a
 * finite price > 0; trades null or a whole number in [0, 2^31); ts a whole number of ms in
 * [1980, 2100); symbol matches SYMBOL_PATTERN. vwap is not required to lie in [low, high]: vendors
 * compute it over trade conditions that the OHLC excludes (odd lots, some prints), so it can sit
 * slightly outside and refusing it would refuse real data.
 */
export function barProblem(bar: Bar): string | null {
  const { symbol, ts, open, high, low, close, volume, vwap, trades } = bar;
  if (typeof symbol !== 'string' || !SYMBOL_PATTERN.test(symbol)) {
    return `field 'symbol' = ${showValue(symbol)} is not an upper-case ticker (${SYMBOL_PATTERN.source})`;
  }
  if (typeof ts !== 'number' || !Number.isSafeInteger(ts)) {
    return `field 'ts' = ${showValue(ts)} is not a whole number of ms since epoch UTC`;
  }
  if (ts < BAR_TS_MS_MIN || ts >= BAR_TS_MS_MAX_EXCLUSIVE) {
    return `field 'ts' = ${ts} is outside [1980-01-01, 2100-01-01) (${describeInstant(ts)})`;
  }
  // Checked one by one, not through an array of [name, value] pairs: this runs once per bar on every import
  // and write, and the pairs would be garbage for each one.
  if (!isPositivePrice(open)) return priceProblem('open', open);
  if (!isPositivePrice(high)) return priceProblem('high', high);
  if (!isPositivePrice(low)) return priceProblem('low', low);
  if (!isPositivePrice(close)) return priceProblem('close', close);
  if (high < low) return `field 'high' = ${high} is below field 'low' = ${low}`;
  if (open > high) return `field 'open' = ${open} is above field 'high' = ${high}`;
  if (open < low) return `field 'open' = ${open} is below field 'low' = ${low}`;
  if (close > high) return `field 'close' = ${close} is above field 'high' = ${high}`;
  if (close < low) return `field 'close' = ${close} is below field 'low' = ${low}`;
  if (typeof volume !== 'number' || !Number.isSafeInteger(volume) || volume < 0) {
    return `field 'volume' = ${showValue(volume)} is not a whole number of shares ≥ 0`;
  }
  if (vwap !== null && !isPositivePrice(vwap)) {
    return `field 'vwap' = ${showValue(vwap)} is neither null nor a finite price > 0`;
  }
  if (trades !== null && (typeof trades !== 'number' || !Number.isInteger(trades) || trades < 0 || trades > BAR_TRADES_MAX)) {
    return `field 'trades' = ${showValue(trades)} is neither null nor a whole number in [0, ${BAR_TRADES_MAX}]`;
  }
  return null;
}

function priceProblem(name: BarField, value: unknown): string {
  return `field '${name}' = ${showValue(value)} is not a finite price > 0`;
}

/** Throws a BarDataError `<where>: <problem>` when the bar is invalid. */
export function validateBar(bar: Bar, where: string): void {
  const problem = barProblem(bar);
  if (problem !== null) throw new BarDataError(`${where}: ${problem}`);
}

function describeInstant(ts: number): string {
  const d = new Date(ts);
  return Number.isNaN(d.getTime()) ? 'not a date' : d.toISOString();
}

/** The storage and replay order: by ts, then by symbol in code-unit order (locale-independent). */
export function compareBars(a: Bar, b: Bar): number {
  if (a.ts !== b.ts) return a.ts - b.ts;
  if (a.symbol === b.symbol) return 0;
  return a.symbol < b.symbol ? -1 : 1;
}

/** One canonical text line per bar; the basis of content hashes (file bytes depend on the writer version). */
export function canonicalBarLine(bar: Bar): string {
  return `${bar.symbol},${bar.ts},${bar.open},${bar.high},${bar.low},${bar.close},${bar.volume},${bar.vwap ?? ''},${bar.trades ?? ''}\n`;
}
