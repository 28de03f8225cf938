// Read-ahead of Parquet day files for a long replay (a backtest over many days): a reader thread
// (day-reader-entry.ts) reads and checks the next days' files while this thread replays the day it has, and
// hands each day over as its typed-array columns (transferred, not copied). Reading a small day file costs
// ~2 ms (parquet-wasm, Arrow IPC, the row checks): ~0.5 s of a one-symbol year on the engine's thread.
// Each day is read by whichever thread claims it first: this thread reads a day itself when the reader has
// not claimed it (the first days, while the reader starts; or when the reader falls behind), so it never
// waits for a day nobody is reading. A one-day replay starts no thread.
//
// Same results as reading on this thread: the same columns in the same order, each day checked by
// readBarDayColumns, and a day's error (a bad or missing file) thrown when the replay reaches that day, as
// the BarDataError it would have been here. At most READ_AHEAD_DAYS days are read ahead.
import { receiveMessageOnPort, type MessagePort, type Worker } from 'node:worker_threads';
import { startThread, threadEntry } from '../thread';
import { BarDataError } from './bar';
import { DAY_CLAIMED, DAY_POSTED, DAY_SIGNALS, DAY_STOP, DAY_TAKEN, type DayReaderData, type DayReaderMessage, type ThreadError } from './day-reader-protocol';
import { readBarDayColumns, type BarColumns } from './parquet-day';

/** Days the reader thread may have read and not yet handed over. */
export const READ_AHEAD_DAYS = 4;
/** A reader thread that hands over nothing for this long is reported dead rather than waited on forever. */
export const READ_AHEAD_STALL_MS = 120_000;

/** Inside a production bundle the reader is bundled beside it (no tsx). */
const ENTRY = threadEntry(__dirname, 'day-reader-thread.cjs', 'src/data/day-reader.cjs');

export interface ReadAheadOptions {
  /** Days the reader may read ahead of the replay (default READ_AHEAD_DAYS). */
  readonly ahead?: number;
  /** Read a day here when the reader has not claimed it (default true; false: every day by the reader, for tests). */
  readonly readHere?: boolean;
}

/** The checked columns of each day file in `paths`, in order, read ahead on a thread (see the top of this file). */
export function* readDayColumnsAhead(paths: readonly string[], options: ReadAheadOptions = {}): Generator<BarColumns, void, undefined> {
  if (paths.length === 0) return;
  if (paths.length === 1 && options.readHere !== false) {
    yield readBarDayColumns(paths[0]!);
    return;
  }
  const reader = new DayReader(paths, options.ahead ?? READ_AHEAD_DAYS, options.readHere !== false);
  try {
    for (let i = 0; i < paths.length; i++) yield reader.take(i);
  } finally {
    reader.stop();
  }
}

class DayReader {
  private readonly worker: Worker;
  private readonly port: MessagePort;
  private readonly signals: Int32Array;
  private received = 0;

  constructor(private readonly paths: readonly string[], ahead: number, private readonly readHere: boolean) {
    const shared = new SharedArrayBuffer(DAY_SIGNALS * Int32Array.BYTES_PER_ELEMENT);
    this.signals = new Int32Array(shared);
    const data: Omit<DayReaderData, 'port'> = { paths, ahead: Math.max(1, ahead), signals: shared };
    ({ worker: this.worker, port: this.port } = startThread(ENTRY, data));
  }

  /**
   * Day i's columns (days are taken in order): the reader's, or read here when the reader has not claimed it
   * (while it starts, or when it is behind), so this thread never waits for a day nobody is reading.
   */
  take(i: number): BarColumns {
    const since = performance.now();
    for (;;) {
      const m = receiveMessageOnPort(this.port);
      if (m !== undefined) {
        this.received++;
        Atomics.store(this.signals, DAY_TAKEN, this.received);
        Atomics.notify(this.signals, DAY_TAKEN);
        const msg = m.message as DayReaderMessage;
        if ('error' in msg) throw asError(msg.error);
        // The reader posts the days it claimed in order, and it claimed day i (this thread did not).
        if (msg.index !== i) throw new Error(`assertion: the day reader posted day ${msg.index} of ${this.paths.length}; the replay needs day ${i}`);
        return msg.columns;
      }
      if (this.readHere && Atomics.compareExchange(this.signals, DAY_CLAIMED, i, i + 1) === i) return readBarDayColumns(this.paths[i]!);
      if (performance.now() - since > READ_AHEAD_STALL_MS) {
        throw new Error(`${this.paths[i]!}: the day reader thread handed over nothing for ${READ_AHEAD_STALL_MS / 1000} s; it stopped`);
      }
      Atomics.wait(this.signals, DAY_POSTED, this.received, 50);
    }
  }

  stop(): void {
    Atomics.store(this.signals, DAY_STOP, 1);
    Atomics.notify(this.signals, DAY_TAKEN);
    this.port.close();
    void this.worker.terminate();
  }
}

/** The reader's error as this thread would have thrown it (its class when it is a BarDataError, a system error's code). */
function asError(e: ThreadError): Error {
  if (e.name === 'BarDataError') return new BarDataError(e.message, e.reason);
  const err: NodeJS.ErrnoException = new Error(e.message);
  err.name = e.name;
  if (e.code !== undefined) err.code = e.code;
  if (e.errno !== undefined) err.errno = e.errno;
  if (e.syscall !== undefined) err.syscall = e.syscall;
  return err;
}
