// The journal file's layout (tables, indexes, triggers, meta) and how a file is recognized as an Axiom
// journal. The layout is versioned by FORMAT_VERSION (this file); the payloads by CATALOG_VERSION (events).
import type Database from 'better-sqlite3';

/** SQLite header `application_id`: "AXJL". Marks the file as an Axiom journal before any table is read. */
export const APPLICATION_ID = 0x41584a4c;
/** Version of the table layout below. A reader refuses a file with a newer one. */
export const FORMAT_VERSION = 1;
export const FORMAT_NAME = 'axiom-journal';

// STRICT tables make SQLite refuse a value of the wrong type (a float ts, a text seq) even from a raw
// connection. `seq INTEGER PRIMARY KEY` is the rowid: the seq order is the storage order, so a read in seq
// order is a plain b-tree walk. Derived columns `symbol` and `client_order_id` are copies of payload fields
// for the filters; `verify` checks that they still match the payload.
const DDL = `
CREATE TABLE meta (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
) STRICT;

CREATE TABLE events (
  seq             INTEGER PRIMARY KEY,
  ts              INTEGER NOT NULL,
  kind            TEXT    NOT NULL,
  type            TEXT    NOT NULL,
  caused_by       INTEGER,
  payload         TEXT    NOT NULL,
  hash            TEXT    NOT NULL,
  recorded_at     INTEGER NOT NULL,
  symbol          TEXT,
  client_order_id TEXT
) STRICT;

-- The journal is append-only. These triggers stop accidents (a stray UPDATE or DELETE from any connection);
-- they do not stop someone who drops them: the hash chain makes that evident (verify).
-- Not covered here, on purpose: INSERT OR REPLACE deletes the old row without firing delete triggers
-- (recursive_triggers is off by default), and a raw INSERT may skip a seq. A BEFORE INSERT trigger that
-- checks seq = max(seq) + 1 closes both, but costs 15-20% of batched append throughput (measured, see
-- scripts/bench/journal/RESULTS.md); the journal's own writer never does either (it writes seq = last + 1
-- and a stale writer hits the PRIMARY KEY), and verify reports both (hash_mismatch, gap).
CREATE TRIGGER events_no_update BEFORE UPDATE ON events
BEGIN SELECT RAISE(ABORT, 'axiom journal: events are append-only, UPDATE refused'); END;
CREATE TRIGGER events_no_delete BEFORE DELETE ON events
BEGIN SELECT RAISE(ABORT, 'axiom journal: events are append-only, DELETE refused'); END;

CREATE TABLE snapshots (
  seq        INTEGER PRIMARY KEY,
  state_hash TEXT    NOT NULL,
  state      TEXT    NOT NULL,
  created_at INTEGER NOT NULL
) STRICT;
`;

/**
 * The events table's indexes (the audit filters by symbol and by client order id). Created with the schema,
 * and again (IF NOT EXISTS) whenever a writable journal opens or a write-behind writer closes: a fresh
 * backtest journal builds them once at the end, from all its rows (see journal.ts, deferred indexes).
 */
export const EVENT_INDEXES_DDL = `
CREATE INDEX IF NOT EXISTS events_by_symbol ON events (symbol) WHERE symbol IS NOT NULL;
CREATE INDEX IF NOT EXISTS events_by_client_order_id ON events (client_order_id) WHERE client_order_id IS NOT NULL;`;

export interface MetaRecord {
  readonly formatVersion: number;
  /** The newest event catalog that has written to this file. */
  readonly catalogVersion: number;
  readonly journalId: string;
  /** ISO-8601 UTC time the file was created. */
  readonly createdAt: string;
}

/** Create every table of a new journal in one transaction (a crash leaves an empty database, re-initialized on next open). */
export function initializeSchema(db: Database.Database, meta: MetaRecord, options: { indexes: boolean } = { indexes: true }): void {
  db.transaction(() => {
    db.exec(DDL);
    if (options.indexes) db.exec(EVENT_INDEXES_DDL);
    const put = db.prepare('INSERT INTO meta (key, value) VALUES (?, ?)');
    put.run('format', FORMAT_NAME);
    put.run('format_version', String(meta.formatVersion));
    put.run('catalog_version', String(meta.catalogVersion));
    put.run('journal_id', meta.journalId);
    put.run('created_at', meta.createdAt);
    db.pragma(`application_id = ${APPLICATION_ID}`);
    db.pragma(`user_version = ${FORMAT_VERSION}`);
  })();
}

/** True for a database with no schema at all (a file we created and crashed before initializing). */
export function isEmptyDatabase(db: Database.Database): boolean {
  const row = db.prepare('SELECT count(*) AS n FROM sqlite_schema').get() as { n: number };
  return row.n === 0 && db.pragma('application_id', { simple: true }) === 0;
}

/** Read the meta table, or explain why this database is not an Axiom journal (returns the reason as a string). */
export function readMeta(db: Database.Database): MetaRecord | string {
  const appId = db.pragma('application_id', { simple: true });
  if (appId !== APPLICATION_ID) return `its SQLite application_id is ${String(appId)}, not ${APPLICATION_ID} ("AXJL")`;
  const hasMeta = db.prepare("SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = 'meta'").get();
  if (hasMeta === undefined) return 'it has no meta table';
  const rows = db.prepare('SELECT key, value FROM meta').all() as Array<{ key: string; value: string }>;
  const m = new Map(rows.map((r) => [r.key, r.value]));
  if (m.get('format') !== FORMAT_NAME) return `its meta.format is ${JSON.stringify(m.get('format') ?? null)}`;
  const formatVersion = Number(m.get('format_version'));
  const catalogVersion = Number(m.get('catalog_version'));
  const journalId = m.get('journal_id');
  const createdAt = m.get('created_at');
  if (!Number.isInteger(formatVersion) || !Number.isInteger(catalogVersion) || journalId === undefined || createdAt === undefined) {
    return 'its meta table is incomplete';
  }
  return { formatVersion, catalogVersion, journalId, createdAt };
}

export function writeCatalogVersion(db: Database.Database, catalogVersion: number): void {
  db.prepare("UPDATE meta SET value = ? WHERE key = 'catalog_version'").run(String(catalogVersion));
}
