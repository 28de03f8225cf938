// `replay --verify`: prove that every decision in a journal is what the engine's `step` produces today from
// the same inputs, and that it produces nothing else. The fold starts from zero; for each input in seq order
// `step(state, input, deps)` runs with the deps rebuilt from the journal's latest run.started, and its
// decisions are compared one by one with the journaled decisions the input caused: same count, same type,
// same canonical payload, same causedBy (the input's seq), same ts. The fold continues from the step's state
// (what the live shell keeps and snapshots), so every stored snapshot met at the end of a transaction is
// checked against it too. The first mismatch stops the walk.
//
// A decision re-run over rows that are not what was written proves nothing, so the journal's whole hash
// chain is walked too (chain.ts): by the journal's own `verify()` in a worker thread, beside this thread's
// re-run, which reads its rows without validation. Nothing is concluded before the walk has vouched for the
// rows it rests on: a bad row (a gap, a hash that does not match, an unknown type, a kind the catalog does
// not give the type, a causedBy that is not the input of its transaction, a payload its schema refuses) at
// or before the row where the re-run stopped makes the journal corrupt (exit 2), reported at that seq,
// whatever the re-run found after it; a mismatch before the first bad row is reported as the mismatch.
import { resolve } from 'node:path';
import { canonicalJson, type DecisionDraft, type DecisionEvent, type InputEvent } from '@axiom/events';
import { provisionalEnvelope, step, type DecideDeps } from '@axiom/engine';
import type { Journal } from '@axiom/journal';
import { evolve, initialEngineState, type EngineState } from '@axiom/projections';
import { ChainCheck, brokenChain, checkChainPrefix } from './chain';
import { latestRunStarted, rebuildDeps, type RunStarted } from './deps';
import { ReplayUsageError } from './errors';
import { sameJson } from './same-json';
import { StateHashes } from './state-hash';
import { seqBound } from './seq';
import { symbolState, type SymbolState } from './summary';

/** How often (in events) onProgress is called. */
export const VERIFY_PROGRESS_EVERY_EVENTS = 65_536;
/** How often (in events, a power of two) the re-run looks at what its worker threads have found so far. */
const POLL_EVERY_EVENTS = 4_096;

export interface VerifyDecisionsOptions {
  /** Use these deps instead of rebuilding them from run.started (tests). */
  readonly deps?: DecideDeps;
  /** Walk the hash chain of every row (default true; false only when the caller just walked it). */
  readonly checkChain?: boolean;
  readonly onProgress?: (seq: number, lastSeq: number) => void;
}

/** One decision as compared: what the journal holds or what step produced now. */
export interface DecisionLine {
  seq: number;
  ts: number;
  type: string;
  causedBy: number;
  payload: unknown;
}

export interface DecisionMismatch {
  /** The first seq where the journal and the re-run disagree (a decision's seq, or the next free seq when one is missing). */
  seq: number;
  kind: 'type' | 'payload' | 'ts' | 'caused_by' | 'missing' | 'extra' | 'step_threw' | 'snapshot';
  detail: string;
  input: { seq: number; ts: number; type: string; payload: unknown };
  /** The journaled decisions of this input. */
  expected: DecisionLine[];
  /** What step produced for it now. */
  actual: DecisionLine[];
  symbol: string | null;
  /** The symbol's state as `decide` saw it: after the input, before its decisions. */
  symbolState: SymbolState | null;
}

export interface VerifyStats {
  events: number;
  inputs: number;
  decisions: number;
  snapshotsChecked: number;
  /** Time of the whole pass, and the time the hash-chain walk took (beside the re-run, in a worker thread). */
  elapsedMs: number;
  chainMs: number;
  /** Events per second of the whole pass (read + chain check + step + compare). */
  eventsPerSec: number;
}

