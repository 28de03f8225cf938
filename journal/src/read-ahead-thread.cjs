// @ts-check
// The journal's read-ahead thread (read-ahead.ts): on its own read-only connection it runs the reader's
// query in seq-ordered pages (keyset: `seq > last`) and posts each page of raw rows to the reading thread,
// which parses and folds them meanwhile. Plain CommonJS for the same reason as write-behind-thread.cjs.
//
// Signals (Int32Array over a SharedArrayBuffer): [0] pages posted, [1] pages taken by the reader,
// [2] 1 = the reader stopped (close the connection and exit). At most `pagesAhead` pages wait at a time.
// Messages: { rows } per page, then { done: true } or { error }.
'use strict';
const { workerData } = require('node:worker_threads');

const POSTED = 0;
const TAKEN = 1;
const STOP = 2;
const signals = new Int32Array(workerData.signals);
/** @type {import('node:worker_threads').MessagePort} */
const out = workerData.port;

function post(/** @type {unknown} */ msg) {
  out.postMessage(msg);
  Atomics.add(signals, POSTED, 1);
  Atomics.notify(signals, POSTED);
}

/** @type {any} */
let db = null;
try {
  const Database = require('better-sqlite3');
  db = new Database(workerData.path, { readonly: true, fileMustExist: true, timeout: workerData.busyTimeoutMs });
  const page = db.prepare(workerData.pageSql).raw();
  /** @type {unknown[]} */
  const params = workerData.params;
  const pageRows = /** @type {number} */ (workerData.pageRows);
  let after = /** @type {number} */ (workerData.afterSeq);
  for (;;) {
    // Wait while the reader has pagesAhead pages it has not taken yet, or until it stops.
    for (;;) {
      if (Atomics.load(signals, STOP) !== 0) return finish();
      const taken = Atomics.load(signals, TAKEN);
      if (Atomics.load(signals, POSTED) - taken < workerData.pagesAhead) break;
      Atomics.wait(signals, TAKEN, taken, 1_000);
    }
    const rows = page.all(...params, after, pageRows);
    if (rows.length > 0) {
      after = rows[rows.length - 1][0];
      post({ rows });
    }
    if (rows.length < pageRows) {
      post({ done: true });
      return finish();
    }
  }
} catch (e) {
  post({ error: e instanceof Error ? e.message : String(e) });
  finish();
}

function finish() {
  try {
    db?.close();
  } catch {
    // closing a read-only connection has nothing to lose
  }
  out.close();
}
