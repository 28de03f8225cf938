// One stretch of `replay --verify`: the rows of seqs fromSeq+1..toSeq, each checked by the journal's chain
// rules (hash, type, kind, causedBy, schema, canonical form: `journal.readChecked`) and then re-run: for each
// input, `step(state, input, deps)`, its decisions compared one by one with the journaled decisions the input
// caused (same count, type, canonical payload, causedBy, ts). A segment starts from the initial state
// (fromSeq 0) or from a stored snapshot, whose text must hash to the state hash the snapshot recorded. It ends
// with its state hashed afresh (every byte encoded again, nothing reused) and compared with the snapshot the
// next segment starts from. So segments re-run side by side in worker threads prove what one walk from zero
// would: segment 0 reaches the state of the first boundary snapshot exactly, the next starts from those very
// bytes, and so on; the hash each segment continued the chain from is the hash the one before ended on
// (verify.ts checks that). The first bad row or mismatch ends a segment.
import { canonicalJson, type DecisionDraft, type DecisionEvent, type InputEvent } from '@axiom/events';
import { provisionalEnvelope, restoreSnapshotText, step, type DecideDeps } from '@axiom/engine';
import type { CheckedEvents, Journal } from '@axiom/journal';
import { decodeSnapshot, evolve, initialEngineState, SnapshotVersionError, stateHash, type EngineState } from '@axiom/projections';
import { sameJson } from './same-json';
import { symbolState, type SymbolState } from './summary';

/** How often (in events, a power of two) a segment reports its progress and asks whether to stop. */
export const SEGMENT_POLL_EVERY_EVENTS = 4_096;

