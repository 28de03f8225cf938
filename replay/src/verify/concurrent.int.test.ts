import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { canonicalJson, draft, sha256Text } from '@axiom/events';
import { recoverState } from '@axiom/engine';
import { stateHash } from '@axiom/projections';
import { ReplayUsageError } from './errors';
import { SyncWorker } from './sync-worker';
import { addSnapshots, backtest, corruptBytes, overwriteSnapshot, reappendWithChange, withJournal, writeBars } from './testing/fixtures';
import { verifyDecisions, type VerifyDecisionsResult } from './verify';

// replay --verify re-runs a journal in segments side by side (segment.ts, verify.ts): the last on this thread,
// the others on worker threads (under jest as in the `axiom` binary), split at stored snapshots. These tests
// split small journals (segmentEventsMin 1) at snapshots placed where a test wants them, and check that the
// first failure in seq order is the answer wherever the segments are: a changed decision, a bad row, a
// snapshot that is not the state at its seq, a snapshot whose text is not its record.

const BIN = resolve(__dirname, '../../../packages/cli/bin/axiom.cjs');
const SPLIT = { segmentEventsMin: 1 } as const;
/**
 * Both ways of re-running a segment, for every test below: checking its rows itself, or with a checker thread
 * beside it (checked-ahead.ts: a segment then takes two threads, and a worker's segment starts its own checker).
 */
const MODES = [
  { name: 'each segment checking its own rows', checkAhead: false },
  { name: 'a checker thread beside each segment', checkAhead: true },
] as const;
let mode: (typeof MODES)[number] = MODES[0];

let dir: string;
let base: string;
let lastSeq: number;
/** The snapshots of `base`, at about 1/3 and 2/3 of it: with threads 3 the segments meet exactly there. */
let cuts: number[];
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'axiom-verify-segments-'));
  const bars = writeBars(join(dir, 'bars'), ['2025-03-12'], ['AAA', 'BBB', 'CCC'], 20261126);
  base = join(dir, 'base.journal');
  backtest(bars, base);
  cuts = addSnapshots(base, [1 / 3, 2 / 3]);
  lastSeq = withJournal(base, (j) => j.lastSeq());
  expect(lastSeq).toBeGreaterThan(600);
  // The run is small: the backtest stored snapshots of its own only at the end of the day.
  const own = withJournal(base, (j) => j.listSnapshots().map((s) => s.seq).filter((seq) => !cuts.includes(seq)));
  for (const seq of own) expect(seq).toBeGreaterThan(lastSeq * 0.95);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const copy = (name: string): string => {
  const file = join(dir, `${mode.checkAhead ? 'ahead' : 'own'}-${name}`);
  copyFileSync(base, file);
  return file;
};

/** A journal like base with the first signal.emitted after `afterSeq` given another reason, and base's snapshot places. */
function tampered(name: string, afterSeq: number): { file: string; changedSeq: number } {
  const file = join(dir, `${mode.checkAhead ? 'ahead' : 'own'}-${name}`);
  const t = reappendWithChange(base, file, (d) =>
    d.type === 'signal.emitted' && d.seq > afterSeq ? [draft('signal.emitted', d.ts, { ...d.payload, reason: `${d.payload.reason} (edited)` })] : null);
  if (t.changedSeq === null) throw new Error(`no signal after seq ${afterSeq}`);
  // The snapshots are the tampered run's own states (what its shell would have stored), at base's places.
  expect(addSnapshots(file, [1 / 3, 2 / 3])).toEqual(cuts);
  return { file, changedSeq: t.changedSeq };
}

/** A copy of `from` whose row at `seq` holds another stored hash (its payload is still good JSON). */
function withBadHash(from: string, name: string, seq: number): string {
  const file = join(dir, `${mode.checkAhead ? 'ahead' : 'own'}-${name}`);
  copyFileSync(from, file);
  const hash = withJournal(file, (j) => j.get(seq)!.hash);
  corruptBytes(file, hash, `${hash[0] === 'a' ? 'b' : 'a'}${hash.slice(1)}`);
  return file;
}

