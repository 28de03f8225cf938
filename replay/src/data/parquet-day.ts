// Parquet day files: one file per New York trading date, `YYYY-MM-DD.parquet`, rows sorted by (ts, symbol).
// Guarantee: a file this module writes reads back bit-for-bit (same bars, same order), and a file it reads
// is checked row by row (schema, values, order, every bar on the file's New York date) before any bar is
// returned. Columns: symbol (dictionary utf8), ts (Timestamp ms UTC, int64), open/high/low/close (float64),
// volume (int64; float64 accepted on read), vwap (float64, nullable), trades (int32, nullable; any integer
// type accepted on read).
//
// The bridge (TOOLCHAIN.md): Arrow JS table → IPC stream → parquet-wasm Table → writeParquet (ZSTD), and back
// readParquet → intoIPCStream → tableFromIPC. Arrow tables are built from typed arrays with makeData, and read
// through the chunks' typed arrays, never through row proxies (table.get(i) builds an object per row per call).
import { readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import {
  Data,
  DataType,
  Dictionary,
  Field,
  Float64,
  Int32,
  Int64,
  makeData,
  makeVector,
  RecordBatch,
  Schema,
  Struct,
  Table,
  tableFromIPC,
  tableToIPC,
  Timestamp,
  TimeUnit,
  Utf8,
  Vector,
} from 'apache-arrow';
import { Compression, readParquet, Table as WasmTable, writeParquet, WriterPropertiesBuilder } from 'parquet-wasm/node';
import { Bar, barProblem, BarDataError, BAR_TRADES_MAX, BAR_TS_MS_MAX_EXCLUSIVE, BAR_TS_MS_MIN, compareBars, SYMBOL_PATTERN, showValue } from './bar';
import { addDays, formatNyTime, isIsoDate, nyDayStartUtcMs } from './ny-time';

export const BAR_DAY_FILE_PATTERN = /^(\d{4}-\d{2}-\d{2})\.parquet$/;
export const BAR_COLUMNS = ['symbol', 'ts', 'open', 'high', 'low', 'close', 'volume', 'vwap', 'trades'] as const;
/** Schema metadata written into every day file, so a reader can tell our files from foreign ones. */
export const BAR_SCHEMA_METADATA_KEY = 'axiom.bars';
export const BAR_SCHEMA_VERSION = '1';

/** Rows per Arrow record batch when reading; bounds the size of one batch crossing the WASM boundary. */
const READ_BATCH_ROWS = 131_072;
const TWO_POW_32 = 4_294_967_296;
/** |high word| below 2^21 keeps an int64 within ±2^53, i.e. exactly representable as a JS number. */
const SAFE_HIGH_WORD_LIMIT = 2_097_152;

if (new Uint8Array(new Uint16Array([1]).buffer)[0] !== 1) {
  // The int64 fast paths read the low and high 32-bit words of little-endian memory.
  throw new Error('assertion: the bar data layer needs a little-endian platform');
}

/** A day file read as columns: what a streaming consumer can use without allocating one object per bar. */
export type BarColumns = {
  readonly date: string;
  readonly length: number;
  /** Distinct symbols of the file; `symbolIndex[i]` indexes this list. */
  readonly symbols: readonly string[];
  readonly symbolIndex: Int32Array;
  readonly ts: Float64Array;
  readonly open: Float64Array;
  readonly high: Float64Array;
  readonly low: Float64Array;
  readonly close: Float64Array;
  readonly volume: Float64Array;
  readonly vwap: Float64Array;
  /** 1 where vwap is present, 0 where it is null. */
  readonly vwapValid: Uint8Array;
  readonly trades: Float64Array;
  /** 1 where trades is present, 0 where it is null. */
  readonly tradesValid: Uint8Array;
};

/** `YYYY-MM-DD` of a day file path, or a BarDataError naming the path. */
export function barDayFileDate(path: string): string {
  const m = BAR_DAY_FILE_PATTERN.exec(basename(path));
  const date = m?.[1];
  if (date === undefined || !isIsoDate(date)) {
    throw new BarDataError(`${path}: a bar day file must be named YYYY-MM-DD.parquet (its New York trading date)`);
  }
  return date;
}

export function barDayFileName(date: string): string {
  if (!isIsoDate(date)) throw new Error(`assertion: not a valid date '${date}'`);
  return `${date}.parquet`;
}

/** [first, end) instants of a New York date, refused when the date cannot hold valid bars. */
function dayRange(path: string, date: string): { startMs: number; endMs: number } {
  const startMs = nyDayStartUtcMs(date);
  const endMs = nyDayStartUtcMs(addDays(date, 1));
  if (startMs < BAR_TS_MS_MIN || endMs > BAR_TS_MS_MAX_EXCLUSIVE) {
    throw new BarDataError(`${path}: date ${date} is outside the supported range [1980-01-01, 2100-01-01)`);
  }
  return { startMs, endMs };
}

// ───────────────────────────── writing ─────────────────────────────

/**
 * Writes the bars of one New York date to `path` (named `YYYY-MM-DD.parquet`), sorted by (ts, symbol).
 * Refuses invalid bars, bars of another date and duplicate (ts, symbol) pairs. The file is written to a
 * temporary name and renamed, so a reader never sees half a file.
 */
export function writeBarDay(path: string, bars: readonly Bar[]): void {
  const date = barDayFileDate(path);
  const { startMs, endMs } = dayRange(path, date);
  for (let i = 0; i < bars.length; i += 1) {
    const bar = bars[i]!;
    const problem = barProblem(bar);
    if (problem !== null) throw new BarDataError(`${path}: bar ${i} (${bar.symbol} ${bar.ts}): ${problem}`);
    if (bar.ts < startMs || bar.ts >= endMs) {
      throw new BarDataError(`${path}: bar ${i} (${bar.symbol}): field 'ts' = ${bar.ts} (${formatNyTime(bar.ts)} New York) is not on the file's New York date ${date}`);
    }
  }
  const sorted = [...bars].sort(compareBars);
  for (let i = 1; i < sorted.length; i += 1) {
    const a = sorted[i - 1]!;
    const b = sorted[i]!;
    if (a.ts === b.ts && a.symbol === b.symbol) {
      throw new BarDataError(`${path}: two bars for ${b.symbol} at ts ${b.ts} (${formatNyTime(b.ts)} New York)`);
    }
  }
  const bytes = encodeBarDay(sorted);
  const tmpPath = `${path}.tmp-${process.pid}`;
  try {
    writeFileSync(tmpPath, bytes);
    renameSync(tmpPath, path);
  } catch (error) {
    try { unlinkSync(tmpPath); } catch { /* the temporary file may not exist; the original error matters */ }
    throw error;
  }
}

/** Parquet bytes of bars that are already valid, on one date and sorted. */
function encodeBarDay(sorted: readonly Bar[]): Uint8Array {
  const n = sorted.length;
  const distinct = new Set<string>();
  for (const bar of sorted) distinct.add(bar.symbol);
  const symbols = [...distinct].sort();
  const indexBySymbol = new Map(symbols.map((s, i) => [s, i] as const));
  const symbolIndex = new Int32Array(n);
  const ts = new BigInt64Array(n);
  const tsWords = new Int32Array(ts.buffer);
  const open = new Float64Array(n);
  const high = new Float64Array(n);
  const low = new Float64Array(n);
  const close = new Float64Array(n);
  const volume = new BigInt64Array(n);
  const volumeWords = new Int32Array(volume.buffer);
  const vwap = new Float64Array(n);
  const vwapBitmap = new Uint8Array(Math.ceil(n / 8));
  const trades = new Int32Array(n);
  const tradesBitmap = new Uint8Array(Math.ceil(n / 8));
  let vwapNulls = 0;
  let tradesNulls = 0;
  for (let i = 0; i < n; i += 1) {
    const bar = sorted[i]!;
    symbolIndex[i] = indexBySymbol.get(bar.symbol)!;
    setInt64(tsWords, i, bar.ts);
    open[i] = bar.open;
    high[i] = bar.high;
    low[i] = bar.low;
    close[i] = bar.close;
    setInt64(volumeWords, i, bar.volume);
    if (bar.vwap === null) vwapNulls += 1;
    else { vwap[i] = bar.vwap; vwapBitmap[i >> 3]! |= 1 << (i & 7); }
    if (bar.trades === null) tradesNulls += 1;
    else { trades[i] = bar.trades; tradesBitmap[i >> 3]! |= 1 << (i & 7); }
  }

  const symbolType = new Dictionary(new Utf8(), new Int32(), 0, false);
  const tsType = new Timestamp(TimeUnit.MILLISECOND, 'UTC');
  const fields = [
    new Field('symbol', symbolType, false),
    new Field('ts', tsType, false),
    new Field('open', new Float64(), false),
    new Field('high', new Float64(), false),
    new Field('low', new Float64(), false),
    new Field('close', new Float64(), false),
    new Field('volume', new Int64(), false),
    new Field('vwap', new Float64(), true),
    new Field('trades', new Int32(), true),
  ];
  const f64 = (values: Float64Array) => makeData({ type: new Float64(), length: n, nullCount: 0, data: values });
  const children = [
    makeData({ type: symbolType, length: n, nullCount: 0, data: symbolIndex, dictionary: utf8Vector(symbols) }),
    makeData({ type: tsType, length: n, nullCount: 0, data: ts }),
    f64(open), f64(high), f64(low), f64(close),
    makeData({ type: new Int64(), length: n, nullCount: 0, data: volume }),
    makeData({ type: new Float64(), length: n, nullCount: vwapNulls, nullBitmap: vwapNulls > 0 ? vwapBitmap : null, data: vwap }),
    makeData({ type: new Int32(), length: n, nullCount: tradesNulls, nullBitmap: tradesNulls > 0 ? tradesBitmap : null, data: trades }),
  ];
  const schema = new Schema(fields, new Map([[BAR_SCHEMA_METADATA_KEY, BAR_SCHEMA_VERSION]]));
  const batch = new RecordBatch(schema, makeData({ type: new Struct(fields), length: n, nullCount: 0, children }));
  const ipc = tableToIPC(new Table([batch]), 'stream');
  // writeParquet consumes (frees) both the WASM table and the properties object.
  const properties = new WriterPropertiesBuilder().setCompression(Compression.ZSTD).build();
  return writeParquet(WasmTable.fromIPCStream(ipc), properties);
}

/** Little-endian int64 into an Int32Array view: exact for every safe integer, no BigInt per row. */
function setInt64(words: Int32Array, index: number, value: number): void {
  const hi = Math.floor(value / TWO_POW_32);
  words[2 * index] = (value - hi * TWO_POW_32) | 0;
  words[2 * index + 1] = hi;
}

function utf8Vector(strings: readonly string[]): Vector<Utf8> {
  const encoder = new TextEncoder();
  const encoded = strings.map((s) => encoder.encode(s));
  const offsets = new Int32Array(strings.length + 1);
  let total = 0;
  encoded.forEach((bytes, i) => { total += bytes.length; offsets[i + 1] = total; });
  const data = new Uint8Array(total);
  encoded.forEach((bytes, i) => data.set(bytes, offsets[i]!));
  return makeVector(makeData({ type: new Utf8(), length: strings.length, nullCount: 0, valueOffsets: offsets, data }));
}

// ───────────────────────────── reading ─────────────────────────────

/** Reads and checks a day file into bars, in (ts, symbol) order. */
export function readBarDay(path: string): Bar[] {
  return barsOfColumns(readBarDayColumns(path));
}

/** The bars of a day read as columns, in their order. */
export function barsOfColumns(c: BarColumns): Bar[] {
  // Locals instead of property reads per row: this loop is the hot path of every replay.
  const { length, symbols, symbolIndex, ts, open, high, low, close, volume, vwap, vwapValid, trades, tradesValid } = c;
  const bars: Bar[] = new Array<Bar>(length);
  for (let i = 0; i < length; i += 1) {
    bars[i] = {
      symbol: symbols[symbolIndex[i]!]!,
      ts: ts[i]!,
      open: open[i]!,
      high: high[i]!,
      low: low[i]!,
      close: close[i]!,
      volume: volume[i]!,
      vwap: vwapValid[i] === 1 ? vwap[i]! : null,
      trades: tradesValid[i] === 1 ? trades[i]! : null,
    };
  }
  return bars;
}

/** Reads and checks a day file into columns (typed arrays), in (ts, symbol) order. */
export function readBarDayColumns(path: string): BarColumns {
  const date = barDayFileDate(path);
  const { startMs, endMs } = dayRange(path, date);
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new BarDataError(`${path}: no such day file`, 'missing');
    throw error;
  }
  let table: Table;
  try {
    table = tableFromIPC(readParquet(bytes, { batchSize: READ_BATCH_ROWS }).intoIPCStream());
  } catch (error) {
    throw new BarDataError(`${path}: not a readable Parquet file (${String(error)})`);
  }
  const columns = checkSchema(path, table);
  const n = table.numRows;
  const symbolsRead = readSymbols(path, columns.symbol, n);
  const out: BarColumns = {
    date,
    length: n,
    symbols: symbolsRead.symbols,
    symbolIndex: symbolsRead.index,
    ts: new Float64Array(n),
    open: new Float64Array(n),
    high: new Float64Array(n),
    low: new Float64Array(n),
    close: new Float64Array(n),
    volume: new Float64Array(n),
    vwap: new Float64Array(n),
    vwapValid: new Uint8Array(n),
    trades: new Float64Array(n),
    tradesValid: new Uint8Array(n),
  };
  readNumbers(path, 'ts', columns.ts, out.ts, null, 'timestamp');
  readNumbers(path, 'open', columns.open, out.open, null, 'float');
  readNumbers(path, 'high', columns.high, out.high, null, 'float');
  readNumbers(path, 'low', columns.low, out.low, null, 'float');
  readNumbers(path, 'close', columns.close, out.close, null, 'float');
  readNumbers(path, 'volume', columns.volume, out.volume, null, 'int-or-float');
  readNumbers(path, 'vwap', columns.vwap, out.vwap, out.vwapValid, 'float');
  readNumbers(path, 'trades', columns.trades, out.trades, out.tradesValid, 'int');
  checkRows(path, out, startMs, endMs);
  return out;
}

