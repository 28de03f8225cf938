import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { canonicalJson, draft } from '@axiom/events';
import { recoverState } from '@axiom/engine';
import { openJournal } from '@axiom/journal';
import { stateHash } from '@axiom/projections';
import { ChainCheck } from './chain';
import { ReplayUsageError } from './errors';
import { backtest, corruptBytes, reappendWithChange, withJournal, writeBars } from './testing/fixtures';
import { verifyDecisions } from './verify';

// replay --verify's hash-chain walk and state hashes run in worker threads beside the re-run (chain.ts,
// state-hash.ts): these tests use the real workers (under jest as in the `axiom` binary) on journals
// corrupted in the middle, where the re-run reaches the bad row long before or after the walk does, and on
// tampered journals whose first mismatch comes before or after a corrupt row or a wrong snapshot.

const BIN = resolve(__dirname, '../../../packages/cli/bin/axiom.cjs');

let dir: string;
let base: string;
let tampered: string;
let changedSeq: number;
let lastSeq: number;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'axiom-verify-chain-'));
  const bars = writeBars(join(dir, 'bars'), ['2025-03-12'], ['AAA', 'BBB', 'CCC'], 20261126);
  base = join(dir, 'base.journal');
  backtest(bars, base);
  tampered = join(dir, 'tampered.journal');
  const t = reappendWithChange(base, tampered, (d) =>
    d.type === 'signal.emitted' ? [draft('signal.emitted', d.ts, { ...d.payload, reason: `${d.payload.reason} (edited)` })] : null);
  changedSeq = t.changedSeq!;
  lastSeq = withJournal(base, (j) => j.lastSeq());
  expect(changedSeq).toBeGreaterThan(10);
  expect(lastSeq).toBeGreaterThan(changedSeq + 10);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/**
 * A copy of `from` with a wrong snapshot (self-consistent: its hash is its state's) at the end of the
 * transaction before the first input after `near`: the state one event earlier. Returns the file and the seq.
 */
function withWrongSnapshot(from: string, name: string, near: number): { file: string; seq: number } {
  const file = join(dir, name);
  copyFileSync(from, file);
  const j = openJournal(file, { durability: 'batched' });
  try {
    let input = near + 1;
    while (j.get(input)!.kind !== 'input') input++;
    const seq = input - 1;
    const wrong = recoverState(j, { fromZero: true, toSeq: seq - 1 }).state;
    j.saveSnapshot(seq, stateHash(wrong), wrong);
    return { file, seq };
  } finally {
    j.close();
  }
}

/** A copy of `from` whose row at `seq` holds another stored hash (its payload is still good JSON). */
function withBadHash(from: string, name: string, seq: number): string {
  const file = join(dir, name);
  copyFileSync(from, file);
  const hash = withJournal(file, (j) => j.get(seq)!.hash);
  corruptBytes(file, hash, `${hash[0] === 'a' ? 'b' : 'a'}${hash.slice(1)}`);
  return file;
}

const verifyError = (file: string): unknown => {
  try {
    withJournal(file, (j) => verifyDecisions(j));
  } catch (e) {
    return e;
  }
  return null;
};

describe('the state hashes beside the re-run', () => {
  it('stops at a stored snapshot that is not the re-run state there, with the counts of that point', () => {
    const { file, seq } = withWrongSnapshot(base, 'wrong-snapshot.journal', Math.floor(lastSeq / 2));
    const r = withJournal(file, (j) => verifyDecisions(j));
    if (r.ok) throw new Error('verify passed a wrong snapshot');
    expect(r.mismatch).toMatchObject({ seq, kind: 'snapshot' });
    expect(r.mismatch.detail).toMatch(new RegExp(`the state after seq ${seq} \\(re-run\\) hashes to [0-9a-f]{64}, the stored snapshot at seq ${seq} to [0-9a-f]{64}`));
    const checked = withJournal(file, (j) => j.listSnapshots().filter((s) => s.seq <= seq).length);
    expect(r.stats.snapshotsChecked).toBe(checked);
    expect(r.stats.events).toBe(seq + 1);
  });

  it('reports whichever comes first of a wrong snapshot and a changed decision', () => {
    const before = withWrongSnapshot(tampered, 'tampered-snapshot-before.journal', changedSeq - 20);
    const r1 = withJournal(before.file, (j) => verifyDecisions(j));
    if (r1.ok) throw new Error('verify passed a tampered journal');
    expect(r1.mismatch).toMatchObject({ seq: before.seq, kind: 'snapshot' });

    const after = withWrongSnapshot(tampered, 'tampered-snapshot-after.journal', changedSeq + 20);
    const r2 = withJournal(after.file, (j) => verifyDecisions(j));
    if (r2.ok) throw new Error('verify passed a tampered journal');
    expect(r2.mismatch).toMatchObject({ seq: changedSeq, kind: 'payload' });
  });

  it('hashes the final state like stateHash', () => {
    const r = withJournal(base, (j) => verifyDecisions(j));
    if (!r.ok) throw new Error('verify failed');
    expect(r.finalStateHash).toBe(stateHash(r.finalState));
  });
});

