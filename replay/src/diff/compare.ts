// Compare two runs one market group at a time: whether the market inputs are the same, the first divergence
// (the exact first event that differs, with the transaction around it on each side), and whether what the
// engine did in a group (signals, orders, fills, exits) differs. Pure functions over two groups; diff.ts
// walks the two cursors in lockstep and calls them.
import type { AnyEvent } from '@axiom/events';
import { marketInputLine, normalizedEvent, type MarketGroup } from './fold';

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
  /** The market group: 0 before the first market input, else the number of the market input that opened it. */
  group: number;
  /** The market input that opened the group (null for group 0), as a person reads it. */
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

/** The market input of a group as a person reads it, or null (group 0, or a run that ended). */
export function marketOf(g: MarketGroup | null): string | null {
  if (g === null || g.market === null) return null;
  return marketInputLine(g.market);
}

const lineOf = (e: AnyEvent): EventLine => ({ seq: e.seq, ts: e.ts, kind: e.kind, type: e.type, causedBy: e.causedBy, payload: e.payload });

const symbolIn = (e: AnyEvent | null): string | null => {
  const s = (e?.payload as { symbol?: unknown } | undefined)?.symbol;
  return typeof s === 'string' ? s : null;
};

/**
 * The first event that differs between two aligned groups (every earlier group matched event for event, so
 * positions in the group align), or null when they are the same. run.started is compared as configuration,
 * not as behavior, and the run ids inside client order ids are normalized away.
 */
export function firstDifferenceInGroup(
  ga: MarketGroup | null, gb: MarketGroup | null, idsA: readonly string[], idsB: readonly string[],
): FirstDivergence | null {
  const ea = ga?.events ?? [];
  const eb = gb?.events ?? [];
  const xa = ea.filter((e) => e.type !== 'run.started');
  const xb = eb.filter((e) => e.type !== 'run.started');
  let k = 0;
  while (k < xa.length && k < xb.length && normalizedEvent(xa[k]!, idsA) === normalizedEvent(xb[k]!, idsB)) k++;
  if (k === xa.length && k === xb.length) return null;
  const da = xa[k] ?? null;
  const db = xb[k] ?? null;
  const side = (events: readonly AnyEvent[], at: AnyEvent | null): SideAtDivergence => {
    if (at === null) return { event: null, input: null, decisions: [] };
    let start = events.indexOf(at);
    while (start > 0 && events[start]!.kind !== 'input') start--;
    const input = events[start]!.kind === 'input' ? events[start]! : null;
    const decisions: EventLine[] = [];
    for (let i = start + (input === null ? 0 : 1); i < events.length && events[i]!.kind === 'decision'; i++) decisions.push(lineOf(events[i]!));
    return { event: lineOf(at), input: input === null ? null : lineOf(input), decisions };
  };
  const first = (da ?? db)!;
  const g = (ga ?? gb)!;
  return {
    seq: first.seq,
    ts: first.ts,
    symbol: symbolIn(da) ?? symbolIn(db) ?? symbolIn(g.market),
    group: g.index,
    market: marketOf(g),
    marketTs: g.market?.ts ?? 0,
    a: side(ea, da),
    b: side(eb, db),
  };
}

/** The group's entry in the divergence list when the notable lines of A and B differ, else null. */
export function notableDifference(ga: MarketGroup | null, gb: MarketGroup | null): DivergenceEntry | null {
  const na = ga?.notable ?? [];
  const nb = gb?.notable ?? [];
  if (na.length === 0 && nb.length === 0) return null;
  if (na.length === nb.length && na.every((l, k) => l === nb[k])) return null;
  const g = (ga ?? gb)!;
  return { group: g.index, ts: g.market?.ts ?? 0, symbol: symbolIn(g.market), ...multisetDifference(na, nb) };
}

/** Both inputs sorted. */
export function multisetDifference(a: readonly string[], b: readonly string[]): { onlyA: string[]; onlyB: string[] } {
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
