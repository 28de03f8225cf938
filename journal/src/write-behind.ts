// Write-behind for 'batched' durability (backtests): the appending thread validates and encodes every event
// as always, then hands each batch to a writer thread (write-behind-thread.cjs) that chains the events'
// hashes and inserts them into SQLite while the appending thread goes on deciding. SQLite's inserts and
// commits, the chain's sha256 per event and the sha256 of snapshots then cost the appending thread nothing.
//
// What changes for the caller: `batch()` returns once the batch is queued, not written; the events `append`
// returns carry hash '' (PENDING_HASH) and `lastHash()` flushes first. `flush()` waits until
// every queued batch is committed and throws the writer's first error; every read, snapshot load and `close`
// flushes first. At most WRITE_BEHIND_BATCHES_IN_FLIGHT batches wait at a time (back-pressure). A write that
// fails (disk full, a concurrent writer) poisons the journal: later batches are not written and the next call
// that waits throws; the file ends at the writer's last good commit, like a crashed process's journal.
import { join } from 'node:path';
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';
import { JournalWriteError } from './errors';

/** Batches queued to the writer before `post` waits for it to catch up (each ~1,000 inputs in a backtest). */
export const WRITE_BEHIND_BATCHES_IN_FLIGHT = 8;
/** A writer that makes no progress for this long is reported dead rather than waited on forever. */
export const WRITE_BEHIND_STALL_MS = 120_000;

const DONE = 0;
const FAILED = 1;

export interface WriteBehindSql {
  /** insertSql[k] inserts k rows in one statement (index 0 unused, ''). */
  readonly insertSql: readonly string[];
  readonly columnsPerRow: number;
  /**
   * Values queued per row: ts, type, caused_by, payload, recorded_at, symbol, client_order_id. The writer
   * builds the ten columns: seq (firstSeq + row), kind (kindOfType), and the chain hash, sha256 of
   * `${prevHash}\n${seq}\n${ts}\n${kind}\n${type}\n${payload}` (chainHash in @axiom/events).
   */
  readonly queuedPerRow: number;
  /** The catalog's kind of every event type. */
  readonly kindOfType: Readonly<Record<string, string>>;
  /** Run when the writer closes: creates the events table's indexes if missing (a deferred-index journal). */
  readonly indexesSql: string;
  /** Parameters: seq. Returns the state_hash of an existing snapshot at that seq. */
  readonly snapshotExistingSql: string;
  /** Parameters: seq, state_hash, state (UTF-8 bytes, stored as TEXT), created_at; a duplicate seq with the
   *  same hash is ignored. */
  readonly snapshotInsertSql: string;
}

export interface QueuedSnapshot {
  readonly seq: number;
  /** Null: the writer computes sha256 of the text (the text is the state's canonical JSON). */
  readonly stateHash: string | null;
  /** The state's canonical JSON as UTF-8 (bytes are copied to the writer with a memcpy; a string would be
   *  flattened and transcoded, ~10x slower for a multi-megabyte snapshot). */
  readonly utf8: Uint8Array;
  readonly createdAt: number;
}

export interface QueuedBatch {
  readonly firstSeq: number;
  readonly lastSeq: number;
  /** Rows flattened: queuedPerRow values per row, in seq order. */
  readonly values: readonly unknown[];
  readonly snapshots: readonly QueuedSnapshot[];
}

export class WriteBehind {
  private readonly worker: Worker;
  private readonly signals: Int32Array;
  private readonly errors: MessagePort;
  private posted = 0;
  private failure: JournalWriteError | null = null;
  private closed = false;

  /** `tailHash`: the hash of the journal's last event when the writer starts (its chain goes on from it). */
  constructor(private readonly path: string, tailHash: string, sql: WriteBehindSql, busyTimeoutMs: number) {
    this.signals = new Int32Array(new SharedArrayBuffer(2 * Int32Array.BYTES_PER_ELEMENT));
    const channel = new MessageChannel();
    this.errors = channel.port1;
    this.worker = new Worker(join(__dirname, 'write-behind-thread.cjs'), {
      workerData: { path, busyTimeoutMs, tailHash, ...sql, signals: this.signals.buffer, errors: channel.port2 },
      transferList: [channel.port2],
      // The writer must not inherit the CLI's or jest's loaders: it is plain CommonJS.
      execArgv: [],
    });
    // The appending thread never yields while it appends; the worker is joined in close(), not awaited.
    this.worker.unref();
  }

  /** Queue one batch; waits only while WRITE_BEHIND_BATCHES_IN_FLIGHT batches are already queued. */
  post(batch: QueuedBatch): void {
    this.throwIfFailed();
    this.waitUntil(this.posted - WRITE_BEHIND_BATCHES_IN_FLIGHT + 1);
    this.worker.postMessage({ type: 'batch', ...batch });
    this.posted++;
  }

  /** Wait until every queued batch is committed; throw the writer's first error. */
  flush(): void {
    this.waitUntil(this.posted);
    this.throwIfFailed();
  }

  /** Flush, then close the writer's connection and end the thread. Throws the writer's error, if any. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    try {
      this.waitUntil(this.posted);
    } finally {
      this.worker.postMessage({ type: 'close' });
      this.posted++;
      this.waitUntil(this.posted);
      void this.worker.terminate();
    }
    this.throwIfFailed();
  }

  private waitUntil(batches: number): void {
    let last = Atomics.load(this.signals, DONE);
    let since = performance.now();
    while (last < batches) {
      Atomics.wait(this.signals, DONE, last, 1_000);
      const now = Atomics.load(this.signals, DONE);
      if (now !== last) {
        last = now;
        since = performance.now();
      } else if (performance.now() - since > WRITE_BEHIND_STALL_MS) {
        this.failure ??= new JournalWriteError(`journal ${this.path}: the writer thread made no progress for ${WRITE_BEHIND_STALL_MS / 1000} s (${batches - last} batches unwritten)`);
        throw this.failure;
      }
    }
  }

  private throwIfFailed(): void {
    if (this.failure !== null) throw this.failure;
    if (Atomics.load(this.signals, FAILED) === 0) return;
    const msg = receiveMessageOnPort(this.errors)?.message as { during: string; message: string } | undefined;
    const why = msg === undefined ? 'unknown error' : `${msg.during}: ${msg.message}`;
    this.failure = new JournalWriteError(`journal ${this.path}: the writer thread failed ${why}; the journal ends at its last good commit`);
    throw this.failure;
  }
}
