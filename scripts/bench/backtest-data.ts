// The data the backtest benchmark and the profiling harness run on, generated the same way by both: a
// 500-symbol day and one symbol over 252 weekdays of minute bars (deterministic: mulberry32, fixed seed).
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { mulberry32 } from '@axiom/events';
import { writeBarDay } from '@axiom/replay';
import { generateDay } from '@axiom/replay/src/testing/generated-days';

/** The first `count` weekdays from `from` (YYYY-MM-DD), as dates. */
export function weekdays(from: string, count: number): string[] {
  const out: string[] = [];
  const d = new Date(`${from}T12:00:00Z`);
  while (out.length < count) {
    const wd = d.getUTCDay();
    if (wd !== 0 && wd !== 6) out.push(d.toISOString().slice(0, 10));
    d.setUTCDate(d.getUTCDate() + 1);
  }
  return out;
}

/** Write the day (`symbols` symbols, 2025-03-12) into dayDir and one symbol over `days` weekdays into yearDir. */
export function writeBacktestBenchData(dayDir: string, yearDir: string, symbols = 500, days = 252): void {
  const rnd = mulberry32(20261125);
  mkdirSync(dayDir, { recursive: true });
  mkdirSync(yearDir, { recursive: true });
  const names = Array.from({ length: symbols }, (_, i) => `S${String(i).padStart(3, '0')}`);
  writeBarDay(join(dayDir, '2025-03-12.parquet'), generateDay('2025-03-12', names, rnd, new Map()));
  const prices = new Map<string, number>();
  for (const day of weekdays('2025-01-06', days)) writeBarDay(join(yearDir, `${day}.parquet`), generateDay(day, ['ONE'], rnd, prices));
}
