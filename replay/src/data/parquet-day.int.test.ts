// Parquet day files on disk: random bars round-trip exactly (fast-check; the seed is printed on failure), the
// stored schema is the documented one, and files that break the rules are refused naming file, row and field.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  Data, Float64, Int32, Int64, makeData, makeVector, Table, tableFromIPC, tableToIPC, Timestamp, TimeUnit, Utf8, Vector, vectorFromArray,
} from 'apache-arrow';
import { Compression, readParquet, Table as WasmTable, writeParquet, WriterPropertiesBuilder } from 'parquet-wasm/node';
import fc from 'fast-check';
import { Bar, BarDataError, compareBars } from './bar';
import { barsContentSha256 } from './content-hash';
import { addDays, nyDayStartUtcMs, utcDateOf } from './ny-time';
import { readBarDay, readBarDayColumns, writeBarDay } from './parquet-day';

let dir: string;
beforeAll(() => { dir = mkdtempSync(join(tmpdir(), 'axiom-bars-')); });
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const SYMBOLS = ['SPY', 'AAPL', 'GOOG', 'TWX', 'BRK.B', 'BF-B', 'A', 'ZZZZ9'];
const price = fc.double({ min: 1e-6, max: 1e7, noNaN: true, noDefaultInfinity: true });

/** One New York date (1990–2099) and its bars: valid OHLC, integer volume, nullable vwap/trades, unique (ts, symbol). */
const dayOfBars = fc.integer({ min: 0, max: 109 * 365 }).chain((dayIndex) => {
  const date = addDays('1990-01-02', dayIndex);
  const startMs = nyDayStartUtcMs(date);
  const lengthMs = nyDayStartUtcMs(addDays(date, 1)) - startMs;
  const bar = fc.record({
    symbol: fc.oneof(fc.constantFrom(...SYMBOLS), fc.stringMatching(/^[A-Z0-9][A-Z0-9./-]{0,19}$/)),
    ts: fc.integer({ min: 0, max: lengthMs - 1 }).map((offset) => startMs + offset),
    prices: fc.tuple(price, price, price, price).map((p) => [...p].sort((a, b) => a - b)),
    openFirst: fc.boolean(),
    volume: fc.oneof(fc.integer({ min: 0, max: 10_000_000 }), fc.maxSafeNat()),
    vwap: fc.option(price, { nil: null }),
    trades: fc.option(fc.integer({ min: 0, max: 2_147_483_647 }), { nil: null }),
  }).map((r): Bar => {
    const [low, a, b, high] = r.prices as [number, number, number, number];
    return { symbol: r.symbol, ts: r.ts, open: r.openFirst ? a : b, high, low, close: r.openFirst ? b : a, volume: r.volume, vwap: r.vwap, trades: r.trades };
  });
  return fc.record({
    date: fc.constant(date),
    bars: fc.uniqueArray(bar, { maxLength: 300, selector: (b) => `${b.ts} ${b.symbol}` }),
  });
});

test('random bars round-trip exactly through a day file, in (ts, symbol) order', () => {
  const seed = Number(process.env['FC_SEED'] ?? Date.now() % 2_147_483_647);
  let run = 0;
  try {
    fc.assert(
      fc.property(dayOfBars, ({ date, bars }) => {
        const file = join(dir, `${date}.parquet`);
        run += 1;
        writeBarDay(file, bars);
        const back = readBarDay(file);
        expect(back).toEqual([...bars].sort(compareBars));
        // Columns agree with bars, including the null masks.
        const columns = readBarDayColumns(file);
        expect(columns.length).toBe(bars.length);
        expect(Array.from(columns.vwapValid, (v, i) => (v === 1) === (back[i]!.vwap !== null)).every(Boolean)).toBe(true);
        rmSync(file);
      }),
      { seed, verbose: true, numRuns: 150 },
    );
  } catch (error) {
    // fast-check's message carries seed and path too; this line makes the seed impossible to miss.
    console.error(`parquet round trip failed after ${run} run(s); reproduce with FC_SEED=${seed}`);
    throw error;
  }
});

