// A fold worker thread of `axiom diff`: folds one run (SideFold) and posts its batches, then its totals, to
// the diff (channel.ts). Loaded by fold-worker.cjs. An error is posted as a message, never thrown out of the
// thread: the diff is waiting synchronously and would not see a worker 'error' event.
import { JournalReadError } from '@axiom/journal';
import { CTL, QUEUE_BATCHES_MAX, WAIT_SLICE_MS, type FoldWorkerData, type WorkerError, type WorkerMessage } from './channel';
import { BATCH_GROUPS, SideFold } from './fold';

/** The diff stopped early: leave quietly. */
class Stopped extends Error {}

export function runFoldWorker(data: FoldWorkerData): void {
  const ctl = new Int32Array(data.control);
  let posted = 0;
  const post = (m: WorkerMessage): void => {
    for (;;) {
      if (Atomics.load(ctl, CTL.STOP) !== 0) throw new Stopped();
      const taken = Atomics.load(ctl, CTL.TAKEN);
      if (posted - taken < QUEUE_BATCHES_MAX) break;
      Atomics.wait(ctl, CTL.TAKEN, taken, WAIT_SLICE_MS);
    }
    data.port.postMessage(m);
    // After postMessage: the message is in the diff's port queue by the time it sees the count.
    Atomics.store(ctl, CTL.POSTED, ++posted);
    Atomics.notify(ctl, CTL.POSTED);
  };
  let fold: SideFold | null = null;
  try {
    fold = new SideFold(data.path, data.lastSeq, data.lastHash);
    for (;;) {
      const batch = fold.nextBatch(BATCH_GROUPS, Atomics.load(ctl, CTL.EXACT_OFF) === 0);
      if (batch === null) break;
      post({ kind: 'batch', batch });
    }
    post({ kind: 'end', totals: fold.finish() });
  } catch (e) {
    if (e instanceof Stopped) return;
    try {
      post({ kind: 'error', error: workerError(e) });
    } catch (again) {
      if (!(again instanceof Stopped)) throw again;
    }
  } finally {
    fold?.close();
  }
}

export function workerError(e: unknown): WorkerError {
  const err = e instanceof Error ? e : new Error(String(e));
  return {
    name: err.name, message: err.message, stack: err.stack ?? String(err),
    seq: err instanceof JournalReadError ? err.seq : null, detail: err instanceof JournalReadError ? err.detail : null,
  };
}
