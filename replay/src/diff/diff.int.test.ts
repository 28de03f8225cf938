import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { parseEngineConfig, type EngineConfigInput } from '@axiom/events';
import { JournalReadError, openJournal } from '@axiom/journal';
import { runBacktest } from '../backtest';
import { ReplayUsageError } from '../verify';
import { backtest, nyMs, writeBars, writeNthBarStrategy } from '../verify/testing/fixtures';
import { diffJournals } from './diff';
import { BATCH_GROUPS, SideFold, type GroupBatch, type RunTotals } from './fold';
import { RowReader } from './rows';
import { FoldThread, foldWorkerModule } from './thread';

// diff on real backtest journals over generated bars: identical runs, a one-parameter change (built-in and
// a user strategy whose divergence point is known in advance), a re-drive through --inputs-from, runs over
// another data set (refused, or compared with a warning) and a run that ended early; run B folded in the
// worker thread exactly as A is folded in process; a row that is not JSON on either side.

const DAYS = ['2025-03-11', '2025-03-12'];
const SYMBOLS = ['AAA', 'BBB', 'CCC', 'DDD'];
const BUILTINS = (vwapParams: Record<string, unknown> = {}): EngineConfigInput => ({
  strategies: [{ name: 'vwap-reversion', params: vwapParams }, { name: 'opening-range-breakout', params: {} }, { name: 'slope-momentum', params: {} }],
});

let dir: string;
let bars: string;
let a: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'axiom-diff-'));
  bars = writeBars(join(dir, 'bars'), DAYS, SYMBOLS, 20261125);
  a = join(dir, 'a.journal');
  backtest(bars, a, BUILTINS());
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function events(file: string) {
  const j = openJournal(file, { durability: 'batched', readOnly: true });
  try {
    return [...j.read()];
  } finally {
    j.close();
  }
}

/** What `fn` threw (undefined: it returned). */
function thrownBy(fn: () => unknown): unknown {
  try {
    fn();
  } catch (e) {
    return e;
  }
  return undefined;
}

