// One run's side of `axiom diff` in a worker thread: starts fold-worker.cjs on the journal and hands its
// batches out synchronously, in order (channel.ts), so the two runs are folded at the same time. The worker
// is the only way diff reads a run: the tests exercise this path (and the bundle it runs), there is no
// in-process fallback.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';
import { JournalReadError } from '@axiom/journal';
import { CTL, CTL_WORDS, WAIT_SLICE_MS, WORKER_SILENCE_MS_MAX, type FoldWorkerData, type WorkerError, type WorkerMessage } from './channel';
import type { GroupBatch, RunTotals } from './fold';

/**
 * The worker's entry and the replay package's directory, found through the package rather than this file's
 * directory: in a bundle (packages/cli/build.cjs) this code runs from the bundle's directory, and
 * `@axiom/replay/package.json` is resolved at run time there too.
 */
const REPLAY_DIR = dirname(require.resolve('@axiom/replay/package.json'));
const ENTRY = join(REPLAY_DIR, 'src', 'diff', 'fold-worker.cjs');
const SOURCE = join(REPLAY_DIR, 'src', 'diff', 'fold-worker.ts');
const BUNDLE = join(REPLAY_DIR, 'dist', 'fold-worker.cjs');

/**
 * What the fold workers run: a bundle of fold-worker.ts built by packages/cli/build.cjs, as the `axiom` binary
 * is (rebuilt whenever a source is newer, so a worker never runs stale code; the check takes a few ms). On it a
 * worker starts in ~0.15 s instead of ~0.4 s through tsx's per-file transform, and folds with less CPU:
 * measured 2.7 s against 3.0 s (and 4.8 s against 5.8 s of CPU) for a diff of two 500-symbol days.
 * AXIOM_FROM_SOURCE=1 runs the sources through tsx instead, as it does for `axiom`.
 */
export function foldWorkerModule(): string {
  if (process.env.AXIOM_FROM_SOURCE === '1') return SOURCE;
  // The workspace root depends on @axiom/cli. A require made by createRequire is left alone by esbuild: a
  // plain one would inline build.cjs into a bundle, where its paths (from its own directory) are wrong.
  const build = createRequire(join(REPLAY_DIR, 'package.json'))('@axiom/cli/build.cjs') as { ensureBundle(entry: string, outfile: string): string };
  return build.ensureBundle(SOURCE, BUNDLE);
}

export class FoldThread {
  private readonly worker: Worker;
  private readonly port: MessagePort;
  private readonly ctl: Int32Array;
  private taken = 0;
  private ended: RunTotals | null = null;

  constructor(readonly path: string, lastSeq: number, lastHash: string, module: string = foldWorkerModule()) {
    const channel = new MessageChannel();
    this.port = channel.port1;
    const control = new SharedArrayBuffer(CTL_WORDS * Int32Array.BYTES_PER_ELEMENT);
    this.ctl = new Int32Array(control);
    const data: FoldWorkerData = { path, lastSeq, lastHash, port: channel.port2, control, module };
    this.worker = new Worker(ENTRY, {
      workerData: data,
      transferList: [channel.port2],
      // The parent's flags (`--import tsx`, `--cpu-prof`) are not for it.
      execArgv: [],
    });
    // Errors arrive as messages; one that cannot (the thread died) ends the wait by the silence bound.
    this.worker.on('error', () => undefined);
    // Never keep the process alive for it: the diff waits for what it needs synchronously.
    this.worker.unref();
  }

  /** The worker's next batch, or null once its run has ended (the totals are then in `totals()`). */
  nextBatch(): GroupBatch | null {
    if (this.ended !== null) return null;
    const m = this.take();
    switch (m.kind) {
      case 'batch':
        return m.batch;
      case 'end':
        this.ended = m.totals;
        return null;
      case 'error':
        throw this.rebuild(m.error);
      default: {
        const never: never = m;
        throw new Error(`diff: unexpected message from the fold worker: ${JSON.stringify(never)}`);
      }
    }
  }

  /** The first divergence is known: the worker's next batches need no exact texts. */
  stopExact(): void {
    Atomics.store(this.ctl, CTL.EXACT_OFF, 1);
  }

  totals(): RunTotals {
    if (this.ended === null) throw new Error('diff: the fold worker\'s totals were asked for before its run ended');
    return this.ended;
  }

  /** Stop the worker (if it still runs) and release the channel. */
  close(): void {
    Atomics.store(this.ctl, CTL.STOP, 1);
    Atomics.notify(this.ctl, CTL.TAKEN);
    void this.worker.terminate();
    this.port.close();
  }

  /** The next message if one is there, else null (never waits). */
  private receive(): WorkerMessage | null {
    const r = receiveMessageOnPort(this.port) as { message: WorkerMessage } | undefined;
    if (r === undefined) return null;
    Atomics.store(this.ctl, CTL.TAKEN, ++this.taken);
    Atomics.notify(this.ctl, CTL.TAKEN);
    return r.message;
  }

  private take(): WorkerMessage {
    const since = performance.now();
    for (;;) {
      const m = this.receive();
      if (m !== null) return m;
      // Sleep until the worker counts another message (returns at once if it already has).
      if (Atomics.wait(this.ctl, CTL.POSTED, this.taken, WAIT_SLICE_MS) !== 'timed-out') continue;
      if (performance.now() - since > WORKER_SILENCE_MS_MAX) {
        throw new Error(`diff: the fold worker reading ${this.path} sent nothing for ${WORKER_SILENCE_MS_MAX / 1000} s`);
      }
    }
  }

  private rebuild(e: WorkerError): Error {
    if (e.name === 'JournalReadError' && e.seq !== null && e.detail !== null) return new JournalReadError(e.seq, e.detail);
    const err = new Error(`diff: the fold worker reading ${this.path} failed: ${e.message}`);
    err.stack = `${err.stack ?? err.message}\n  in the worker: ${e.stack}`;
    return err;
  }
}