type ColumnName = (typeof BAR_COLUMNS)[number];

function checkSchema(path: string, table: Table): Record<ColumnName, Vector> {
  const names = table.schema.fields.map((f) => f.name);
  const missing = BAR_COLUMNS.filter((c) => !names.includes(c));
  const unknown = names.filter((c) => !(BAR_COLUMNS as readonly string[]).includes(c));
  if (missing.length > 0 || unknown.length > 0 || names.length !== BAR_COLUMNS.length) {
    throw new BarDataError(
      `${path}: columns must be exactly ${BAR_COLUMNS.join(', ')}; ` +
      `missing [${missing.join(', ')}], unknown [${unknown.join(', ')}], found [${names.join(', ')}]`,
    );
  }
  const out = {} as Record<ColumnName, Vector>;
  for (const name of BAR_COLUMNS) out[name] = table.getChild(name)!;
  return out;
}

function readSymbols(path: string, vector: Vector, n: number): { symbols: string[]; index: Int32Array } {
  const index = new Int32Array(n);
  const symbols: string[] = [];
  const globalIndexBySymbol = new Map<string, number>();
  const intern = (symbol: unknown, row: number): number => {
    if (typeof symbol !== 'string') throw new BarDataError(`${path} row ${row} (0-based): field 'symbol' = ${showValue(symbol)} is not a string`);
    let k = globalIndexBySymbol.get(symbol);
    if (k === undefined) {
      if (!SYMBOL_PATTERN.test(symbol)) {
        throw new BarDataError(`${path} row ${row} (0-based): field 'symbol' = ${showValue(symbol)} is not an upper-case ticker (${SYMBOL_PATTERN.source})`);
      }
      k = symbols.length;
      symbols.push(symbol);
      globalIndexBySymbol.set(symbol, k);
    }
    return k;
  };
  let base = 0;
  for (const data of vector.data as Data[]) {
    const type = data.type as DataType;
    if (data.nullCount > 0) {
      const row = base + firstNull(data);
      throw new BarDataError(`${path} row ${row} (0-based): field 'symbol' = null`);
    }
    if (DataType.isDictionary(type) && (DataType.isUtf8(type.dictionary) || DataType.isLargeUtf8(type.dictionary) || DataType.isUtf8View(type.dictionary))) {
      // Map each chunk's dictionary once, then remap the integer codes: no string work per row.
      const dictionary = data.dictionary;
      if (dictionary === undefined) throw new BarDataError(`${path}: column 'symbol' has a dictionary type but no dictionary`);
      const values = data.values as ArrayLike<number | bigint>;
      const remap = new Int32Array(dictionary.length).fill(-1);
      for (let i = 0; i < data.length; i += 1) {
        const code = Number(values[i]);
        let k = remap[code];
        if (k === undefined) throw new BarDataError(`${path} row ${base + i} (0-based): field 'symbol' has dictionary code ${code} outside its dictionary`);
        if (k < 0) { k = intern(dictionary.get(code), base + i); remap[code] = k; }
        index[base + i] = k;
      }
    } else if (DataType.isUtf8(type) || DataType.isLargeUtf8(type) || DataType.isUtf8View(type)) {
      // Foreign files may store plain strings; decode per row, reusing the previous row's symbol.
      const chunk = makeVector(data);
      let previous: unknown = undefined;
      let previousK = -1;
      for (let i = 0; i < data.length; i += 1) {
        const s = chunk.get(i);
        if (s !== previous) { previousK = intern(s, base + i); previous = s; }
        index[base + i] = previousK;
      }
    } else {
      throw new BarDataError(`${path}: column 'symbol' has type ${String(type)}; expected utf8 or dictionary<utf8>`);
    }
    base += data.length;
  }
  return { symbols, index };
}

