// End to end through the backtest runner on the bundled real sample: real Parquet files, real SQLite
// journals on disk, the simulated broker and the same engine step the live shell runs.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseEngineConfig } from '@axiom/events';
import { recoverState } from '@axiom/engine';
import { openJournal } from '@axiom/journal';
import { getPosition, stateHash, symbolMarket } from '@axiom/projections';
import { runBacktest } from './run';

const SAMPLE = resolve(__dirname, '../../../data/sample');
const work = mkdtempSync(join(tmpdir(), 'axiom-backtest-'));

describe('backtest of the bundled sample', () => {
  const config = parseEngineConfig({});
  const a = runBacktest({ bars: { kind: 'parquet', path: SAMPLE }, out: join(work, 'a.journal'), config });

  it('trades, journals every decision, and the journal verifies', () => {
    expect(a.summary.bars).toBe(10_385 - 0); // every bar of the sample reaches the engine
    expect(a.summary.signals.emitted).toBeGreaterThan(0);
    expect(a.summary.fills).toBeGreaterThan(0);
    expect(a.summary.trades).toBeGreaterThan(0);
    expect(a.summary.halts).toBe(0);
    const j = openJournal(a.journalPath, { durability: 'batched', readOnly: true });
    try {
      expect(j.verify()).toMatchObject({ ok: true, lastSeq: a.lastSeq });
      expect(j.listSnapshots().length).toBeGreaterThan(0);
    } finally {
      j.close();
    }
  });

  it('holds no position overnight: EOD liquidation flattens every day at the broker and in the engine', () => {
    expect(a.heldOvernight).toEqual([]);
    const j = openJournal(a.journalPath, { durability: 'batched', readOnly: true });
    try {
      const { state } = recoverState(j, { fromZero: true });
      expect(state.positions.openSymbols).toEqual([]);
      const exits = [...j.read({ types: ['position.exit_requested'] })];
      expect(exits.some((e) => e.type === 'position.exit_requested' && e.payload.reason === 'eod_liquidation')).toBe(true);
    } finally {
      j.close();
    }
  });

  it('is deterministic: same inputs and config give a byte-identical hash chain', () => {
    const b = runBacktest({ bars: { kind: 'parquet', path: SAMPLE }, out: join(work, 'b.journal'), config });
    expect(b.runId).toBe(a.runId);
    expect(b.lastSeq).toBe(a.lastSeq);
    expect(b.lastHash).toBe(a.lastHash);
  });

  it('a different config gives a different run id and chain', () => {
    const c = runBacktest({ bars: { kind: 'parquet', path: SAMPLE }, out: join(work, 'c.journal'), config: parseEngineConfig({ risk: { maxPositionPctEquity: 5 } }) });
    expect(c.runId).not.toBe(a.runId);
    expect(c.lastHash).not.toBe(a.lastHash);
  });

  it('re-drives the bars recorded in a journal (--inputs-from) to the same result', () => {
    const d = runBacktest({ bars: { kind: 'journal', path: a.journalPath }, out: join(work, 'd.journal'), config });
    expect(d.summary.bars).toBe(a.summary.bars);
    expect(d.summary.trades).toBe(a.summary.trades);
    expect(d.summary.grossPnl).toBeCloseTo(a.summary.grossPnl, 6);
  });

  it('recovery from the latest snapshot equals recovery from zero', () => {
    const j = openJournal(a.journalPath, { durability: 'batched', readOnly: true });
    try {
      const fromSnap = recoverState(j);
      const fromZero = recoverState(j, { fromZero: true });
      expect(fromSnap.snapshotRefused).toBeNull();
      expect(fromSnap.fromSeq).toBeGreaterThan(0);
      expect(stateHash(fromSnap.state)).toBe(stateHash(fromZero.state));
    } finally {
      j.close();
    }
  });
});

describe('the AAPL 7:1 split (ex-date 2014-06-09)', () => {
  it('does not look like an 86% overnight gap: the previous close is split-adjusted', () => {
    const r = runBacktest({ bars: { kind: 'parquet', path: SAMPLE, from: '2014-06-05', to: '2014-06-09' }, out: join(work, 'split.journal'), config: parseEngineConfig({}) });
    const j = openJournal(r.journalPath, { durability: 'batched', readOnly: true });
    try {
      const actions = [...j.read({ types: ['market.corporate_action'] })];
      expect(actions).toHaveLength(1);
      const { state } = recoverState(j, { fromZero: true });
      const aapl = symbolMarket(state.market, 'AAPL')!;
      expect(aapl.tradingDay).toBe('2014-06-09');
      expect(aapl.prevClose).not.toBeNull();
      expect(aapl.prevClose!).toBeGreaterThan(90);
      expect(aapl.prevClose!).toBeLessThan(95);
      expect(Math.abs(aapl.indicators.gapPct!)).toBeLessThan(0.02);
      expect(getPosition(state.positions, 'AAPL')?.qty ?? 0).toBe(0);
    } finally {
      j.close();
    }
  });
});