const verify = (file: string, segments = 3): VerifyDecisionsResult =>
  withJournal(file, (j) => verifyDecisions(j, { threads: mode.checkAhead ? 2 * segments : segments, checkAhead: mode.checkAhead, ...SPLIT }));
const verifyError = (file: string, segments = 3): unknown => {
  try {
    verify(file, segments);
  } catch (e) {
    return e;
  }
  return null;
};
const mismatchOf = (r: VerifyDecisionsResult) => {
  if (r.ok) throw new Error('verify passed');
  return r.mismatch;
};

describe.each(MODES)('$name', (m) => {
beforeAll(() => {
  mode = m;
});

describe('verify in segments', () => {
  it('proves the same as one walk: the same counts and final state in 1, 2 and 3 segments', () => {
    const one = verify(base, 1);
    if (!one.ok) throw new Error(`unexpected mismatch: ${JSON.stringify(one.mismatch)}`);
    expect(one.stats).toMatchObject({ events: lastSeq, segments: 1 });
    expect(stateHash(one.finalState)).toBe(withJournal(base, (j) => stateHash(recoverState(j).state)));
    for (const segments of [2, 3]) {
      const r = verify(base, segments);
      if (!r.ok) throw new Error(`unexpected mismatch: ${JSON.stringify(r.mismatch)}`);
      expect(r.stats).toMatchObject({ events: lastSeq, inputs: one.stats.inputs, decisions: one.stats.decisions, segments });
      // Where segments meet, the snapshot there was matched (and the one the backtest stored at the last seq).
      expect(r.stats.snapshotsChecked).toBe(segments - 1 + one.stats.snapshotsChecked);
      expect(stateHash(r.finalState)).toBe(stateHash(one.finalState));
    }
  });

  it('leaves a journal shorter than the shortest segment in one piece', () => {
    const r = withJournal(base, (j) => verifyDecisions(j, { threads: 3 }));
    expect(r.stats.segments).toBe(1);
  });

  it('finds a changed decision in the last segment (this thread) and in the first (a worker)', () => {
    const late = tampered('tampered-late.journal', cuts[1]!);
    expect(mismatchOf(verify(late.file))).toMatchObject({ seq: late.changedSeq, kind: 'payload' });
    const early = tampered('tampered-early.journal', 0);
    expect(early.changedSeq).toBeLessThan(cuts[0]!);
    const m = mismatchOf(verify(early.file));
    expect(m).toMatchObject({ seq: early.changedSeq, kind: 'payload' });
    expect((m.expected.find((d) => d.seq === early.changedSeq)!.payload as { reason: string }).reason).toMatch(/\(edited\)$/);
  });

  it('stops where segments meet at a snapshot that is not the re-run state there, with the counts of that point', () => {
    const file = copy('wrong-snapshot.journal');
    // Self-consistent (its hash is its text's), but the state one transaction too early.
    const wrong = withJournal(base, (j) => recoverState(j, { fromZero: true, toSeq: cuts[0]! - 1 }).state);
    overwriteSnapshot(file, cuts[0]!, stateHash(wrong), canonicalJson(wrong));
    const r = verify(file);
    const m = mismatchOf(r);
    expect(m).toMatchObject({ seq: cuts[0], kind: 'snapshot' });
    expect(m.detail).toMatch(new RegExp(`the state after seq ${cuts[0]!} \\(re-run\\) hashes to [0-9a-f]{64}, the stored snapshot at seq ${cuts[0]!} to [0-9a-f]{64}`));
    // Everything up to the snapshot was re-run; the segment that started from the wrong state does not count.
    expect(r.stats).toMatchObject({ events: cuts[0], snapshotsChecked: 0 });
  });

  it('reports whichever comes first of a changed decision and a wrong snapshot', () => {
    const wrongAt = (file: string, seq: number) => {
      const wrong = withJournal(file, (j) => recoverState(j, { fromZero: true, toSeq: seq - 1 }).state);
      overwriteSnapshot(file, seq, stateHash(wrong), canonicalJson(wrong));
    };
    const before = tampered('tampered-after-snapshot.journal', cuts[1]!);
    wrongAt(before.file, cuts[1]!);
    expect(mismatchOf(verify(before.file))).toMatchObject({ seq: cuts[1], kind: 'snapshot' });

    const after = tampered('tampered-before-snapshot.journal', 0);
    wrongAt(after.file, cuts[1]!);
    expect(mismatchOf(verify(after.file))).toMatchObject({ seq: after.changedSeq, kind: 'payload' });
  });

  it('splits elsewhere at a snapshot of another state version (an upgrade): the same verdict as one walk, and says so', () => {
    const file = copy('old-version-snapshot.journal');
    const state = withJournal(base, (j) => recoverState(j, { fromZero: true, toSeq: cuts[0] }).state);
    const old = canonicalJson({ ...state, version: state.version - 1 });
    overwriteSnapshot(file, cuts[0]!, sha256Text(old), old);
    const r = verify(file);
    if (!r.ok) throw new Error(`unexpected mismatch: ${JSON.stringify(r.mismatch)}`);
    expect(r.stats).toMatchObject({ events: lastSeq, segments: 2 });
    expect(r.warnings).toEqual([expect.stringMatching(new RegExp(`the snapshot at seq ${cuts[0]!} was not used to split the re-run: the snapshot at seq ${cuts[0]!} cannot be restored: .*STATE_VERSION`))]);
  });

  it('does not split where the row after a snapshot breaks the chain rules: the bad row is found as one walk finds it', () => {
    const seq = cuts[0]! + 1;
    const err = verifyError(withBadHash(base, 'bad-after-cut.journal', seq));
    expect((err as Error).message).toMatch(new RegExp(`hash chain is broken at seq ${seq} \\(hash_mismatch`));
  });

  it('splits elsewhere when a snapshot\'s text is not its record, and says so', () => {
    const file = copy('corrupt-snapshot-text.journal');
    const text = withJournal(file, (j) => j.loadSnapshotText(cuts[0])!.text);
    // The record is kept; the text is another valid state's (a bad disk or editor).
    const other = withJournal(base, (j) => canonicalJson(recoverState(j, { fromZero: true, toSeq: 5 }).state));
    expect(sha256Text(other)).not.toBe(sha256Text(text));
    overwriteSnapshot(file, cuts[0]!, sha256Text(text), other);
    const r = verify(file);
    if (!r.ok) throw new Error(`unexpected mismatch: ${JSON.stringify(r.mismatch)}`);
    expect(r.stats).toMatchObject({ events: lastSeq, segments: 2 });
    expect(r.warnings).toEqual([expect.stringMatching(new RegExp(`the snapshot at seq ${cuts[0]!} was not used to split the re-run: the snapshot at seq ${cuts[0]!} hashes to [0-9a-f]{64}, its record says`))]);
  });
});

describe('the hash chain, checked row by row in every segment', () => {
  it.each([['the first segment (a worker)', 1 / 6], ['the last segment (this thread)', 5 / 6]])('finds a row whose stored hash was altered in %s: corrupt at that seq (exit 2)', (_where, at) => {
    const seq = Math.floor(lastSeq * at);
    const err = verifyError(withBadHash(base, `bad-hash-${Math.round(at * 6)}.journal`, seq));
    expect(err).toBeInstanceOf(ReplayUsageError);
    expect((err as ReplayUsageError).problem).toBe('corrupt_journal');
    expect((err as Error).message).toMatch(new RegExp(`hash chain is broken at seq ${seq} \\(hash_mismatch`));
  });

  it('reports a row that is no longer JSON as corrupt at its seq, not as a read error', () => {
    const file = copy('not-json.journal');
    // A bar: its payload text is in the file once (a decision's text may repeat, and snapshots hold no bars as JSON).
    let seq = Math.floor(lastSeq / 2);
    while (withJournal(file, (j) => j.get(seq)!.type) !== 'market.bar') seq++;
    const text = withJournal(file, (j) => canonicalJson(j.get(seq)!.payload));
    corruptBytes(file, text, `${text.slice(0, -1)}!`);
    const err = verifyError(file);
    expect(err).toBeInstanceOf(ReplayUsageError);
    expect((err as Error).message).toMatch(new RegExp(`hash chain is broken at seq ${seq} \\(hash_mismatch`));
  });

  it('reports the first mismatch when it comes before the first bad row, and the bad row when it comes first', () => {
    // The mismatch in the first segment (a worker), the bad row in the last (this thread), and the other way round.
    const early = tampered('tampered-early-2.journal', 0);
    expect(mismatchOf(verify(withBadHash(early.file, 'tampered-bad-after.journal', cuts[1]! + 5)))).toMatchObject({ seq: early.changedSeq, kind: 'payload' });
    const late = tampered('tampered-late-2.journal', cuts[1]!);
    const err = verifyError(withBadHash(late.file, 'tampered-bad-before.journal', cuts[0]! - 5));
    expect((err as Error).message).toMatch(new RegExp(`hash chain is broken at seq ${cuts[0]! - 5} \\(hash_mismatch`));
  });

  it('refuses a journal whose run.started row is not intact before loading anything it names', () => {
    const file = copy('bad-run-started.journal');
    // Every copy of the text in the file (adding the snapshots moved pages: a stale copy may come first).
    for (;;) {
      try {
        corruptBytes(file, '"codeVersion":"axiom@0.1.0"', '"codeVersion":"axiom@0.1.1"');
      } catch {
        break;
      }
    }
    expect(verifyError(file)).toMatchObject({ problem: 'corrupt_journal', message: expect.stringMatching(/hash chain is broken at seq 1 \(hash_mismatch/) });
  });
});

});

describe('a worker thread that fails', () => {
  it('says so, with the error, instead of going silent', () => {
    const worker = new SyncWorker();
    worker.start({ kind: 'segment', file: join(dir, 'no-such.journal'), spec: { fromSeq: 0, fromStateHash: null, toSeq: 10, endStateHash: null }, runStartedSeq: 1, lastSeq: 10, checkAhead: false });
    try {
      const reply = worker.receive('test segment');
      expect(reply).toMatchObject({ kind: 'failed', error: expect.stringMatching(/no-such\.journal/) });
    } finally {
      worker.stop();
    }
  });
});

describe('the axiom binary', () => {
  it('verifies in segments on worker threads of the bundle (--threads): exit 0 on a good journal, 2 on a corrupt one', () => {
    const run = (file: string, threads: number) => spawnSync(process.execPath, [BIN, 'replay', file, '--verify', '--threads', String(threads), '--json'], { encoding: 'utf8', env: { ...process.env, TZ: 'UTC', AXIOM_VERIFY_SEGMENT_EVENTS_MIN: '1', AXIOM_VERIFY_CHECK_AHEAD_EVENTS_MIN: '1' } });
    // Six threads: three segments, each with a checker thread beside it (the workers' from the bundle too).
    const ok = run(base, 6);
    expect(ok.stderr).toBe('');
    expect(ok.status).toBe(0);
    expect(JSON.parse(ok.stdout).verify).toMatchObject({ ok: true, stats: { events: lastSeq, segments: 3, checkAhead: true } });
    const text = spawnSync(process.execPath, [BIN, 'replay', base, '--verify', '--threads', '6'], { encoding: 'utf8', env: { ...process.env, TZ: 'UTC', AXIOM_VERIFY_SEGMENT_EVENTS_MIN: '1', AXIOM_VERIFY_CHECK_AHEAD_EVENTS_MIN: '1' } });
    expect(text.status).toBe(0);
    expect(text.stdout).toMatch(/VERIFIED: .* checked on the way \(by a thread beside each segment\), in 3 segments side by side; 2 snapshot\(s\) matched where they meet/);
    const seq = Math.floor(lastSeq / 6);
    const bad = run(withBadHash(base, 'cli-bad-hash.journal', seq), 6);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(new RegExp(`hash chain is broken at seq ${seq} \\(hash_mismatch`));
  });
});
