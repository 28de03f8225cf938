// `replay --check-snapshots`: prove every stored snapshot is the state the reducers rebuild from zero at its
// seq, and that recovery (latest snapshot + the events after it) reaches the same final state as a fold from
// zero. Snapshots are derived data outside the hash chain, so this is the only thing that vouches for them.
// Per snapshot, two hashes must equal the recorded one: the restored snapshot's (the stored JSON is the state
// it claims to be) and the from-zero fold's at that seq (the state is the journal's state).
import { recoverState } from '@axiom/engine';
import type { Journal } from '@axiom/journal';
import { decodeSnapshot, evolve, initialEngineState, stateHash, type EngineState } from '@axiom/projections';
import { seqBound } from './seq';

export interface SnapshotCheck {
  seq: number;
  recordedHash: string;
  /** Hash of the stored snapshot decoded (null when it cannot be decoded: see problem). */
  restoredHash: string | null;
  /** Hash of the state folded from zero up to and including seq. */
  replayedHash: string;
  ok: boolean;
  problem: string | null;
}

export interface CheckSnapshotsResult {
  ok: boolean;
  snapshots: SnapshotCheck[];
  events: number;
  lastSeq: number;
  /** Final state hash folded from zero, and recovered from the latest snapshot + tail. */
  finalFromZeroHash: string;
  finalRecoveredHash: string;
  recoveredFromSeq: number;
  snapshotRefused: string | null;
  elapsedMs: number;
  /** The from-zero final state (callers print its summary without folding again). */
  finalState: EngineState;
}

export interface CheckSnapshotsOptions {
  /** Skip payload validation on read (the caller walked the chain already). */
  readonly trusted?: boolean;
  readonly onProgress?: (seq: number, lastSeq: number) => void;
}

export function checkSnapshots(journal: Journal, opts: CheckSnapshotsOptions = {}): CheckSnapshotsResult {
  const t0 = performance.now();
  const lastSeq = journal.lastSeq();
  const list = journal.listSnapshots().filter((s) => s.seq <= lastSeq);
  const checks: SnapshotCheck[] = [];
  let next = 0;
  let state = initialEngineState();
  let events = 0;
  const checkAt = (s: { seq: number; stateHash: string }) => {
    const replayedHash = stateHash(state);
    let restoredHash: string | null = null;
    let problem: string | null = null;
    try {
      const snap = journal.loadSnapshot(s.seq);
      if (snap === null || snap.seq !== s.seq) throw new Error(`snapshot at seq ${s.seq} disappeared while checking`);
      restoredHash = stateHash(decodeSnapshot(snap.state));
    } catch (e) {
      problem = `cannot restore: ${(e as Error).message}`;
    }
    if (problem === null && restoredHash !== s.stateHash) {
      problem = `the stored state hashes to ${restoredHash}, not its recorded hash ${s.stateHash}`;
    }
    if (problem === null && replayedHash !== s.stateHash) {
      problem = `the state rebuilt from zero at seq ${s.seq} hashes to ${replayedHash}, the snapshot records ${s.stateHash}`;
    }
    checks.push({ seq: s.seq, recordedHash: s.stateHash, restoredHash, replayedHash, ok: problem === null, problem });
  };
  while (list[next] !== undefined && list[next]!.seq === 0) checkAt(list[next++]!);
  for (const e of journal.read({ toSeq: seqBound(lastSeq), validate: opts.trusted !== true })) {
    state = evolve(state, e);
    events++;
    while (list[next] !== undefined && list[next]!.seq === e.seq) checkAt(list[next++]!);
    if (opts.onProgress !== undefined && (events & 0xffff) === 0) opts.onProgress(e.seq, lastSeq);
  }
  const finalFromZeroHash = stateHash(state);
  const recovered = recoverState(journal, { toSeq: seqBound(lastSeq), trusted: opts.trusted });
  const finalRecoveredHash = stateHash(recovered.state);
  const ok = checks.every((c) => c.ok) && finalRecoveredHash === finalFromZeroHash && recovered.snapshotRefused === null;
  return {
    ok, snapshots: checks, events, lastSeq, finalFromZeroHash, finalRecoveredHash, recoveredFromSeq: recovered.fromSeq,
    snapshotRefused: recovered.snapshotRefused, elapsedMs: performance.now() - t0, finalState: state,
  };
}