describe('the hash-chain walk beside the re-run', () => {
  it('passes a good journal and says how long the walk took', () => {
    const r = withJournal(base, (j) => verifyDecisions(j));
    expect(r.ok).toBe(true);
    expect(r.stats.chainMs).toBeGreaterThan(0);
  });

  it('finds a row whose stored hash was altered in the middle: corrupt at that seq (exit 2)', () => {
    const seq = Math.floor(lastSeq / 2);
    const err = verifyError(withBadHash(base, 'bad-hash.journal', seq));
    expect(err).toBeInstanceOf(ReplayUsageError);
    expect((err as ReplayUsageError).problem).toBe('corrupt_journal');
    expect((err as Error).message).toMatch(new RegExp(`hash chain is broken at seq ${seq} \\(hash_mismatch`));
  });

  it('reports a row that is no longer JSON as corrupt at its seq, not as a read error', () => {
    const file = join(dir, 'not-json.journal');
    copyFileSync(base, file);
    // A bar: its payload text is in the file once (a decision's text may repeat, and snapshots hold no bars as JSON).
    let seq = Math.floor(lastSeq / 3);
    while (withJournal(file, (j) => j.get(seq)!.type) !== 'market.bar') seq++;
    const text = withJournal(file, (j) => canonicalJson(j.get(seq)!.payload));
    corruptBytes(file, text, `${text.slice(0, -1)}!`);
    const err = verifyError(file);
    expect(err).toBeInstanceOf(ReplayUsageError);
    expect((err as Error).message).toMatch(new RegExp(`hash chain is broken at seq ${seq} \\(hash_mismatch`));
  });

  it('reports the first mismatch when it comes before the first bad row, and the bad row when it comes first', () => {
    const after = withJournal(withBadHash(tampered, 'tampered-bad-after.journal', changedSeq + 5), (j) => verifyDecisions(j));
    if (after.ok) throw new Error('verify passed on a tampered journal');
    expect(after.mismatch).toMatchObject({ seq: changedSeq, kind: 'payload' });

    const err = verifyError(withBadHash(tampered, 'tampered-bad-before.journal', changedSeq - 5));
    expect((err as Error).message).toMatch(new RegExp(`hash chain is broken at seq ${changedSeq - 5} \\(hash_mismatch`));
  });

  it('refuses a walk that proved other rows than verify read (the file was replaced in between)', () => {
    const lastHash = withJournal(base, (j) => j.get(lastSeq)!.hash);
    const chain = new ChainCheck(tampered);
    try {
      expect(() => chain.awaitAll(lastSeq, lastHash)).toThrow(/the chain walk and verify read different rows/);
    } finally {
      chain.stop();
    }
  });

  it('fails loudly when its worker cannot do the walk', () => {
    const chain = new ChainCheck(join(dir, 'no-such.journal'));
    try {
      expect(() => chain.awaitAll(1, '')).toThrow(/the hash-chain walk failed in its worker thread/);
    } finally {
      chain.stop();
    }
  });

  it('runs from the axiom binary: exit 0 on a good journal, 2 on a corrupt one', () => {
    const run = (file: string) => spawnSync(process.execPath, [BIN, 'replay', file, '--verify', '--json'], { encoding: 'utf8', env: { ...process.env, TZ: 'UTC' } });
    const ok = run(base);
    expect(ok.stderr).toBe('');
    expect(ok.status).toBe(0);
    expect(JSON.parse(ok.stdout).verify).toMatchObject({ ok: true, stats: { events: lastSeq } });
    const seq = Math.floor(lastSeq / 2);
    const bad = run(withBadHash(base, 'cli-bad-hash.journal', seq));
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(new RegExp(`hash chain is broken at seq ${seq} \\(hash_mismatch`));
  });
});
