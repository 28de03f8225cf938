// The append-only event journal of DESIGN §6: one SQLite file (WAL), one `events` table that triggers keep
// append-only, a sha256 hash chain over every event, and snapshots as derived data beside it.
// Guarantees: an input and the decisions it caused are written in one transaction or not at all; seq is
// gapless; every event is validated against the catalog before anything is written and again when read;
// in 'full' durability an append has reached the disk (synchronous=FULL) when `append` returns.
import * as fs from 'node:fs';
import { randomUUID } from 'node:crypto';
import Database from 'better-sqlite3';
import {
  CATALOG, CATALOG_VERSION, EVENT_TYPES, EventValidationError, GENESIS_HASH, isEventType, kindOf, sha256Text, validateDraft,
  validatePayload, type AnyEvent, type DecisionDraft, type DecisionEvent, type EventKind, type EventType,
  type InputDraft, type InputEvent,
} from '@axiom/events';
import { chainHashFast, encodeCanonical, encodePayload } from './encode';
import { JournalOpenError, JournalReadError, JournalWriteError } from './errors';
import {
  BATCH_EVENTS_MAX, BUSY_TIMEOUT_MS, DECISIONS_PER_APPEND_MAX, INSERT_ROWS_PER_STATEMENT_MAX,
  READ_STATEMENTS_CACHED_MAX, STATE_HASH_PATTERN,
} from './limits';
import {
  EVENT_INDEXES_DDL, FORMAT_VERSION, initializeSchema, isEmptyDatabase, readMeta, writeCatalogVersion, type MetaRecord,
} from './schema';
import { CheckedRows, verifyJournal, type VerifyOptions, type VerifyResult } from './verify';
import { WriteBehind, type QueuedSnapshot } from './write-behind';
import { readAhead } from './read-ahead';

/**
 * 'full': every append (or batch) commits with synchronous=FULL: it is on disk when the call returns (live).
 * 'batched': synchronous=NORMAL in WAL mode: a commit survives a process crash but the last commits may be
 * lost on power loss (backtests, which group ~1,000 events per `batch`).
 */
export type Durability = 'full' | 'batched';

export interface OpenJournalOptions {
  readonly durability: Durability;
  /**
   * 'batched' only: commit batches on a writer thread (write-behind.ts) while the caller goes on. `batch()`
   * then returns once its batch is queued; `flush()` (and every read, and `close`) waits for the writes and
   * throws the writer's error. For backtests, whose effects never leave the process.
   */
  readonly writeBehind?: boolean;
  /** Open an existing journal for reading only (verify, inspect, tail). Appends and snapshots are refused. */
  readonly readOnly?: boolean;
}

export interface JournalInfo extends MetaRecord {
  readonly path: string;
  readonly durability: Durability;
  readonly readOnly: boolean;
  /** Read back from SQLite on this connection, now. */
  readonly journalMode: string;
  /** Read back from SQLite on this connection, now: 'FULL' for 'full', 'NORMAL' for 'batched'. */
  readonly synchronous: 'OFF' | 'NORMAL' | 'FULL' | 'EXTRA';
}

export interface ReadFilter {
  /** First seq to return (inclusive, default 1). */
  readonly fromSeq?: number;
  /** Last seq to return (inclusive, default: the end). */
  readonly toSeq?: number;
  /** Only these event types. */
  readonly types?: readonly EventType[];
  /** Only events whose payload.symbol is this (indexed). */
  readonly symbol?: string;
  /** Only events whose payload.clientOrderId is this (indexed). */
  readonly clientOrderId?: string;
  /**
   * With `clientOrderId`: also return events that mention the order in a nested `clientOrderId` field
   * (reconciliation discrepancies, snapshot open orders). This scans the whole table: audit views only.
   */
  readonly includeNestedOrderRefs?: boolean;
  /**
   * Validate each payload against the catalog (default true). `false` skips only the schema check (JSON is
   * still parsed) and is for trusted hot paths that ran `verify()` on this file first and found it ok.
   */
  readonly validate?: boolean;
  /**
   * Step SQLite on a reader thread, a page ahead of the caller (read-ahead.ts): for long sequential reads
   * (recovery from zero, replay) where parsing and folding overlap the stepping. Costs a thread start
   * (~30 ms): not for short reads.
   */
  readonly readAhead?: boolean;
}

export interface Snapshot {
  readonly seq: number;
  readonly stateHash: string;
  readonly state: unknown;
}

/** A snapshot as stored: the state's JSON text, unparsed (saveSnapshotText stores canonical JSON). */
export interface SnapshotText {
  readonly seq: number;
  readonly stateHash: string;
  readonly text: string;
}

export interface SnapshotInfo {
  readonly seq: number;
  readonly stateHash: string;
}