describe('diffJournals', () => {
  it('two runs of the same config diff as identical', () => {
    const a2 = join(dir, 'a2.journal');
    backtest(bars, a2, BUILTINS());
    const r = diffJournals(a, a2);
    expect(r.inputs.same).toBe(true);
    expect(r.identical).toBe(true);
    expect(r.firstDivergence).toBeNull();
    expect(r.divergences.count).toBe(0);
    expect(r.configDifferences).toEqual([]);
    expect(r.totals.a).toEqual(r.totals.b);
    expect(r.a.lastHash).toBe(r.b.lastHash); // deterministic run ids: byte-identical chains
    expect(r.equity.a).toEqual(r.equity.b);
    expect(r.equity.ts.length).toBeGreaterThan(700);
  });

  it('a changed vwap-reversion takeProfitPct first diverges at the first vwap-reversion signal', () => {
    const b = join(dir, 'b-vwap.journal');
    backtest(bars, b, BUILTINS({ takeProfitPct: 0.6 }));
    const r = diffJournals(a, b);
    const first = events(a).find((e) => e.type === 'signal.emitted' && e.payload.strategy === 'vwap-reversion');
    if (first === undefined || first.type !== 'signal.emitted') throw new Error('fixture: vwap-reversion never signalled');
    const f = r.firstDivergence!;
    expect(f).not.toBeNull();
    expect(f.seq).toBe(first.seq);
    expect(f.ts).toBe(first.ts);
    expect(f.symbol).toBe(first.payload.symbol);
    expect(f.a.event?.type).toBe('signal.emitted');
    expect(f.b.event?.type).toBe('signal.emitted');
    expect((f.a.event?.payload as { takeProfitPrice: number }).takeProfitPrice).not.toBe((f.b.event?.payload as { takeProfitPrice: number }).takeProfitPrice);
    expect(f.a.input?.seq).toBe(first.causedBy);
    expect(r.identical).toBe(false);
    expect(r.configDifferences).toEqual(expect.arrayContaining([
      { path: 'config.strategies[0].params.takeProfitPct', a: null, b: '0.6' },
      { path: 'strategies[0].params.takeProfitPct', a: '0.25', b: '0.6' },
    ]));
  });

  describe('a user strategy whose signal bar is a parameter', () => {
    let strategy: string;
    beforeAll(() => {
      strategy = writeNthBarStrategy(join(dir, 'nth-bar.js'));
    });
    const run = (file: string, bar: number) => backtest(bars, file, { strategies: [{ name: strategy, params: { symbol: 'CCC', bar } }] });

    it('bar 60 vs bar 70 diverges at CCC\'s 60th bar of the first day (10:29 New York), with A\'s signal', () => {
      const a60 = join(dir, 'nth-60.journal');
      const b70 = join(dir, 'nth-70.journal');
      run(a60, 60);
      run(b70, 70);
      const r = diffJournals(a60, b70);
      const f = r.firstDivergence!;
      const barTs = nyMs(DAYS[0]!, 9 * 60 + 30 + 59); // the 60th one-minute bar from 09:30
      expect(f.symbol).toBe('CCC');
      expect(f.a.input).toMatchObject({ type: 'market.bar', ts: barTs, payload: expect.objectContaining({ symbol: 'CCC' }) });
      expect(f.seq).toBe(f.a.input!.seq + 1); // the signal is the bar's first decision
      expect(f.ts).toBe(barTs + 60_000); // decisions carry the engine's "now": the bar's end
      expect(f.a.event).toMatchObject({ type: 'signal.emitted', payload: expect.objectContaining({ symbol: 'CCC', strategy: 'nth-bar', reason: 'bar 60 of CCC' }) });
      expect(f.b.event?.type).not.toBe('signal.emitted');
      // The same seq in A's journal is that signal.
      expect(events(a60).find((e) => e.seq === f.seq)).toMatchObject({ type: 'signal.emitted', ts: barTs + 60_000 });
      // Behavior list: A's signal at CCC 10:29 and B's at 10:39, each day.
      const signals = r.divergences.shown.filter((d) => d.onlyA.some((l) => l.startsWith('CCC signal')) || d.onlyB.some((l) => l.startsWith('CCC signal')));
      expect(signals.map((d) => d.ts)).toEqual([barTs, barTs + 10 * 60_000, nyMs(DAYS[1]!, 9 * 60 + 29 + 60), nyMs(DAYS[1]!, 9 * 60 + 29 + 70)]);
      expect(r.configDifferences.map((c) => c.path)).toEqual(['config.strategies[0].params.bar', 'strategies[0].params.bar']);
    });
  });

  it('a re-drive of A\'s recorded bars (--inputs-from) with the same config is identical to A', () => {
    const redrive = join(dir, 'redrive.journal');
    runBacktest({ bars: { kind: 'journal', path: a }, out: redrive, config: parseEngineConfig(BUILTINS()), overwrite: true });
    const r = diffJournals(a, redrive);
    expect(r.inputs.same).toBe(true);
    expect(r.identical).toBe(true);
    expect(r.a.dataSource).not.toBe(r.b.dataSource);
  });

  it('refuses a journal from a different data set, and compares it with a warning when allowed', () => {
    const other = writeBars(join(dir, 'other-bars'), DAYS, SYMBOLS, 7);
    const c = join(dir, 'c.journal');
    backtest(other, c, BUILTINS());
    const err = thrownBy(() => diffJournals(a, c));
    expect(err).toBeInstanceOf(ReplayUsageError);
    expect((err as ReplayUsageError).problem).toBe('different_inputs');
    expect((err as Error).message).toMatch(/did not see the same market inputs.*first difference at market input #1: A bar AAA .* \/ B bar AAA .*--allow-different-inputs/);

    const r = diffJournals(a, c, { allowDifferentInputs: true });
    expect(r.inputs.same).toBe(false);
    expect(r.inputs.comparedAnyway).toBe(true);
    expect(r.inputs.firstDifference?.index).toBe(0);
    expect(r.identical).toBe(false);
    expect(r.firstDivergence?.a.event?.type).toBe('market.bar');
  });

  it('compares a run that ended early (one day of two) with a warning: its missing inputs, then its missing events', () => {
    const oneDay = join(dir, 'one-day.journal');
    backtest(writeBars(join(dir, 'bars-day1'), DAYS.slice(0, 1), SYMBOLS, 20261125), oneDay, BUILTINS());
    const inputsOf = (file: string) => events(file).filter((e) => e.type === 'market.bar').length;
    const n = inputsOf(oneDay);
    expect(n).toBeLessThan(inputsOf(a));
    expect(() => diffJournals(a, oneDay)).toThrow(/first difference at market input #\d+: A bar .* \/ B \(none: the run ended\)/);
    const r = diffJournals(a, oneDay, { allowDifferentInputs: true });
    expect(r.inputs.firstDifference).toMatchObject({ index: n, b: null });
    expect(r.inputs.firstDifference?.a).toMatch(new RegExp(`^bar [A-D]{3} ${nyMs(DAYS[1]!, 9 * 60 + 30)} `));
    expect(r.identical).toBe(false);
    expect(r.firstDivergence!.group).toBeLessThanOrEqual(n + 1);
  });
});

describe('the fold worker', () => {
  it('folds a run into the same batches and totals as the in-process fold, from the bundle and from the sources', () => {
    const lastSeq = events(a).length;
    const last = events(a).at(-1)!;
    expect(foldWorkerModule()).toMatch(/[/\\]dist[/\\]fold-worker\.cjs$/); // what the diff runs: the bundle
    const inProcess = new SideFold(a, lastSeq, last.hash);
    const mine: GroupBatch[] = [];
    let totals: RunTotals;
    try {
      for (let b = inProcess.nextBatch(BATCH_GROUPS, true); b !== null; b = inProcess.nextBatch(BATCH_GROUPS, false)) mine.push(b);
      totals = inProcess.finish();
    } finally {
      inProcess.close();
    }
    const noTime = (t: RunTotals) => ({ ...t, foldMs: 0 });
    // Exact texts are switched off after the first batch on both sides (as the walk does after the first divergence).
    for (const b of mine) if (b.first > 0) b.exact = b.seqs = null;
    expect(mine.length).toBeGreaterThan(1);
    expect(mine[0]!.exact).not.toBeNull();
    for (const module of [foldWorkerModule(), join(__dirname, 'fold-worker.ts')]) {
      const thread = new FoldThread(a, lastSeq, last.hash, module);
      const theirs: GroupBatch[] = [];
      try {
        for (let b = thread.nextBatch(); b !== null; b = thread.nextBatch()) {
          theirs.push(b);
          thread.stopExact();
        }
        for (const b of theirs) if (b.first > 0) b.exact = b.seqs = null; // the worker may have run ahead with them on
        expect(theirs.length).toBe(mine.length);
        for (let k = 0; k < mine.length; k++) expect(theirs[k]).toEqual(mine[k]); // one batch at a time: a short failure
        expect(noTime(thread.totals())).toEqual(noTime(totals));
      } finally {
        thread.close();
      }
    }
  });

  it('a worker that cannot load its module fails the read with that error', () => {
    const thread = new FoldThread(a, 10, 'x', join(dir, 'no-such-module.cjs'));
    try {
      expect(() => thread.nextBatch()).toThrow(/fold worker reading .*a\.journal failed: cannot load the diff's fold worker: Cannot find module/);
    } finally {
      thread.close();
    }
  });

  it('stores every compared payload as the text JSON.stringify gives for it (the texts are compared unparsed)', () => {
    const rows = new RowReader(a, events(a).length);
    let n = 0;
    try {
      for (let page = rows.nextPage(); page !== null; page = rows.nextPage()) {
        for (const { event, payloadJson } of page) {
          if (event.type === 'run.started') continue;
          if (JSON.stringify(event.payload) !== payloadJson) throw new Error(`seq ${event.seq}: stored ${payloadJson}`);
          n++;
        }
      }
    } finally {
      rows.close();
    }
    expect(n).toBeGreaterThan(3000);
  });

  it('a row that is not JSON fails the diff with the journal\'s read error, on either side', () => {
    const bad = join(dir, 'bad-row.journal');
    const lastSeq = events(a).length;
    const db = new Database(a, { readonly: true });
    db.prepare('VACUUM INTO ?').run(bad);
    db.close();
    const w = new Database(bad);
    w.prepare("INSERT INTO events (seq, ts, kind, type, caused_by, payload, hash, recorded_at) VALUES (?, 0, 'input', 'market.bar', NULL, 'not json', 'x', 0)").run(lastSeq + 1);
    w.close();
    for (const [x, y] of [[a, bad], [bad, a]] as const) {
      const err = thrownBy(() => diffJournals(x, y));
      expect(err).toBeInstanceOf(JournalReadError);
      expect((err as JournalReadError).seq).toBe(lastSeq + 1);
      expect((err as Error).message).toMatch(new RegExp(`^journal row seq ${lastSeq + 1} failed validation: payload is not JSON`));
    }
  });
});
