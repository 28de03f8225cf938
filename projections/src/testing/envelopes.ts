// Turning drafts into journaled envelopes for tests and benchmarks: seqs assigned in order, decisions carry
// causedBy = their input's seq, and the hash chain is the journal's, so in-memory events equal what a fresh
// journal would return for the same transactions.
import {
  GENESIS_HASH, canonicalJson, chainHash, kindOf, type AnyEvent, type DecisionDraft, type EventType, type InputDraft,
  type PayloadOf,
} from '@axiom/events';

/** One journal transaction: an input and the decisions it caused (DESIGN §1). */
export interface Txn {
  input: InputDraft;
  decisions: DecisionDraft[];
}

export function toEnvelopes(txns: Iterable<Txn>, startSeq = 1, prevHash: string = GENESIS_HASH): AnyEvent[] {
  const out: AnyEvent[] = [];
  let seq = startSeq;
  let hash = prevHash;
  const push = (type: EventType, ts: number, payload: unknown, causedBy: number | null): void => {
    const kind = kindOf(type);
    hash = chainHash(hash, seq, ts, kind, type, canonicalJson(payload));
    out.push({ seq, ts, kind, type, causedBy, payload, hash, recordedAt: ts } as AnyEvent);
    seq++;
  };
  for (const txn of txns) {
    const inputSeq = seq;
    push(txn.input.type, txn.input.ts, txn.input.payload, null);
    for (const d of txn.decisions) push(d.type, d.ts, d.payload, inputSeq);
  }
  return out;
}

/**
 * A tiny event builder for unit tests: `b.ev(type, payload, ts?)` returns the next envelope (seq counting
 * from 1, ts defaulting to the previous ts + 1 ms). Hashes are left empty: reducers never read them.
 */
export class EventBuilder {
  seq = 0;
  ts: number;

  constructor(startTs = Date.UTC(2024, 2, 5, 14, 30)) {
    this.ts = startTs;
  }

  ev<T extends EventType>(type: T, payload: PayloadOf<T>, ts?: number): AnyEvent {
    this.seq += 1;
    this.ts = ts ?? this.ts + 1;
    return { seq: this.seq, ts: this.ts, kind: kindOf(type), type, causedBy: null, payload, hash: '', recordedAt: this.ts } as AnyEvent;
  }
}
