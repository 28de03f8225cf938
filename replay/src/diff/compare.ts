// Align two folded runs by their market groups and find where they part: whether their market inputs are the
// same, the first divergence (the exact first event that differs, with the transaction around it on each
// side), and the list of market groups where what the engine did (signals, orders, fills, exits) differs.
import type { AnyEvent } from '@axiom/events';
import type { Journal } from '@axiom/journal';
import { normalizedEvent, type MarketGroup, type RunFold } from './fold';

/** Divergence entries kept in a report (the count is always complete). */
export const DIVERGENCES_SHOWN_MAX = 200;

export interface InputsComparison {
  same: boolean;
  aHash: string;
  bHash: string;
  aCount: number;
  bCount: number;
  /** The first market input (0-based index in each run's market inputs) that differs. */
  firstDifference: { index: number; a: string | null; b: string | null } | null;
}

export interface EventLine {
  seq: number;
  ts: number;
  kind: string;
  type: string;
  causedBy: number | null;
  payload: unknown;
}

export interface SideAtDivergence {
  /** The first differing event on this side (null: this side has no event there, its run ended). */
  event: EventLine | null;
  /** The input of the transaction holding that event, and the transaction's decisions. */
  input: EventLine | null;
  decisions: EventLine[];
}

export interface FirstDivergence {
  seq: number;
  /** ts of the first differing event (A's, else B's). */
  ts: number;
  symbol: string | null;
  /** 0-based market group index (group 0 holds the events before the first market input). */
  group: number;
  /** The market input that opened the group (null for group 0). */
  market: string | null;
  marketTs: number;
  a: SideAtDivergence;
  b: SideAtDivergence;
}

export interface DivergenceEntry {
  group: number;
  ts: number;
  symbol: string | null;
  /** Notable lines only in A / only in B (the multiset difference). */
  onlyA: string[];
  onlyB: string[];
}

export function compareInputs(a: RunFold, b: RunFold): InputsComparison {
  const same = a.inputsHash === b.inputsHash && a.marketInputs === b.marketInputs;
  let firstDifference: InputsComparison['firstDifference'] = null;
  if (!same) {
    const ma = a.groups.filter((g) => g.market !== null);
    const mb = b.groups.filter((g) => g.market !== null);
    const n = Math.max(ma.length, mb.length);
    for (let i = 0; i < n; i++) {
      const x = ma[i]?.market ?? null;
      const y = mb[i]?.market ?? null;
      if (x !== y) {
        firstDifference = { index: i, a: x, b: y };
        break;
      }
    }
  }
  return { same, aHash: a.inputsHash, bHash: b.inputsHash, aCount: a.marketInputs, bCount: b.marketInputs, firstDifference };
}

/** Index of the first group whose events differ (by hash, or one run has a group the other lacks); -1 if none. */
export function firstDivergentGroup(a: readonly MarketGroup[], b: readonly MarketGroup[]): number {
  const n = Math.max(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a[i];
    const y = b[i];
    if (x === undefined || y === undefined || x.hash !== y.hash || x.market !== y.market) return i;
  }
  return -1;
}

/** Groups where the notable lines differ, as multiset differences; at most `max` kept, all counted. */
export function divergenceList(a: readonly MarketGroup[], b: readonly MarketGroup[], max = DIVERGENCES_SHOWN_MAX): { count: number; shown: DivergenceEntry[] } {
  const shown: DivergenceEntry[] = [];
  let count = 0;
  const n = Math.max(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a[i];
    const y = b[i];
    const na = x?.notable ?? [];
    const nb = y?.notable ?? [];
    if (na.length === 0 && nb.length === 0) continue;
    if (na.length === nb.length && na.every((l, k) => l === nb[k])) continue;
    count++;
    if (shown.length >= max) continue;
    const { onlyA, onlyB } = multisetDifference(na, nb);
    shown.push({ group: i, ts: (x ?? y)!.ts, symbol: (x ?? y)!.symbol, onlyA, onlyB });
  }
  return { count, shown };
}

/** Both inputs sorted. */
function multisetDifference(a: readonly string[], b: readonly string[]): { onlyA: string[]; onlyB: string[] } {
  const onlyA: string[] = [];
  const onlyB: string[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (j >= b.length || (i < a.length && a[i]! < b[j]!)) onlyA.push(a[i++]!);
    else if (i >= a.length || b[j]! < a[i]!) onlyB.push(b[j++]!);
    else {
      i++;
      j++;
    }
  }
  return { onlyA, onlyB };
}

const lineOf = (e: AnyEvent): EventLine => ({ seq: e.seq, ts: e.ts, kind: e.kind, type: e.type, causedBy: e.causedBy, payload: e.payload });

/**
 * The exact first differing event inside the first divergent group: re-read that group from both journals
 * (everything before it matched event for event, so positions in the group align) and compare pairwise.
 */
export function locateFirstDivergence(
  ja: Journal, jb: Journal, fa: RunFold, fb: RunFold, group: number,
): FirstDivergence {
  const ga = fa.groups[group];
  const gb = fb.groups[group];
  const readGroup = (j: Journal, g: MarketGroup | undefined) =>
    g === undefined || g.firstSeq === 0 ? [] : [...j.read({ fromSeq: g.firstSeq, toSeq: g.lastSeq, validate: false })];
  const ea = readGroup(ja, ga);
  const eb = readGroup(jb, gb);
  const idsA = fa.runStarted.map((r) => r.payload.runId);
  const idsB = fb.runStarted.map((r) => r.payload.runId);
  // run.started is compared as configuration, not as behavior (fold.ts leaves it out of the group hash).
  const xa = ea.filter((e) => e.type !== 'run.started');
  const xb = eb.filter((e) => e.type !== 'run.started');
  let k = 0;
  while (k < xa.length && k < xb.length && normalizedEvent(xa[k]!, idsA) === normalizedEvent(xb[k]!, idsB)) k++;
  const da = xa[k] ?? null;
  const db = xb[k] ?? null;
  const side = (events: readonly AnyEvent[], at: AnyEvent | null): SideAtDivergence => {
    if (at === null) return { event: null, input: null, decisions: [] };
    const idx = events.indexOf(at);
    let start = idx;
    while (start > 0 && events[start]!.kind !== 'input') start--;
    const input = events[start]!.kind === 'input' ? events[start]! : null;
    const decisions: EventLine[] = [];
    for (let i = start + (input === null ? 0 : 1); i < events.length && events[i]!.kind === 'decision'; i++) decisions.push(lineOf(events[i]!));
    return { event: lineOf(at), input: input === null ? null : lineOf(input), decisions };
  };
  const first = da ?? db;
  const symbolIn = (e: AnyEvent | null) => {
    const s = (e?.payload as { symbol?: unknown } | undefined)?.symbol;
    return typeof s === 'string' ? s : null;
  };
  const g = ga ?? gb!;
  return {
    seq: first?.seq ?? Math.min(fa.lastSeq, fb.lastSeq) + 1,
    ts: first?.ts ?? g.ts,
    symbol: symbolIn(da) ?? symbolIn(db) ?? g.symbol,
    group, market: g.market, marketTs: g.ts,
    a: side(ea, da), b: side(eb, db),
  };
}
