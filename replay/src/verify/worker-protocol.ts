// The messages between `replay --verify` on the main thread and its worker threads (sync-worker.ts), in
// one place so both sides agree on them, and the worker side's way of answering.
import { receiveMessageOnPort, type MessagePort } from 'node:worker_threads';
import { postCounted } from '../thread';
import type { ReplayProblem } from './errors';
import type { SegmentResult, SegmentSpec } from './segment';

/** What a worker thread is given to do, once it has started (worker.cjs and worker-entry.ts run the module of its kind). */
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

/** Indexes in WorkerData.posted: replies the worker posted (the main thread sleeps on it), jobs the main thread sent. */
export const REPLIES_POSTED = 0;
export const JOBS_SENT = 1;

/**
 * What a worker thread is started with (workerData). It is started before its job is known (the main thread
 * plans the segments while the thread loads its code), and the job follows on the port.
 */
export interface WorkerData {
  /** The job comes in here; replies go out here. */
  readonly port: MessagePort;
  /** Counters, see REPLIES_POSTED and JOBS_SENT. */
  readonly posted: Int32Array;
}

/** A worker's data with its job. */
export interface JobData extends WorkerData {
  readonly job: WorkerJob;
}

/** On the worker: wait for the job (the first message). A thread never sent one is ended by the main thread. */
export function receiveJob(data: WorkerData): JobData {
  for (;;) {
    const m = receiveMessageOnPort(data.port);
    if (m !== undefined) return { ...data, job: m.message as WorkerJob };
    Atomics.wait(data.posted, JOBS_SENT, 0, 1_000);
  }
}

/** The worker side's answer: post, then wake the main thread. */
export function replier(data: WorkerData): (r: WorkerReply) => void {
  return (r) => {
    postCounted(data.port, data.posted, REPLIES_POSTED, r);
  };
}

export function failure(e: unknown): WorkerReply {
  const error = e instanceof Error ? e : null;
  const problem = error?.name === 'ReplayUsageError' ? (e as { problem: ReplayProblem }).problem : undefined;
  return { kind: 'failed', error: String(error?.stack ?? e), name: error?.name, problem, message: error?.message };
}
