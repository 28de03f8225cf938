// The decision context of one `step`: it collects the decisions the pipeline makes and folds each one into
// the working state at once, so later steps of the pipeline see earlier decisions (a second strategy's
// signal on a symbol sees the first one's order). Decision seqs are known in advance: the journal assigns
// the input seq and then consecutive seqs to its decisions in one transaction, so ids derived from them
// (client order ids) are deterministic and identical on replay.
import { kindOf, type AnyEvent, type DecisionDraft, type DecisionType, type PayloadOf } from '@axiom/events';
import { evolve, type EngineState } from '@axiom/projections';
import type { Strategy } from '@axiom/strategies';

export interface DecideDeps {
  /** Enabled strategies, in config order (ties between strategies on one bar go to the earlier one). */
  readonly strategies: readonly Strategy[];
}

export class DecisionContext {
  readonly decisions: DecisionDraft[] = [];
  private nextSeq: number;

  constructor(
    public state: EngineState,
    /** The input being decided on (already folded into `state`). */
    readonly input: AnyEvent,
    /** The engine's "now" for this input (see time.ts). */
    readonly now: number,
    readonly deps: DecideDeps,
  ) {
    this.nextSeq = input.seq + 1;
  }

  /** The seq the next emitted decision will get. */
  peekSeq(): number {
    return this.nextSeq;
  }

  emit<T extends DecisionType>(type: T, payload: PayloadOf<T>): number {
    const seq = this.nextSeq++;
    const draft = { type, ts: this.now, payload } as DecisionDraft;
    this.decisions.push(draft);
    const envelope = {
      seq, ts: this.now, kind: kindOf(type), type, causedBy: this.input.seq, payload, hash: '', recordedAt: 0,
    } as AnyEvent;
    this.state = evolve(this.state, envelope);
    return seq;
  }
}

/** Build the envelope a draft will have once journaled at `seq` (hash and recordedAt are never read by reducers). */
export function provisionalEnvelope(draft: { type: string; ts: number; payload: unknown }, seq: number, causedBy: number | null): AnyEvent {
  return {
    seq, ts: draft.ts, kind: kindOf(draft.type as DecisionType), type: draft.type, causedBy, payload: draft.payload,
    hash: '', recordedAt: 0,
  } as AnyEvent;
}
