// Benchmark: the full backtest pipeline (Parquet read, indicators, three strategies, sizing, routing, the
// simulated broker, journal writes) on generated data — a 500-symbol day and one symbol over a year of
// minute bars — in bars/s and events/s, beside two baselines measured in the same run on the same journal:
// the evolve-only replay rate (reducers alone) and a plain batched SQLite insert of the same rows.
// Run: pnpm bench:backtest [--reps N] [--quick]
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { parseEngineConfig } from '@axiom/events';
import { openJournal } from '@axiom/journal';
import { evolve, initialEngineState } from '@axiom/projections';
import { runBacktest, writeBarDay } from '@axiom/replay';
import { mulberry32 } from '@axiom/events';
import { generateDay } from '@axiom/replay/src/testing/generated-days';

const args = process.argv.slice(2);
const reps = Number(args[args.indexOf('--reps') + 1] ?? 0) || 3;
const quick = args.includes('--quick');

/** Deterministic PRNG (mulberry32) so every run benchmarks the same data. */
const prng = mulberry32;

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

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

interface Row { name: string; bars: number; events: number; backtestMs: number; replayMs: number; insertMs: number }

function measure(name: string, dir: string, work: string): Row {
  const cfg = parseEngineConfig({});
  const bt: number[] = [];
  const rp: number[] = [];
  const ins: number[] = [];
  let bars = 0;
  let events = 0;
  for (let r = 0; r < reps; r++) {
    const out = join(work, `${name}-${r}.journal`);
    const res = runBacktest({ bars: { kind: 'parquet', path: dir }, out, config: cfg });
    bt.push(res.elapsedMs);
    bars = res.summary.bars;
    events = res.events;

    // Baseline 1: evolve-only replay of the same journal (read + decode + reducers, no decide, no writes).
    const j = openJournal(out, { durability: 'batched', readOnly: true });
    let t0 = performance.now();
    let state = initialEngineState();
    for (const e of j.read({ validate: false })) state = evolve(state, e);
    rp.push(performance.now() - t0);
    const rows = [...j.read({ validate: false })].map((e) => ({ seq: e.seq, ts: e.ts, kind: e.kind, type: e.type, payload: JSON.stringify(e.payload) }));
    j.close();

    // Baseline 2: plain batched insert of the same rows (no validation, hashing, deciding).
    const plain = join(work, `${name}-${r}.plain.sqlite`);
    const db = new Database(plain);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.exec('CREATE TABLE events (seq INTEGER PRIMARY KEY, ts INTEGER, kind TEXT, type TEXT, payload TEXT)');
    const stmt = db.prepare('INSERT INTO events (seq, ts, kind, type, payload) VALUES (?, ?, ?, ?, ?)');
    const insert = db.transaction((chunk: typeof rows) => { for (const x of chunk) stmt.run(x.seq, x.ts, x.kind, x.type, x.payload); });
    t0 = performance.now();
    for (let i = 0; i < rows.length; i += 1000) insert(rows.slice(i, i + 1000));
    ins.push(performance.now() - t0);
    db.close();
    void state;
  }
  return { name, bars, events, backtestMs: median(bt), replayMs: median(rp), insertMs: median(ins) };
}

function main(): void {
  const work = mkdtempSync(join(tmpdir(), 'axiom-bench-backtest-'));
  try {
    const rnd = prng(20261125);
    const dayDir = join(work, 'day500');
    const yearDir = join(work, 'year1');
    mkdirSync(dayDir);
    mkdirSync(yearDir);
    const symbols = Array.from({ length: quick ? 50 : 500 }, (_, i) => `S${String(i).padStart(3, '0')}`);
    writeBarDay(join(dayDir, '2025-03-12.parquet'), generateDay('2025-03-12', symbols, rnd, new Map()));
    const prices = new Map<string, number>();
    for (const day of weekdays('2025-01-06', quick ? 20 : 252)) writeBarDay(join(yearDir, `${day}.parquet`), generateDay(day, ['ONE'], rnd, prices));

    const rows = [measure(`${symbols.length}-symbol day`, dayDir, work), measure(quick ? '1 symbol x 20 days' : '1 symbol x 252 days', yearDir, work)];
    const cpu = cpus()[0]?.model ?? 'unknown CPU';
    console.log(`machine: ${cpu}, ${cpus().length} cores, Node ${process.version}, ${process.platform}/${process.arch}; medians of ${reps} runs`);
    console.log('| data | bars | events | backtest bars/s | backtest events/s | evolve-only replay events/s | plain batched insert rows/s | backtest/insert (events) | backtest/replay (events) |');
    console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|');
    for (const r of rows) {
      const bps = r.bars / (r.backtestMs / 1000);
      const eps = r.events / (r.backtestMs / 1000);
      const rps = r.events / (r.replayMs / 1000);
      const ips = r.events / (r.insertMs / 1000);
      const f = (x: number) => Math.round(x).toLocaleString('en-US');
      console.log(`| ${r.name} | ${f(r.bars)} | ${f(r.events)} | ${f(bps)} | ${f(eps)} | ${f(rps)} | ${f(ips)} | ${(eps / ips).toFixed(2)}x | ${(eps / rps).toFixed(2)}x |`);
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

main();
