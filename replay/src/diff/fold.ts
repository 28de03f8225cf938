// One pass over one run's journal for `axiom diff`: fold the state (the same reducers as recovery), feed the
// backtest's RunStats one transaction at a time (so diff reports the figures `axiom backtest` prints), and cut
// the run into market groups — a market input and everything that follows it up to the next market input.
// Two runs over the same bars have the same groups, so a group index aligns them even after their seqs part.
// Per group it keeps only what the comparison needs: the market input's text, a hash of every event in the
// group (ids that embed the run id normalized), and a short digest of the notable things the engine did.
import { createHash } from 'node:crypto';
import type { AnyEvent, OrderStatus } from '@axiom/events';
import type { Journal } from '@axiom/journal';
import { evolve, getOrder, initialEngineState, type EngineState } from '@axiom/projections';
import { RunStats, type RunSummary } from '../backtest';
import type { RunStarted } from '../verify';

/** Market inputs: the events whose sequence must be the same for two runs to be comparable. */
export const MARKET_INPUT_TYPES = ['market.bar', 'market.bar_correction', 'market.corporate_action'] as const;

export function isMarketInput(e: AnyEvent): boolean {
  return e.type === 'market.bar' || e.type === 'market.bar_correction' || e.type === 'market.corporate_action';
}

/** The text of a market input that identifies it (what two runs must agree on), without seq or run ids. */
export function marketInputLine(e: AnyEvent): string {
  switch (e.type) {
    case 'market.bar': {
      const p = e.payload;
      return `bar ${p.symbol} ${e.ts} ${p.open} ${p.high} ${p.low} ${p.close} ${p.volume} ${p.vwap} ${p.trades}`;
    }
    case 'market.bar_correction': {
      const p = e.payload;
      return `correction ${p.symbol} ${e.ts} ${p.barTs} ${p.open} ${p.high} ${p.low} ${p.close} ${p.volume} ${p.vwap} ${p.trades}`;
    }
    case 'market.corporate_action': {
      const p = e.payload;
      return `corporate_action ${p.symbol} ${e.ts} ${p.action} ${p.exDate} ${p.ratio}`;
    }
    default:
      throw new Error(`marketInputLine: ${e.type} is not a market input`);
  }
}

export interface MarketGroup {
  /** The market input's line; null for group 0 (the events before the first market input). */
  market: string | null;
  /** ts and symbol of the market input (0 / null for group 0). */
  ts: number;
  symbol: string | null;
  firstSeq: number;
  lastSeq: number;
  /** sha256 (16 hex) of the group's normalized events: equal hashes = the engine did exactly the same. */
  hash: string;
  /** What the engine did that a trader cares about, one short line each, sorted; empty for most groups. */
  notable: readonly string[];
}

export interface RunFold {
  path: string;
  lastSeq: number;
  lastHash: string;
  events: number;
  runStarted: RunStarted[];
  /** sha256 over every market input line, in order. */
  inputsHash: string;
  marketInputs: number;
  groups: MarketGroup[];
  summary: RunSummary;
  /** Per symbol: orders by the final state they reached. */
  ordersByFinalState: Record<string, Partial<Record<OrderStatus, number>>>;
  state: EngineState;
  elapsedMs: number;
}

const NONE: readonly string[] = Object.freeze([]);

/** The normalized text of an event for the exact comparison: no seq, no hash, no recordedAt, no run id. */
export function normalizedEvent(e: AnyEvent, runIds: readonly string[]): string {
  let payload = JSON.stringify(e.payload);
  for (const id of runIds) if (payload.includes(id)) payload = payload.split(id).join('<run>');
  return `${e.kind} ${e.type} ${e.ts} ${payload}`;
}

/** One short line for the notable events (signals, rejections, orders, fills, exits, risk), else null. */
export function notableLine(e: AnyEvent): string | null {
  switch (e.type) {
    case 'signal.emitted':
      return `${e.payload.symbol} signal ${e.payload.strategy} ${e.payload.side} @ ${e.payload.refPrice}`;
    case 'signal.rejected':
      return `${e.payload.symbol} rejected ${e.payload.strategy} ${e.payload.side} (${e.payload.gate})`;
    case 'order.created': {
      const p = e.payload;
      const px = p.limitPrice !== null ? ` limit ${p.limitPrice}` : p.stopPrice !== null ? ` stop ${p.stopPrice}` : '';
      return `${p.symbol} order ${p.purpose} ${p.side} ${p.qty} ${p.orderType}${px}${p.purpose === 'entry' ? ` (attempt ${p.attempt})` : ''}`;
    }
    case 'broker.order_update': {
      const p = e.payload;
      if (p.fillQty === null || p.fillPrice === null) return null;
      return `${p.symbol} fill ${p.side} ${p.fillQty} @ ${p.fillPrice}`;
    }
    case 'position.exit_requested':
      return `${e.payload.symbol} exit (${e.payload.reason})`;
    case 'entry.gave_up':
      return `${e.payload.symbol} entry gave up after ${e.payload.attempts} attempt(s), ${e.payload.filledQty} filled`;
    case 'risk.kill_switch_tripped':
      return `kill-switch ${e.payload.scope}: ${e.payload.reason}`;
    case 'risk.cooldown_started':
      return `${e.payload.symbol} cooldown ${e.payload.bars} bars`;
    case 'risk.symbol_blocked':
      return `${e.payload.symbol} blocked: ${e.payload.reason}`;
    case 'engine.halted':
      return `halted: ${e.payload.reason}`;
    default:
      return null;
  }
}