export type VerifyDecisionsResult =
  | { ok: true; stats: VerifyStats; runStarted: RunStarted | null; warnings: readonly string[]; finalState: EngineState; finalStateHash: string }
  | { ok: false; stats: VerifyStats; runStarted: RunStarted | null; warnings: readonly string[]; mismatch: DecisionMismatch };

interface Pending {
  input: InputEvent;
  /** State before the input (to show what decide saw, on a mismatch). */
  before: EngineState;
  produced: DecisionDraft[];
  after: EngineState;
  /** step threw: the error text, and the state folding the recorded halt must start from. */
  threw: string | null;
  matched: number;
}

export function verifyDecisions(journal: Journal, opts: VerifyDecisionsOptions = {}): VerifyDecisionsResult {
  const t0 = performance.now();
  const lastSeq = journal.lastSeq();
  // The worker threads start first: their start-up overlaps rebuilding the deps.
  const chain = opts.checkChain !== false && lastSeq > 0 ? new ChainCheck(resolve(journal.info().path)) : null;
  const hashes = new StateHashes();
  try {
    return verifyWith(journal, opts, lastSeq, chain, hashes, t0);
  } finally {
    chain?.stop();
    hashes.stop();
  }
}

/** A stored snapshot met by the re-run, whose state is being hashed in a worker. */
interface SnapshotCheck {
  readonly seq: number;
  readonly recorded: string;
  readonly pending: Pending;
  /** The counts and the last row read when it was met (what is reported if it is the first mismatch). */
  readonly counts: Counts;
  readonly readSeq: number;
}

interface Counts {
  events: number;
  inputs: number;
  decisions: number;
  snapshotsChecked: number;
}

