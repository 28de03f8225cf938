// The day reader thread of day-read-ahead.ts: claims the next day file not yet claimed (the replay may have
// read it itself), reads and checks it (readBarDayColumns), posts its columns with their buffers transferred,
// and stays at most `ahead` days ahead of what the replay has taken. A day that cannot be read is posted as
// its error and ends the thread. Runs on load: bundled as `day-reader-thread.cjs` beside a production bundle
// (packages/cli/build.cjs), or started through day-reader.cjs and tsx.
import { workerData } from 'node:worker_threads';
import { postCounted } from '../thread';
import { BarDataError } from './bar';
import { DAY_CLAIMED, DAY_POSTED, DAY_STOP, DAY_TAKEN, type DayReaderData, type DayReaderMessage, type ThreadError } from './day-reader-protocol';
import { readBarDayColumns, type BarColumns } from './parquet-day';

const data = workerData as DayReaderData;
const signals = new Int32Array(data.signals);

function post(message: DayReaderMessage, transfer: ArrayBuffer[] = []): void {
  postCounted(data.port, signals, DAY_POSTED, message, transfer);
}

/** What the replay needs of an error to throw it as reading the day there would have. */
function threadError(e: unknown): ThreadError {
  const err = e instanceof Error ? e : new Error(String(e));
  const sys = err as NodeJS.ErrnoException;
  return {
    name: err.name, message: err.message,
    ...(err instanceof BarDataError ? { reason: err.reason } : {}),
    ...(sys.code !== undefined ? { code: sys.code } : {}),
    ...(sys.errno !== undefined ? { errno: sys.errno } : {}),
    ...(sys.syscall !== undefined ? { syscall: sys.syscall } : {}),
  };
}

/** The buffers of the columns' typed arrays, each once. */
function buffersOf(c: BarColumns): ArrayBuffer[] {
  const arrays = [c.symbolIndex, c.ts, c.open, c.high, c.low, c.close, c.volume, c.vwap, c.vwapValid, c.trades, c.tradesValid];
  return [...new Set(arrays.map((a) => a.buffer as ArrayBuffer))];
}

try {
  for (;;) {
    // Wait while `ahead` days are posted and not taken (or until told to stop).
    for (;;) {
      if (Atomics.load(signals, DAY_STOP) !== 0) break;
      const taken = Atomics.load(signals, DAY_TAKEN);
      if (Atomics.load(signals, DAY_POSTED) - taken < data.ahead) break;
      Atomics.wait(signals, DAY_TAKEN, taken, 1_000);
    }
    if (Atomics.load(signals, DAY_STOP) !== 0) break;
    const index = Atomics.add(signals, DAY_CLAIMED, 1);
    if (index >= data.paths.length) break;
    let columns: BarColumns;
    try {
      columns = readBarDayColumns(data.paths[index]!);
    } catch (e) {
      post({ index, error: threadError(e) });
      break;
    }
    post({ index, columns }, buffersOf(columns));
  }
} catch (e) {
  post({ index: -1, error: { name: 'Error', message: `the day reader thread failed: ${String((e as Error)?.stack ?? e)}` } });
}
data.port.close();
