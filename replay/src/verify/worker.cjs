// Entry of the worker threads of `replay --verify` (sync-worker.ts): registers tsx's CommonJS hook so the
// thread can load the TypeScript sources (from a bundle too; jest's transform does not reach worker threads
// either), then runs the module of its job. A failure to load is replied like any failure of the job.
'use strict';
const { workerData } = require('node:worker_threads');

/** The module of each job kind (worker-protocol.ts: WorkerJob). */
const MODULES = { segment: './segment-worker.ts' };

try {
  require('tsx/cjs');
  const module = MODULES[workerData.job.kind];
  if (module === undefined) throw new Error(`replay --verify: no worker module for a ${workerData.job.kind} job`);
  require(module).run(workerData);
} catch (e) {
  workerData.port.postMessage({ kind: 'failed', error: String((e && e.stack) || e) });
  Atomics.add(workerData.posted, 0, 1);
  Atomics.notify(workerData.posted, 0);
}
