// Entry of the worker threads of `replay --verify` (sync-worker.ts): registers tsx's CommonJS hook so the
// thread can load the TypeScript sources (from a bundle too; jest's transform does not reach worker threads
// either), then runs the module of its job. A failure to load is replied like any failure of the job.
'use strict';
const { workerData } = require('node:worker_threads');

/** The module of each job kind (worker-protocol.ts: WorkerJob). */
const MODULES = { segment: './segment-worker.ts', check: './check-worker.ts' };

try {
  require('tsx/cjs');
  // The job follows the start (worker-protocol.ts); the sources load once it is known.
  const data = require('./worker-protocol.ts').receiveJob(workerData);
  const module = MODULES[data.job.kind];
  if (module === undefined) throw new Error(`replay --verify: no worker module for a ${data.job.kind} job`);
  require(module).run(data);
} catch (e) {
  workerData.port.postMessage({ kind: 'failed', error: String((e && e.stack) || e) });
  Atomics.add(workerData.posted, 0, 1);
  Atomics.notify(workerData.posted, 0);
}
