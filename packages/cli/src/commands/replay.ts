// `axiom replay <journal>`: rebuild the state from a journal the way the live engine starts up (latest
// snapshot + the events after it, through the engine's own recoverState), optionally prove it, and print the
// state summary. --from-zero folds every event instead; --check-snapshots proves every stored snapshot equals
// the state folded from zero at its seq (and recovery == from zero); --verify re-runs `step` over every input
// and proves each journaled decision is reproduced exactly, stopping at the first mismatch.
// Exit codes: 0 ok / identical, 1 a check failed (a decision diverged, a snapshot differs), 2 usage error or a
// journal that cannot be used (missing, not a journal, broken hash chain, unreadable row, a strategy file
// that is gone or changed since the run).
import { existsSync } from 'node:fs';
import { Command, InvalidArgumentError, Option } from 'commander';
import { SingleBar } from 'cli-progress';
import { recoverState, type Recovery } from '@axiom/engine';
import { JournalOpenError, JournalReadError, openJournal, type Journal } from '@axiom/journal';
import { SnapshotVersionError, stateHash } from '@axiom/projections';
import {
  ReplayUsageError, checkSnapshots, formatMismatch, formatSnapshotCheck, formatStateSummary, formatVerifyStats,
  summarizeState, verifyDecisions, VERIFY_THREADS_MAX, type CheckSnapshotsResult, type VerifyDecisionsResult,
} from '@axiom/replay/src/verify';
import { EXIT, UsageError } from '../exit';

export interface OutputStream {
  write(chunk: string): unknown;
  readonly isTTY?: boolean;
}

export interface ReplayCommandIo {
  readonly stdout: OutputStream;
  readonly stderr: OutputStream;
  /** Records the exit code of a finished check. Default: sets process.exitCode. */
  readonly setExitCode: (code: number) => void;
}

interface ReplayFlags {
  fromZero?: boolean;
  toSeq?: number;
  checkSnapshots?: boolean;
  verify?: boolean;
  threads?: number;
  json?: boolean;
  progress?: boolean;
}

/** The process's own streams and exit code (tests pass their own). Shared by `replay` and `diff`. */
export const defaultIo = (): ReplayCommandIo => ({
  stdout: process.stdout,
  stderr: process.stderr,
  setExitCode: (code) => {
    process.exitCode = code;
  },
});

export function registerReplayCommand(program: Command, io: ReplayCommandIo = defaultIo()): Command {
  return program
    .command('replay')
    .description('rebuild state from a journal (crash recovery: latest snapshot + tail), prove it, print the state (exit 0 ok, 1 divergent, 2 usage/corrupt)')
    .argument('<journal>', 'journal file')
    .option('--from-zero', 'ignore snapshots: fold every event from the first')
    .option('--to-seq <seq>', 'stop after this seq (the state as it was then)', parseSeq)
    .option('--check-snapshots', 'prove every stored snapshot equals the state rebuilt from zero at its seq')
    .option('--verify', "re-run the engine's step over every input and prove every journaled decision is reproduced exactly")
    .option('--threads <n>', '--verify: threads to use (default: every core): the rows are checked on one while another re-runs them, and with 4 or more the journal is re-run in segments side by side, split at its snapshots', parseThreads)
    .option('--json', 'print the result as JSON')
    .addOption(new Option('--no-progress', 'no progress bar'))
    .action((file: string, flags: ReplayFlags) => {
      io.setExitCode(replayAction(file, flags, io));
    });
}

function parseThreads(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < 1 || n > VERIFY_THREADS_MAX) throw new InvalidArgumentError(`must be a number of threads from 1 to ${VERIFY_THREADS_MAX}`);
  return n;
}

/**
 * A --verify tuning knob in events from the environment, unset by default: AXIOM_VERIFY_SEGMENT_EVENTS_MIN, the
 * shortest segment it splits off (VERIFY_SEGMENT_EVENTS_MIN), and AXIOM_VERIFY_CHECK_AHEAD_EVENTS_MIN, the
 * fewest events for a checker thread (VERIFY_CHECK_AHEAD_EVENTS_MIN). Also how the tests make the binary split
 * a small journal, or check its rows on a thread.
 */
function eventsKnob(name: 'AXIOM_VERIFY_SEGMENT_EVENTS_MIN' | 'AXIOM_VERIFY_CHECK_AHEAD_EVENTS_MIN'): number | undefined {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return undefined;
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || n < 1) throw new UsageError(`${name} must be an integer >= 1, got ${JSON.stringify(raw)}`);
  return n;
}

function parseSeq(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(n) || n < 1) throw new InvalidArgumentError('must be a seq (an integer >= 1)');
  return n;
}

export function openForReplay(file: string): Journal {
  if (!existsSync(file)) throw new UsageError(`journal ${file} does not exist`);
  try {
    return openJournal(file, { durability: 'batched', readOnly: true });
  } catch (e) {
    if (e instanceof JournalOpenError) throw new UsageError(e.message);
    throw e;
  }
}

/** Operating errors of a replay become usage errors (exit 2) with their message; bugs stay bugs. */
export function asUsageError(e: unknown): unknown {
  if (e instanceof ReplayUsageError) return new UsageError(e.message);
  if (e instanceof JournalReadError) return new UsageError(`${e.message}; run \`axiom journal verify\``);
  if (e instanceof JournalOpenError) return new UsageError(e.message);
  if (e instanceof SnapshotVersionError) return new UsageError(e.message);
  return e;
}