export interface Journal {
  /**
   * Append one input and the decisions it caused in one transaction; returns them as journaled. With
   * writeBehind the writer thread computes the hash chain, so the returned events carry `hash: ''`
   * (PENDING_HASH): read them back, or ask lastHash(), for the hashes.
   */
  append(input: InputDraft, decisions: readonly DecisionDraft[]): { input: InputEvent; decisions: DecisionEvent[] };
  /** Run `fn` (which appends) inside one transaction: one commit for all of its appends. */
  batch<T>(fn: () => T): T;
  /** Wait until everything appended is committed (write-behind); a no-op otherwise. Throws a write error. */
  flush(): void;
  /** The seq the next appended event will get (lastSeq + 1). */
  nextSeq(): number;
  /** Seq of the last event, 0 for an empty journal. */
  lastSeq(): number;
  /** Hash of the last event, GENESIS_HASH for an empty journal (with writeBehind: after a flush). */
  lastHash(): string;
  /** Events in seq order, streamed (constant memory). Do not append while iterating (the connection is busy). */
  read(filter?: ReadFilter): IterableIterator<AnyEvent>;
  get(seq: number): AnyEvent | null;
  count(): number;
  saveSnapshot(seq: number, stateHash: string, state: unknown): void;
  /**
   * The same, for a caller that already holds the state's canonical JSON (it hashed it): stores the text as
   * is, without encoding the state a second time. The caller guarantees text = canonicalJson(state).
   */
  saveSnapshotText(seq: number, stateHash: string, canonicalText: string): void;
  /**
   * Store the state's canonical JSON (text, or its UTF-8 bytes); the journal computes its state hash (sha256
   * of the text, what `stateHash` from @axiom/projections gives). With write-behind the hashing happens on
   * the writer thread.
   */
  saveSnapshotCanonical(seq: number, canonical: string | Uint8Array): void;
  loadSnapshot(atOrBelowSeq?: number): Snapshot | null;
  /** The latest snapshot at or below the seq as its stored text, not parsed (recovery hashes the text). */
  loadSnapshotText(atOrBelowSeq?: number): SnapshotText | null;
  listSnapshots(): SnapshotInfo[];
  /** Walk the whole chain (constant memory) and report the first bad seq. Never repairs. */
  verify(options?: VerifyOptions): VerifyResult;
  /**
   * The rows fromSeq..toSeq checked as `verify` checks them, yielded as events once they pass, continuing the
   * chain from the stored row before fromSeq (taken as proven); the walk ends at the first bad row and names
   * it in `bad` (verify.ts: CheckedRows). For a caller that uses the rows it checks (`replay --verify`).
   */
  readChecked(range?: { readonly fromSeq?: number; readonly toSeq?: number }): CheckedRows;
  info(): JournalInfo;
  close(): void;
}

/** A row as read in `.raw()` mode: the column order of ROW_COLUMNS (EVENT_ROW_COLUMNS). */
export type EventRow = [
  seq: number, ts: number, kind: string, type: string, causedBy: number | null, payload: string, hash: string,
  recordedAt: number,
];
const ROW_COLUMNS = 'seq, ts, kind, type, caused_by, payload, hash, recorded_at';
/** The columns of an EventRow, for readers that query the events table themselves (replay's diff). */
export const EVENT_ROW_COLUMNS = ROW_COLUMNS;
/** The hash of an event appended to a write-behind journal, until its writer thread has chained it. */
export const PENDING_HASH = '';
const UTF8 = new TextEncoder();
const UTF8_DECODER = new TextDecoder('utf-8', { fatal: true });
const SNAPSHOT_EXISTING_SQL = 'SELECT state_hash FROM snapshots WHERE seq = ?';
const SNAPSHOT_INSERT_SQL = 'INSERT INTO snapshots (seq, state_hash, state, created_at) VALUES (?, ?, ?, ?) ON CONFLICT (seq) DO NOTHING';
/**
 * The same insert with the state bound as UTF-8 bytes (a BLOB) and stored as TEXT by SQLite's CAST, which
 * takes the bytes as they are: no multi-megabyte JS string is decoded and encoded again to bind it. The
 * writer thread's snapshot inserts measured 558 -> ~110 ms for the 15 snapshots (111 MB) of a 500-symbol day.
 */
const SNAPSHOT_INSERT_UTF8_SQL = 'INSERT INTO snapshots (seq, state_hash, state, created_at) VALUES (?, ?, CAST(? AS TEXT), ?) ON CONFLICT (seq) DO NOTHING';
/**
 * Values queued per row for the write-behind thread: ts, type, caused_by, payload, recorded_at, symbol,
 * client_order_id. Fewer values to clone per row than the ten columns (~30% of the hand-off's structured clone).
 */
const QUEUED_COLUMNS = 7;
/** Rows per INSERT on the writer thread, whose batches are ~1,000 inputs long. */
const WRITE_BEHIND_ROWS_PER_STATEMENT = 32;
/** A local copy: the hot loop then reads a constant, not a CommonJS export getter. */
const ROWS_PER_INSERT = INSERT_ROWS_PER_STATEMENT_MAX;