export interface SegmentSpec {
  /** The segment re-runs seqs fromSeq+1..toSeq; fromSeq 0 starts from the initial state, else from the snapshot at fromSeq. */
  readonly fromSeq: number;
  /** The state hash recorded for the snapshot at fromSeq (null from zero). */
  readonly fromStateHash: string | null;
  readonly toSeq: number;
  /** The state hash recorded for the snapshot at toSeq, which the state there must hash to (null: nothing to compare). */
  readonly endStateHash: string | null;
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

export interface SegmentCounts {
  events: number;
  inputs: number;
  decisions: number;
  snapshotsChecked: number;
}

/** The first row the chain rules refuse: its seq and `problem: detail`. */
export interface ChainBreak {
  readonly seq: number;
  readonly problem: string;
}

/** What every segment that walked its rows says: the hash it continued the chain from (the stored hash of row fromSeq). */
interface Walked {
  readonly counts: SegmentCounts;
  readonly startHash: string;
}

export type SegmentResult =
  /** Every row through toSeq checked and re-run; the last row's seq and hash. */
  | Walked & { readonly kind: 'ok'; readonly lastSeq: number; readonly lastHash: string }
  | Walked & { readonly kind: 'mismatch'; readonly mismatch: DecisionMismatch }
  | Walked & { readonly kind: 'corrupt'; readonly bad: ChainBreak }
  /**
   * A snapshot where segments meet cannot be used to split there: the one this segment was to start from
   * (its text is not its record, it is of another state version), or the one it ends at (of another state
   * version: a single walk from zero never looks at it, so it must not fail the pass).
   */
  | { readonly kind: 'unusable_snapshot'; readonly counts: SegmentCounts; readonly seq: number; readonly why: string }
  /** Told to stop (an earlier segment failed). */
  | { readonly kind: 'stopped'; readonly counts: SegmentCounts };

export interface SegmentHooks {
  /** Called every SEGMENT_POLL_EVERY_EVENTS events with the events re-run so far; true stops the segment. */
  readonly poll?: (events: number) => boolean;
  /** The segment's rows, checked by the chain rules (default: `journal.readChecked` on this thread; checked-ahead.ts on another). */
  readonly rows?: (range: { readonly fromSeq: number; readonly toSeq: number }) => CheckedEvents;
}

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


/** Re-run one segment (see the top of this file); also returns the state at its end (or where it stopped). */
export function runSegment(journal: Journal, spec: SegmentSpec, deps: DecideDeps, hooks: SegmentHooks = {}): { result: SegmentResult; state: EngineState } {
  const counts: SegmentCounts = { events: 0, inputs: 0, decisions: 0, snapshotsChecked: 0 };
  // The rows first: a checker thread starts on them while the start state is restored.
  const range = { fromSeq: spec.fromSeq + 1, toSeq: spec.toSeq };
  const rows = hooks.rows?.(range) ?? journal.readChecked(range);
  try {
    let state = initialEngineState();
    if (spec.fromSeq > 0) {
      const start = loadStart(journal, spec);
      if (typeof start === 'string') return { result: { kind: 'unusable_snapshot', counts, seq: spec.fromSeq, why: start }, state };
      state = start;
    }
    return walkRows(journal, spec, deps, hooks, rows, counts, state);
  } finally {
    rows.return();
  }
}

/** runSegment's walk over its rows from the start state (runSegment ends the rows). */
function walkRows(
  journal: Journal, spec: SegmentSpec, deps: DecideDeps, hooks: SegmentHooks, rows: CheckedEvents, counts: SegmentCounts, start: EngineState,
): { result: SegmentResult; state: EngineState } {
  let state = start;
  let pending: Pending | null = null;
  const startHash = rows.startHash;
  const end = (result: SegmentResult) => ({ result, state });
  for (let e = rows.nextEvent(); e !== null; e = rows.nextEvent()) {
    if ((counts.events & (SEGMENT_POLL_EVERY_EVENTS - 1)) === 0 && hooks.poll?.(counts.events) === true) return end({ kind: 'stopped', counts });
    counts.events++;
    if (e.kind === 'input') {
      if (pending !== null) {
        const missing = finish(pending);
        if (missing !== null) return end({ kind: 'mismatch', counts, startHash, mismatch: missing });
        state = pending.after;
      }
      counts.inputs++;
      pending = runStep(state, e as InputEvent, deps);
      continue;
    }
    counts.decisions++;
    // readChecked's causedBy rule refuses a decision before any input; a segment starts at an input.
    if (pending === null) return end({ kind: 'corrupt', counts, startHash, bad: { seq: e.seq, problem: `bad_caused_by: decision ${e.type} comes before any input of its segment` } });
    const bad = compareDecision(pending, e as DecisionEvent);
    if (bad !== null) {
      // Collect the rest of this input's journaled decisions (the rows that pass the chain rules) for the report.
      const rest: DecisionEvent[] = [e as DecisionEvent];
      for (let more = rows.nextEvent(); more !== null && more.kind !== 'input'; more = rows.nextEvent()) rest.push(more as DecisionEvent);
      return end({ kind: 'mismatch', counts, startHash, mismatch: buildMismatch(pending, bad.kind, e.seq, bad.detail, rest) });
    }
    pending.matched++;
  }
  if (rows.bad !== null) return end({ kind: 'corrupt', counts, startHash, bad: { seq: rows.bad.seq, problem: `${rows.bad.problem}: ${rows.bad.detail}` } });
  if (rows.lastSeq < spec.toSeq) {
    return end({ kind: 'corrupt', counts, startHash, bad: { seq: rows.lastSeq + 1, problem: `gap: seq ${rows.lastSeq + 1} is missing: the journal ends at seq ${rows.lastSeq}, its last seq was ${spec.toSeq} when verify began` } });
  }
  if (pending !== null) {
    const missing = finish(pending);
    if (missing !== null) return end({ kind: 'mismatch', counts, startHash, mismatch: missing });
    state = pending.after;
  }
  if (spec.endStateHash !== null) {
    const hash = stateHash(state);
    if (hash !== spec.endStateHash) {
      const version = otherVersion(journal, spec.toSeq);
      if (version !== null) return end({ kind: 'unusable_snapshot', counts, seq: spec.toSeq, why: version });
      // Segments start at an input (verify.ts plans them so), so the last transaction is pending here.
      if (pending === null) throw new Error(`replay --verify: segment ${spec.fromSeq}..${spec.toSeq} re-ran no input`);
      const mismatch = buildMismatch(pending, 'snapshot', spec.toSeq,
        `the state after seq ${spec.toSeq} (re-run) hashes to ${hash}, the stored snapshot at seq ${spec.toSeq} to ${spec.endStateHash}: the snapshot is not this build's state there (the reducers changed since it was written without a STATE_VERSION bump, or the stored snapshot is wrong); \`replay --check-snapshots\` checks every snapshot`, []);
      return end({ kind: 'mismatch', counts, startHash, mismatch });
    }
    counts.snapshotsChecked++;
  }
  return end({ kind: 'ok', counts, startHash, lastSeq: rows.lastSeq, lastHash: rows.lastHash });
}

/** Why the stored snapshot at seq cannot be restored by this build (another state version), or null. */
function otherVersion(journal: Journal, seq: number): string | null {
  const snap = journal.loadSnapshotText(seq);
  if (snap === null || snap.seq !== seq) return null;
  try {
    decodeSnapshot(snap.text);
    return null;
  } catch (e) {
    return e instanceof SnapshotVersionError ? `the snapshot at seq ${seq} cannot be restored: ${e.message}` : null;
  }
}

/** The state of the snapshot at spec.fromSeq, or why it cannot be started from. */
function loadStart(journal: Journal, spec: SegmentSpec): EngineState | string {
  const snap = journal.loadSnapshotText(spec.fromSeq);
  if (snap === null || snap.seq !== spec.fromSeq) return `no snapshot is stored at seq ${spec.fromSeq}`;
  // Its record must be the hash the segment before ends on, and its text the very bytes of that hash.
  if (snap.stateHash !== spec.fromStateHash) return `the snapshot at seq ${spec.fromSeq} is recorded as ${snap.stateHash}, not ${String(spec.fromStateHash)} as planned`;
  try {
    return restoreSnapshotText(snap);
  } catch (e) {
    return e instanceof SnapshotVersionError ? `the snapshot at seq ${spec.fromSeq} cannot be restored: ${e.message}` : (e as Error).message;
  }
}

/** Close a transaction: every produced decision must have been journaled. */
function finish(p: Pending): DecisionMismatch | null {
  if (p.threw !== null && p.matched === 0) {
    return buildMismatch(p, 'step_threw', p.input.seq + 1, `step threw on input seq ${p.input.seq} (${p.threw}); the journal holds no decision for it`, []);
  }
  if (p.matched < p.produced.length) {
    const missing = p.produced[p.matched]!;
    return buildMismatch(p, 'missing', p.input.seq + 1 + p.matched,
      `step produced ${p.produced.length} decision(s) for input seq ${p.input.seq}; the journal holds ${p.matched}: ${missing.type} is missing`, []);
  }
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
