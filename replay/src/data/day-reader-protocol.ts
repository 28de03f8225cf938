// What day-read-ahead.ts and its reader thread (day-reader-entry.ts) say to each other.
import type { MessagePort } from 'node:worker_threads';
import type { BarDataErrorReason } from './bar';
import type { BarColumns } from './parquet-day';

/**
 * Shared counters (an Int32Array over `signals`): days posted by the reader, of those the days taken by the
 * replay, the stop flag, and the days claimed so far. Each day is read by whichever thread claims it first
 * (an atomic increment of DAY_CLAIMED): the reader claims ahead, the replay claims the day it needs when the
 * reader has not (while the reader starts, or when it is behind).
 */
export const DAY_POSTED = 0;
export const DAY_TAKEN = 1;
export const DAY_STOP = 2;
export const DAY_CLAIMED = 3;
export const DAY_SIGNALS = 4;

/** What the reader thread is given. */
export interface DayReaderData {
  readonly paths: readonly string[];
  /** Days it may have posted and not yet seen taken. */
  readonly ahead: number;
  readonly signals: SharedArrayBuffer;
  readonly port: MessagePort;
}

/** One message of the reader thread per day it claimed (`index` in paths): its columns, or why it could not be read (then it stops). */
export type DayReaderMessage =
  | { readonly index: number; readonly columns: BarColumns }
  | { readonly index: number; readonly error: ThreadError };

/** An error as it crosses threads: what this package's callers read of it (a file system error's code too). */
export interface ThreadError {
  readonly name: string;
  readonly message: string;
  /** A BarDataError's reason. */
  readonly reason?: BarDataErrorReason;
  /** A system error's code, errno and syscall (EACCES, EISDIR, ...). */
  readonly code?: string;
  readonly errno?: number;
  readonly syscall?: string;
}
