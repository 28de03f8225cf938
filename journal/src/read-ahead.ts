// Read-ahead for long sequential reads (recovery from zero, `replay`): a reader thread
// (read-ahead-thread.cjs) steps SQLite through the query in pages while this thread parses and folds the
// rows it already has. Stepping SQLite is ~40% of a validated read; on a second core it overlaps the rest.
// The rows are exactly the query's, in seq order; stopping early (a `break`) stops the thread.
import { join } from 'node:path';
import { MessageChannel, receiveMessageOnPort, Worker } from 'node:worker_threads';

/** Rows per page the reader thread posts. */
export const READ_AHEAD_PAGE_ROWS = 4_096;
/** Pages the reader thread may have posted and not yet taken. */
export const READ_AHEAD_PAGES_MAX = 8;
/** A reader thread that posts nothing for this long is reported dead rather than waited on forever. */
export const READ_AHEAD_STALL_MS = 120_000;

const POSTED = 0;
const TAKEN = 1;
const STOP = 2;

export interface ReadAheadQuery {
  readonly path: string;
  /** A SELECT of the row columns whose last two parameters are `seq > ?` and `LIMIT ?`, ordered by seq. */
  readonly pageSql: string;
  readonly params: readonly unknown[];
  readonly busyTimeoutMs: number;
}

/** The query's raw rows (column arrays, seq first), read ahead on a thread. */
export function* readAhead<Row extends unknown[]>(q: ReadAheadQuery): Generator<Row, void, undefined> {
  const signals = new Int32Array(new SharedArrayBuffer(3 * Int32Array.BYTES_PER_ELEMENT));
  const { port1, port2 } = new MessageChannel();
  const worker = new Worker(join(__dirname, 'read-ahead-thread.cjs'), {
    workerData: {
      path: q.path, pageSql: q.pageSql, params: q.params, afterSeq: 0, pageRows: READ_AHEAD_PAGE_ROWS,
      pagesAhead: READ_AHEAD_PAGES_MAX, busyTimeoutMs: q.busyTimeoutMs, signals: signals.buffer, port: port2,
    },
    transferList: [port2],
    // Plain CommonJS: the CLI's and jest's TypeScript loaders must not be inherited.
    execArgv: [],
  });
  worker.unref();
  let received = 0;
  try {
    for (;;) {
      const msg = receiveMessageOnPort(port1)?.message as { rows?: Row[]; done?: true; error?: string } | undefined;
      if (msg === undefined) {
        waitForPost(signals, received, q.path);
        continue;
      }
      received++;
      Atomics.store(signals, TAKEN, received);
      Atomics.notify(signals, TAKEN);
      if (msg.error !== undefined) throw new Error(`journal ${q.path}: the read-ahead thread failed: ${msg.error}`);
      if (msg.done === true) return;
      for (const row of msg.rows ?? []) yield row;
    }
  } finally {
    Atomics.store(signals, STOP, 1);
    Atomics.notify(signals, TAKEN);
    port1.close();
    void worker.terminate();
  }
}

/** Block until the reader thread has posted more than `received` messages. */
function waitForPost(signals: Int32Array, received: number, path: string): void {
  const since = performance.now();
  while (Atomics.load(signals, POSTED) <= received) {
    Atomics.wait(signals, POSTED, received, 1_000);
    if (performance.now() - since > READ_AHEAD_STALL_MS) {
      throw new Error(`journal ${path}: the read-ahead thread posted nothing for ${READ_AHEAD_STALL_MS / 1000} s`);
    }
  }
}
