// Snapshots of EngineState: JSON text that carries the state's version. A snapshot written by another
// STATE_VERSION is refused with a message naming both versions (the cure is a replay from the start).
import { STATE_VERSION, type EngineState } from './state';

const REQUIRED_KEYS = [
  'version', 'seq', 'lastTs', 'run', 'config', 'counters', 'session', 'market', 'orders', 'positions', 'account',
  'risk', 'broker', 'anomalies', 'anomalyCount',
] as const;

export class SnapshotVersionError extends Error {
  constructor(readonly found: unknown, readonly expected: number) {
    super(`snapshot state version ${JSON.stringify(found)} does not match this build's STATE_VERSION ${expected}: ` +
      'rebuild the state by replaying the journal from the start');
    this.name = 'SnapshotVersionError';
  }
}

/** The JSON text of a state (what `journal.saveSnapshot` stores; `stateHash` is computed on the state). */
export function encodeSnapshot(state: EngineState): string {
  return JSON.stringify(state);
}

/**
 * Restore a state from snapshot JSON text, or from the already-parsed value (`journal.loadSnapshot().state`
 * is parsed JSON: either the state object itself or the text encodeSnapshot made). Throws on another
 * version (SnapshotVersionError) or a value that is not a state.
 */
export function decodeSnapshot(snapshot: unknown): EngineState {
  let value: unknown = snapshot;
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value) as unknown;
    } catch (err) {
      throw new Error(`snapshot is not JSON: ${(err as Error).message}`, { cause: err });
    }
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new Error(`snapshot is not a state object (got ${value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value})`);
  }
  const rec = value as Record<string, unknown>;
  if (rec.version !== STATE_VERSION) throw new SnapshotVersionError(rec.version, STATE_VERSION);
  const missing = REQUIRED_KEYS.filter((k) => !(k in rec));
  if (missing.length > 0) throw new Error(`snapshot state (version ${STATE_VERSION}) lacks ${missing.join(', ')}`);
  if (typeof rec.seq !== 'number' || !Number.isInteger(rec.seq) || rec.seq < 0) {
    throw new Error(`snapshot state seq ${JSON.stringify(rec.seq)} is not a non-negative integer`);
  }
  return value as EngineState;
}
