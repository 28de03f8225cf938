// Every bound the journal enforces, each named with its unit (STYLE rule 6 and TigerBeetle's "a limit on
// everything"). Exceeding one is a programmer error and throws.

/** Decisions one input may cause in one append. A decider that emits more is looping. */
export const DECISIONS_PER_APPEND_MAX = 1_000;

/**
 * Events one `batch()` may write. A transaction that never ends keeps the WAL from being checkpointed, so
 * the WAL file (and recovery time after a crash) would grow without bound. Backtests commit ~1,000 events
 * per batch; this is 100x that.
 */
export const BATCH_EVENTS_MAX = 100_000;

/**
 * Rows per INSERT statement. An append of an input and its decisions is written with one statement when it
 * has at most this many events (one native call instead of one per event); longer appends are chunked.
 */
export const INSERT_ROWS_PER_STATEMENT_MAX = 8;

/** How long a writer waits for another connection's lock before SQLITE_BUSY (better-sqlite3 `timeout`). */
export const BUSY_TIMEOUT_MS = 5_000;

/** `verify` reports progress every this many events (and once at the end). */
export const VERIFY_PROGRESS_EVERY_EVENTS = 10_000;

/** Prepared read statements kept per journal (one per filter shape; shapes are few). */
export const READ_STATEMENTS_CACHED_MAX = 64;

/** A snapshot's state hash: sha256 hex, as `sha256Canonical` from @axiom/events produces. */
export const STATE_HASH_PATTERN = /^[0-9a-f]{64}$/;