/** One event ready to insert: everything computed, nothing written yet. */
interface PreparedRow {
  readonly event: AnyEvent;
  readonly payloadJson: string;
  readonly symbol: string | null;
  readonly clientOrderId: string | null;
}

export function openJournal(path: string, options: OpenJournalOptions): Journal {
  return JournalImpl.open(path, options);
}

class JournalImpl implements Journal {
  private closed = false;
  private tailSeq = 0;
  private tailHash = GENESIS_HASH;
  private inBatch = false;
  private batchEvents = 0;
  /** A write error inside a batch: the batch must roll back even if `fn` caught the error. */
  private batchFailure: unknown = null;
  /** Write-behind: the writer thread, and the rows and snapshots of the batch being built (flattened). */
  private readonly writer: WriteBehind | null = null;
  private queuedValues: unknown[] = [];
  private queuedSnapshots: QueuedSnapshot[] = [];
  private queuedFirstSeq = 0;

  /** insertStatements[k] inserts k rows in one statement (one native call per append, not one per event). */
  private readonly insertStatements: Database.Statement[] = [];
  private readonly insertParams: Array<Array<string | number | null>> = [];
  private readonly appendTxn: (rows: readonly PreparedRow[]) => void;
  private readonly tailStmt: Database.Statement;
  private readonly getStmt: Database.Statement;
  private readonly readStatements = new Map<string, Database.Statement>();

  private constructor(
    private readonly db: Database.Database,
    private readonly path: string,
    private readonly durability: Durability,
    private readonly readOnly: boolean,
    private readonly meta: MetaRecord,
    writeBehind: boolean,
  ) {
    for (let k = 1; k <= ROWS_PER_INSERT; k++) {
      const values = Array.from({ length: k }, () => '(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)').join(', ');
      this.insertStatements[k] = db.prepare(`INSERT INTO events (${ROW_COLUMNS}, symbol, client_order_id) VALUES ${values}`);
      this.insertParams[k] = new Array<string | number | null>(k * 10).fill(null);
    }
    // BEGIN IMMEDIATE takes the write lock up front, so a commit never fails on a lock upgrade.
    const txn = db.transaction((rows: readonly PreparedRow[]) => this.insertRows(rows));
    this.appendTxn = (rows) => txn.immediate(rows);
    this.tailStmt = db.prepare('SELECT seq, hash FROM events ORDER BY seq DESC LIMIT 1').raw();
    this.getStmt = db.prepare(`SELECT ${ROW_COLUMNS} FROM events WHERE seq = ?`).raw();
    this.reloadTail();
    if (writeBehind) {
      const insertSql = [''];
      for (let k = 1; k <= WRITE_BEHIND_ROWS_PER_STATEMENT; k++) {
        insertSql.push(`INSERT INTO events (${ROW_COLUMNS}, symbol, client_order_id) VALUES ${Array.from({ length: k }, () => '(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)').join(', ')}`);
      }
      this.writer = new WriteBehind(path, this.tailHash, {
        insertSql, columnsPerRow: 10, queuedPerRow: QUEUED_COLUMNS, kindOfType: Object.fromEntries(EVENT_TYPES.map((t) => [t, kindOf(t)])),
        snapshotExistingSql: SNAPSHOT_EXISTING_SQL, snapshotInsertSql: SNAPSHOT_INSERT_UTF8_SQL, indexesSql: EVENT_INDEXES_DDL,
      }, BUSY_TIMEOUT_MS);
    }
  }

  static open(path: string, options: OpenJournalOptions): JournalImpl {
    const readOnly = options.readOnly === true;
    const durability = options.durability;
    if (durability !== 'full' && durability !== 'batched') {
      throw new TypeError(`openJournal: durability must be 'full' or 'batched', got ${JSON.stringify(durability)}`);
    }
    let created = false;
    if (readOnly) {
      if (!fs.existsSync(path)) throw new JournalOpenError(path, 'not_found', `journal ${path} does not exist`);
    } else {
      // Create the file ourselves so it is private to the owner from its first byte (SQLite gives its
      // -wal and -shm files the same mode as the database file).
      try {
        fs.closeSync(fs.openSync(path, 'wx', 0o600));
        created = true;
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code === 'ENOENT') throw new JournalOpenError(path, 'not_found', `cannot create journal ${path}: its directory does not exist`);
        if (code !== 'EEXIST') throw e;
      }
    }
    if (fs.statSync(path).isDirectory()) {
      throw new JournalOpenError(path, 'not_a_journal', `${path} is a directory, not an Axiom journal`);
    }

