// A worker thread that does one job of `replay --verify` beside the main thread (a segment of the re-run),
// driven from synchronous code: verify is a synchronous function, so the main thread never
// returns to the event loop while it waits. Replies travel on a MessageChannel the main thread drains with
// `receiveMessageOnPort`; the worker bumps a shared counter after each reply so a waiting main thread sleeps
// in `Atomics.wait` instead of spinning. A worker that dies cannot say so to a thread that never runs its
// event loop, so every wait is bounded: silence longer than WORKER_SILENCE_MS_MAX is an error. A worker is
// started before its job is known (its code loads while the main thread plans the segments) and is given
// the job with `start`.
//
// The worker runs the TypeScript sources through tsx, in every host: the `axiom` binary and the benchmarks
// (esbuild bundles, packages/cli/build.cjs), a script under `node --import tsx`, and jest (whose @swc/jest
// transform does not reach worker threads): worker.cjs registers tsx's CommonJS hook, then loads the module
// of its job (segment-worker.ts); inside a bundle, the bundled entry beside it runs instead. Its path is found through the replay package, so it holds
// from the sources and from a bundle in another directory alike.
import { receiveMessageOnPort, type MessagePort, type Worker } from 'node:worker_threads';
import { postCounted, startThread, threadEntry } from '../thread';
import { COUNTERS, JOBS_SENT, PAGES_TAKEN, REPLIES_POSTED, type WorkerJob, type WorkerReply } from './worker-protocol';

/** The longest a verify waits for a worker that sends nothing before it gives up on it (a dead worker). */
export const WORKER_SILENCE_MS_MAX = 120_000;
/** One Atomics.wait slice: a reply the counter bump missed is still picked up this soon. */
const WAIT_SLICE_MS = 50;

/**
 * Inside a production bundle the worker is bundled beside it (no tsx, ~2x faster to start): a segment's worker
 * carries the engine; a checker's (check-worker.ts) only the journal's rules, and loads in a fraction of the time.
 */
const ENTRIES = {
  segment: threadEntry(__dirname, 'verify-worker.cjs', 'src/verify/worker.cjs'),
  check: threadEntry(__dirname, 'verify-checker.cjs', 'src/verify/worker.cjs'),
} as const;

export class SyncWorker {
  private readonly worker: Worker;
  private readonly port: MessagePort;
  /** Counters (worker-protocol.ts): replies posted by the worker, jobs sent to it, pages of rows taken from it. */
  private readonly posted: Int32Array;
  private stopped = false;
  /** Settles when the thread has ended (tests). */
  readonly exited: Promise<void>;

  /** Start the thread for a job of `kind`: it loads its code, then waits for its job (`start`). */
  constructor(kind: WorkerJob['kind'] = 'segment') {
    this.posted = new Int32Array(new SharedArrayBuffer(COUNTERS * Int32Array.BYTES_PER_ELEMENT));
    ({ worker: this.worker, port: this.port } = startThread(ENTRIES[kind], { posted: this.posted }));
    this.exited = new Promise((resolve) => this.worker.once('exit', () => resolve()));
  }

  /** The replies the thread has posted so far (tests). */
  repliesPosted(): number {
    return Atomics.load(this.posted, REPLIES_POSTED);
  }

  /** Give the thread its job (once). */
  start(job: WorkerJob): void {
    postCounted(this.port, this.posted, JOBS_SENT, job);
  }

  /** The next reply if one has arrived, without waiting. */
  poll(): WorkerReply | null {
    const m = receiveMessageOnPort(this.port);
    return m === undefined ? null : (m.message as WorkerReply);
  }

  /**
   * The next reply, waiting as long as it takes while the worker keeps talking. Throws when it has said
   * nothing for WORKER_SILENCE_MS_MAX (it died: a worker that throws replies with an error instead).
   */
  receive(what: string): WorkerReply {
    const deadline = performance.now() + WORKER_SILENCE_MS_MAX;
    for (;;) {
      const seen = Atomics.load(this.posted, REPLIES_POSTED);
      const reply = this.poll();
      if (reply !== null) return reply;
      const left = deadline - performance.now();
      if (left <= 0) throw new Error(`replay --verify: the worker thread (${what}) sent nothing for ${WORKER_SILENCE_MS_MAX} ms; it stopped`);
      Atomics.wait(this.posted, REPLIES_POSTED, seen, Math.min(left, WAIT_SLICE_MS));
    }
  }

  /** Say that a page of rows it posted was taken (a checker waits when it is far enough ahead). */
  tookPage(): void {
    Atomics.add(this.posted, PAGES_TAKEN, 1);
    Atomics.notify(this.posted, PAGES_TAKEN);
  }

  /** End the worker (idempotent). Its pending replies are dropped. */
  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.port.close();
    void this.worker.terminate();
  }
}
