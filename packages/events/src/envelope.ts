// The journal row (DESIGN §2) and the drafts that producers hand to the journal. A draft has no seq, hash
// or recordedAt: the journal assigns them in the append transaction.
import type { DecisionType, EventKind, EventType, InputType, PayloadOf } from './catalog';

export interface Envelope<T extends EventType = EventType> {
  /** Gapless, increasing, assigned by the journal (first event = 1). */
  readonly seq: number;
  /** Event time, integer ms since epoch UTC (bar start, broker timestamp, timer deadline). */
  readonly ts: number;
  readonly kind: EventKind;
  readonly type: T;
  /** For a decision, the seq of the input that caused it; null for inputs. */
  readonly causedBy: number | null;
  readonly payload: PayloadOf<T>;
  /** sha256 hex over (previous hash, seq, ts, kind, type, canonical payload). */
  readonly hash: string;
  /** Wall-clock time of the append (ms UTC). Audit only: never read by reducers or the decider. */
  readonly recordedAt: number;
}

/** A journaled event of any type, discriminated by `type` so a switch narrows the payload. */
export type AnyEvent = { [K in EventType]: Envelope<K> }[EventType];
export type InputEvent = { [K in InputType]: Envelope<K> }[InputType];
export type DecisionEvent = { [K in DecisionType]: Envelope<K> }[DecisionType];

export interface Draft<T extends EventType = EventType> {
  readonly type: T;
  readonly ts: number;
  readonly payload: PayloadOf<T>;
}
export type AnyDraft = { [K in EventType]: Draft<K> }[EventType];
export type InputDraft = { [K in InputType]: Draft<K> }[InputType];
export type DecisionDraft = { [K in DecisionType]: Draft<K> }[DecisionType];

/** Build a draft with the payload type checked against the catalog. */
export function draft<T extends EventType>(type: T, ts: number, payload: PayloadOf<T>): Draft<T> {
  return { type, ts, payload };
}