    const db = new Database(path, { readonly: readOnly, fileMustExist: true, timeout: BUSY_TIMEOUT_MS });
    try {
      // Deferred indexes: a fresh write-behind journal (a backtest) has its rows indexed once, by its writer when
      // it closes, from all of them: built row by row instead, the symbol index's b-tree took ~0.8 s of the
      // writer's time for a 500-symbol day (195,000 bar rows landing in 500 places, every leaf page written to
      // the WAL again at every commit).
      const deferIndexes = options.writeBehind === true && created;
      const meta = JournalImpl.prepareFile(db, path, readOnly, created, deferIndexes);
      JournalImpl.setPragmas(db, path, readOnly, durability);
      if (options.writeBehind === true && (readOnly || durability !== 'batched')) {
        throw new TypeError(`openJournal: writeBehind needs a writable journal with durability 'batched'`);
      }
      // A journal that a crash left without its deferred indexes gets them back at its next writable open; until
      // then its filtered reads scan (same results, slower).
      if (!readOnly && !deferIndexes) db.exec(EVENT_INDEXES_DDL);
      return new JournalImpl(db, path, durability, readOnly, meta, options.writeBehind === true);
    } catch (e) {
      db.close();
      throw e;
    }
  }

  /** Recognize (or, for a new or empty file, initialize) the journal; check its versions. */
  private static prepareFile(db: Database.Database, path: string, readOnly: boolean, created: boolean, deferIndexes: boolean): MetaRecord {
    let metaOrWhy: MetaRecord | string;
    try {
      if (!readOnly && (created || isEmptyDatabase(db))) {
        initializeSchema(db, {
          formatVersion: FORMAT_VERSION,
          catalogVersion: CATALOG_VERSION,
          journalId: randomUUID(),
          createdAt: new Date().toISOString(),
        }, { indexes: !deferIndexes });
      }
      metaOrWhy = readMeta(db);
    } catch (e) {
      if ((e as { code?: unknown }).code === 'SQLITE_NOTADB') {
        throw new JournalOpenError(path, 'not_a_journal', `${path} is not an Axiom journal: it is not an SQLite database`);
      }
      throw e;
    }
    if (typeof metaOrWhy === 'string') {
      throw new JournalOpenError(path, 'not_a_journal', `${path} is not an Axiom journal: ${metaOrWhy}`);
    }
    const meta = metaOrWhy;
    if (meta.formatVersion > FORMAT_VERSION) {
      throw new JournalOpenError(path, 'newer_format',
        `journal ${path} has file format version ${meta.formatVersion}, newer than this build's ${FORMAT_VERSION}: upgrade Axiom to open it`);
    }
    if (meta.catalogVersion > CATALOG_VERSION) {
      throw new JournalOpenError(path, 'newer_catalog',
        `journal ${path} was written with event catalog version ${meta.catalogVersion}, newer than this build's catalog version ${CATALOG_VERSION}: upgrade Axiom to open it`);
    }
    if (!readOnly && meta.catalogVersion < CATALOG_VERSION) {
      // From now on this file may hold events of the newer catalog: an older build must refuse it.
      writeCatalogVersion(db, CATALOG_VERSION);
      return { ...meta, catalogVersion: CATALOG_VERSION };
    }
    return meta;
  }

  /** STYLE rule 7: journal_mode and synchronous are set explicitly and read back. */
  private static setPragmas(db: Database.Database, path: string, readOnly: boolean, durability: Durability): void {
    // A read-only connection cannot change the journal mode and reads whatever the writer left (a writer that
    // crashed right after creating the schema leaves rollback mode, which its next open switches to WAL).
    if (!readOnly) {
      const mode = db.pragma('journal_mode = WAL', { simple: true });
      if (mode !== 'wal') {
        throw new JournalOpenError(path, 'pragma', `journal ${path}: journal_mode is ${String(mode)} after setting WAL`);
      }
    }
    // synchronous is per connection. 2 = FULL, 1 = NORMAL.
    const wanted = durability === 'full' ? 2 : 1;
    db.pragma(`synchronous = ${durability === 'full' ? 'FULL' : 'NORMAL'}`);
    const got = db.pragma('synchronous', { simple: true });
    if (got !== wanted) {
      throw new JournalOpenError(path, 'pragma', `journal ${path}: synchronous reads back as ${String(got)}, expected ${wanted} (${durability})`);
    }
  }

  // ------------------------------------------------------------------------------------------------------
  // Writing

  append(input: InputDraft, decisions: readonly DecisionDraft[]): { input: InputEvent; decisions: DecisionEvent[] } {
    this.assertWritable();
    if (!Array.isArray(decisions)) throw new TypeError('append: decisions must be an array');
    if (decisions.length > DECISIONS_PER_APPEND_MAX) {
      throw new RangeError(`append: ${decisions.length} decisions for one input, more than ${DECISIONS_PER_APPEND_MAX}`);
    }
    if (this.inBatch && this.batchFailure !== null) {
      throw new JournalWriteError('append refused: an earlier append in this batch failed to write, so the batch will roll back', { cause: this.batchFailure });
    }
    if (this.inBatch && this.batchEvents + 1 + decisions.length > BATCH_EVENTS_MAX) {
      throw new RangeError(`batch: more than ${BATCH_EVENTS_MAX} events in one batch; commit smaller batches`);
    }

    // Everything is validated, encoded and hashed before the first write: a refused event writes nothing.
    const recordedAt = Date.now();
    const inputSeq = this.tailSeq + 1;
    const rows: PreparedRow[] = new Array(1 + decisions.length);
    let prevHash = this.tailHash;
    // Write-behind: the writer thread chains the hashes (a sha256 per event, ~1.5 µs, off this thread).
    const chained = this.writer === null;
    const inputRow = prepareRow(input, 'input', inputSeq, null, prevHash, recordedAt, chained);
    rows[0] = inputRow;
    prevHash = inputRow.event.hash;
    for (let i = 0; i < decisions.length; i++) {
      const row = prepareRow(decisions[i] as DecisionDraft, 'decision', inputSeq + 1 + i, inputSeq, prevHash, recordedAt, chained);
      rows[i + 1] = row;
      prevHash = row.event.hash;
    }

    if (this.writer !== null) {
      // Queued, not written: the tail moves now (the writer commits in seq order) and a lone append is posted.
      // The tail hash is the writer's to know: lastHash() flushes and reads it back.
      this.queueRows(rows);
      const lastRow = rows[rows.length - 1] as PreparedRow;
      this.tailSeq = lastRow.event.seq;
      this.tailHash = PENDING_HASH;
      if (!this.inBatch) this.postQueued();
    } else if (this.inBatch) {
      try {
        this.insertRows(rows);
      } catch (e) {
        // Rows of this append may be in the open transaction: poison the batch so it rolls back whole.
        const err = this.writeError(e, inputSeq);
        this.batchFailure = err;
        this.reloadTail();
        throw err;
      }
      this.batchEvents += rows.length;
    } else {
      try {
        this.appendTxn(rows);
      } catch (e) {
        this.reloadTail();
        throw this.writeError(e, inputSeq);
      }
    }
    const last = rows[rows.length - 1] as PreparedRow;
    this.tailSeq = last.event.seq;
    this.tailHash = last.event.hash;
    const decisionEvents: DecisionEvent[] = new Array(rows.length - 1);
    for (let i = 1; i < rows.length; i++) decisionEvents[i - 1] = (rows[i] as PreparedRow).event as DecisionEvent;
    return { input: inputRow.event as InputEvent, decisions: decisionEvents };
  }

  batch<T>(fn: () => T): T {
    this.assertWritable();
    if (this.inBatch) throw new Error('batch: batches do not nest');
    if (this.writer !== null) return this.batchBehind(fn);
    this.inBatch = true;
    this.batchEvents = 0;
    this.batchFailure = null;
    try {
      return this.db.transaction(() => {
        const result = fn();
        if (this.batchFailure !== null) throw this.batchFailure;
        return result;
      }).immediate();
    } catch (e) {
      // Rolled back: the cached tail must come from the file again.
      this.reloadTail();
      throw e;
    } finally {
      this.inBatch = false;
      this.batchFailure = null;
    }
  }

  /** Write-behind batch: appends queue their rows; the whole batch goes to the writer at the end, or not at all. */
  private batchBehind<T>(fn: () => T): T {
    const seq = this.tailSeq;
    const hash = this.tailHash;
    this.inBatch = true;
    this.batchEvents = 0;
    try {
      const result = fn();
      this.postQueued();
      return result;
    } catch (e) {
      // Nothing of this batch reached the writer: drop it and rewind the tail, as a rollback would.
      this.queuedValues = [];
      this.queuedSnapshots = [];
      this.tailSeq = seq;
      this.tailHash = hash;
      throw e;
    } finally {
      this.inBatch = false;
    }
  }

  private queueRows(rows: readonly PreparedRow[]): void {
    const values = this.queuedValues;
    if (values.length === 0) this.queuedFirstSeq = (rows[0] as PreparedRow).event.seq;
    for (const r of rows) {
      const e = r.event;
      // QUEUED_COLUMNS: the writer derives seq (firstSeq + row), kind (from the type) and the hash.
      values.push(e.ts, e.type, e.causedBy, r.payloadJson, e.recordedAt, r.symbol, r.clientOrderId);
    }
    this.batchEvents += rows.length;
  }

  private postQueued(): void {
    const writer = this.writer as WriteBehind;
    if (this.queuedValues.length === 0 && this.queuedSnapshots.length === 0) return;
    const batch = { firstSeq: this.queuedFirstSeq, lastSeq: this.tailSeq, values: this.queuedValues, snapshots: this.queuedSnapshots };
    this.queuedValues = [];
    this.queuedSnapshots = [];
    writer.post(batch);
  }

  flush(): void {
    this.assertOpen();
    this.writer?.flush();
  }

  private insertRows(rows: readonly PreparedRow[]): void {
    const perStatement = ROWS_PER_INSERT;
    for (let start = 0; start < rows.length; start += perStatement) {
      const end = Math.min(rows.length, start + perStatement);
      // One parameter array per statement size, reused: bound values are copied by SQLite on run().
      const params = this.insertParams[end - start] as Array<string | number | null>;
      let p = 0;
      for (let i = start; i < end; i++) {
        const r = rows[i] as PreparedRow;
        const e = r.event;
        params[p++] = e.seq;
        params[p++] = e.ts;
        params[p++] = e.kind;
        params[p++] = e.type;
        params[p++] = e.causedBy;
        params[p++] = r.payloadJson;
        params[p++] = e.hash;
        params[p++] = e.recordedAt;
        params[p++] = r.symbol;
        params[p++] = r.clientOrderId;
      }
      (this.insertStatements[end - start] as Database.Statement).run(params);
    }
  }

  private writeError(e: unknown, inputSeq: number): Error {
    const msg = e instanceof Error ? e.message : String(e);
    if (msg.includes('UNIQUE constraint failed: events.seq')) {
      return new JournalWriteError(
        `append at seq ${inputSeq} refused: the journal no longer ends at seq ${inputSeq - 1} (another writer appended to ${this.path}?); nothing was written`,
        { cause: e },
      );
    }
    return new JournalWriteError(`append at seq ${inputSeq} failed, nothing was written: ${msg}`, { cause: e });
  }

  nextSeq(): number {
    return this.lastSeq() + 1;
  }

  lastSeq(): number {
    this.assertOpen();
    // A reader's view moves as the writer (another process) appends; a writer's cache is the truth.
    if (this.readOnly) this.reloadTail();
    return this.tailSeq;
  }

  lastHash(): string {
    this.assertOpen();
    if (this.readOnly) this.reloadTail();
    if (this.writer !== null) {
      // The writer chained the hashes: wait for it, then read the tail it committed.
      this.writer.flush();
      this.reloadTail();
    }
    return this.tailHash;
  }

  private reloadTail(): void {
    const row = this.tailStmt.get() as [number, string] | undefined;
    this.tailSeq = row === undefined ? 0 : row[0];
    this.tailHash = row === undefined ? GENESIS_HASH : row[1];
  }

  // ------------------------------------------------------------------------------------------------------
  // Reading

  read(filter: ReadFilter = {}): IterableIterator<AnyEvent> {
    this.assertOpen();
    this.writer?.flush();
    const where: string[] = [];
    const params: Array<string | number> = [];
    if (filter.fromSeq !== undefined) {
      assertSeqArg('fromSeq', filter.fromSeq);
      where.push('seq >= ?');
      params.push(filter.fromSeq);
    }
    if (filter.toSeq !== undefined) {
      assertSeqArg('toSeq', filter.toSeq);
      where.push('seq <= ?');
      params.push(filter.toSeq);
    }
    if (filter.types !== undefined) {
      for (const t of filter.types) if (!isEventType(t)) throw new TypeError(`read: unknown event type ${JSON.stringify(t)}`);
      if (filter.types.length === 0) return [][Symbol.iterator]();
      where.push(`type IN (${filter.types.map(() => '?').join(', ')})`);
      params.push(...filter.types);
    }
    if (filter.symbol !== undefined) {
      where.push('symbol = ?');
      params.push(filter.symbol);
    }
    if (filter.clientOrderId !== undefined) {
      if (filter.includeNestedOrderRefs === true) {
        // Payloads are canonical JSON, so a nested reference is exactly this text.
        where.push('(client_order_id = ? OR instr(payload, ?) > 0)');
        params.push(filter.clientOrderId, `"clientOrderId":${JSON.stringify(filter.clientOrderId)}`);
      } else {
        where.push('client_order_id = ?');
        params.push(filter.clientOrderId);
      }
    }
    if (filter.readAhead === true) {
      const pageSql = `SELECT ${ROW_COLUMNS} FROM events WHERE ${[...where, 'seq > ?'].join(' AND ')} ORDER BY seq LIMIT ?`;
      const rows = readAhead<EventRow>({ path: this.path, pageSql, params, busyTimeoutMs: BUSY_TIMEOUT_MS });
      return iterateEvents(rows, filter.validate !== false);
    }
    const sql = `SELECT ${ROW_COLUMNS} FROM events${where.length > 0 ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY seq`;
    const stmt = this.readStatement(sql);
    return iterateEvents(stmt.iterate(...params) as IterableIterator<EventRow>, filter.validate !== false);
  }

  /** Cached per filter shape; a statement still being iterated (nested reads) gets a fresh one. */
  private readStatement(sql: string): Database.Statement {
    const cached = this.readStatements.get(sql);
    if (cached !== undefined && !cached.busy) return cached;
    const stmt = this.db.prepare(sql).raw();
    if (cached === undefined && this.readStatements.size < READ_STATEMENTS_CACHED_MAX) this.readStatements.set(sql, stmt);
    return stmt;
  }

  get(seq: number): AnyEvent | null {
    this.assertOpen();
    this.writer?.flush();
    assertSeqArg('seq', seq);
    const row = this.getStmt.get(seq) as EventRow | undefined;
    return row === undefined ? null : decodeEventRow(row, true);
  }

  count(): number {
    this.assertOpen();
    this.writer?.flush();
    return (this.db.prepare('SELECT count(*) FROM events').pluck().get() as number);
  }

  // ------------------------------------------------------------------------------------------------------
  // Snapshots: derived data, outside the hash chain.

  saveSnapshot(seq: number, stateHash: string, state: unknown): void {
    this.assertWritable();
    assertSeqArg('seq', seq, 0);
    if (seq > this.tailSeq) throw new RangeError(`saveSnapshot: seq ${seq} is beyond the last event (${this.tailSeq})`);
    if (typeof stateHash !== 'string' || !STATE_HASH_PATTERN.test(stateHash)) {
      throw new TypeError(`saveSnapshot: stateHash ${JSON.stringify(stateHash)} is not a sha256 hex digest`);
    }
    // Canonical JSON refuses undefined, NaN and Infinity: a state JSON cannot carry would not restore.
    this.saveSnapshotText(seq, stateHash, encodeCanonical(state));
  }

  saveSnapshotCanonical(seq: number, canonical: string | Uint8Array): void {
    if (this.writer !== null) {
      this.queueSnapshot(seq, null, typeof canonical === 'string' ? UTF8.encode(canonical) : canonical);
      return;
    }
    const text = typeof canonical === 'string' ? canonical : UTF8_DECODER.decode(canonical);
    this.saveSnapshotText(seq, sha256Text(text), text);
  }

  /** Write-behind: the snapshot goes with the batch being built (or alone), after the events it follows. */
  private queueSnapshot(seq: number, stateHash: string | null, utf8: Uint8Array): void {
    this.assertWritable();
    assertSeqArg('seq', seq, 0);
    if (seq > this.tailSeq) throw new RangeError(`saveSnapshot: seq ${seq} is beyond the last event (${this.tailSeq})`);
    if (!(utf8 instanceof Uint8Array)) throw new TypeError('saveSnapshot: the state must be text or UTF-8 bytes');
    // Copied to the writer with the batch (a memcpy; the caller may keep sharing the bytes).
    this.queuedSnapshots.push({ seq, stateHash, utf8, createdAt: Date.now() });
    if (!this.inBatch) this.postQueued();
  }

  saveSnapshotText(seq: number, stateHash: string, json: string): void {
    this.assertWritable();
    if (this.writer !== null) {
      if (typeof stateHash !== 'string' || !STATE_HASH_PATTERN.test(stateHash)) {
        throw new TypeError(`saveSnapshot: stateHash ${JSON.stringify(stateHash)} is not a sha256 hex digest`);
      }
      this.queueSnapshot(seq, stateHash, UTF8.encode(json));
      return;
    }
    assertSeqArg('seq', seq, 0);
    if (seq > this.tailSeq) throw new RangeError(`saveSnapshot: seq ${seq} is beyond the last event (${this.tailSeq})`);
    if (typeof stateHash !== 'string' || !STATE_HASH_PATTERN.test(stateHash)) {
      throw new TypeError(`saveSnapshot: stateHash ${JSON.stringify(stateHash)} is not a sha256 hex digest`);
    }
    const existing = this.db.prepare(SNAPSHOT_EXISTING_SQL).pluck().get(seq) as string | undefined;
    if (existing !== undefined && existing !== stateHash) {
      // Two different states at one seq: the reducers are not deterministic. Never overwrite the evidence.
      throw new Error(`saveSnapshot: a snapshot at seq ${seq} already exists with state hash ${existing}, not ${stateHash}`);
    }
    this.db.prepare(SNAPSHOT_INSERT_SQL).run(seq, stateHash, json, Date.now());
  }

  loadSnapshot(atOrBelowSeq?: number): Snapshot | null {
    const snap = this.loadSnapshotText(atOrBelowSeq);
    return snap === null ? null : { seq: snap.seq, stateHash: snap.stateHash, state: JSON.parse(snap.text) as unknown };
  }

  loadSnapshotText(atOrBelowSeq?: number): SnapshotText | null {
    this.assertOpen();
    this.writer?.flush();
    if (atOrBelowSeq !== undefined) assertSeqArg('atOrBelowSeq', atOrBelowSeq, 0);
    const row = this.db
      .prepare('SELECT seq, state_hash, state FROM snapshots WHERE seq <= ? ORDER BY seq DESC LIMIT 1')
      .get(atOrBelowSeq ?? Number.MAX_SAFE_INTEGER) as { seq: number; state_hash: string; state: string } | undefined;
    if (row === undefined) return null;
    return { seq: row.seq, stateHash: row.state_hash, text: row.state };
  }

  listSnapshots(): SnapshotInfo[] {
    this.assertOpen();
    this.writer?.flush();
    const rows = this.db.prepare('SELECT seq, state_hash FROM snapshots ORDER BY seq').raw().all() as Array<[number, string]>;
    return rows.map(([seq, stateHash]) => ({ seq, stateHash }));
  }

  // ------------------------------------------------------------------------------------------------------

  verify(options: VerifyOptions = {}): VerifyResult {
    this.assertOpen();
    this.writer?.flush();
    return verifyJournal(this.db, options);
  }

  readChecked(range: { readonly fromSeq?: number; readonly toSeq?: number } = {}): CheckedRows {
    this.assertOpen();
    this.writer?.flush();
    if (range.fromSeq !== undefined) assertSeqArg('fromSeq', range.fromSeq);
    if (range.toSeq !== undefined) assertSeqArg('toSeq', range.toSeq, 0);
    return new CheckedRows(this.db, range);
  }

  info(): JournalInfo {
    this.assertOpen();
    const sync = this.db.pragma('synchronous', { simple: true }) as number;
    const synchronous = (['OFF', 'NORMAL', 'FULL', 'EXTRA'] as const)[sync];
    if (synchronous === undefined) throw new Error(`journal ${this.path}: unknown synchronous level ${sync}`);
    return {
      ...this.meta,
      path: this.path,
      durability: this.durability,
      readOnly: this.readOnly,
      journalMode: String(this.db.pragma('journal_mode', { simple: true })),
      synchronous,
    };
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    try {
      // Whatever was appended outside a batch is queued already; a batch cannot be open across close().
      this.writer?.close();
    } finally {
      this.db.close();
    }
  }

  private assertOpen(): void {
    if (this.closed) throw new Error(`journal ${this.path} is closed`);
  }

  private assertWritable(): void {
    this.assertOpen();
    if (this.readOnly) throw new Error(`journal ${this.path} was opened read-only`);
  }
}

