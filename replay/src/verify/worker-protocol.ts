// The messages between `replay --verify` on the main thread and its worker threads (sync-worker.ts), in
// one place so both sides agree on them, and the worker side's way of answering.
import { receiveMessageOnPort, type MessagePort, type Transferable } from 'node:worker_threads';
import type { RowProblem } from '@axiom/journal';
import type { FlatColumns } from './flat-codec';
import { postCounted } from '../thread';
import { ReplayUsageError, type ReplayProblem } from './errors';
import type { SegmentResult, SegmentSpec } from './segment';

/** What a worker thread is given to do, once it has started (worker.cjs and worker-entry.ts run the module of its kind). */
export type WorkerJob =
  /**
   * Re-run one segment of the journal `file` (segment.ts) on its own read-only connection, with the strategies
   * of the run.started at `runStartedSeq` (the main thread proved that row and the strategy files first).
   */
  | {
    readonly kind: 'segment'; readonly file: string; readonly spec: SegmentSpec; readonly runStartedSeq: number; readonly lastSeq: number;
    /** Have the segment's rows read and checked on a thread of its own (check-worker.ts), as the main thread does. */
    readonly checkAhead: boolean;
  }
  /**
   * Walk the rows fromSeq..toSeq of `file` by the journal's chain rules (`readChecked`) and pass every row that
   * passed them on, a page at a time (`rows` replies), to the thread re-running them (checked-ahead.ts).
   */
  | {
    readonly kind: 'check'; readonly file: string; readonly fromSeq: number; readonly toSeq: number; readonly pages: CheckPages;
    /** Every page this many rows (tests; default: small first pages, doubling). */
    readonly pageRows?: number;
  };

/**
 * Which pages a checker finishes itself (parse, schema rule, flat payloads encoded) rather than leaving the
 * parse and the schema rule to the reader: those it starts when it is well ahead of the reader ('adaptive', as
 * verify runs), or every page or none (tests).
 */
export type CheckPages = 'adaptive' | 'full' | 'light';

export type WorkerReply =
  /** The events of its segment re-run so far. */
  | { readonly kind: 'segment-progress'; readonly events: number }
  | { readonly kind: 'segment-done'; readonly result: SegmentResult }
  | CheckedPage
  /** The job threw (or the worker could not load): the error with its stack, and its problem when it was a ReplayUsageError. */
  | { readonly kind: 'failed'; readonly error: string; readonly name?: string; readonly problem?: ReplayProblem; readonly message?: string };

/**
 * A page of rows that passed the chain rules before `schema` (gap, hash, type, kind, causedBy), in seq order,
 * as columns: `numbers` holds seq, ts, causedBy (NaN: none) and recordedAt of each row in turn; the type of row
 * i is types[typeAt[i]]; modes[i] says how its payload comes (ROW_*); a payload sent as text ends at
 * payloadEnds[i] in `payloads` (the texts end to end; an encoded one adds nothing there) and an encoded one is
 * the next object of `flat`; `symbols` and `clientOrderIds` are the JSON texts of the rows' symbol and
 * client_order_id columns; `hashes` the stored hashes end to end (HASH_CHARS each). The last page says where
 * the walk ended: at a row that broke a rule (the checker applies the schema rule to the rows it encodes), or
 * at the last seq.
 */
export interface CheckedPage {
  readonly kind: 'rows';
  readonly startHash: string;
  readonly count: number;
  readonly numbers: Float64Array;
  readonly types: readonly string[];
  readonly typeAt: Uint16Array;
  readonly modes: Uint8Array;
  readonly payloads: string;
  readonly payloadEnds: Uint32Array;
  readonly flat: FlatColumns;
  readonly symbols: string;
  readonly clientOrderIds: string;
  readonly hashes: string;
  /** The walk's end, on its last page: the first row that broke a rule, or null (the walk reached its last seq). */
  readonly end: { readonly bad: RowProblem | null } | null;
}

/** How a row's payload comes in a CheckedPage: as text, the schema rule still to apply (the scan could not tell whether it is canonical, or said it is). */
export const ROW_TEXT_UNSURE = 0;
export const ROW_TEXT_CANONICAL = 1;
/** As text, every rule applied by the checker. */
export const ROW_TEXT_CHECKED = 2;
/** Encoded (flat-codec.ts), every rule applied by the checker. */
export const ROW_ENCODED = 3;

/** Numbers per row in CheckedPage.numbers. */
export const PAGE_NUMBERS_PER_ROW = 4;
/** Characters of a stored hash (hex sha256): every row that passed the chain rules has one. */
export const HASH_CHARS = 64;

/**
 * Indexes in WorkerData.posted: replies the worker posted (the main thread sleeps on it), jobs the main thread
 * sent, pages of checked rows the main thread took (a checker sleeps on it when it is far enough ahead).
 */
export const REPLIES_POSTED = 0;
export const JOBS_SENT = 1;
export const PAGES_TAKEN = 2;
export const COUNTERS = 3;

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
export function replier(data: WorkerData): (r: WorkerReply, transfer?: readonly Transferable[]) => void {
  return (r, transfer = []) => {
    postCounted(data.port, data.posted, REPLIES_POSTED, r, transfer);
  };
}

export function failure(e: unknown): WorkerReply {
  const error = e instanceof Error ? e : null;
  const problem = error?.name === 'ReplayUsageError' ? (e as { problem: ReplayProblem }).problem : undefined;
  return { kind: 'failed', error: String(error?.stack ?? e), name: error?.name, problem, message: error?.message };
}

/**
 * The error a worker replied, as this thread would have thrown it (`what` names the job): a ReplayUsageError
 * keeps its problem, and the journal's own refusals (a file it cannot open, a row it cannot read, a snapshot
 * of another version) are a journal that cannot be used (exit 2), as they are on this thread.
 */
export function workerError(what: string, reply: Extract<WorkerReply, { kind: 'failed' }>): Error {
  if (reply.problem !== undefined) return new ReplayUsageError(reply.problem, reply.message ?? reply.error);
  if (reply.name === 'JournalOpenError' || reply.name === 'JournalReadError' || reply.name === 'SnapshotVersionError') {
    return new ReplayUsageError('corrupt_journal', `${reply.message ?? reply.error}; run \`axiom journal verify\``);
  }
  return new Error(`replay --verify: ${what} failed in its worker thread: ${reply.error}`);
}
