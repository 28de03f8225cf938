// Profiling harness (not a benchmark): generate the backtest bench's data once into a directory, then run one
// backtest over it, so that `node --cpu-prof` sees the engine alone.
// Usage: node scripts/bench/run.cjs profile [dir] [day|year]   (add --cpu-prof after node)
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { mulberry32, parseEngineConfig } from '@axiom/events';
import { runBacktest, writeBarDay } from '@axiom/replay';
import { generateDay } from '@axiom/replay/src/testing/generated-days';

const [dir = '/tmp/axiom-profile', which = 'day'] = process.argv.slice(2);
function weekdays(from: string, count: number): string[] {
  const out: string[] = [];
  const d = new Date(`${from}T12:00:00Z`);
  while (out.length < count) {
    const wd = d.getUTCDay();
    if (wd !== 0 && wd !== 6) out.push(d.toISOString().slice(0, 10));
    d.setUTCDate(d.getUTCDate() + 1);
  }
  return out;
}
const dayDir = join(dir, 'day500');
const yearDir = join(dir, 'year1');
if (!existsSync(dayDir)) {
  const rnd = mulberry32(20261125);
  mkdirSync(dayDir, { recursive: true });
  mkdirSync(yearDir, { recursive: true });
  const symbols = Array.from({ length: 500 }, (_, i) => `S${String(i).padStart(3, '0')}`);
  writeBarDay(join(dayDir, '2025-03-12.parquet'), generateDay('2025-03-12', symbols, rnd, new Map()));
  const prices = new Map<string, number>();
  for (const day of weekdays('2025-01-06', 252)) writeBarDay(join(yearDir, `${day}.parquet`), generateDay(day, ['ONE'], rnd, prices));
}
const out = join(dir, `${which}.journal`);
rmSync(out, { force: true });
const res = runBacktest({ bars: { kind: 'parquet', path: which === 'day' ? dayDir : yearDir }, out, config: parseEngineConfig({}), overwrite: true });
console.log(`${which}: ${res.summary.bars} bars, ${res.events} events, ${res.elapsedMs.toFixed(0)} ms, ${Math.round(res.summary.bars / (res.elapsedMs / 1000))} bars/s, last hash ${res.lastHash}`);
