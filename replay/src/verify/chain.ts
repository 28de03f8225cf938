// The hash-chain check `replay --verify` relies on: a decision re-run over rows that are not what was written
// proves nothing. The whole chain is walked by the journal's own `verify()` (gap, hash, type, kind, causedBy
// and every payload schema) on its own read-only connection in a worker thread, while the main thread
// re-runs `step`; the main thread reads its rows without validation and takes no result as proven until the
// walk has vouched for every row it used (`ChainCheck`). Rows up to the last seq verify reads are immutable
// (the journal is append-only), so every connection sees the same rows; the walk's hash at that seq must be
// the one the main thread read there, which also catches a file replaced between the opens.
//
// `checkChainPrefix` checks rows 1..seq on the main thread before anything waits for the worker: the
// run.started that names the strategy files must be proven intact before a file it names is loaded.
import { CATALOG, GENESIS_HASH, canonicalJson, chainHash, isEventType, type AnyEvent } from '@axiom/events';
import type { Journal, VerifyResult } from '@axiom/journal';
import { ReplayUsageError } from './errors';
import { SyncWorker } from './sync-worker';

export interface ChainBreak {
  readonly seq: number;
  /** The journal's problem name and its detail, e.g. `hash_mismatch: stored hash … is not the chain hash …`. */
  readonly problem: string;
}

export function brokenChain(bad: ChainBreak): ReplayUsageError {
  return new ReplayUsageError('corrupt_journal', `the journal's hash chain is broken at seq ${bad.seq} (${bad.problem}); nothing after it can be verified: run \`axiom journal verify\``);
}

/** The whole chain, walked in a worker thread; the main thread asks what is proven so far. */
export class ChainCheck {
  private readonly worker: SyncWorker;
  /** Rows 1..provenThrough are proven good. */
  private provenThrough = 0;
  private result: VerifyResult | null = null;
  /** The first bad row once the walk has found it (it stops there). */
  bad: ChainBreak | null = null;
  /** How long the walk took (in the worker, beside the main thread's work). */
  ms = 0;

  constructor(file: string) {
    this.worker = new SyncWorker({ kind: 'chain', file });
  }

  /** Take in what the walk has reported so far, without waiting. */
  poll(): void {
    for (let r = this.worker.poll(); r !== null; r = this.worker.poll()) this.take(r);
  }

  /** Wait until rows 1..seq are proven or the walk has ended; the first bad row at or below seq, else null. */
  awaitThrough(seq: number): ChainBreak | null {
    this.poll();
    while (this.provenThrough < seq && this.result === null) this.take(this.worker.receive('hash-chain walk'));
    return this.bad !== null && this.bad.seq <= seq ? this.bad : null;
  }

  /**
   * After the main thread read rows 1..lastSeq and the row at lastSeq had hash `lastHash`: wait for the walk
   * and throw the corrupt-journal error unless it proved exactly those rows.
   */
  awaitAll(lastSeq: number, lastHash: string): void {
    this.poll();
    while (this.result === null) this.take(this.worker.receive('hash-chain walk'));
    const r = this.result;
    if (this.bad !== null && this.bad.seq <= lastSeq) throw brokenChain(this.bad);
    // A bad row after lastSeq was appended after verify began: not one verify used.
    if (!r.ok) return;
    if (r.lastSeq < lastSeq) {
      throw brokenChain({ seq: r.lastSeq + 1, problem: `gap: the chain walk found ${r.lastSeq} rows, verify read ${lastSeq}: the file changed while it was verified` });
    }
    if (r.lastSeq === lastSeq && r.lastHash !== lastHash) {
      throw brokenChain({ seq: lastSeq, problem: 'hash_mismatch: the chain walk and verify read different rows: the file changed while it was verified' });
    }
  }

  stop(): void {
    this.worker.stop();
  }

  private take(r: ReturnType<SyncWorker['receive']>): void {
    switch (r.kind) {
      case 'chain-progress':
        this.provenThrough = Math.max(this.provenThrough, r.checked);
        return;
      case 'chain-done':
        this.result = r.result;
        this.ms = r.ms;
        if (r.result.ok) this.provenThrough = r.result.lastSeq;
        else {
          this.provenThrough = r.result.firstBad.seq - 1;
          this.bad = { seq: r.result.firstBad.seq, problem: `${r.result.firstBad.problem}: ${r.result.firstBad.detail}` };
        }
        return;
      case 'failed':
        throw new Error(`replay --verify: the hash-chain walk failed in its worker thread: ${r.error}`);
      case 'state-hash':
        throw new Error('replay --verify: the hash-chain worker replied a state hash');
      default: {
        const never: never = r;
        throw new Error(`replay --verify: unknown reply ${JSON.stringify(never)}`);
      }
    }
  }
}

/** Check the chain of seqs 1..toSeq on this thread; throws the corrupt-journal error at the first bad row. Returns its ms. */
export function checkChainPrefix(journal: Journal, toSeq: number): number {
  const t0 = performance.now();
  const at = { prevHash: GENESIS_HASH, expectedSeq: 1, lastInputSeq: null as number | null };
  for (const e of journal.read({ toSeq, validate: false })) {
    const bad = chainProblem(e, at);
    if (bad !== null) throw brokenChain(bad);
  }
  return performance.now() - t0;
}

/**
 * The journal's chain rules for one row, in its order (journal/src/verify.ts): gap, hash, type, kind,
 * causedBy. The hash is recomputed over the canonical JSON of the parsed payload: a stored payload that was
 * not canonical hashes differently and is caught as well. Advances `at` when the row is good.
 */
function chainProblem(e: AnyEvent, at: { prevHash: string; expectedSeq: number; lastInputSeq: number | null }): ChainBreak | null {
  if (e.seq !== at.expectedSeq) return { seq: at.expectedSeq, problem: `gap: seq ${at.expectedSeq} is missing, the next row is seq ${e.seq}` };
  if (chainHash(at.prevHash, e.seq, e.ts, e.kind, e.type, canonicalJson(e.payload)) !== e.hash) {
    return { seq: e.seq, problem: 'hash_mismatch: the row or the previous hash was altered' };
  }
  if (!isEventType(e.type)) return { seq: e.seq, problem: `unknown_type ${JSON.stringify(e.type)}` };
  if (CATALOG[e.type].kind !== e.kind) return { seq: e.seq, problem: `bad_kind: ${e.type} is stored as ${e.kind}` };
  if (e.kind === 'input' ? e.causedBy !== null : e.causedBy !== at.lastInputSeq) {
    return { seq: e.seq, problem: `bad_caused_by: causedBy ${String(e.causedBy)}, the input of the transaction is seq ${String(at.lastInputSeq)}` };
  }
  at.prevHash = e.hash;
  at.expectedSeq = e.seq + 1;
  if (e.kind === 'input') at.lastInputSeq = e.seq;
  return null;
}
