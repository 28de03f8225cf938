// Replay: the fold of a sequence of journaled events into EngineState, and the state hash that proves two
// replays (from zero, or from a snapshot plus the rest) reached the same state.
import { sha256CanonicalBytes, type AnyEvent } from '@axiom/events';
import { evolve } from './evolve';
import { initialEngineState, type EngineState } from './state';

/**
 * Fold events into a state, from the initial state or from `fromState` (a restored snapshot). Events at or
 * below the starting state's seq are skipped, so `replay(allEvents, snapshot)` applies only the rest.
 */
export function replay(events: Iterable<AnyEvent>, fromState?: EngineState): EngineState {
  let state = fromState ?? initialEngineState();
  const startSeq = state.seq;
  for (const event of events) {
    if (event.seq <= startSeq) continue;
    state = evolve(state, event);
  }
  return state;
}

/** sha256 hex of the canonical JSON of the state (every byte encoded afresh). */
export function stateHash(state: EngineState): string {
  return sha256CanonicalBytes(state);
}