type NumericKind = 'float' | 'int' | 'int-or-float' | 'timestamp';

/**
 * Copies one numeric column into `out` as JS numbers. Non-nullable columns (`valid === null`) refuse nulls;
 * nullable ones record presence in `valid`. Int64 values are read as two 32-bit words (exact, no BigInt).
 */
function readNumbers(path: string, name: ColumnName, vector: Vector, out: Float64Array, valid: Uint8Array | null, kind: NumericKind): void {
  let base = 0;
  for (const data of vector.data as Data[]) {
    const type = data.type as DataType;
    const n = data.length;
    checkNumericType(path, name, type, kind);
    if (data.nullCount > 0 && valid === null) {
      throw new BarDataError(`${path} row ${base + firstNull(data)} (0-based): field '${name}' = null`);
    }
    const values = data.values as Float64Array | Float32Array | Int8Array | Int16Array | Int32Array | Uint8Array | Uint16Array | Uint32Array | BigInt64Array | BigUint64Array;
    if (values instanceof BigInt64Array || values instanceof BigUint64Array) {
      const words = new Int32Array(values.buffer, values.byteOffset, 2 * n);
      const signed = values instanceof BigInt64Array;
      for (let i = 0; i < n; i += 1) {
        const lo = words[2 * i]! >>> 0;
        const hi = signed ? words[2 * i + 1]! : words[2 * i + 1]! >>> 0;
        if (hi >= SAFE_HIGH_WORD_LIMIT || hi < -SAFE_HIGH_WORD_LIMIT) {
          if (valid !== null && !isValidAt(data, i)) { out[base + i] = 0; continue; }
          throw new BarDataError(`${path} row ${base + i} (0-based): field '${name}' = ${showValue(values[i])} is beyond ±2^53 (not exact as a number)`);
        }
        out[base + i] = hi * TWO_POW_32 + lo;
      }
    } else {
      out.set(values.subarray(0, n), base);
    }
    if (valid !== null) {
      const bitmap = data.nullBitmap;
      if (data.nullCount === 0 || bitmap === undefined || bitmap.length === 0) valid.fill(1, base, base + n);
      else for (let i = 0, bit = data.offset; i < n; i += 1, bit += 1) valid[base + i] = (bitmap[bit >> 3]! >> (bit & 7)) & 1;
    }
    base += n;
  }
}

