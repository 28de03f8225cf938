import { writeBarDay, readBarDay, readBarDayColumns } from './parquet-day';
import { nyDayStartUtcMs } from './ny-time';
import type { Bar } from './bar';
const n = 1_000_000;
const symbols = Array.from({ length: 1000 }, (_, i) => `S${i}`);
const start = nyDayStartUtcMs('2013-10-07');
const bars: Bar[] = new Array(n);
for (let i = 0; i < n; i++) { const p = 100 + (i % 97) / 100; bars[i] = { symbol: symbols[i % 1000]!, ts: start + Math.floor(i / 1000) * 60000, open: p, high: p + 1, low: p - 1, close: p, volume: i, vwap: i % 3 ? p : null, trades: i % 5 ? i % 1000 : null }; }
const w: number[] = [], r: number[] = [], c: number[] = [];
for (let k = 0; k < 4; k++) { const t = performance.now(); writeBarDay('/tmp/2013-10-07.parquet', bars); w.push(performance.now() - t); }
for (let k = 0; k < 6; k++) { let t = performance.now(); readBarDayColumns('/tmp/2013-10-07.parquet'); c.push(performance.now() - t); t = performance.now(); readBarDay('/tmp/2013-10-07.parquet'); r.push(performance.now() - t); }
const fmt = (xs: number[]) => xs.map((x) => (1e3 / x).toFixed(2)).join(' ');
console.log('M rows/s write', fmt(w)); console.log('M rows/s columns', fmt(c)); console.log('M rows/s bars', fmt(r));
