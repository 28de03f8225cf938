// Test fixtures for replay, verify and diff: generated bar days (a deterministic random walk, written as
// Parquet day files), backtests over them, a dependency-free user strategy file that signals on one symbol's
// Nth bar of the day (so a test knows exactly where a run must diverge), and a re-appended copy of a journal
// with one decision changed (a valid hash chain over a decision `decide` does not produce).
import Database from 'better-sqlite3';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseEngineConfig, type AnyEvent, type DecisionDraft, type EngineConfigInput, type InputDraft } from '@axiom/events';
import { recoverState } from '@axiom/engine';
import { openJournal, type Journal } from '@axiom/journal';
import { stateHash } from '@axiom/projections';
import { runBacktest, type BacktestResult } from '../../backtest';
import { writeBarDay } from '../../data';
import { mulberry32 } from '@axiom/events';

/** Deterministic PRNG (mulberry32): the same seed gives the same bars. */
export const prng = mulberry32;

export { nyMs, generateDay } from '../../testing/generated-days';
import { generateDay } from '../../testing/generated-days';

/** Write `days` (New York dates) of bars for `symbols` into `dir` as Parquet day files; returns dir. */
export function writeBars(dir: string, days: readonly string[], symbols: readonly string[], seed: number): string {
  mkdirSync(dir, { recursive: true });
  const rnd = prng(seed);
  const prices = new Map<string, number>();
  for (const day of days) writeBarDay(join(dir, `${day}.parquet`), generateDay(day, symbols, rnd, prices));
  return dir;
}

/**
 * A user strategy with no imports (so it loads from any directory): it signals `side` on `symbol` when that
 * symbol has exactly `bar` bars today (or, with `throws`, throws there: a bug in a plugin). Params are checked by
 * hand with the shape of a zod schema.
 */
export const NTH_BAR_STRATEGY_SOURCE = `// Test strategy: signal on one symbol's Nth bar of the day.
'use strict';
const DEFAULTS = { symbol: 'AAA', bar: 60, side: 'buy', throws: false };
const paramsSchema = {
  safeParse(raw) {
    const p = Object.assign({}, DEFAULTS, raw || {});
    const ok = typeof p.symbol === 'string' && Number.isInteger(p.bar) && p.bar > 0 && (p.side === 'buy' || p.side === 'sell');
    return ok ? { success: true, data: p } : { success: false, error: { issues: [{ path: [], message: 'bad nth-bar params' }] } };
  },
};
exports.strategy = Object.freeze({
  name: 'nth-bar', version: '1.0.0', description: 'signals on one symbol at one bar count', paramsSchema, warmupBars: 0,
  onBar(ctx) {
    if (ctx.symbol !== ctx.params.symbol || ctx.indicators.barsToday !== ctx.params.bar) return null;
    if (ctx.params.throws) throw new Error('nth-bar: asked to throw at bar ' + ctx.params.bar);
    return { side: ctx.params.side, reason: 'bar ' + ctx.params.bar + ' of ' + ctx.params.symbol, takeProfitPct: 1, stopLossPct: 0.5 };
  },
});
`;

export function writeNthBarStrategy(path: string, extraLine = ''): string {
  writeFileSync(path, NTH_BAR_STRATEGY_SOURCE + extraLine);
  return path;
}

/** Run `fn` on the journal opened read-only, and close it. */
export function withJournal<T>(file: string, fn: (j: Journal) => T): T {
  const j = openJournal(file, { durability: 'batched', readOnly: true });
  try {
    return fn(j);
  } finally {
    j.close();
  }
}

export function backtest(bars: string, out: string, config: EngineConfigInput = {}): BacktestResult {
  return runBacktest({ bars: { kind: 'parquet', path: bars }, out, config: parseEngineConfig(config), overwrite: true });
}

/**
 * Copy a journal by re-appending its transactions (a new, valid hash chain), with `change` applied to the
 * decisions until it first returns non-null: the drafts it returns replace that decision (none drops it, two
 * add one). Returns the seq of the decision it changed. No snapshots are copied.
 */
export function reappendWithChange(
  from: string, to: string, change: (d: AnyEvent) => DecisionDraft[] | null,
): { changedSeq: number | null } {
  const src = openJournal(from, { durability: 'batched', readOnly: true });
  const txns: Array<{ input: InputDraft; decisions: DecisionDraft[] }> = [];
  let changedSeq: number | null = null;
  try {
    for (const e of src.read()) {
      if (e.kind === 'input') {
        txns.push({ input: { type: e.type, ts: e.ts, payload: e.payload } as InputDraft, decisions: [] });
        continue;
      }
      const changed = changedSeq === null ? change(e) : null;
      if (changed !== null) changedSeq = e.seq;
      txns.at(-1)!.decisions.push(...(changed ?? [{ type: e.type, ts: e.ts, payload: e.payload } as DecisionDraft]));
    }
  } finally {
    src.close();
  }
  const dst = openJournal(to, { durability: 'batched' });
  try {
    for (let i = 0; i < txns.length; i += 1000) {
      dst.batch(() => {
        for (const t of txns.slice(i, i + 1000)) dst.append(t.input, t.decisions);
      });
    }
  } finally {
    dst.close();
  }
  return { changedSeq };
}

/**
 * Corrupt a closed journal file in place the way a disk or an editor would: replace the first occurrence of
 * `find` in the file's bytes with `replace` (same length). SQLite keeps no page checksums, so the row simply
 * holds other text and only the hash chain can tell.
 */
export function corruptBytes(file: string, find: string, replace: string): void {
  if (find.length !== replace.length) throw new Error('corruptBytes: find and replace must have the same length');
  const bytes = readFileSync(file);
  const at = bytes.indexOf(Buffer.from(find, 'utf8'));
  if (at < 0) throw new Error(`corruptBytes: ${JSON.stringify(find)} not found in ${file}`);
  Buffer.from(replace, 'utf8').copy(bytes, at);
  writeFileSync(file, bytes);
}

/**
 * Store snapshots in a journal at the ends of the transactions nearest to each fraction of its length (the
 * row after each is an input), each the state folded from zero there, as the shell would have stored it.
 * Returns their seqs.
 */
export function addSnapshots(file: string, fractions: readonly number[]): number[] {
  const j = openJournal(file, { durability: 'batched' });
  try {
    const seqs: number[] = [];
    for (const f of fractions) {
      let input = Math.max(2, Math.round(j.lastSeq() * f));
      while (j.get(input)!.kind !== 'input') input++;
      const seq = input - 1;
      const state = recoverState(j, { fromZero: true, toSeq: seq }).state;
      j.saveSnapshot(seq, stateHash(state), state);
      seqs.push(seq);
    }
    return seqs;
  } finally {
    j.close();
  }
}

/** Overwrite the stored snapshot at `seq` with `text` recorded under `hash` (what a bug or an editor could leave). */
export function overwriteSnapshot(file: string, seq: number, hash: string, text: string): void {
  const db = new Database(file);
  try {
    const changed = db.prepare('UPDATE snapshots SET state_hash = ?, state = ? WHERE seq = ?').run(hash, text, seq).changes;
    if (changed !== 1) throw new Error(`overwriteSnapshot: no snapshot at seq ${seq}`);
  } finally {
    db.close();
  }
}
