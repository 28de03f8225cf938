// `axiom diff A B`: compare two runs (backtests, replays, a live day and its re-drive) that saw the same
// market inputs. Both journals are streamed once, each folded in a worker thread (thread.ts), and walked here
// in lockstep by market group (fold.ts, walk.ts), in constant memory apart from the equity curves and the kept
// divergences. The report says whether the inputs are the same (the walk stops and refuses at the first
// differing market input, unless allowed), where the runs first part, where their behavior differs,
// per-symbol and total figures A vs B (the backtest's own RunStats), both equity curves, and the configuration
// differences recorded in each run.started.
//
// Reads are trusted (no per-payload schema validation): diff reports, it proves nothing, and a row that is not
// JSON still fails the read. `axiom journal verify` and `axiom replay --verify` are the proofs.
import type { OrderStatus, SignalGate } from '@axiom/events';
import { openJournal, type Journal } from '@axiom/journal';
import type { RunSummary, SymbolStats } from '../backtest';
import { DIVERGENCES_SHOWN_MAX, type DivergenceEntry, type FirstDivergence, type InputsComparison } from './compare';
import { configDifferences, type ConfigDifference } from './config-diff';
import type { RunTotals } from './fold';
import { FoldThread, foldWorkerModule } from './thread';
import { LockstepWalk } from './walk';

export interface DiffOptions {
  /** Compare runs whose market inputs differ (reported as a warning) instead of refusing. */
  readonly allowDifferentInputs?: boolean;
  readonly maxDivergences?: number;
  readonly onProgress?: (side: 'A' | 'B', seq: number, lastSeq: number) => void;
}

export interface RunHeader {
  path: string;
  runId: string | null;
  mode: string | null;
  runStartedCount: number;
  configHash: string | null;
  dataSource: string | null;
  codeVersion: string | null;
  lastSeq: number;
  /** The chain head: the hash of the last event. */
  lastHash: string;
  events: number;
  inputsHash: string;
  marketInputs: number;
  foldMs: number;
}

export interface Totals {
  netPnl: number;
  grossPnl: number;
  fees: number;
  startingEquity: number | null;
  endingEquity: number | null;
  trades: number;
  wins: number;
  losses: number;
  winRate: number | null;
  maxDrawdown: number;
  maxDrawdownPct: number;
  exposureTimePct: number;
  avgGrossExposurePct: number;
  signals: number;
  rejected: number;
  rejectedByGate: Partial<Record<SignalGate, number>>;
  orders: number;
  ordersByFinalState: Partial<Record<OrderStatus, number>>;
  fills: number;
  entriesGaveUp: number;
  killSwitchTrips: number;
  halts: number;
  anomalies: number;
}

export interface SymbolSide extends SymbolStats {
  ordersByFinalState: Partial<Record<OrderStatus, number>>;
}

export interface SymbolRow {
  symbol: string;
  a: SymbolSide;
  b: SymbolSide;
  pnlDelta: number;
}

export interface DiffReport {
  a: RunHeader;
  b: RunHeader;
  /** comparedAnyway: the inputs differ and --allow-different-inputs let the comparison go on. */
  inputs: InputsComparison & { comparedAnyway: boolean };
  /** No event differs (configs may still differ in ways that changed nothing). */
  identical: boolean;
  firstDivergence: FirstDivergence | null;
  divergences: { count: number; shown: DivergenceEntry[] };
  configDifferences: ConfigDifference[];
  totals: { a: Totals; b: Totals };
  perSymbol: SymbolRow[];
  /** Both equity curves on one ordinal axis of bar minutes (union of both runs' minutes). */
  equity: { ts: number[]; a: Array<number | null>; b: Array<number | null> };
  elapsedMs: number;
}

export function diffJournals(pathA: string, pathB: string, opts: DiffOptions = {}): DiffReport {
  const t0 = performance.now();
  const ja = openJournal(pathA, { durability: 'batched', readOnly: true });
  let jb: Journal | null = null;
  let a: FoldThread | null = null;
  let b: FoldThread | null = null;
  try {
    jb = openJournal(pathB, { durability: 'batched', readOnly: true });
    // The two folds are the work (~2 s each for a 500-symbol day) and independent until compared: each runs in
    // a worker thread, and this thread only walks. Measured on 2 cores, this beats folding A here beside one
    // worker by ~10%: folding A here, this thread also took B's batches and walked, and B waited on it.
    const module = foldWorkerModule();
    a = new FoldThread(pathA, ja.lastSeq(), ja.lastHash(), module);
    b = new FoldThread(pathB, jb.lastSeq(), jb.lastHash(), module);
    const walk = new LockstepWalk(ja, jb, {
      allowDifferentInputs: opts.allowDifferentInputs === true, maxShown: opts.maxDivergences ?? DIVERGENCES_SHOWN_MAX,
    });
    // The lockstep walk: batch k of A beside batch k of B, until both runs end.
    for (;;) {
      const ba = a.nextBatch();
      if (opts.onProgress !== undefined) for (const seq of ba?.progress ?? []) opts.onProgress('A', seq, ja.lastSeq());
      const bb = b.nextBatch();
      if (opts.onProgress !== undefined) for (const seq of bb?.progress ?? []) opts.onProgress('B', seq, jb.lastSeq());
      if (ba === null && bb === null) break;
      walk.step(ba, bb);
      if (walk.firstDivergence !== null) {
        a.stopExact();
        b.stopExact();
      }
    }
    const fa = a.totals();
    const fb = b.totals();
    const firstInputDifference = walk.firstInputDifference;
    const inputs: InputsComparison = {
      same: firstInputDifference === null, aHash: fa.inputsHash, bHash: fb.inputsHash, aCount: fa.marketInputs, bCount: fb.marketInputs,
      firstDifference: firstInputDifference,
    };
    return {
      a: header(fa),
      b: header(fb),
      inputs: { ...inputs, comparedAnyway: !inputs.same },
      identical: walk.firstDivergence === null,
      firstDivergence: walk.firstDivergence,
      divergences: { count: walk.divergent, shown: walk.shown },
      configDifferences: configDifferences(fa.runStarted.at(-1), fb.runStarted.at(-1)),
      totals: { a: totals(fa.summary), b: totals(fb.summary) },
      perSymbol: perSymbolRows(fa, fb),
      equity: mergeCurves(fa.summary, fb.summary),
      elapsedMs: performance.now() - t0,
    };
  } finally {
    a?.close();
    b?.close();
    ja.close();
    jb?.close();
  }
}