/** Validate, encode and hash one draft. Throws EventValidationError; writes nothing. */
function prepareRow(
  draft: InputDraft | DecisionDraft, kind: EventKind, seq: number, causedBy: number | null, prevHash: string,
  recordedAt: number, chained: boolean,
): PreparedRow {
  if (draft === null || typeof draft !== 'object') throw new TypeError(`append: an ${kind} draft must be an object`);
  const v = validateDraft(draft);
  if (!v.ok) throw v.error;
  const type = draft.type;
  // validateDraft accepted the type, so it is in the catalog.
  const catalogKind = kindOf(type);
  if (catalogKind !== kind) {
    throw new EventValidationError(type, [
      `${type}: is ${catalogKind === 'input' ? 'an input' : 'a decision'} type, passed as ${kind === 'input' ? 'the input' : 'a decision'} of an append`,
    ]);
  }
  const payload = v.value as Record<string, unknown>;
  // The string that is hashed is the string that is stored.
  const payloadJson = encodePayload(type, payload);
  const hash = chained ? chainHashFast(prevHash, seq, draft.ts, kind, type, payloadJson) : PENDING_HASH;
  const symbol = typeof payload.symbol === 'string' ? payload.symbol : null;
  const clientOrderId = typeof payload.clientOrderId === 'string' ? payload.clientOrderId : null;
  const event = { seq, ts: draft.ts, kind, type, causedBy, payload, hash, recordedAt } as AnyEvent;
  return { event, payloadJson, symbol, clientOrderId };
}