export interface FoldOptions {
  /** Validate every payload on read (default false: diff reads trusted journals; see diff.ts). */
  readonly validate?: boolean;
  readonly onProgress?: (seq: number, lastSeq: number) => void;
}

export function foldRun(journal: Journal, path: string, opts: FoldOptions = {}): RunFold {
  const t0 = performance.now();
  const lastSeq = journal.lastSeq();
  const lastHash = journal.lastHash();
  const stats = new RunStats();
  const orderFinal = new Map<string, { symbol: string; status: OrderStatus }>();
  const runStarted: RunStarted[] = [];
  const runIds: string[] = [];
  const groups: MarketGroup[] = [];
  const inputs = createHash('sha256');
  let marketInputs = 0;

  let state = initialEngineState();
  let events = 0;
  // The open transaction (an input and its decisions) and the open group.
  let txn: AnyEvent[] = [];
  // Group 0 always exists (empty when the journal starts with a market input), so group i is the one opened by
  // market input #i (1-based) in every run. firstSeq 0 marks an empty group.
  let group: { market: string | null; ts: number; symbol: string | null; firstSeq: number; lastSeq: number; hash: ReturnType<typeof createHash>; notable: string[] | null } | null =
    { market: null, ts: 0, symbol: null, firstSeq: 0, lastSeq: 0, hash: createHash('sha256'), notable: null };

  const closeTxn = () => {
    if (txn.length === 0) return;
    stats.observe(txn, state);
    for (const e of txn) {
      const id = (e.payload as { clientOrderId?: unknown }).clientOrderId;
      if (typeof id === 'string') {
        const o = getOrder(state.orders, id);
        if (o !== undefined) orderFinal.set(id, { symbol: o.symbol, status: o.status });
      }
    }
    txn = [];
  };
  const closeGroup = () => {
    if (group === null) return;
    groups.push({
      market: group.market, ts: group.ts, symbol: group.symbol, firstSeq: group.firstSeq, lastSeq: group.lastSeq,
      hash: group.hash.digest('hex').slice(0, 16), notable: group.notable === null ? NONE : group.notable.sort(),
    });
    group = null;
  };

  const read = journal.read({ toSeq: lastSeq > 0 ? lastSeq : undefined, validate: opts.validate === true });
  for (const e of read) {
    events++;
    if (e.kind === 'input') closeTxn();
    if (e.type === 'run.started') {
      runStarted.push(e);
      if (!runIds.includes(e.payload.runId)) runIds.push(e.payload.runId);
    }
    if (isMarketInput(e)) {
      closeGroup();
      const line = marketInputLine(e);
      inputs.update(line).update('\n');
      marketInputs++;
      const symbol = (e.payload as { symbol: string }).symbol;
      group = { market: line, ts: e.ts, symbol, firstSeq: e.seq, lastSeq: e.seq, hash: createHash('sha256'), notable: null };
    }
    const g = group!;
    if (g.firstSeq === 0) g.firstSeq = e.seq;
    g.lastSeq = e.seq;
    // run.started carries the config, which is compared separately; everything else must match exactly.
    if (e.type !== 'run.started') g.hash.update(normalizedEvent(e, runIds)).update('\n');
    const n = notableLine(e);
    if (n !== null) (g.notable ??= []).push(n);
    state = evolve(state, e);
    txn.push(e);
    if (opts.onProgress !== undefined && (events & 0xffff) === 0) opts.onProgress(e.seq, lastSeq);
  }
  closeTxn();
  closeGroup();

  const ordersByFinalState: Record<string, Partial<Record<OrderStatus, number>>> = {};
  for (const { symbol, status } of orderFinal.values()) {
    const s = (ordersByFinalState[symbol] ??= {});
    s[status] = (s[status] ?? 0) + 1;
  }
  return {
    path, lastSeq, lastHash, events, runStarted, inputsHash: inputs.digest('hex'), marketInputs, groups,
    summary: stats.summary(state), ordersByFinalState, state, elapsedMs: performance.now() - t0,
  };
}