function header(f: RunTotals): RunHeader {
  const r = f.runStarted.at(-1)?.payload;
  return {
    path: f.path, runId: r?.runId ?? null, mode: r?.mode ?? null, runStartedCount: f.runStarted.length,
    configHash: r?.configHash ?? null, dataSource: r?.dataSource ?? null, codeVersion: r?.codeVersion ?? null,
    lastSeq: f.lastSeq, lastHash: f.lastHash, events: f.events, inputsHash: f.inputsHash, marketInputs: f.marketInputs,
    foldMs: f.foldMs,
  };
}

function totals(s: RunSummary): Totals {
  return {
    netPnl: s.netPnl, grossPnl: s.grossPnl, fees: s.fees, startingEquity: s.startingEquity, endingEquity: s.endingEquity,
    trades: s.trades, wins: s.wins, losses: s.losses, winRate: s.winRate, maxDrawdown: s.maxDrawdown, maxDrawdownPct: s.maxDrawdownPct,
    exposureTimePct: s.exposureTimePct, avgGrossExposurePct: s.avgGrossExposurePct, signals: s.signals.emitted,
    rejected: s.signals.rejected, rejectedByGate: s.signals.byGate, orders: s.orders.created, ordersByFinalState: s.orders.byFinalState,
    fills: s.fills, entriesGaveUp: s.entries.gaveUp, killSwitchTrips: s.killSwitchTrips, halts: s.halts, anomalies: s.anomalies,
  };
}

const emptySide = (): SymbolSide => ({ bars: 0, signals: 0, rejected: {}, orders: 0, fills: 0, trades: 0, wins: 0, realizedPnl: 0, ordersByFinalState: {} });

/** Symbols where either run did anything (a signal, an order, a fill, a trade), largest PnL difference first. */
function perSymbolRows(fa: RunTotals, fb: RunTotals): SymbolRow[] {
  const symbols = new Set([...Object.keys(fa.summary.perSymbol), ...Object.keys(fb.summary.perSymbol)]);
  const rows: SymbolRow[] = [];
  const active = (s: SymbolSide) => s.signals > 0 || s.orders > 0 || s.fills > 0 || s.trades > 0;
  for (const symbol of symbols) {
    const a = { ...emptySide(), ...fa.summary.perSymbol[symbol], ordersByFinalState: fa.ordersByFinalState[symbol] ?? {} };
    const b = { ...emptySide(), ...fb.summary.perSymbol[symbol], ordersByFinalState: fb.ordersByFinalState[symbol] ?? {} };
    if (!active(a) && !active(b)) continue;
    rows.push({ symbol, a, b, pnlDelta: b.realizedPnl - a.realizedPnl });
  }
  return rows.sort((x, y) => Math.abs(y.pnlDelta) - Math.abs(x.pnlDelta) || (x.symbol < y.symbol ? -1 : x.symbol > y.symbol ? 1 : 0));
}

/** One x axis for both curves: the union of their bar minutes, in time order; a run without a point there has null. */
export function mergeCurves(a: Pick<RunSummary, 'equityCurve'>, b: Pick<RunSummary, 'equityCurve'>): DiffReport['equity'] {
  const ts: number[] = [];
  const va: Array<number | null> = [];
  const vb: Array<number | null> = [];
  const ca = a.equityCurve;
  const cb = b.equityCurve;
  let i = 0;
  let j = 0;
  while (i < ca.length || j < cb.length) {
    const x = ca[i];
    const y = cb[j];
    if (y === undefined || (x !== undefined && x.ts < y.ts)) {
      ts.push(x!.ts);
      va.push(x!.equity);
      vb.push(null);
      i++;
    } else if (x === undefined || y.ts < x.ts) {
      ts.push(y.ts);
      va.push(null);
      vb.push(y.equity);
      j++;
    } else {
      ts.push(x.ts);
      va.push(x.equity);
      vb.push(y.equity);
      i++;
      j++;
    }
  }
  return { ts, a: va, b: vb };
}
