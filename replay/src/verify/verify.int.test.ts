import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { draft, type DecisionDraft } from '@axiom/events';
import { recoverState } from '@axiom/engine';
import { openJournal } from '@axiom/journal';
import { stateHash } from '@axiom/projections';
import { ReplayUsageError } from './errors';
import { checkSnapshots } from './snapshots';
import { backtest, corruptBytes, reappendWithChange, withJournal, writeBars, writeNthBarStrategy } from './testing/fixtures';
import { verifyDecisions } from './verify';

// replay --verify and --check-snapshots on real backtest journals (generated bars, the built-in strategies
// and a user strategy file), and on journals tampered with in ways the hash chain can and cannot catch.

const DAYS = ['2025-03-11', '2025-03-12'];
const SYMBOLS = ['AAA', 'BBB', 'CCC', 'DDD'];

let dir: string;
let bars: string;
let base: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'axiom-verify-'));
  bars = writeBars(join(dir, 'bars'), DAYS, SYMBOLS, 20261125);
  base = join(dir, 'base.journal');
  // A cadence checkpoint every 100 bar minutes whatever the event count (the default skips them on a run
  // this small): snapshots in the middle of the days, for verify and check-snapshots to meet.
  const r = backtest(bars, base, { checkpointMinEvents: 0 });
  // The fixture must exercise the pipeline: signals, orders and fills, and snapshots to check.
  expect(r.summary.signals.emitted).toBeGreaterThan(0);
  expect(r.summary.fills).toBeGreaterThan(0);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('verifyDecisions', () => {
  it('reproduces every decision of a backtest journal and matches its snapshots', () => {
    // Split in four at the backtest's own snapshots (segmentEventsMin 1: this journal is small), each segment
    // with a checker thread beside it: eight threads.
    const r = withJournal(base, (j) => verifyDecisions(j, { threads: 8, segmentEventsMin: 1, checkAheadEventsMin: 1 }));
    if (!r.ok) throw new Error(`unexpected mismatch: ${JSON.stringify(r.mismatch, null, 2)}`);
    const last = withJournal(base, (j) => j.lastSeq());
    expect(r.stats.events).toBe(last);
    expect(r.stats.inputs + r.stats.decisions).toBe(last);
    expect(r.stats).toMatchObject({ segments: 4, checkAhead: true });
    // The snapshots where the segments meet, and the one at the last seq if the run stored one there.
    const atLast = withJournal(base, (j) => j.listSnapshots().some((s) => s.seq === last));
    expect(r.stats.snapshotsChecked).toBe(3 + (atLast ? 1 : 0));
    expect(r.warnings).toEqual([]);
    // The re-run's final state is the recovered state.
    expect(stateHash(r.finalState)).toBe(withJournal(base, (j) => stateHash(recoverState(j).state)));
  });

  it('stops at a changed decision payload the hash chain cannot catch (re-appended journal)', () => {
    const file = join(dir, 'changed-payload.journal');
    const { changedSeq } = reappendWithChange(base, file, (d) =>
      d.type === 'signal.emitted' ? [draft('signal.emitted', d.ts, { ...d.payload, reason: `${d.payload.reason} (edited)` })] : null);
    expect(changedSeq).not.toBeNull();
    expect(withJournal(file, (j) => j.verify().ok)).toBe(true);
    const r = withJournal(file, (j) => verifyDecisions(j));
    if (r.ok) throw new Error('verify passed on a tampered journal');
    const m = r.mismatch;
    expect(m.seq).toBe(changedSeq);
    expect(m.kind).toBe('payload');
    const changed = m.expected.find((d) => d.seq === changedSeq)!;
    const produced = m.actual.find((d) => d.seq === changedSeq)!;
    expect((changed.payload as { reason: string }).reason).toMatch(/\(edited\)$/);
    expect((produced.payload as { reason: string }).reason).not.toMatch(/edited/);
    expect(m.input.seq).toBe(changed.causedBy);
    expect(m.symbol).toBe((changed.payload as { symbol: string }).symbol);
    // The symbol's state as decide saw it: a signal needs at least the 50-bar warmup.
    expect(m.symbolState?.market?.barsToday).toBeGreaterThanOrEqual(50);
    expect(r.stats.events).toBeLessThan(withJournal(file, (j) => j.lastSeq()));
  });

  it('stops where a journaled decision is missing, and where an extra one appears', () => {
    const dropped = join(dir, 'dropped.journal');
    const drop = reappendWithChange(base, dropped, (d) => (d.type === 'order.created' ? [] : null));
    const r1 = withJournal(dropped, (j) => verifyDecisions(j));
    if (r1.ok) throw new Error('verify passed with a decision dropped');
    // The step produced the order at that seq; the journal holds the next input (or a later decision) there.
    expect(r1.mismatch.seq).toBe(drop.changedSeq);
    expect(['missing', 'type']).toContain(r1.mismatch.kind);
    expect(r1.mismatch.actual.some((d) => d.seq === drop.changedSeq && d.type === 'order.created')).toBe(true);

    const extra = join(dir, 'extra.journal');
    const add = reappendWithChange(base, extra, (d) => (d.type === 'reconciliation.requested'
      ? [{ type: d.type, ts: d.ts, payload: d.payload } as DecisionDraft, draft('engine.resumed', d.ts, { reason: 'not decided by the engine' })]
      : null));
    const r2 = withJournal(extra, (j) => verifyDecisions(j));
    if (r2.ok) throw new Error('verify passed with an extra decision');
    expect(r2.mismatch.seq).toBe(add.changedSeq! + 1);
    expect(r2.mismatch.expected.map((d) => d.type)).toContain('engine.resumed');
    expect(r2.mismatch.actual.map((d) => d.type)).not.toContain('engine.resumed');
  });

  it('refuses a journal whose hash chain is broken (corrupt: a usage error, not a divergence)', () => {
    const file = join(dir, 'corrupt.journal');
    copyFileSync(base, file);
    // Only run.started's payload holds this text (the snapshots' state does not carry the code version).
    corruptBytes(file, '"codeVersion":"axiom@0.1.0"', '"codeVersion":"axiom@0.1.1"');
    expect(() => withJournal(file, (j) => verifyDecisions(j))).toThrow(ReplayUsageError);
    expect(() => withJournal(file, (j) => verifyDecisions(j))).toThrow(/hash chain is broken at seq 1 \(hash_mismatch/);
  });

  describe('a user strategy file', () => {
    let strategy: string;
    let journal: string;
    beforeAll(() => {
      strategy = writeNthBarStrategy(join(dir, 'nth-bar.js'));
      journal = join(dir, 'user-strategy.journal');
      backtest(bars, journal, { strategies: [{ name: strategy, params: { symbol: 'CCC', bar: 70 } }] });
    });

    it('is re-run when its sha256 matches the one run.started recorded', () => {
      const r = withJournal(journal, (j) => verifyDecisions(j));
      expect(r.ok).toBe(true);
    });

    it('is refused (exit 2) when it changed since the run', () => {
      writeNthBarStrategy(strategy, '// edited after the run\n');
      try {
        expect(() => withJournal(journal, (j) => verifyDecisions(j))).toThrow(/strategy file .*nth-bar\.js changed since the run: its sha256 is [0-9a-f]{64}, run\.started seq 1 recorded [0-9a-f]{64}/);
      } finally {
        writeNthBarStrategy(strategy);
      }
      expect(withJournal(journal, (j) => verifyDecisions(j)).ok).toBe(true);
    });

    it('is refused (exit 2) when it no longer exists', () => {
      rmSync(strategy);
      try {
        let err: unknown;
        try {
          withJournal(journal, (j) => verifyDecisions(j));
        } catch (e) {
          err = e;
        }
        expect(err).toBeInstanceOf(ReplayUsageError);
        expect((err as ReplayUsageError).problem).toBe('strategy_missing');
        expect((err as Error).message).toMatch(/nth-bar\.js .*no longer exists/);
      } finally {
        writeNthBarStrategy(strategy);
      }
    });

    it('reproduces the halt the shell journals when a strategy throws inside step', () => {
      const file = join(dir, 'throws.journal');
      const r = backtest(bars, file, { strategies: [{ name: strategy, params: { symbol: 'AAA', bar: 55, throws: true } }] });
      expect(r.summary.halts).toBeGreaterThanOrEqual(1);
      const v = withJournal(file, (j) => verifyDecisions(j));
      if (!v.ok) throw new Error(`unexpected mismatch: ${JSON.stringify(v.mismatch, null, 2)}`);
      expect(v.finalState.risk.halted?.reason).toMatch(/^step failed on market\.bar \(seq \d+\)$/);
    });
  });

  it('refuses a journal without run.started', () => {
    const file = join(dir, 'no-run.journal');
    const j = openJournal(file, { durability: 'batched' });
    j.append(draft('market.bar', Date.UTC(2025, 2, 12, 14), { symbol: 'AAA', open: 1, high: 1, low: 1, close: 1, volume: 1, vwap: 1, trades: 1 }), []);
    j.close();
    expect(() => withJournal(file, (x) => verifyDecisions(x))).toThrow(/no run\.started/);
  });
});

describe('checkSnapshots and recovery', () => {
  it('every snapshot equals the state rebuilt from zero; snapshot + tail == from zero', () => {
    const r = withJournal(base, (j) => checkSnapshots(j));
    expect(r.ok).toBe(true);
    expect(r.snapshots.length).toBeGreaterThanOrEqual(6);
    for (const s of r.snapshots) expect(s).toMatchObject({ ok: true, restoredHash: s.recordedHash, replayedHash: s.recordedHash });
    expect(r.finalRecoveredHash).toBe(r.finalFromZeroHash);
    expect(r.recoveredFromSeq).toBe(r.snapshots.at(-1)!.seq);

    const [fromSnapshot, fromZero] = withJournal(base, (j) => [recoverState(j), recoverState(j, { fromZero: true })]);
    expect(fromSnapshot.fromSeq).toBeGreaterThan(0);
    expect(fromSnapshot.eventsReplayed).toBeLessThan(fromZero.eventsReplayed);
    expect(stateHash(fromSnapshot.state)).toBe(stateHash(fromZero.state));
  });

  it('names a snapshot whose state is not the journal state at its seq', () => {
    const file = join(dir, 'bad-snapshot.journal');
    copyFileSync(base, file);
    const j = openJournal(file, { durability: 'batched' });
    const seqs = new Set(j.listSnapshots().map((s) => s.seq));
    const at = [...seqs].sort((a, b) => a - b)[0]! + 1;
    // A self-consistent snapshot (its hash is its state's hash) of the state one event too early.
    const wrong = recoverState(j, { fromZero: true, toSeq: at - 1 }).state;
    j.saveSnapshot(at, stateHash(wrong), wrong);
    j.close();
    const r = withJournal(file, (x) => checkSnapshots(x));
    expect(r.ok).toBe(false);
    const bad = r.snapshots.filter((s) => !s.ok);
    expect(bad.map((s) => s.seq)).toEqual([at]);
    expect(bad[0]!.problem).toMatch(new RegExp(`rebuilt from zero at seq ${at} hashes to [0-9a-f]{64}, the snapshot records`));
  });
});
