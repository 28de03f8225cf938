// The messages between `replay --verify` on the main thread and its worker threads (sync-worker.ts), in
// one place so both sides agree on them, and the worker side's way of answering.
import type { MessagePort } from 'node:worker_threads';
import type { ReplayProblem } from './errors';
import type { SegmentResult, SegmentSpec } from './segment';

/** What a worker thread is started to do; worker.cjs loads the module of its kind. */
export type WorkerJob =
  /**
   * Re-run one segment of the journal `file` (segment.ts) on its own read-only connection, with the strategies
   * of the run.started at `runStartedSeq` (the main thread proved that row and the strategy files first).
   */
  | { readonly kind: 'segment'; readonly file: string; readonly spec: SegmentSpec; readonly runStartedSeq: number; readonly lastSeq: number };

export type WorkerReply =
  /** The events of its segment re-run so far. */
  | { readonly kind: 'segment-progress'; readonly events: number }
  | { readonly kind: 'segment-done'; readonly result: SegmentResult }
  /** The job threw (or the worker could not load): the error with its stack, and its problem when it was a ReplayUsageError. */
  | { readonly kind: 'failed'; readonly error: string; readonly name?: string; readonly problem?: ReplayProblem; readonly message?: string };

/** What a worker thread is started with (workerData). */
export interface WorkerData {
  readonly job: WorkerJob;
  /** Replies go here. */
  readonly port: MessagePort;
  /** [0]: replies posted so far, bumped after each one: the main thread sleeps on it. */
  readonly posted: Int32Array;
}

/** The worker side's answer: post, then wake the main thread. */
export function replier(data: WorkerData): (r: WorkerReply) => void {
  return (r) => {
    data.port.postMessage(r);
    Atomics.add(data.posted, 0, 1);
    Atomics.notify(data.posted, 0);
  };
}

export function failure(e: unknown): WorkerReply {
  const error = e instanceof Error ? e : null;
  const problem = error?.name === 'ReplayUsageError' ? (e as { problem: ReplayProblem }).problem : undefined;
  return { kind: 'failed', error: String(error?.stack ?? e), name: error?.name, problem, message: error?.message };
}