function checkNumericType(path: string, name: string, type: DataType, kind: NumericKind): void {
  const isFloat64 = DataType.isFloat(type) && type.precision === 2;
  const ok = kind === 'float' ? isFloat64
    : kind === 'int' ? DataType.isInt(type)
      : kind === 'int-or-float' ? DataType.isInt(type) || isFloat64
        : DataType.isTimestamp(type) && type.unit === TimeUnit.MILLISECOND && isUtcZone(type.timezone);
  if (ok) return;
  const expected = kind === 'float' ? 'float64'
    : kind === 'int' ? 'an integer type'
      : kind === 'int-or-float' ? 'an integer type or float64'
        : "Timestamp(ms, 'UTC') (a timestamp without a zone is refused: it could be New York wall time)";
  throw new BarDataError(`${path}: column '${name}' has type ${String(type)}; expected ${expected}`);
}

function isUtcZone(zone: string | null | undefined): boolean {
  return zone === 'UTC' || zone === 'Etc/UTC' || zone === '+00:00' || zone === 'Z';
}

function isValidAt(data: Data, i: number): boolean {
  const bitmap = data.nullBitmap;
  if (bitmap === undefined || bitmap.length === 0) return true;
  const bit = data.offset + i;
  return (bitmap[bit >> 3]! & (1 << (bit & 7))) !== 0;
}

