// The lockstep walk of `axiom diff`: batch k of run A beside batch k of run B (fold.ts), group by group, for
// the first differing market input (a refusal unless allowed), the first divergence and the divergence list.
// The batches carry texts, not events: a group whose normalized texts differ is re-read whole from both
// journals and compared event by event (compare.ts), which happens once, at the first divergence.
import type { AnyEvent } from '@axiom/events';
import type { Journal } from '@axiom/journal';
import { ReplayUsageError } from '../verify';
import {
  firstDifferenceInGroup, notableDifference, type DivergenceEntry, type FirstDivergence, type InputsComparison,
} from './compare';
import { isMarketInput, marketInputLine, type GroupBatch, type MarketGroup } from './fold';

export interface WalkOptions {
  readonly allowDifferentInputs: boolean;
  /** Divergence entries kept (all are counted). */
  readonly maxShown: number;
}

type RunIdSeen = GroupBatch['runIds'][number];

const NO_LINES: readonly string[] = [];

export class LockstepWalk {
  firstDivergence: FirstDivergence | null = null;
  firstInputDifference: InputsComparison['firstDifference'] = null;
  readonly shown: DivergenceEntry[] = [];
  /** Groups whose notable lines differ. */
  divergent = 0;
  private readonly runIdsA: RunIdSeen[] = [];
  private readonly runIdsB: RunIdSeen[] = [];

  constructor(private readonly ja: Journal, private readonly jb: Journal, private readonly opts: WalkOptions) {}

  /** Compare the next batch of each run (null: that run has no more groups; not both). */
  step(ba: GroupBatch | null, bb: GroupBatch | null): void {
    if (ba === null && bb === null) throw new Error('LockstepWalk.step: both runs have ended');
    if (ba !== null && bb !== null && ba.first !== bb.first) throw new Error(`LockstepWalk.step: batches at groups ${ba.first} and ${bb.first}`);
    const first = (ba ?? bb)!.first;
    const count = Math.max(ba?.count ?? 0, bb?.count ?? 0);
    if (ba !== null) this.runIdsA.push(...ba.runIds);
    if (bb !== null) this.runIdsB.push(...bb.runIds);
    if (this.firstInputDifference === null) this.compareInputs(ba, bb, first, count);
    if (this.firstDivergence === null) this.findFirstDivergence(ba, bb, first, count);
    this.compareBehavior(ba, bb);
  }

  private compareInputs(ba: GroupBatch | null, bb: GroupBatch | null, first: number, count: number): void {
    for (let k = first === 0 ? 1 : 0; k < count; k++) {
      const ma = marketAt(ba, k);
      const mb = marketAt(bb, k);
      if (ma === mb) continue;
      const index = first + k;
      const line = (m: string | null | undefined) => (m === null || m === undefined ? null : marketInputLine(marketFromText(m)));
      this.firstInputDifference = { index: index - 1, a: line(ma), b: line(mb) };
      if (!this.opts.allowDifferentInputs) {
        throw new ReplayUsageError('different_inputs',
          `the two runs did not see the same market inputs: first difference at market input #${index}: A ${this.firstInputDifference.a ?? '(none: the run ended)'} / B ${this.firstInputDifference.b ?? '(none: the run ended)'}` +
          '. Pass --allow-different-inputs to compare them anyway');
      }
      return;
    }
  }

  private findFirstDivergence(ba: GroupBatch | null, bb: GroupBatch | null, first: number, count: number): void {
    // Both sides build exact texts until they are told the first divergence is known, which is after this.
    if ((ba !== null && ba.exact === null) || (bb !== null && bb.exact === null)) {
      throw new Error(`LockstepWalk: a batch at group ${first} has no exact texts before the first divergence`);
    }
    for (let k = 0; k < count; k++) {
      const xa = ba !== null && k < ba.count ? ba.exact![k]! : null;
      const xb = bb !== null && k < bb.count ? bb.exact![k]! : null;
      if (xa === xb) continue; // the same normalized events, in the same order
      const index = first + k;
      const d = firstDifferenceInGroup(regroup(this.ja, ba, k), regroup(this.jb, bb, k), idsAt(this.runIdsA, index), idsAt(this.runIdsB, index));
      if (d !== null) {
        this.firstDivergence = d;
        return;
      }
    }
  }

  private compareBehavior(ba: GroupBatch | null, bb: GroupBatch | null): void {
    const na = ba?.notable ?? [];
    const nb = bb?.notable ?? [];
    let i = 0;
    let j = 0;
    while (i < na.length || j < nb.length) {
      const ga = na[i]?.group ?? Infinity;
      const gb = nb[j]?.group ?? Infinity;
      const index = Math.min(ga, gb);
      const la = ga === index ? na[i++]!.lines : NO_LINES;
      const lb = gb === index ? nb[j++]!.lines : NO_LINES;
      if (la.length === lb.length && la.every((l, k) => l === lb[k])) continue;
      const d = notableDifference(lightGroup(ba, index, la), lightGroup(bb, index, lb));
      if (d === null) continue;
      this.divergent++;
      if (this.shown.length < this.opts.maxShown) this.shown.push(d);
    }
  }
}

/** Group k's market text in a batch; null for group 0, undefined when the run has no such group. */
function marketAt(b: GroupBatch | null, k: number): string | null | undefined {
  return b !== null && k < b.count ? b.markets[k] : undefined;
}

/** Run ids seen up to the end of a group, in the order first seen (what the side normalized that group with). */
function idsAt(seen: readonly RunIdSeen[], group: number): string[] {
  const ids: string[] = [];
  for (const s of seen) if (s.group <= group) ids.push(s.id);
  return ids;
}

/** Group k of a batch read back whole from its journal (the seqs the batch recorded), or null: no such group. */
function regroup(j: Journal, b: GroupBatch | null, k: number): MarketGroup | null {
  if (b === null || k >= b.count) return null;
  const from = b.seqs![2 * k]!;
  const to = b.seqs![2 * k + 1]!;
  const events = to >= from ? [...j.read({ fromSeq: from, toSeq: to, validate: false })] : [];
  const index = b.first + k;
  const market = index > 0 ? events[0] ?? null : null;
  if (index > 0 && (market === null || !isMarketInput(market))) throw new Error(`diff: group ${index} re-read from seq ${from} does not start with a market input`);
  return { index, market, marketText: b.markets[k] ?? null, events, notable: [] };
}

/** The group as the divergence list reads it (index, market input, notable lines), or null: no such group. */
function lightGroup(b: GroupBatch | null, index: number, notable: readonly string[]): MarketGroup | null {
  if (b === null || index - b.first >= b.count) return null;
  const text = b.markets[index - b.first] ?? null;
  return { index, market: text === null ? null : marketFromText(text), marketText: text, events: [], notable: [...notable] };
}

/**
 * A market input rebuilt from its comparison text (`type ts payload`, fold.ts marketText): type, ts and payload
 * are all that marketInputLine and the divergence list read. The text has no seq, hash or time of recording.
 */
function marketFromText(text: string): AnyEvent {
  const i = text.indexOf(' ');
  const j = text.indexOf(' ', i + 1);
  return { seq: 0, ts: Number(text.slice(i + 1, j)), kind: 'input', type: text.slice(0, i), causedBy: null, payload: JSON.parse(text.slice(j + 1)), hash: '', recordedAt: 0 } as AnyEvent;
}