function verifyWith(
  journal: Journal, opts: VerifyDecisionsOptions, lastSeq: number, chain: ChainCheck | null, hashes: StateHashes, t0: number,
): VerifyDecisionsResult {
  let prefixMs = 0;
  let runStarted: RunStarted | null = null;
  let warnings: readonly string[] = [];
  let deps = opts.deps;
  if (deps === undefined) {
    const found = latestRunStarted(journal, seqBound(lastSeq));
    // The run.started that names the strategy files must be proven intact before any file it names is
    // loaded (loading runs the file): check the chain up to it here first. Usually it is seq 1.
    if (chain !== null && found !== null) prefixMs = checkChainPrefix(journal, found.seq);
    const rebuilt = rebuildDeps(journal, seqBound(lastSeq), found);
    deps = rebuilt.deps;
    runStarted = rebuilt.runStarted;
    warnings = rebuilt.warnings;
  }
  const snapshots = new Map(journal.listSnapshots().filter((s) => s.seq <= lastSeq).map((s) => [s.seq, s.stateHash]));

  let state = initialEngineState();
  const counts: Counts = { events: 0, inputs: 0, decisions: 0, snapshotsChecked: 0 };
  let pending: Pending | null = null;
  /** The last row read, and its hash (the chain walk must end on the same one). */
  let readSeq = 0;
  let readHash = '';
  /** The first bad row the chain walk has reported so far (Infinity: none yet). */
  let badSeq = Number.POSITIVE_INFINITY;
  /** Snapshots met whose hash has not been compared yet, in seq order; the seq of the last one met. */
  const checks: SnapshotCheck[] = [];
  let lastSnapshotSeq = -1;
  const stats = (c: Counts): VerifyStats => {
    const elapsedMs = performance.now() - t0;
    const chainMs = prefixMs + (chain?.ms ?? 0);
    return { ...c, elapsedMs, chainMs, eventsPerSec: c.events / Math.max(elapsedMs / 1000, 1e-9) };
  };

  /** Close a transaction: every produced decision must have been journaled; its end may carry a snapshot. */
  const finish = (p: Pending, endSeq: number): DecisionMismatch | null => {
    if (p.threw !== null && p.matched === 0) {
      return buildMismatch(p, 'step_threw', p.input.seq + 1, `step threw on input seq ${p.input.seq} (${p.threw}); the journal holds no decision for it`, []);
    }
    if (p.matched < p.produced.length) {
      const missing = p.produced[p.matched]!;
      return buildMismatch(p, 'missing', p.input.seq + 1 + p.matched,
        `step produced ${p.produced.length} decision(s) for input seq ${p.input.seq}; the journal holds ${p.matched}: ${missing.type} is missing`, []);
    }
    const recorded = snapshots.get(endSeq);
    if (recorded !== undefined) {
      counts.snapshotsChecked++;
      hashes.submit(endSeq, p.after);
      checks.push({ seq: endSeq, recorded, pending: p, counts: { ...counts }, readSeq });
      lastSnapshotSeq = endSeq;
    }
    return null;
  };
  /**
   * Compare the snapshot hashes that have arrived (or, with `wait`, all of them), in seq order; the first
   * snapshot whose state is not the re-run's, as the mismatch, with the counts of when it was met.
   */
  const firstBadSnapshot = (wait: boolean): SnapshotCheck & { mismatch: DecisionMismatch } | null => {
    for (let c = checks[0]; c !== undefined; c = checks[0]) {
      const hash = wait ? hashes.await(c.seq) : hashes.take(c.seq);
      if (hash === undefined) return null;
      checks.shift();
      if (hash !== c.recorded) {
        return {
          ...c,
          mismatch: buildMismatch(c.pending, 'snapshot', c.seq,
            `the state after seq ${c.seq} (re-run) hashes to ${hash}, the stored snapshot at seq ${c.seq} to ${c.recorded}: the snapshot is not this build's state there (the reducers changed since it was written without a STATE_VERSION bump, or the stored snapshot is wrong)`, []),
        };
      }
    }
    return null;
  };

  let mismatch: DecisionMismatch | null = null;
  let snapshotBad: ReturnType<typeof firstBadSnapshot> = null;
  // Read ahead: a reader thread steps SQLite while this thread re-runs (the rows it hands over are parsed here).
  const iterator = journal.read({ toSeq: seqBound(lastSeq), validate: false, readAhead: true });
  try {
    for (const e of iterator) {
      readSeq = e.seq;
      readHash = e.hash;
      if ((e.seq & (POLL_EVERY_EVENTS - 1)) === 0) {
        if (chain !== null) {
          chain.poll();
          if (chain.bad !== null) badSeq = chain.bad.seq;
        }
        snapshotBad = firstBadSnapshot(false);
        if (snapshotBad !== null) break;
      }
      // Nothing from a row at or after the first bad one is used.
      if (e.seq >= badSeq) throw brokenChain(chain!.bad!);
      counts.events++;
      if (e.kind === 'input') {
        if (pending !== null) {
          mismatch = finish(pending, e.seq - 1);
          if (mismatch !== null) break;
          state = pending.after;
        }
        counts.inputs++;
        pending = runStep(state, e as InputEvent, deps);
      } else {
        counts.decisions++;
        if (pending === null) {
          // The chain walk's bad_caused_by rule makes this unreachable for a verified journal.
          throw new ReplayUsageError('corrupt_journal', `decision ${e.type} at seq ${e.seq} comes before any input`);
        }
        const bad = compareDecision(pending, e as DecisionEvent);
        if (bad !== null) {
          // Collect the rest of this input's journaled decisions for the report.
          const rest: DecisionEvent[] = [e as DecisionEvent];
          for (const more of iterator) {
            if (more.kind === 'input') break;
            rest.push(more as DecisionEvent);
          }
          mismatch = buildMismatch(pending, bad.kind, e.seq, bad.detail, rest);
          break;
        }
        pending.matched++;
      }
      if (opts.onProgress !== undefined && counts.events % VERIFY_PROGRESS_EVERY_EVENTS === 0) opts.onProgress(e.seq, lastSeq);
    }
    if (snapshotBad === null && mismatch === null && pending !== null) {
      mismatch = finish(pending, lastSeq);
      if (mismatch === null) state = pending.after;
    }
  } catch (err) {
    // A row the re-run could not use (its payload is not JSON, a decision before any input) is corrupt
    // when the walk finds it or an earlier row bad; otherwise the error is the re-run's own.
    const bad = chain?.awaitThrough(readSeq + 1) ?? null;
    if (bad !== null) throw brokenChain(bad);
    throw err;
  } finally {
    iterator.return?.();
  }

  // The final state's hash is started before waiting for the snapshots' (the last one is usually near the
  // end): both are computed side by side. A snapshot checked at the last seq is of the final state itself.
  if (snapshotBad === null && mismatch === null && lastSnapshotSeq !== lastSeq) hashes.submit(lastSeq, state);
  // A snapshot met before the re-run stopped is earlier than whatever stopped it.
  snapshotBad ??= firstBadSnapshot(true);
  let stopped: Counts = counts;
  if (snapshotBad !== null) {
    mismatch = snapshotBad.mismatch;
    stopped = snapshotBad.counts;
    readSeq = snapshotBad.readSeq;
  }
  if (chain !== null) {
    if (mismatch !== null) {
      // The mismatch stands only if every row up to the one that showed it is what was written.
      const bad = chain.awaitThrough(readSeq);
      if (bad !== null) throw brokenChain(bad);
    } else {
      chain.awaitAll(lastSeq, readHash);
    }
  }
  opts.onProgress?.(mismatch?.seq ?? lastSeq, lastSeq);
  if (mismatch !== null) return { ok: false, stats: stats(stopped), runStarted, warnings, mismatch };
  return { ok: true, stats: stats(counts), runStarted, warnings, finalState: state, finalStateHash: hashes.await(lastSeq) };
}

