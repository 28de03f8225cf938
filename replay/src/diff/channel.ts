// The protocol between `axiom diff` and the worker threads that fold its two runs (fold-worker.ts): the
// messages, the shared control words, and the bounds. The diff itself is synchronous: it takes messages with
// receiveMessageOnPort and sleeps on the control words with Atomics.wait, so no event loop turn is needed.
//
// Flow control: the worker counts the batches it posted, the diff counts the batches it took; the worker
// waits while QUEUE_BATCHES_MAX batches are in flight, so memory stays bounded however far it could run ahead.
import type { MessagePort } from 'node:worker_threads';
import type { GroupBatch, RunTotals } from './fold';

/** Batches posted and not yet taken, at most. */
export const QUEUE_BATCHES_MAX = 8;
/** Every wait on a control word is cut into slices this long, to look at STOP and at the silence bound. */
export const WAIT_SLICE_MS = 100;
/** The diff gives up on a worker that sent nothing for this long (a worker that died without a word). */
export const WORKER_SILENCE_MS_MAX = 120_000;

/** Indices into the shared Int32Array. fold-worker.cjs writes POSTED too (its load failure). */
export const CTL = {
  /** Messages posted by the worker (written by the worker only). */
  POSTED: 0,
  /** Messages taken by the diff (written by the diff only). */
  TAKEN: 1,
  /** Set by the diff once the first divergence is known: batches need no exact texts any more. */
  EXACT_OFF: 2,
  /** Set by the diff when it stops early (a refusal, an error): the worker stops at its next post. */
  STOP: 3,
} as const;
export const CTL_WORDS = 4;

export interface FoldWorkerData {
  /** The module that exports runFoldWorker: fold-worker.ts, or a bundle of it. */
  module: string;
  path: string;
  lastSeq: number;
  lastHash: string;
  port: MessagePort;
  control: SharedArrayBuffer;
}

/** An error crossing the thread boundary: enough to rebuild a JournalReadError, else a message and a stack. */
export interface WorkerError {
  name: string;
  message: string;
  stack: string;
  seq: number | null;
  detail: string | null;
}

export type WorkerMessage =
  | { kind: 'batch'; batch: GroupBatch }
  | { kind: 'end'; totals: RunTotals }
  | { kind: 'error'; error: WorkerError };
