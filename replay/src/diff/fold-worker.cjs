// The entry of the diff's fold worker thread: loads the module it was given (thread.ts: a bundle of
// fold-worker.ts, or with AXIOM_FROM_SOURCE=1 the source itself, through tsx's CommonJS hook) and runs it. A
// failure to load it is posted to the diff like any other worker error (channel.ts): the diff waits
// synchronously and would never see an 'error' event.
'use strict';
const { workerData } = require('node:worker_threads');

let run;
try {
  if (workerData.module.endsWith('.ts')) require('tsx/cjs');
  run = require(workerData.module).runFoldWorker;
} catch (e) {
  workerData.port.postMessage({
    kind: 'error',
    error: { name: (e && e.name) || 'Error', message: `cannot load the diff's fold worker: ${e && e.message}`, stack: String((e && e.stack) || e), seq: null, detail: null },
  });
  const ctl = new Int32Array(workerData.control);
  Atomics.store(ctl, 0, 1); // CTL.POSTED (channel.ts): one message posted
  Atomics.notify(ctl, 0);
}
if (run !== undefined) run(workerData);
