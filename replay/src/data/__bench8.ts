import { readFileSync } from 'node:fs';
import { readParquet } from 'parquet-wasm/node';
import { tableFromIPC } from 'apache-arrow';
import { readBarDay, readBarDayColumns } from './parquet-day';
const f = '/tmp/2013-10-07.parquet';
const b: number[] = [], c: number[] = [], r: number[] = [];
for (let k = 0; k < 8; k++) {
  let t = performance.now(); tableFromIPC(readParquet(readFileSync(f), { batchSize: 131072 }).intoIPCStream()); b.push(performance.now() - t);
  t = performance.now(); readBarDayColumns(f); c.push(performance.now() - t);
  t = performance.now(); readBarDay(f); r.push(performance.now() - t);
}
const med = (xs: number[]) => [...xs].sort((x, y) => x - y)[xs.length >> 1]!;
console.log(`1M rows, median ms: bridge only ${med(b).toFixed(0)}, readBarDayColumns ${med(c).toFixed(0)}, readBarDay ${med(r).toFixed(0)}; min: ${Math.min(...b).toFixed(0)} ${Math.min(...c).toFixed(0)} ${Math.min(...r).toFixed(0)}`);
