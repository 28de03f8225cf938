// @ts-check
// The journal's write-behind thread (write-behind.ts): it owns a second connection to the journal file and
// commits, in order, each batch of rows the appending thread prepared (validated, canonical, hashed). Plain
// CommonJS on purpose: a worker thread does not go through the TypeScript loaders of the CLI or of jest, and
// this file needs nothing but better-sqlite3. Every SQL statement comes from the appending thread, so the
// table layout stays defined in one place (schema.ts, journal.ts).
//
// Signals (an Int32Array over a SharedArrayBuffer, read by the appending thread with Atomics):
//   [0] batches finished (written, or skipped after a failure), [1] 1 once a write failed.
// The first failure's message goes to `errors` (a MessagePort the appending thread reads synchronously);
// after it every later batch is skipped: the file ends at the last good commit, like a crashed process's.
'use strict';
const { parentPort, workerData } = require('node:worker_threads');
const crypto = require('node:crypto');

const { createHash } = crypto;
/** sha256 of a string as hex: the one-shot `crypto.hash` where Node has it (>= 20.12), else createHash. */
const sha256Hex = typeof crypto.hash === 'function'
  ? (/** @type {string} */ text) => crypto.hash('sha256', text, 'hex')
  : (/** @type {string} */ text) => createHash('sha256').update(text).digest('hex');

/** SQLite page cache of the writer's connection, as SQLite's negative KiB form: 64 MB. */
const WRITER_CACHE_KIB = -65536;
const DONE = 0;
const FAILED = 1;
const signals = new Int32Array(workerData.signals);
/** @type {import('node:worker_threads').MessagePort} */
const errors = workerData.errors;

/** @param {unknown} e @param {string} during */
function fail(e, during) {
  if (Atomics.load(signals, FAILED) === 0) {
    const message = e instanceof Error ? e.message : String(e);
    errors.postMessage({ during, message, code: /** @type {{ code?: unknown }} */ (e)?.code ?? null });
    Atomics.store(signals, FAILED, 1);
  }
}

function finished() {
  Atomics.add(signals, DONE, 1);
  Atomics.notify(signals, DONE);
}

/** @type {any} */
let db = null;
/** @type {(batch: any) => void} */
let writeBatch = () => undefined;
try {
  const Database = require('better-sqlite3');
  db = new Database(workerData.path, { fileMustExist: true, timeout: workerData.busyTimeoutMs });
  // Same pragmas as the appending connection in 'batched' durability, read back (STYLE rule 7).
  const mode = db.pragma('journal_mode = WAL', { simple: true });
  if (mode !== 'wal') throw new Error(`journal_mode is ${String(mode)} after setting WAL`);
  db.pragma('synchronous = NORMAL');
  const sync = db.pragma('synchronous', { simple: true });
  if (sync !== 1) throw new Error(`synchronous is ${String(sync)} after setting NORMAL (1)`);

  // A 64 MB page cache (the default is 2 MB): a backtest's rows land in the two indexes (symbol, client order
  // id) in no particular order, and the index pages then stay cached between batches.
  db.pragma(`cache_size = ${WRITER_CACHE_KIB}`);
  /** @type {string[]} */
  const insertSql = workerData.insertSql;
  const columns = /** @type {number} */ (workerData.columnsPerRow);
  const perStatement = insertSql.length - 1;
  const inserts = insertSql.map((sql) => (sql === '' ? null : db.prepare(sql)));
  const params = insertSql.map((_, k) => new Array(k * columns).fill(null));
  const existingSnapshot = db.prepare(workerData.snapshotExistingSql).pluck();
  const insertSnapshot = db.prepare(workerData.snapshotInsertSql);

  const queued = /** @type {number} */ (workerData.queuedPerRow);
  /** @type {Record<string, string>} */
  const kindOfType = workerData.kindOfType;
  /** The hash of the last row written (the chain goes on from it); the file's tail when the writer started. */
  let prevHash = /** @type {string} */ (workerData.tailHash);
  /** The last hash of the batch being written; it becomes prevHash once the batch commits. */
  let pendingPrev = prevHash;
  const txn = db.transaction((/** @type {any} */ batch) => {
    /** @type {unknown[]} */
    const values = batch.values;
    const rows = values.length / queued;
    if (!Number.isInteger(rows) || (rows > 0 && batch.firstSeq + rows - 1 !== batch.lastSeq)) {
      throw new Error(`a batch of ${values.length} values for seqs ${batch.firstSeq}..${batch.lastSeq} is not ${queued} per row`);
    }
    let prev = prevHash;
    for (let start = 0; start < rows; start += perStatement) {
      const k = Math.min(perStatement, rows - start);
      const p = params[k];
      for (let r = 0; r < k; r++) {
        const v = (start + r) * queued;
        const o = r * columns;
        const seq = batch.firstSeq + start + r;
        const ts = values[v];
        const type = /** @type {string} */ (values[v + 1]);
        const kind = kindOfType[type];
        if (kind === undefined) throw new Error(`seq ${seq}: ${type} is not a catalog type`);
        const payload = values[v + 3];
        // The chain: each row's hash over the previous one (the same bytes as chainHash in @axiom/events).
        prev = sha256Hex(`${prev}\n${seq}\n${ts}\n${kind}\n${type}\n${payload}`);
        p[o] = seq;
        p[o + 1] = ts;
        p[o + 2] = kind;
        p[o + 3] = type;
        p[o + 4] = values[v + 2];
        p[o + 5] = payload;
        p[o + 6] = prev;
        p[o + 7] = values[v + 4];
        p[o + 8] = values[v + 5];
        p[o + 9] = values[v + 6];
      }
      inserts[k].run(p);
    }
    // Only once the batch is in: a batch that fails leaves the chain where the file ends.
    pendingPrev = prev;
    for (const s of batch.snapshots) {
      const stateHash = s.stateHash ?? createHash('sha256').update(s.utf8).digest('hex');
      const existing = existingSnapshot.get(s.seq);
      if (existing !== undefined && existing !== stateHash) {
        // Two different states at one seq: the reducers are not deterministic. Never overwrite the evidence.
        throw new Error(`saveSnapshot: a snapshot at seq ${s.seq} already exists with state hash ${existing}, not ${stateHash}`);
      }
      // Bound as bytes and stored as TEXT (the statement CASTs): no JS string of megabytes to build and transcode.
      insertSnapshot.run(s.seq, stateHash, s.utf8, s.createdAt);
    }
  });
  writeBatch = (batch) => {
    txn.immediate(batch);
    prevHash = pendingPrev;
  };
} catch (e) {
  fail(e, 'opening the journal');
}

parentPort?.on('message', (/** @type {any} */ msg) => {
  if (msg.type === 'batch') {
    if (Atomics.load(signals, FAILED) === 0) {
      try {
        writeBatch(msg);
      } catch (e) {
        fail(e, `writing seqs ${msg.firstSeq}..${msg.lastSeq}`);
      }
    }
    finished();
  } else if (msg.type === 'close') {
    // The indexes a fresh journal deferred (journal.ts), built once from all its rows; IF NOT EXISTS, so a
    // journal that had them is untouched. Even after a failed batch: they index what was written.
    try {
      db?.exec(workerData.indexesSql);
    } catch (e) {
      fail(e, 'building the indexes');
    }
    try {
      db?.close();
    } catch (e) {
      fail(e, 'closing the journal');
    }
    finished();
    parentPort?.close();
    errors.close();
  }
});
