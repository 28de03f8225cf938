// The plain-SQLite baseline of the journal and backtest benchmarks: the journal's events table, as they insert
// into it without the journal (no validation, canonical form, hashing or triggers).

/** The journal's events table and indexes (journal/src/schema.ts) without its UPDATE/DELETE triggers. */
export const PLAIN_JOURNAL_TABLE_DDL = `
CREATE TABLE events (seq INTEGER PRIMARY KEY, ts INTEGER NOT NULL, kind TEXT NOT NULL, type TEXT NOT NULL,
  caused_by INTEGER, payload TEXT NOT NULL, hash TEXT NOT NULL, recorded_at INTEGER NOT NULL, symbol TEXT,
  client_order_id TEXT) STRICT;
CREATE INDEX events_by_symbol ON events (symbol) WHERE symbol IS NOT NULL;
CREATE INDEX events_by_client_order_id ON events (client_order_id) WHERE client_order_id IS NOT NULL;`;
export const PLAIN_JOURNAL_COLUMNS = 'seq, ts, kind, type, caused_by, payload, hash, recorded_at, symbol, client_order_id';
