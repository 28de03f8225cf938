// `replay --verify`: prove that every decision in a journal is what the engine's `step` produces today from
// the same inputs, that it produces nothing else, and that every row is what was written (the hash chain
// and the journal's row rules). The journal is re-run in segments (segment.ts), side by side on worker
// threads and this one, split at stored snapshots: a segment starts from the state of the snapshot before
// it (its text hashed against its record) and ends by hashing its state afresh against the snapshot the next
// one starts from, so the segments together prove exactly what one walk from zero proves. A journal without
// snapshots to split at, a small one, or a run with deps given (tests) is one segment on this thread.
// With two threads or more each segment's rows are checked by a thread beside it (checkAhead: check-worker.ts,
// checked-ahead.ts), so a segment takes two threads: on two cores, one segment and its checker.
//
// The answer is the first failure in seq order: segments are judged in order, and a segment's mismatch or bad
// row stands only when every segment before it passed (a later one started from a state an earlier failure
// disproves). The hash each segment continued the chain from must be the one the segment before ended on.
// Snapshots checked: those at segment boundaries (and a stored snapshot at the last seq); every snapshot is
// `replay --check-snapshots`' job.
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import type { DecideDeps } from '@axiom/engine';
import type { Journal } from '@axiom/journal';
import { initialEngineState, type EngineState } from '@axiom/projections';
import { brokenChain, checkChainPrefix } from './chain';
import { latestRunStarted, rebuildDeps, type RunStarted } from './deps';
import { CheckedAhead } from './checked-ahead';
import {
  runSegment,
  type DecisionMismatch, type SegmentCounts, type SegmentHooks, type SegmentResult, type SegmentSpec,
} from './segment';
import { seqBound } from './seq';
import { SyncWorker } from './sync-worker';
import { workerError } from './worker-protocol';

export { firstDifference, type DecisionLine, type DecisionMismatch } from './segment';

/** How often (in events) onProgress is called, about. */
export const VERIFY_PROGRESS_EVERY_EVENTS = 65_536;
/** Segments are at least this long: a worker thread costs ~100 ms to start and rebuild the strategies (~10,000 events of re-run). */
export const VERIFY_SEGMENT_EVENTS_MIN = 25_000;
/**
 * A journal has a checker thread beside each segment from this many events (VerifyDecisionsOptions.checkAhead):
 * below it, starting the thread and warming its code cost more than it saves. Measured with the `axiom` binary
 * (a fresh process) on cuts of the 500-symbol bench day, one thread against two: 0.40-0.46 s against
 * 0.48-0.57 s at 25,000 events, 0.77-0.88 s against 0.92-1.00 s at 50,000, 1.46-1.51 s against 1.31-1.48 s
 * at 100,000, 2.90-3.16 s against 2.34-2.44 s at 223,000.
 */
export const VERIFY_CHECK_AHEAD_EVENTS_MIN = 100_000;
/** Threads re-running segments at most (this one included). */
export const VERIFY_THREADS_MAX = 16;

export interface VerifyDecisionsOptions {
  /** Use these deps instead of rebuilding them from run.started (tests); the journal is then one segment on this thread. */
  readonly deps?: DecideDeps;
  /** Threads to re-run on, this one included (default: the machine's available parallelism, at most VERIFY_THREADS_MAX). */
  readonly threads?: number;
  /**
   * Check each segment's rows by the chain rules on a thread of its own (checked-ahead.ts), so that a segment
   * takes two threads (default: true when there are two threads or more and the journal has at least
   * `checkAheadEventsMin` events). Without it every thread re-runs a segment, checking its rows itself.
   */
  readonly checkAhead?: boolean;
  /** The fewest events for checkAhead's default (default VERIFY_CHECK_AHEAD_EVENTS_MIN). */
  readonly checkAheadEventsMin?: number;
  /** The shortest segment, in events (default VERIFY_SEGMENT_EVENTS_MIN; tests split small journals). */
  readonly segmentEventsMin?: number;
  /** Progress: events re-run so far of the total. */
  readonly onProgress?: (done: number, total: number) => void;
}

export interface VerifyStats {
  events: number;
  inputs: number;
  decisions: number;
  /** Stored snapshots whose state hash the re-run's state matched (at segment boundaries). */
  snapshotsChecked: number;
  /** Segments the journal was re-run in (side by side, one per thread, or two with checkAhead). */
  segments: number;
  /** Each segment's rows were checked by the chain rules on a thread beside it (VerifyDecisionsOptions.checkAhead). */
  checkAhead: boolean;
  elapsedMs: number;
  /** Events per second of the whole pass (read + chain rules + step + compare). */
  eventsPerSec: number;
}