function firstNull(data: Data): number {
  for (let i = 0; i < data.length; i += 1) if (!isValidAt(data, i)) return i;
  throw new Error('assertion: a chunk with nullCount > 0 has no null');
}

/**
 * Row checks in one pass over typed arrays: the same rules as `barProblem` (asserted equal on failure, when
 * the message is built), plus the file's own rules: every ts on the file's New York date, and rows strictly
 * increasing by (ts, symbol).
 */
function checkRows(path: string, c: BarColumns, startMs: number, endMs: number): void {
  const rankBySymbol = new Map([...c.symbols].sort().map((s, r) => [s, r] as const));
  const rank = Int32Array.from(c.symbols, (s) => rankBySymbol.get(s)!);
  const { length, open, high, low, close, volume, vwap, vwapValid, trades, tradesValid, ts: tsColumn, symbolIndex } = c;
  let previousTs = -Infinity;
  let previousRank = -1;
  for (let i = 0; i < length; i += 1) {
    const o = open[i]!;
    const h = high[i]!;
    const l = low[i]!;
    const cl = close[i]!;
    const v = volume[i]!;
    const vw = vwap[i]!;
    const tr = trades[i]!;
    const valuesOk = l > 0 && h < Infinity && l <= o && o <= h && l <= cl && cl <= h &&
      Number.isSafeInteger(v) && v >= 0 &&
      (vwapValid[i] === 0 || (vw > 0 && vw < Infinity)) &&
      (tradesValid[i] === 0 || (Number.isInteger(tr) && tr >= 0 && tr <= BAR_TRADES_MAX));
    if (!valuesOk) {
      const bar = barAt(c, i);
      const problem = barProblem(bar);
      if (problem === null) throw new Error(`assertion: row check and barProblem disagree on ${JSON.stringify(bar)}`);
      throw new BarDataError(`${path} row ${i} (0-based, ${bar.symbol}): ${problem}`);
    }
    const ts = tsColumn[i]!;
    const symbolRank = rank[symbolIndex[i]!]!;
    if (ts < startMs || ts >= endMs) {
      throw new BarDataError(`${path} row ${i} (0-based, ${c.symbols[c.symbolIndex[i]!]}): field 'ts' = ${ts} (${formatNyTime(ts)} New York) is not on the file's New York date ${c.date}`);
    }
    if (ts < previousTs || (ts === previousTs && symbolRank <= previousRank)) {
      const what = ts === previousTs && symbolRank === previousRank ? 'duplicates' : 'is not after';
      throw new BarDataError(`${path} row ${i} (0-based, ${c.symbols[c.symbolIndex[i]!]} ts ${ts}) ${what} row ${i - 1}: rows must be strictly sorted by (ts, symbol)`);
    }
    previousTs = ts;
    previousRank = symbolRank;
  }
}

function barAt(c: BarColumns, i: number): Bar {
  return {
    symbol: c.symbols[c.symbolIndex[i]!]!,
    ts: c.ts[i]!,
    open: c.open[i]!,
    high: c.high[i]!,
    low: c.low[i]!,
    close: c.close[i]!,
    volume: c.volume[i]!,
    vwap: c.vwapValid[i] === 1 ? c.vwap[i]! : null,
    trades: c.tradesValid[i] === 1 ? c.trades[i]! : null,
  };
}
