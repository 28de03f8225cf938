// Replay and verify (DESIGN §7 `axiom replay`): the state summary of a recovered journal, the proof that
// every stored snapshot is the state folded from zero, and the proof that every journaled decision is what
// `step` produces today from the same inputs. Recovery itself is the engine's `recoverState` (the live
// shell's start-up path); this folder only checks and reports.
export { ReplayUsageError, type ReplayProblem } from './errors';
export { rebuildDeps, latestRunStarted, allRunStarted, type RebuiltDeps, type RunStarted } from './deps';
export {
  verifyDecisions, firstDifference, VERIFY_CHECK_AHEAD_EVENTS_MIN, VERIFY_PROGRESS_EVERY_EVENTS, VERIFY_SEGMENT_EVENTS_MIN, VERIFY_THREADS_MAX,
  type VerifyDecisionsOptions, type VerifyDecisionsResult, type DecisionMismatch, type DecisionLine, type VerifyStats,
} from './verify';
export { checkSnapshots, type CheckSnapshotsResult, type CheckSnapshotsOptions, type SnapshotCheck } from './snapshots';
export {
  summarizeState, symbolState, SUMMARY_ORDERS_MAX, SUMMARY_ANOMALIES_MAX,
  type StateSummary, type SymbolState, type PositionLine, type OrderLine, type AnomalyLine,
} from './summary';
export { formatStateSummary, formatSnapshotCheck, formatVerifyStats, formatMismatch, formatSymbolState, usd, nyTime } from './format';
export { seqBound } from './seq';