export type VerifyDecisionsResult =
  /** finalState: the re-run's state after the last seq (its hash is the caller's to take: `stateHash`, ~90 ms for a 500-symbol day's state, which the replay command takes once for its summary). */
  | { ok: true; stats: VerifyStats; runStarted: RunStarted | null; warnings: readonly string[]; finalState: EngineState }
  | { ok: false; stats: VerifyStats; runStarted: RunStarted | null; warnings: readonly string[]; mismatch: DecisionMismatch };

export function verifyDecisions(journal: Journal, opts: VerifyDecisionsOptions = {}): VerifyDecisionsResult {
  const t0 = performance.now();
  const lastSeq = journal.lastSeq();
  const minEvents = opts.segmentEventsMin ?? VERIFY_SEGMENT_EVENTS_MIN;
  const threads = opts.deps !== undefined ? 1 : Math.max(1, Math.min(opts.threads ?? availableParallelism(), VERIFY_THREADS_MAX));
  const checkAhead = opts.checkAhead ?? (threads >= 2 && lastSeq >= (opts.checkAheadEventsMin ?? VERIFY_CHECK_AHEAD_EVENTS_MIN));
  const segmentsWanted = checkAhead ? Math.max(1, Math.floor(threads / 2)) : threads;
  // The worker threads start first, before their jobs are known: loading their code (~100 ms) overlaps the
  // reads below (the plan; the run.started, a scan of the journal; the chain up to it). Those not needed end.
  // The checker of this thread's segment is one of them; a worker's segment starts its own.
  let checker: SyncWorker | null = null;
  let spare: SyncWorker[] = [];
  try {
    if (checkAhead) checker = new SyncWorker('check');
    spare = startWorkers(segmentCount(lastSeq, segmentsWanted, minEvents) - 1);
    let runStarted: RunStarted | null = null;
    let warnings: readonly string[] = [];
    let deps = opts.deps;
    let found: RunStarted | null | undefined;
    const file = resolve(journal.info().path);
    const unusable = new Set<number>();
    const notes: string[] = [];
    // A pass that met snapshots it cannot split at (a text that is not its record, another state version) is
    // planned again without them.
    for (;;) {
      const specs = planSegments(journal, lastSeq, segmentsWanted, minEvents, unusable);
      const running: Running[] = [];
      let pass: Pass;
      // This thread's segment is the last; its checker starts on it now, while the run.started is found (a
      // scan of the journal: `type` has no index) and the strategies are rebuilt.
      const own = specs[specs.length - 1]!;
      const ahead = checker === null ? null : new CheckedAhead(checker, file, { fromSeq: own.fromSeq + 1, toSeq: own.toSeq });
      try {
        if (found === undefined) {
          found = deps === undefined ? latestRunStarted(journal, seqBound(lastSeq)) : null;
          // The run.started that names the strategy files must be proven intact before any file it names is
          // loaded (loading runs the file), here or in a worker: its chain is checked first. Usually it is seq 1.
          if (found !== null) checkChainPrefix(journal, found.seq);
          // Without one nothing can be re-run: rebuildDeps says so (no_run_started).
          else if (deps === undefined) rebuildDeps(journal, seqBound(lastSeq), null);
        }
        specs.forEach((spec, i) => {
          let worker: SyncWorker | null = null;
          if (i < specs.length - 1) {
            worker = spare.shift() ?? new SyncWorker();
            // With segments to share, a run.started was found (opts.deps makes one segment).
            worker.start({ kind: 'segment', file, spec, runStartedSeq: found!.seq, lastSeq, checkAhead });
          }
          running.push({ spec, worker, events: 0, result: null, failure: null });
        });
        for (const w of spare) w.stop();
        spare = [];
        if (deps === undefined) {
          const rebuilt = rebuildDeps(journal, seqBound(lastSeq), found);
          deps = rebuilt.deps;
          runStarted = rebuilt.runStarted;
          warnings = rebuilt.warnings;
        }
        pass = runSegments(journal, running, deps, lastSeq, opts.onProgress, ahead === null ? undefined : () => ahead);
      } finally {
        for (const r of running) r.worker?.stop();
        ahead?.return();
      }
      if (pass.unusable.length > 0) {
        // The pass planned again needs a checker of its own: this one ended with the pass.
        if (checker !== null) checker = new SyncWorker('check');
        for (const u of pass.unusable) {
          if (unusable.has(u.seq)) continue;
          unusable.add(u.seq);
          notes.push(`the snapshot at seq ${u.seq} was not used to split the re-run: ${u.why}`);
        }
        continue;
      }
      const elapsedMs = performance.now() - t0;
      const stats: VerifyStats = { ...pass.counts, segments: specs.length, checkAhead, elapsedMs, eventsPerSec: pass.counts.events / Math.max(elapsedMs / 1000, 1e-9) };
      const all = [...warnings, ...notes];
      if (pass.mismatch !== null) {
        opts.onProgress?.(pass.counts.events, lastSeq);
        return { ok: false, stats, runStarted, warnings: all, mismatch: pass.mismatch };
      }
      opts.onProgress?.(lastSeq, lastSeq);
      return { ok: true, stats, runStarted, warnings: all, finalState: pass.finalState };
    }
  } finally {
    for (const w of spare) w.stop();
    checker?.stop();
  }
}