function runStep(state: EngineState, input: InputEvent, deps: DecideDeps): Pending {
  try {
    // The envelope exactly as the shell built it for its step (no hash, no recordedAt: reducers never read them).
    const r = step(state, provisionalEnvelope(input, input.seq, null), deps);
    return { input, before: state, produced: r.decisions, after: r.state, threw: null, matched: 0 };
  } catch (err) {
    // The live shell journals the input alone with an engine.halted carrying the error (shell.ts); the state
    // then continues from the input folded with that halt, which `compareDecision` applies when it matches.
    const error = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
    return { input, before: state, produced: [], after: state, threw: error, matched: 0 };
  }
}

/** Compare the next journaled decision of the pending input with what step produced at that position. */
function compareDecision(p: Pending, d: DecisionEvent): { kind: DecisionMismatch['kind']; detail: string } | null {
  if (p.threw !== null) return compareHaltAfterThrow(p, d);
  const want = p.produced[p.matched];
  if (want === undefined) {
    return { kind: 'extra', detail: `the journal holds ${d.type} at seq ${d.seq}, but step produced only ${p.produced.length} decision(s) for input seq ${p.input.seq}` };
  }
  if (d.type !== want.type) return { kind: 'type', detail: `seq ${d.seq}: the journal holds ${d.type}, step produced ${want.type}` };
  if (d.causedBy !== p.input.seq) return { kind: 'caused_by', detail: `seq ${d.seq}: causedBy ${String(d.causedBy)}, the input is seq ${p.input.seq}` };
  if (d.ts !== want.ts) return { kind: 'ts', detail: `seq ${d.seq} ${d.type}: the journal holds ts ${d.ts}, step produced ts ${want.ts}` };
  if (sameJson(d.payload, want.payload)) return null;
  // Different, or a value sameJson cannot judge: the canonical texts decide, and name the difference.
  let produced: string;
  try {
    produced = canonicalJson(want.payload);
  } catch (e) {
    return { kind: 'payload', detail: `seq ${d.seq} ${d.type}: step produced a payload JSON cannot carry (${(e as Error).message})` };
  }
  const recorded = canonicalJson(d.payload);
  if (recorded !== produced) return { kind: 'payload', detail: `seq ${d.seq} ${d.type}: payload differs (${firstDifference(recorded, produced)})` };
  return null;
}

