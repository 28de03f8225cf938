// Crash recovery = start-up (crash-only design): rebuild state from the latest snapshot plus the events
// after it, through the same reducers. A snapshot that does not restore to its recorded hash is refused
// and the state is rebuilt from zero instead (said loudly); a snapshot from another state version likewise.
import type { Journal, SnapshotText } from '@axiom/journal';
import { sha256Text } from '@axiom/events';
import { decodeSnapshot, evolve, initialEngineState, type EngineState } from '@axiom/projections';

/** Tails at least this long are read ahead on a thread (its start costs ~30 ms, a ~5,000-event fold). */
export const READ_AHEAD_EVENTS_MIN = 20_000;

export interface Recovery {
  readonly state: EngineState;
  /** The snapshot seq recovery started from, or 0 from zero. */
  readonly fromSeq: number;
  /** Events folded after the snapshot. */
  readonly eventsReplayed: number;
  /** Why a snapshot was not used, when one existed. */
  readonly snapshotRefused: string | null;
}

export interface RecoverOptions {
  /** Ignore snapshots and fold every event from the first. */
  readonly fromZero?: boolean;
  /** Stop after this seq (inclusive). */
  readonly toSeq?: number;
  /** Skip payload schema validation on read (only after `journal.verify()` passed on this file). */
  readonly trusted?: boolean;
  readonly onProgress?: (seq: number) => void;
}

/**
 * The state of a stored snapshot, proven intact: its text is the state's canonical JSON, the very bytes its
 * hash was taken of, so hashing the text proves it without encoding the parsed state again (~20x cheaper),
 * because parsing canonical JSON and encoding it again gives the same text. `replay --check-snapshots` still
 * proves every snapshot equal to the state rebuilt from zero. Throws when the text is not its record, or
 * cannot be restored (another state version: SnapshotVersionError).
 */
export function restoreSnapshotText(snap: SnapshotText): EngineState {
  const hash = sha256Text(snap.text);
  if (hash !== snap.stateHash) throw new Error(`the snapshot at seq ${snap.seq} hashes to ${hash}, its record says ${snap.stateHash}`);
  return decodeSnapshot(snap.text);
}

export function recoverState(journal: Journal, opts: RecoverOptions = {}): Recovery {
  let state = initialEngineState();
  let fromSeq = 0;
  let snapshotRefused: string | null = null;
  if (!opts.fromZero) {
    const snap = journal.loadSnapshotText(opts.toSeq);
    if (snap !== null) {
      try {
        state = restoreSnapshotText(snap);
        fromSeq = snap.seq;
      } catch (e) {
        snapshotRefused = (e as Error).message;
      }
    }
  }
  let eventsReplayed = 0;
  // A long tail is read ahead on a second thread (the stepping of SQLite overlaps the folding).
  const readAhead = Math.min(opts.toSeq ?? Number.MAX_SAFE_INTEGER, journal.lastSeq()) - fromSeq >= READ_AHEAD_EVENTS_MIN;
  for (const event of journal.read({ fromSeq: fromSeq + 1, toSeq: opts.toSeq, validate: opts.trusted !== true, readAhead })) {
    state = evolve(state, event);
    eventsReplayed++;
    if (opts.onProgress && (eventsReplayed & 0xffff) === 0) opts.onProgress(event.seq);
  }
  return { state, fromSeq, eventsReplayed, snapshotRefused };
}
