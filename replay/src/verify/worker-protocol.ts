// The messages between `replay --verify` on the main thread and its worker threads (sync-worker.ts), in
// one place so both sides agree on them, and the worker side's way of answering.
import type { MessagePort } from 'node:worker_threads';
import type { VerifyResult } from '@axiom/journal';

/** What a worker thread is started to do; worker.cjs loads the module of its kind. */
export type WorkerJob =
  /** Walk the journal's whole hash chain (journal.verify on its own read-only connection), reporting progress. */
  | { readonly kind: 'chain'; readonly file: string }
  /** Hash each engine state it is sent (a StateHashRequest), in order, until it is stopped. */
  | { readonly kind: 'state-hash' };

export interface StateHashRequest {
  readonly seq: number;
  readonly state: unknown;
}

export type WorkerReply =
  /** Rows 1..checked are proven good. */
  | { readonly kind: 'chain-progress'; readonly checked: number }
  | { readonly kind: 'chain-done'; readonly result: VerifyResult; readonly ms: number }
  | { readonly kind: 'state-hash'; readonly seq: number; readonly hash: string }
  /** The job threw (or the worker could not load): the error with its stack. */
  | { readonly kind: 'failed'; readonly error: string };

/** What a worker thread is started with (workerData). */
export interface WorkerData {
  readonly job: WorkerJob;
  /** Replies go here; requests (state-hash) come from here. */
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
  return { kind: 'failed', error: String((e as Error | undefined)?.stack ?? e) };
}