/**
 * step threw on this input. What the shell journals then is the input alone with one engine.halted whose
 * reason names the input and whose error starts with the error's name and message (the stack follows, and
 * depends on where the code was installed, so it is not compared).
 */
function compareHaltAfterThrow(p: Pending, d: DecisionEvent): { kind: DecisionMismatch['kind']; detail: string } | null {
  const reason = `step failed on ${p.input.type} (seq ${p.input.seq})`;
  if (p.matched > 0) return { kind: 'extra', detail: `step threw on input seq ${p.input.seq}; the journal holds more than the one engine.halted the shell writes then` };
  if (d.type !== 'engine.halted' || d.payload.reason !== reason || !(d.payload.error ?? '').startsWith(p.threw!)) {
    return { kind: 'step_threw', detail: `step threw on input seq ${p.input.seq} (${p.threw}); the journal holds ${d.type} at seq ${d.seq}` };
  }
  // Fold exactly what the shell folds after a failed step (Engine.foldAfterFailure).
  const halt = provisionalEnvelope(d, d.seq, p.input.seq);
  try {
    p.after = evolve(evolve(p.before, provisionalEnvelope(p.input, p.input.seq, null)), halt);
  } catch {
    p.after = evolve(p.before, halt);
  }
  p.produced = [{ type: d.type, ts: d.ts, payload: d.payload }];
  return null;
}

/** The journaled decisions of the pending input seen so far plus `rest`, what step produced, the symbol's state. */
function buildMismatch(
  p: Pending, kind: DecisionMismatch['kind'], seq: number, detail: string, rest: readonly DecisionEvent[],
): DecisionMismatch {
  // The journaled decisions matched so far are exactly the produced ones at those positions.
  const expected: DecisionLine[] = [];
  for (let i = 0; i < p.matched; i++) {
    const d = p.produced[i]!;
    expected.push({ seq: p.input.seq + 1 + i, ts: d.ts, type: d.type, causedBy: p.input.seq, payload: d.payload });
  }
  for (const d of rest) expected.push({ seq: d.seq, ts: d.ts, type: d.type, causedBy: d.causedBy ?? -1, payload: d.payload });
  const actual: DecisionLine[] = p.threw !== null
    ? []
    : p.produced.map((d, i) => ({ seq: p.input.seq + 1 + i, ts: d.ts, type: d.type, causedBy: p.input.seq, payload: d.payload }));
  const symbol = symbolOf(p, expected, actual);
  let sym: SymbolState | null = null;
  if (symbol !== null) {
    try {
      sym = symbolState(evolve(p.before, p.input), symbol);
    } catch {
      sym = symbolState(p.before, symbol);
    }
  }
  return {
    seq, kind, detail,
    input: { seq: p.input.seq, ts: p.input.ts, type: p.input.type, payload: p.input.payload },
    expected, actual, symbol, symbolState: sym,
  };
}

/** The symbol a mismatch is about: the input's, else the first decision's that names one. */
function symbolOf(p: Pending, expected: readonly DecisionLine[], actual: readonly DecisionLine[]): string | null {
  const of = (payload: unknown): string | null => {
    if (payload === null || typeof payload !== 'object') return null;
    const s = (payload as { symbol?: unknown }).symbol;
    return typeof s === 'string' ? s : null;
  };
  const fromInput = of(p.input.payload);
  if (fromInput !== null) return fromInput;
  for (const d of [...expected, ...actual]) {
    const s = of(d.payload);
    if (s !== null) return s;
  }
  return null;
}

/** Where two JSON texts first differ, with a little context. */
export function firstDifference(a: string, b: string): string {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  const from = Math.max(0, i - 40);
  return `at character ${i}: journal …${a.slice(from, i + 40)}… vs re-run …${b.slice(from, i + 40)}…`;
}