test('the stored schema: dictionary symbol, Timestamp(ms, UTC), float64 prices, int64 volume, nullable vwap and int32 trades', () => {
  const file = join(dir, '2014-06-09.parquet');
  const ts = Date.UTC(2014, 5, 9, 13, 30);
  writeBarDay(file, [
    { symbol: 'TWX', ts, open: 68.12, high: 68.12, low: 67.51, close: 67.51, volume: 1000, vwap: null, trades: null },
    { symbol: 'AAPL', ts, open: 92.7, high: 92.9, low: 92.5, close: 92.8, volume: 2_000_000, vwap: 92.71, trades: 5012 },
  ]);
  const table = tableFromIPC(readParquet(new Uint8Array(readFileSync(file))).intoIPCStream());
  expect(table.schema.fields.map((f) => `${f.name}: ${String(f.type)}${f.nullable ? '?' : ''}`)).toEqual([
    'symbol: Dictionary<Int32, Utf8>', 'ts: Timestamp<MILLISECOND, UTC>', 'open: Float64', 'high: Float64', 'low: Float64',
    'close: Float64', 'volume: Int64', 'vwap: Float64?', 'trades: Int32?',
  ]);
  expect(readBarDay(file).map((b) => b.symbol)).toEqual(['AAPL', 'TWX']);
  rmSync(file);
});

