// Entry of the day reader thread of day-read-ahead.ts outside a production bundle (tests, tsx): registers
// tsx's CommonJS hook so the thread can load the TypeScript sources, then runs day-reader-entry.ts. A failure
// to load is posted like a failure to read a day, so the replay throws it instead of waiting.
'use strict';
const { workerData } = require('node:worker_threads');

try {
  require('tsx/cjs');
  require('./day-reader-entry.ts');
} catch (e) {
  workerData.port.postMessage({ index: -1, error: { name: 'Error', message: `the day reader thread failed to start: ${String((e && e.stack) || e)}` } });
  const signals = new Int32Array(workerData.signals);
  Atomics.add(signals, 0, 1);
  Atomics.notify(signals, 0);
}
