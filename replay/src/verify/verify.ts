// `replay --verify`: prove that every decision in a journal is what the engine's `step` produces today from
// the same inputs, and that it produces nothing else. The fold starts from zero; for each input in seq order
// `step(state, input, deps)` runs with the deps rebuilt from the journal's latest run.started, and its
// decisions are compared one by one with the journaled decisions the input caused: same count, same type,
// same canonical payload, same causedBy (the input's seq), same ts. The fold continues from the step's state
// (what the live shell keeps and snapshots), so every stored snapshot met at the end of a transaction is
// checked against it too. The first mismatch stops the walk.
//
// The hash chain is checked in the same pass, row by row, before a row is used: a decision re-run over rows
// that are not what was written proves nothing, so a row whose chain hash does not match (or a gap, an
// unknown type, a kind the catalog does not give the type, a causedBy that is not the input of its
// transaction) is a corrupt journal (exit 2), reported at that seq. Payloads are not re-validated against
// the catalog: the writer validated them before hashing them, and the chain proves they are what it wrote.
// (`axiom journal verify` walks the same chain with every schema check; this pass is the same proof of
// integrity at a fraction of the cost.)
import {
  CATALOG, GENESIS_HASH, canonicalJson, chainHash, isEventType, type AnyEvent, type DecisionDraft, type DecisionEvent,
  type InputEvent,
} from '@axiom/events';
import { provisionalEnvelope, step, type DecideDeps } from '@axiom/engine';
import type { Journal } from '@axiom/journal';
import { evolve, initialEngineState, stateHash, type EngineState } from '@axiom/projections';
import { latestRunStarted, rebuildDeps, type RunStarted } from './deps';
import { ReplayUsageError } from './errors';
import { seqBound } from './seq';
import { symbolState, type SymbolState } from './summary';

/** How often (in events) onProgress is called. */
export const VERIFY_PROGRESS_EVERY_EVENTS = 65_536;

export interface VerifyDecisionsOptions {
  /** Use these deps instead of rebuilding them from run.started (tests). */
  readonly deps?: DecideDeps;
  /** Check the hash chain of every row (default true; false only when the caller just walked it). */
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
  /** Time of the whole pass, and the part spent checking the hash chain. */
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
  const checkChain = opts.checkChain !== false;
  const lastSeq = journal.lastSeq();
  let chainMs = 0;
  let runStarted: RunStarted | null = null;
  let warnings: readonly string[] = [];
  let deps = opts.deps;
  const chain = { prevHash: GENESIS_HASH, expectedSeq: 1, lastInputSeq: null as number | null };
  if (deps === undefined) {
    const found = latestRunStarted(journal, seqBound(lastSeq));
    // The run.started that names the strategy files must be proven intact before any file it names is
    // loaded (loading runs the file): check the chain up to it first. Usually it is seq 1.
    if (checkChain && found !== null) chainMs += checkChainPrefix(journal, found.seq);
    const rebuilt = rebuildDeps(journal, seqBound(lastSeq), found);
    deps = rebuilt.deps;
    runStarted = rebuilt.runStarted;
    warnings = rebuilt.warnings;
  }
  const snapshots = new Map(journal.listSnapshots().filter((s) => s.seq <= lastSeq).map((s) => [s.seq, s.stateHash]));

  let state = initialEngineState();
  let events = 0;
  let inputs = 0;
  let decisions = 0;
  let snapshotsChecked = 0;
  let pending: Pending | null = null;
  const stats = (): VerifyStats => {
    const elapsedMs = performance.now() - t0;
    return { events, inputs, decisions, snapshotsChecked, elapsedMs, chainMs, eventsPerSec: events / Math.max(elapsedMs / 1000, 1e-9) };
  };

  const iterator = journal.read({ toSeq: seqBound(lastSeq), validate: false });
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
      snapshotsChecked++;
      const hash = stateHash(p.after);
      if (hash !== recorded) {
        return buildMismatch(p, 'snapshot', endSeq,
          `the state after seq ${endSeq} (re-run) hashes to ${hash}, the stored snapshot at seq ${endSeq} to ${recorded}: the snapshot is not this build's state there (the reducers changed since it was written without a STATE_VERSION bump, or the stored snapshot is wrong)`, []);
      }
    }
    return null;
  };

  let mismatch: DecisionMismatch | null = null;
  for (const e of iterator) {
    if (checkChain) {
      const c0 = performance.now();
      const bad = chainProblem(e, chain);
      chainMs += performance.now() - c0;
      if (bad !== null) {
        iterator.return?.();
        throw brokenChain(bad);
      }
    }
    events++;
    if (e.kind === 'input') {
      if (pending !== null) {
        mismatch = finish(pending, e.seq - 1);
        if (mismatch !== null) break;
        state = pending.after;
      }
      inputs++;
      pending = runStep(state, e as InputEvent, deps);
    } else {
      decisions++;
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
    if (opts.onProgress !== undefined && events % VERIFY_PROGRESS_EVERY_EVENTS === 0) opts.onProgress(e.seq, lastSeq);
  }
  if (mismatch === null && pending !== null) {
    mismatch = finish(pending, lastSeq);
    if (mismatch === null) state = pending.after;
  }
  iterator.return?.();
  opts.onProgress?.(mismatch?.seq ?? lastSeq, lastSeq);
  if (mismatch !== null) return { ok: false, stats: stats(), runStarted, warnings, mismatch };
  return { ok: true, stats: stats(), runStarted, warnings, finalState: state, finalStateHash: stateHash(state) };
}

function brokenChain(bad: { seq: number; problem: string }): ReplayUsageError {
  return new ReplayUsageError('corrupt_journal', `the journal's hash chain is broken at seq ${bad.seq} (${bad.problem}); nothing after it can be verified: run \`axiom journal verify\``);
}

/** Check the chain of seqs 1..toSeq; throws a corrupt-journal error at the first bad row. Returns its ms. */
function checkChainPrefix(journal: Journal, toSeq: number): number {
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
function chainProblem(e: AnyEvent, at: { prevHash: string; expectedSeq: number; lastInputSeq: number | null }): { seq: number; problem: string } | null {
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