function progressBar(io: ReplayCommandIo, flags: ReplayFlags, label: string, unit: 'seq' | 'events'): { update: (done: number, total: number) => void; stop: () => void } {
  const on = io.stderr.isTTY === true && flags.progress !== false && flags.json !== true;
  if (!on) return { update: () => undefined, stop: () => undefined };
  const bar = new SingleBar({ stream: io.stderr as NodeJS.WritableStream, format: unit === 'seq' ? `${label} [{bar}] {percentage}% | seq {value}/{total}` : `${label} [{bar}] {percentage}% | {value}/{total} events`, hideCursor: true, clearOnComplete: true }, undefined);
  let started = false;
  return {
    update: (done, total) => {
      if (!started) {
        bar.start(total, done);
        started = true;
      } else {
        bar.setTotal(total);
        bar.update(done);
      }
    },
    stop: () => {
      if (started) bar.stop();
    },
  };
}

function replayAction(file: string, flags: ReplayFlags, io: ReplayCommandIo): number {
  if (flags.threads !== undefined && flags.verify !== true) throw new UsageError('--threads is for --verify');
  if (flags.toSeq !== undefined && (flags.verify === true || flags.checkSnapshots === true)) {
    throw new UsageError('--to-seq rebuilds the state at one seq; --verify and --check-snapshots always walk the whole journal');
  }
  const j = openForReplay(file);
  try {
    const out: Record<string, unknown> = { journal: file };
    let verify: VerifyDecisionsResult | null = null;
    /** The state hash the re-run ended on, compared below with the recovered state's. */
    let reRunHash: string | null = null;
    if (flags.verify === true) {
      const bar = progressBar(io, flags, 'verify', 'events');
      try {
        verify = verifyDecisions(j, {
          threads: flags.threads,
          segmentEventsMin: eventsKnob('AXIOM_VERIFY_SEGMENT_EVENTS_MIN'),
          checkAheadEventsMin: eventsKnob('AXIOM_VERIFY_CHECK_AHEAD_EVENTS_MIN'),
          onProgress: (done, total) => bar.update(done, total),
        });
      } finally {
        bar.stop();
      }
      if (verify.ok) reRunHash = stateHash(verify.finalState);
      out.verify = verify.ok
        ? { ok: true, stats: verify.stats, warnings: verify.warnings, finalStateHash: reRunHash }
        : { ok: false, stats: verify.stats, warnings: verify.warnings, mismatch: verify.mismatch };
      for (const w of verify.warnings) io.stderr.write(`warning: ${w}\n`);
      if (!verify.ok) {
        // The first mismatch stops everything: what follows it was built on a decision that is not reproduced.
        write(io, flags, out, `${formatMismatch(verify.mismatch)}\n\nverify stopped after ${formatVerifyStats(verify.stats)}\n`);
        return EXIT.failed;
      }
    }

    let snapshots: CheckSnapshotsResult | null = null;
    if (flags.checkSnapshots === true) {
      const bar = progressBar(io, flags, 'snapshots', 'seq');
      try {
        // After --verify checked the chain, the rows need no second validation.
        snapshots = checkSnapshots(j, { trusted: verify !== null, onProgress: (seq, last) => bar.update(seq, last) });
      } finally {
        bar.stop();
      }
      const { finalState: _finalState, ...rest } = snapshots;
      out.snapshots = rest;
    }

    const t0 = performance.now();
    const recovery: Recovery = recoverState(j, { fromZero: flags.fromZero === true, toSeq: flags.toSeq });
    const recoveryMs = performance.now() - t0;
    if (recovery.snapshotRefused !== null) io.stderr.write(`warning: the latest snapshot was refused, state rebuilt from zero: ${recovery.snapshotRefused}\n`);
    const summary = summarizeState(recovery.state);
    out.recovery = {
      from: recovery.fromSeq === 0 ? 'zero' : 'snapshot', fromSeq: recovery.fromSeq, eventsReplayed: recovery.eventsReplayed,
      snapshotRefused: recovery.snapshotRefused, elapsedMs: Math.round(recoveryMs * 10) / 10, stateHash: summary.stateHash,
    };
    out.state = summary;

    const text: string[] = [];
    text.push(`Recovered ${file} ${recovery.fromSeq === 0 ? 'from zero' : `from the snapshot at seq ${recovery.fromSeq}`} + ${recovery.eventsReplayed.toLocaleString('en-US')} events in ${recoveryMs.toFixed(1)} ms`);
    if (verify !== null && verify.ok) {
      text.push(`VERIFIED: every journaled decision is reproduced exactly by step; ${formatVerifyStats(verify.stats)}`);
      if (flags.toSeq === undefined && reRunHash !== summary.stateHash) {
        text.push(`MISMATCH: the re-run's final state ${reRunHash} is not the recovered state ${summary.stateHash}`);
        out.verify = { ...(out.verify as object), ok: false, finalStateMismatch: true };
        write(io, flags, out, `${text.join('\n')}\n`);
        return EXIT.failed;
      }
    }
    if (snapshots !== null) text.push(formatSnapshotCheck(snapshots));
    text.push('', formatStateSummary(summary));
    write(io, flags, out, `${text.join('\n')}\n`);
    return snapshots !== null && !snapshots.ok ? EXIT.failed : EXIT.ok;
  } catch (e) {
    throw asUsageError(e);
  } finally {
    j.close();
  }
}

function write(io: ReplayCommandIo, flags: ReplayFlags, json: Record<string, unknown>, text: string): void {
  io.stdout.write(flags.json === true ? `${JSON.stringify(json, null, 2)}\n` : text);
}
