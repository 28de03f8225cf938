// Benchmark: the full backtest pipeline (Parquet read, indicators, three strategies, sizing, routing, the
// simulated broker, journal writes) on generated data — a 500-symbol day and one symbol over a year of
// minute bars — in bars/s and events/s, beside two baselines measured in the same run on the same journal:
// the evolve-only replay rate (reducers alone) and a plain batched SQLite insert of the same rows into the
// journal's own table (and, for reference, into a bare table without indexes).
// Run: pnpm bench:backtest [--reps N] [--quick]
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { parseEngineConfig } from '@axiom/events';
import { openJournal } from '@axiom/journal';
import { evolve, initialEngineState } from '@axiom/projections';
import { runBacktest } from '@axiom/replay';
import { writeBacktestBenchData } from '../backtest-data';
import { PLAIN_JOURNAL_COLUMNS, PLAIN_JOURNAL_TABLE_DDL } from '../plain-journal';

const args = process.argv.slice(2);
const reps = Number(args[args.indexOf('--reps') + 1] ?? 0) || 3;
const quick = args.includes('--quick');

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

interface Row { name: string; bars: number; events: number; backtestMs: number; replayMs: number; insertMs: number; bareMs: number }

const BARE_TABLE_DDL = 'CREATE TABLE events (seq INTEGER PRIMARY KEY, ts INTEGER, kind TEXT, type TEXT, payload TEXT)';

/** Insert `rows` into a new WAL database (synchronous=NORMAL, as a backtest journal), 1,000 per transaction; ms. */
function plainInsert(file: string, ddl: string, columns: string, rows: readonly unknown[][]): number {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.exec(ddl);
  const stmt = db.prepare(`INSERT INTO events (${columns}) VALUES (${columns.split(',').map(() => '?').join(', ')})`);
  const insert = db.transaction((chunk: readonly unknown[][]) => { for (const x of chunk) stmt.run(x); });
  const t0 = performance.now();
  for (let i = 0; i < rows.length; i += 1000) insert(rows.slice(i, i + 1000));
  const ms = performance.now() - t0;
  db.close();
  return ms;
}

function measure(name: string, dir: string, work: string): Row {
  const cfg = parseEngineConfig({});
  const bt: number[] = [];
  const rp: number[] = [];
  const ins: number[] = [];
  const bare: number[] = [];
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
    const t0 = performance.now();
    let state = initialEngineState();
    for (const e of j.read({ validate: false })) state = evolve(state, e);
    rp.push(performance.now() - t0);
    void state;
    j.close();
    // The same rows as stored (all ten columns), for the plain-insert baselines.
    const src = new Database(out, { readonly: true });
    const rows = src.prepare(`SELECT ${PLAIN_JOURNAL_COLUMNS} FROM events ORDER BY seq`).raw().all() as unknown[][];
    src.close();

    // Baseline 2: plain batched insert of the same rows into the journal's own table (same columns, STRICT,
    // the two indexes), 1,000 rows per transaction, one prepared single-row INSERT: what SQLite alone costs
    // for this journal, with no validation, canonical encoding, hashing or deciding. The ratio is
    // against this one.
    ins.push(plainInsert(join(work, `${name}-${r}.plain.sqlite`), PLAIN_JOURNAL_TABLE_DDL, PLAIN_JOURNAL_COLUMNS, rows));
    // Baseline 3 (reference only): a bare table without indexes or STRICT, five columns.
    bare.push(plainInsert(join(work, `${name}-${r}.bare.sqlite`), BARE_TABLE_DDL, 'seq, ts, kind, type, payload', rows.map((x) => [x[0], x[1], x[2], x[3], x[5]])));
  }
  return { name, bars, events, backtestMs: median(bt), replayMs: median(rp), insertMs: median(ins), bareMs: median(bare) };
}

function main(): void {
  const work = mkdtempSync(join(tmpdir(), 'axiom-bench-backtest-'));
  try {
    const dayDir = join(work, 'day500');
    const yearDir = join(work, 'year1');
    const symbolCount = quick ? 50 : 500;
    writeBacktestBenchData(dayDir, yearDir, symbolCount, quick ? 20 : 252);
    const rows = [measure(`${symbolCount}-symbol day`, dayDir, work), measure(quick ? '1 symbol x 20 days' : '1 symbol x 252 days', yearDir, work)];
    const cpu = cpus()[0]?.model ?? 'unknown CPU';
    console.log(`machine: ${cpu}, ${cpus().length} cores, Node ${process.version}, ${process.platform}/${process.arch}; medians of ${reps} runs`);
    console.log('| data | bars | events | backtest bars/s | backtest events/s | evolve-only replay events/s | plain batched insert, journal table, rows/s | backtest / that insert (events) | bare-table insert rows/s | backtest / replay (events) |');
    console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
    for (const r of rows) {
      const bps = r.bars / (r.backtestMs / 1000);
      const eps = r.events / (r.backtestMs / 1000);
      const rps = r.events / (r.replayMs / 1000);
      const ips = r.events / (r.insertMs / 1000);
      const bips = r.events / (r.bareMs / 1000);
      const f = (x: number) => Math.round(x).toLocaleString('en-US');
      console.log(`| ${r.name} | ${f(r.bars)} | ${f(r.events)} | ${f(bps)} | ${f(eps)} | ${f(rps)} | ${f(ips)} | ${(eps / ips).toFixed(2)}x | ${f(bips)} | ${(eps / rps).toFixed(2)}x |`);
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

main();