/** Segments a journal of lastSeq events is split into at most: one per thread, each at least minEvents long. */
function segmentCount(lastSeq: number, threads: number, minEvents: number): number {
  return Math.max(1, Math.min(threads, Math.floor(lastSeq / Math.max(1, minEvents))));
}

function startWorkers(n: number): SyncWorker[] {
  const out: SyncWorker[] = [];
  try {
    for (let i = 0; i < n; i++) out.push(new SyncWorker());
  } catch (e) {
    for (const w of out) w.stop();
    throw e;
  }
  return out;
}

/**
 * Split 1..lastSeq into at most `threads` segments of at least `minEvents` events, at stored snapshots that
 * end a transaction (the row after them is an input), as near as they can be to equal lengths.
 */
function planSegments(journal: Journal, lastSeq: number, threads: number, minEvents: number, unusable: ReadonlySet<number>): SegmentSpec[] {
  const snapshots = journal.listSnapshots().filter((s) => s.seq > 0 && s.seq <= lastSeq);
  const atLast = snapshots.find((s) => s.seq === lastSeq)?.stateHash ?? null;
  const count = segmentCount(lastSeq, threads, minEvents);
  const cuts: Array<{ seq: number; stateHash: string }> = [];
  if (count > 1) {
    const candidates = snapshots.filter((s) => s.seq < lastSeq && !unusable.has(s.seq));
    // Whether a snapshot starts a transaction is read only for the ones considered (nearest first).
    const starts = new Map<number, boolean>();
    const startsAt = (seq: number) => starts.get(seq) ?? starts.set(seq, startsTransaction(journal, seq)).get(seq)!;
    for (let i = 1; i < count; i++) {
      const target = (lastSeq * i) / count;
      const best = [...candidates].sort((x, y) => Math.abs(x.seq - target) - Math.abs(y.seq - target) || x.seq - y.seq).find((c) => startsAt(c.seq));
      if (best === undefined) break;
      const prev = cuts.length > 0 ? cuts[cuts.length - 1]!.seq : 0;
      if (best.seq - prev >= minEvents && lastSeq - best.seq >= minEvents) cuts.push(best);
    }
  }
  const specs: SegmentSpec[] = [];
  let from = { seq: 0, stateHash: null as string | null };
  for (const cut of cuts) {
    specs.push({ fromSeq: from.seq, fromStateHash: from.stateHash, toSeq: cut.seq, endStateHash: cut.stateHash });
    from = cut;
  }
  specs.push({ fromSeq: from.seq, fromStateHash: from.stateHash, toSeq: lastSeq, endStateHash: atLast });
  return specs;
}

/**
 * Whether the row after seq is an input that passes the chain rules (continuing from row seq): a row that
 * fails them is no place to split, so that the walk meets it in the middle of a segment and names it as a
 * single walk would.
 */
function startsTransaction(journal: Journal, seq: number): boolean {
  const rows = journal.readChecked({ fromSeq: seq + 1, toSeq: seq + 1 });
  try {
    const next = rows.next();
    return next.done !== true && next.value.kind === 'input';
  } finally {
    rows.return();
  }
}

interface Pass {
  counts: SegmentCounts;
  mismatch: DecisionMismatch | null;
  finalState: EngineState;
  /** Snapshots a segment could not split at: the pass proves nothing and is planned again without them. */
  unusable: Array<{ seq: number; why: string }>;
}

/** One segment as the main thread tracks it: on a worker (all but the last) or on this thread (the last). */
interface Running {
  readonly spec: SegmentSpec;
  readonly worker: SyncWorker | null;
  events: number;
  result: SegmentResult | null;
  /** The worker failed (it threw, or could not start): thrown when the segments before it passed. */
  failure: Error | null;
}

