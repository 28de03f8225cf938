// Profiling harness (not a benchmark): generate the backtest bench's data once into a directory, then run one
// backtest over it, so that `node --cpu-prof` sees the engine alone.
// Usage: node scripts/bench/run.cjs profile [dir] [day|year]   (add --cpu-prof after node; BATCH=n: inputs per
// journal transaction, default 1000)
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { parseEngineConfig } from '@axiom/events';
import { runBacktest } from '@axiom/replay';
import { writeBacktestBenchData } from '../backtest-data';

const [dir = '/tmp/axiom-profile', which = 'day'] = process.argv.slice(2);
const dayDir = join(dir, 'day500');
const yearDir = join(dir, 'year1');
if (!existsSync(dayDir)) writeBacktestBenchData(dayDir, yearDir);
const out = join(dir, `${which}.journal`);
rmSync(out, { force: true });
const res = runBacktest({ bars: { kind: 'parquet', path: which === 'day' ? dayDir : yearDir }, out, config: parseEngineConfig({}), overwrite: true, batchSize: Number(process.env.BATCH ?? 1000) });
console.log(`${which}: ${res.summary.bars} bars, ${res.events} events, ${res.elapsedMs.toFixed(0)} ms, ${Math.round(res.summary.bars / (res.elapsedMs / 1000))} bars/s, last hash ${res.lastHash}`);