function* iterateEvents(rows: IterableIterator<EventRow>, validate: boolean): IterableIterator<AnyEvent> {
  for (const row of rows) yield decodeEventRow(row, validate);
}

/**
 * An event from its stored row: the payload parsed (a row that is not JSON throws JournalReadError naming its
 * seq) and, with `validate`, checked against the catalog.
 */
export function decodeEventRow(row: EventRow, validate: boolean): AnyEvent {
  const [seq, ts, kind, type, causedBy, payloadJson, hash, recordedAt] = row;
  let payload: unknown;
  try {
    payload = JSON.parse(payloadJson);
  } catch (e) {
    throw new JournalReadError(seq, `payload is not JSON (${(e as Error).message})`, { cause: e });
  }
  if (validate) {
    if (!isEventType(type)) throw new JournalReadError(seq, `${JSON.stringify(type)} is not a known event type`);
    if (CATALOG[type].kind !== kind) throw new JournalReadError(seq, `${type} is stored as kind ${JSON.stringify(kind)}, the catalog says ${CATALOG[type].kind}`);
    const v = validatePayload(type, payload);
    if (!v.ok) throw new JournalReadError(seq, v.error.message, { cause: v.error });
    payload = v.value;
  }
  return { seq, ts, kind, type, causedBy, payload, hash, recordedAt } as AnyEvent;
}

function assertSeqArg(name: string, value: number, min = 1): void {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min) {
    throw new RangeError(`${name} must be an integer >= ${min}, got ${String(value)}`);
  }
}
