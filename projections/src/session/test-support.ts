// Test helpers for the session and market projections: journal-shaped events whose payloads are validated
// against the catalog, so tests only feed reducers events the journal would accept. Not exported from index.
import {
  defaultEngineConfig, kindOf, parsePayload, type AnyEvent, type EngineConfig, type EventType, type PayloadOf,
} from '@axiom/events';

let nextSeq = 1;

/** A well-formed journal event (payload checked by the catalog schema); seq increases per call unless given. */
export function journalEvent<T extends EventType>(type: T, ts: number, payload: PayloadOf<T>, seq?: number): AnyEvent {
  const s = seq ?? nextSeq++;
  return {
    seq: s,
    ts,
    kind: kindOf(type),
    type,
    causedBy: kindOf(type) === 'decision' ? Math.max(1, s - 1) : null,
    payload: parsePayload(type, payload),
    hash: '0'.repeat(64),
    recordedAt: ts,
  } as AnyEvent;
}

/** A run.started event carrying a whole EngineConfig (defaults overridden by `patch`). */
export function runStarted(ts: number, patch: (c: EngineConfig) => EngineConfig = (c) => c): AnyEvent {
  return journalEvent('run.started', ts, {
    runId: 'test0001',
    mode: 'backtest',
    config: patch(defaultEngineConfig()),
    configHash: 'a'.repeat(64),
    strategies: [],
    codeVersion: 'test',
    catalogVersion: 1,
    dataSource: 'test',
  });
}

/** Ms UTC of an ISO instant, e.g. utc('2026-03-09T13:30:00Z'). */
export function utc(iso: string): number {
  const t = Date.parse(iso);
  if (Number.isNaN(t)) throw new Error(`bad test instant ${iso}`);
  return t;
}
