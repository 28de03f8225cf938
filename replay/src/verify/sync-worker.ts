// A worker thread that does one job of `replay --verify` beside the main thread (a segment of the re-run),
// driven from synchronous code: verify is a synchronous function, so the main thread never
// returns to the event loop while it waits. Replies travel on a MessageChannel the main thread drains with
// `receiveMessageOnPort`; the worker bumps a shared counter after each reply so a waiting main thread sleeps
// in `Atomics.wait` instead of spinning. A worker that dies cannot say so to a thread that never runs its
// event loop, so every wait is bounded: silence longer than WORKER_SILENCE_MS_MAX is an error.
//
// The worker runs the TypeScript sources through tsx, in every host: the `axiom` binary and the benchmarks
// (esbuild bundles, packages/cli/build.cjs), a script under `node --import tsx`, and jest (whose @swc/jest
// transform does not reach worker threads): worker.cjs registers tsx's CommonJS hook, then loads the module
// of its job (segment-worker.ts); inside a bundle, the bundled entry beside it runs instead. Its path is found through the replay package, so it holds
// from the sources and from a bundle in another directory alike.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { MessageChannel, Worker, receiveMessageOnPort, type MessagePort } from 'node:worker_threads';
import type { WorkerJob, WorkerReply } from './worker-protocol';

/** The longest a verify waits for a worker that sends nothing before it gives up on it (a dead worker). */
export const WORKER_SILENCE_MS_MAX = 120_000;
/** One Atomics.wait slice: a reply the counter bump missed is still picked up this soon. */
const WAIT_SLICE_MS = 50;

const BOOTSTRAP = join(dirname(require.resolve('@axiom/replay/package.json')), 'src', 'verify', 'worker.cjs');
/** Inside a production bundle (packages/cli/build.cjs) the worker is bundled beside it: no tsx, ~2x faster. */
const BUNDLED = join(__dirname, 'verify-worker.cjs');
const ENTRY = existsSync(BUNDLED) ? BUNDLED : BOOTSTRAP;

export class SyncWorker {
  private readonly worker: Worker;
  private readonly port: MessagePort;
  /** [0]: replies posted so far (bumped by the worker after each one). */
  private readonly posted: Int32Array;
  private stopped = false;

  constructor(job: WorkerJob) {
    const { port1, port2 } = new MessageChannel();
    this.posted = new Int32Array(new SharedArrayBuffer(4));
    this.worker = new Worker(ENTRY, {
      workerData: { job, port: port2, posted: this.posted },
      transferList: [port2],
      // The entry registers tsx itself; the parent's flags (`--import tsx`, `--cpu-prof`) are not for it.
      execArgv: [],
    });
    // Failures arrive as replies; a worker that dies without one ends a wait by the silence bound. Without
    // a listener its 'error' event would crash the process after verify returned.
    this.worker.on('error', () => undefined);
    // Neither the worker nor its port may keep the process alive once verify has returned.
    this.worker.unref();
    this.port = port1;
    this.port.unref();
  }

  /** Send a message to the worker (a structured clone, made now, on this thread). */
  post(message: unknown): void {
    this.port.postMessage(message);
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
      const seen = Atomics.load(this.posted, 0);
      const reply = this.poll();
      if (reply !== null) return reply;
      const left = deadline - performance.now();
      if (left <= 0) throw new Error(`replay --verify: the worker thread (${what}) sent nothing for ${WORKER_SILENCE_MS_MAX} ms; it stopped`);
      Atomics.wait(this.posted, 0, seen, Math.min(left, WAIT_SLICE_MS));
    }
  }

  /** End the worker (idempotent). Its pending replies are dropped. */
  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.port.close();
    void this.worker.terminate();
  }
}