test('writeBarDay refuses a bad name, a bar of another date, duplicates and invalid values', () => {
  const ts = Date.UTC(2014, 5, 9, 13, 30);
  const bar: Bar = { symbol: 'AAPL', ts, open: 1, high: 1, low: 1, close: 1, volume: 1, vwap: null, trades: null };
  expect(() => writeBarDay(join(dir, 'bars.parquet'), [bar])).toThrow(/must be named YYYY-MM-DD\.parquet/);
  expect(() => writeBarDay(join(dir, '2014-06-10.parquet'), [bar])).toThrow(/field 'ts' = 1402320600000 \(2014-06-09 09:30 New York\) is not on the file's New York date 2014-06-10/);
  // 03:59 UTC on 06-10 is still 06-09 in New York (23:59 EDT).
  expect(() => writeBarDay(join(dir, '2014-06-09.parquet'), [{ ...bar, ts: Date.UTC(2014, 5, 10, 3, 59) }])).not.toThrow();
  expect(() => writeBarDay(join(dir, '2014-06-09.parquet'), [bar, { ...bar }])).toThrow(/two bars for AAPL at ts 1402320600000/);
  expect(() => writeBarDay(join(dir, '2014-06-09.parquet'), [{ ...bar, high: Number.NaN }])).toThrow(/bar 0 \(AAPL 1402320600000\): field 'high' = NaN/);
});

test('an empty day writes and reads back as no bars', () => {
  const file = join(dir, '2014-06-11.parquet');
  writeBarDay(file, []);
  expect(readBarDay(file)).toEqual([]);
});

// ── foreign files: built here with Arrow + parquet-wasm directly, bypassing writeBarDay's checks ──

type RawColumns = Record<string, Vector | Data>;
function writeRaw(name: string, columns: RawColumns): string {
  const vectors: Record<string, Vector> = {};
  for (const [k, v] of Object.entries(columns)) vectors[k] = v instanceof Vector ? v : makeVector(v);
  const ipc = tableToIPC(new Table(vectors), 'stream');
  const file = join(dir, name);
  writeFileSync(file, writeParquet(WasmTable.fromIPCStream(ipc), new WriterPropertiesBuilder().setCompression(Compression.ZSTD).build()));
  return file;
}
const f64 = (values: number[]) => makeData({ type: new Float64(), length: values.length, data: Float64Array.from(values) });
const i64 = (values: number[]) => makeData({ type: new Int64(), length: values.length, data: BigInt64Array.from(values.map(BigInt)) });
const tsCol = (values: number[], zone: string | null = 'UTC') => makeData({ type: new Timestamp(TimeUnit.MILLISECOND, zone), length: values.length, data: BigInt64Array.from(values.map(BigInt)) });
const utf8 = (values: string[]) => vectorFromArray(values, new Utf8());
function goodColumns(ts: number[]): RawColumns {
  const n = ts.length;
  const ones = new Array<number>(n).fill(10);
  return {
    symbol: utf8(new Array<string>(n).fill('SPY')), ts: tsCol(ts), open: f64(ones), high: f64(ones), low: f64(ones), close: f64(ones),
    volume: i64(ones), vwap: f64(ones), trades: makeData({ type: new Int32(), length: n, data: Int32Array.from(ones) }),
  };
}
const t930 = Date.UTC(2013, 9, 7, 13, 30);

test('a foreign file with plain utf8 symbols, float64 volume and int64 trades is accepted', () => {
  const cols = goodColumns([t930, t930 + 60_000]);
  cols['symbol'] = utf8(['SPY', 'SPY']);
  cols['volume'] = f64([100, 200]);
  cols['trades'] = i64([3, 4]);
  const bars = readBarDay(writeRaw('2013-10-07.parquet', cols));
  expect(bars.map((b) => [b.symbol, b.volume, b.trades])).toEqual([['SPY', 100, 3], ['SPY', 200, 4]]);
});

test.each<[string, (c: RawColumns) => void, RegExp]>([
  ['unsorted rows', (c) => { c['ts'] = tsCol([t930 + 60_000, t930]); }, /row 1 \(0-based, SPY ts 1381152600000\) is not after row 0: rows must be strictly sorted/],
  ['a duplicate row', (c) => { c['ts'] = tsCol([t930, t930]); }, /row 1 .* duplicates row 0/],
  ['a bar of another date', (c) => { c['ts'] = tsCol([t930, t930 + 86_400_000]); }, /row 1 \(0-based, SPY\): field 'ts' = 1381239000000 \(2013-10-08 09:30 New York\) is not on the file's New York date 2013-10-07/],
  ['NaN open', (c) => { c['open'] = f64([10, Number.NaN]); }, /row 1 \(0-based, SPY\): field 'open' = NaN is not a finite price > 0/],
  ['high below low', (c) => { c['high'] = f64([10, 9]); }, /row 1 \(0-based, SPY\): field 'high' = 9 is below field 'low' = 10/],
  ['negative volume', (c) => { c['volume'] = i64([10, -1]); }, /row 1 \(0-based, SPY\): field 'volume' = -1 /],
  ['fractional float volume', (c) => { c['volume'] = f64([10, 1.5]); }, /field 'volume' = 1\.5 /],
  ['a lower-case symbol', (c) => { c['symbol'] = utf8(['SPY', 'spy']); }, /row 1 \(0-based\): field 'symbol' = 'spy' is not an upper-case ticker/],
  ['a missing column', (c) => { delete c['trades']; }, /columns must be exactly .*missing \[trades\]/],
  ['an extra column', (c) => { c['note'] = utf8(['a', 'b']); }, /unknown \[note\]/],
  ['a naive timestamp', (c) => { c['ts'] = tsCol([t930, t930 + 60_000], null); }, /column 'ts' has type Timestamp<MILLISECOND>; expected Timestamp\(ms, 'UTC'\)/],
  ['float32 prices', (c) => { c['close'] = makeVector(Float32Array.from([10, 10])); }, /column 'close' has type Float32; expected float64/],
  ['a null close', (c) => { c['close'] = makeData({ type: new Float64(), length: 2, nullCount: 1, nullBitmap: Uint8Array.from([0b01]), data: Float64Array.from([10, 0]) }); }, /row 1 \(0-based\): field 'close' = null/],
  ['a volume beyond 2^53', (c) => { c['volume'] = makeData({ type: new Int64(), length: 2, data: BigInt64Array.from([10n, 2n ** 60n]) }); }, /row 1 \(0-based\): field 'volume' = 1152921504606846976n is beyond ±2\^53/],
])('refuses %s', (_name, change, message) => {
  const cols = goodColumns([t930, t930 + 60_000]);
  change(cols);
  const file = writeRaw('2013-10-07.parquet', cols);
  expect(() => readBarDay(file)).toThrow(BarDataError);
  expect(() => readBarDay(file)).toThrow(message);
});

test('dictionary symbols split over several record batches read correctly', () => {
  // 150,000 rows → 2 record batches (131,072 + 18,928) on read: 150 symbols × 1,000 minutes.
  const n = 150_000;
  const symbols = Array.from({ length: 150 }, (_, i) => `S${String(i).padStart(3, '0')}`);
  const start = nyDayStartUtcMs('2013-10-07');
  const bars: Bar[] = new Array<Bar>(n);
  for (let i = 0; i < n; i += 1) {
    const price = 100 + (i % 97) / 100;
    bars[i] = { symbol: symbols[i % 150]!, ts: start + Math.floor(i / 150) * 60_000, open: price, high: price + 1, low: price - 1, close: price, volume: i, vwap: i % 3 === 0 ? null : price, trades: i % 5 === 0 ? null : i % 1000 };
  }
  const file = join(dir, '2013-10-07.parquet');
  writeBarDay(file, bars);
  const back = readBarDay(file);
  expect(back.length).toBe(n);
  // A content hash instead of toEqual: jest's deep equality over 150,000 objects takes seconds.
  expect(barsContentSha256(back)).toBe(barsContentSha256(bars));
  expect(utcDateOf(back[n - 1]!.ts)).toBe('2013-10-07');
});

test('a file that is not Parquet is refused naming the file', () => {
  const file = join(dir, '2013-10-08.parquet');
  writeFileSync(file, 'not parquet');
  expect(() => readBarDay(file)).toThrow(new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: not a readable Parquet file`));
  expect(() => readBarDay(join(dir, '2013-10-09.parquet'))).toThrow(/no such day file/);
});
