// @axiom/journal: the append-only SQLite event journal (DESIGN §6): append an input with its decisions in one
// transaction, read and filter events, snapshots, and an end-to-end hash-chain verify.
export {
  openJournal, decodeEventRow, EVENT_ROW_COLUMNS, PENDING_HASH,
  type Durability, type EventRow, type Journal, type JournalInfo, type OpenJournalOptions, type ReadFilter, type Snapshot,
  type SnapshotInfo, type SnapshotText,
} from './journal';
export { CheckedRows, checkRow, checkPayloadColumns, type CheckedEvents, type CheckedRowColumns, type RowProblem, type VerifyOptions, type VerifyProblem, type VerifyResult } from './verify';
export { JournalOpenError, JournalReadError, JournalWriteError, type JournalOpenProblem } from './errors';
export { BATCH_EVENTS_MAX, DECISIONS_PER_APPEND_MAX } from './limits';
export { FORMAT_VERSION } from './schema';