function runSegments(
  journal: Journal, running: Running[], deps: DecideDeps, lastSeq: number, onProgress: VerifyDecisionsOptions['onProgress'],
  rows: SegmentHooks['rows'],
): Pass {
  let reported = 0;
  const progress = () => {
    const done = running.reduce((n, r) => n + r.events, 0);
    if (onProgress !== undefined && done - reported >= VERIFY_PROGRESS_EVERY_EVENTS) {
      reported = done;
      onProgress(done, lastSeq);
    }
  };
  const own = running[running.length - 1]!;
  let state = initialEngineState();
  try {
    const ran = runSegment(journal, own.spec, deps, {
      rows,
      poll: (events) => {
        own.events = events;
        for (const r of running) if (r.worker !== null) drain(r);
        progress();
        // An earlier segment failed: what this one finds cannot be the first failure.
        return running.some((r) => r !== own && (r.failure !== null || (r.result !== null && r.result.kind !== 'ok')));
      },
    });
    own.result = ran.result;
    own.events = ran.result.counts.events;
    state = ran.state;
  } catch (e) {
    // Thrown in its turn, as a worker's failure is: a segment before this one may fail first.
    own.failure = e instanceof Error ? e : new Error(String(e));
  }
  // Judge the segments in seq order, waiting for each; the first that did not pass is the answer.
  const counts: SegmentCounts = { events: 0, inputs: 0, decisions: 0, snapshotsChecked: 0 };
  const unusable: Pass['unusable'] = [];
  let startHashWanted: string | null = null;
  for (const r of running) {
    while (r.result === null && r.failure === null) {
      take(r, r.worker!.receive(`verify segment ${r.spec.fromSeq + 1}..${r.spec.toSeq}`));
      progress();
    }
    const res = r.result;
    // Past a snapshot that cannot be split at, only more such snapshots are of use (for the next plan).
    if (unusable.length > 0) {
      if (res?.kind === 'unusable_snapshot') unusable.push({ seq: res.seq, why: res.why });
      continue;
    }
    // A worker that failed replied no result.
    if (res === null) throw r.failure!;
    if (res.kind === 'unusable_snapshot') {
      unusable.push({ seq: res.seq, why: res.why });
      continue;
    }
    if (res.kind === 'stopped') throw new Error(`replay --verify: segment ${r.spec.fromSeq + 1}..${r.spec.toSeq} stopped though no segment before it failed`);
    // Every segment continued the chain from the hash the one before it ended on (the file did not change).
    if (startHashWanted !== null && res.startHash !== startHashWanted) {
      throw brokenChain({ seq: r.spec.fromSeq, problem: `hash_mismatch: the segment from seq ${r.spec.fromSeq + 1} continued the chain from another hash at seq ${r.spec.fromSeq} than the segment before ended on: the file changed while it was verified` });
    }
    counts.events += res.counts.events;
    counts.inputs += res.counts.inputs;
    counts.decisions += res.counts.decisions;
    counts.snapshotsChecked += res.counts.snapshotsChecked;
    switch (res.kind) {
      case 'ok':
        startHashWanted = res.lastHash;
        continue;
      case 'mismatch':
        return { counts, mismatch: res.mismatch, finalState: state, unusable };
      case 'corrupt':
        throw brokenChain(res.bad);
      default: {
        const never: never = res;
        throw new Error(`replay --verify: unknown segment result ${JSON.stringify(never)}`);
      }
    }
  }
  return { counts, mismatch: null, finalState: state, unusable };
}

/** Take in what a worker segment has replied so far, without waiting. */
function drain(r: Running): void {
  while (r.result === null && r.failure === null) {
    const reply = r.worker!.poll();
    if (reply === null) return;
    take(r, reply);
  }
}

function take(r: Running, reply: ReturnType<SyncWorker['receive']>): void {
  switch (reply.kind) {
    case 'segment-progress':
      r.events = reply.events;
      return;
    case 'segment-done':
      r.result = reply.result;
      r.events = reply.result.counts.events;
      return;
    case 'failed':
      r.failure = workerError(`the segment ${r.spec.fromSeq + 1}..${r.spec.toSeq}`, reply);
      return;
    case 'rows':
      throw new Error(`replay --verify: the worker of segment ${r.spec.fromSeq + 1}..${r.spec.toSeq} replied rows`);
    default: {
      const never: never = reply;
      throw new Error(`replay --verify: unknown reply ${JSON.stringify(never)}`);
    }
  }
}
