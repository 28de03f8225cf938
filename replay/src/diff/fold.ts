// One run's side of `axiom diff`: streams the journal once (rows.ts), folds the state (the same reducers as
// recovery), feeds the backtest's RunStats one transaction at a time (so diff reports the figures
// `axiom backtest` prints), and cuts the run into market groups — a market input and everything after it up to
// the next market input (group 0: what precedes the first one). Two runs over the same bars have the same
// groups, so group i of A and group i of B are about the same bar. The groups leave in batches reduced to what
// the comparison needs (walk.ts), so a side can run in a worker thread and send them as small messages. Memory
// is constant: one page of rows and one group's events are held.
import { createHash } from 'node:crypto';
import type { AnyEvent, OrderStatus } from '@axiom/events';
import { evolve, getOrder, initialEngineState, type EngineState } from '@axiom/projections';
// stats.ts, not the backtest folder's index: the index loads the backtest runner (engine, strategies, Parquet),
// which the fold worker does not need and which would add ~200 ms to its start.
import { RunStats, type RunSummary } from '../backtest/stats';
import type { RunStarted } from '../verify';
import { RowReader, type RawEvent } from './rows';

/** Market inputs: the events whose sequence must be the same for two runs to be comparable. */
export const MARKET_INPUT_TYPES = ['market.bar', 'market.bar_correction', 'market.corporate_action'] as const;

export function isMarketInput(e: AnyEvent): boolean {
  return e.type === 'market.bar' || e.type === 'market.bar_correction' || e.type === 'market.corporate_action';
}

/** A market input as a person reads it (reports only; the comparison uses `marketText`). */
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

/**
 * What identifies a market input for the comparison and the inputs hash: type, ts and payload, no seq.
 * `payloadJson` is the payload's stored text when the caller has it (the same text: see rows.ts).
 */
export function marketText(e: AnyEvent, payloadJson: string = JSON.stringify(e.payload)): string {
  return `${e.type} ${e.ts} ${payloadJson}`;
}

/**
 * The normalized text of an event for the exact comparison: no seq, no hash, no recordedAt, no run id. An
 * engine.halted's error keeps its first line (name and message) only: the stack trace after it depends on
 * where the code is installed and who called it (replay --verify compares it the same way). `payloadJson` as
 * in marketText.
 */
export function normalizedEvent(e: AnyEvent, runIds: readonly string[], payloadJson?: string): string {
  let payload = e.type === 'engine.halted' && e.payload.error !== null
    ? JSON.stringify({ ...e.payload, error: e.payload.error.split('\n', 1)[0] })
    : payloadJson ?? JSON.stringify(e.payload);
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
      const px = p.limitPrice !== null ? ` @ ${p.limitPrice}` : p.stopPrice !== null ? ` @ ${p.stopPrice}` : '';
      return `${p.symbol} order ${p.purpose} ${p.side} ${p.qty} ${p.orderType}${px}${p.purpose === 'entry' ? ` (attempt ${p.attempt})` : ''}`;
    }
    case 'broker.order_update': {
      const p = e.payload;
      if (p.fillQty === null || p.fillPrice === null) return null;
      // Simulated fills carry slippage arithmetic (168.15318299999998): six decimals read and compare the same.
      return `${p.symbol} fill ${p.side} ${p.fillQty} @ ${Number(p.fillPrice.toFixed(6))}`;
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

/** One market group of one run, whole: what the exact comparison and its report read (compare.ts). */
export interface MarketGroup {
  /** 0 for the events before the first market input; i for the group opened by market input #i. */
  index: number;
  /** The market input that opened the group (null for group 0) and its comparison text. */
  market: AnyEvent | null;
  marketText: string | null;
  /** Every event of the group in seq order (the market input first). */
  events: AnyEvent[];
  /** What the engine did that a trader cares about, one line each, sorted. */
  notable: string[];
}

/**
 * Consecutive market groups of one run, reduced to what the lockstep walk compares. Both sides cut their
 * batches at the same group indices, so batch k of A and batch k of B hold the same groups (the run with fewer
 * groups ends with a shorter batch).
 */
export interface GroupBatch {
  /** The index of the batch's first group; it holds groups first .. first + count - 1. */
  first: number;
  count: number;
  /** Per group: its market input's comparison text (marketText); null for group 0. */
  markets: Array<string | null>;
  /**
   * Per group, while the exact comparison is on (else null): the normalized text of its events but
   * run.started, one line each (normalizedEvent, with the run ids seen up to the group's end). Equal texts
   * mean no event of the group differs; different texts send the walk to the events themselves.
   */
  exact: string[] | null;
  /** With `exact`: per group, the first and the last seq it spans (last < first: an empty group 0). */
  seqs: number[] | null;
  /** The groups with notable lines (notableLine, sorted), in group order. */
  notable: Array<{ group: number; lines: string[] }>;
  /** Run ids seen for the first time in this batch, in order, with the group of their run.started. */
  runIds: Array<{ group: number; id: string }>;
  /** The seq reached at every 65,536th event (onProgress). */
  progress: number[];
}

/** onProgress granularity: every 65,536 events. */
const PROGRESS_MASK = 0xffff;

/**
 * Market groups per batch. A 500-symbol day has ~195,000 groups: ~190 batches per side, each message a few
 * hundred KB while the exact comparison is on.
 */
export const BATCH_GROUPS = 1024;

/** What a side knows once it has been read to the end. */
export interface RunTotals {
  path: string;
  lastSeq: number;
  lastHash: string;
  events: number;
  runStarted: RunStarted[];
  /** sha256 over every market input's text, in order, each followed by a newline. */
  inputsHash: string;
  marketInputs: number;
  summary: RunSummary;
  /** Per symbol: orders by the final state they reached. */
  ordersByFinalState: Record<string, Partial<Record<OrderStatus, number>>>;
  /** Time spent reading and folding this run. */
  foldMs: number;
}

export class SideFold {
  private readonly rows: RowReader;
  private readonly runStarted: RunStarted[] = [];
  /** Run ids seen so far, in order (normalized away in the exact comparison). */
  private readonly runIds: string[] = [];
  private events = 0;
  private marketInputs = 0;
  private readonly inputs = createHash('sha256');
  private state: EngineState = initialEngineState();
  private readonly stats = new RunStats();
  private readonly orderFinal = new Map<string, { symbol: string; status: OrderStatus }>();
  private txn: AnyEvent[] = [];
  private page: RawEvent[] = [];
  private pos = 0;
  private exhausted = false;
  private nextIndex = 0;
  private foldMs = 0;
  private closed = false;
  /** The current group: its events (kept only for the exact text), notable lines, first and last seq. */
  private readonly group: RawEvent[] = [];
  private notable: string[] | null = null;
  private groupFrom = 0;
  private groupTo = 0;

  /** Reads seqs 1..lastSeq of the journal at `path` (opened and recognized by the caller with openJournal). */
  constructor(readonly path: string, readonly lastSeq: number, readonly lastHash: string) {
    this.rows = new RowReader(path, lastSeq);
  }

  /**
   * The next `groups` market groups (fewer at the end of the run), or null after the last one. Group 0 is
   * always the first (maybe empty). `exact`: build the groups' normalized texts (the walk turns it off once
   * the first divergence is found).
   */
  nextBatch(groups: number, exact: boolean): GroupBatch | null {
    const t0 = performance.now();
    const batch: GroupBatch = {
      first: this.nextIndex, count: 0, markets: [], exact: exact ? [] : null, seqs: exact ? [] : null, notable: [], runIds: [], progress: [],
    };
    while (batch.count < groups && this.readGroup(batch)) batch.count++;
    // One hash update per batch: the same bytes as one update per market input, far fewer calls.
    let text = '';
    for (const m of batch.markets) if (m !== null) text += `${m}\n`;
    if (text !== '') this.inputs.update(text);
    this.foldMs += performance.now() - t0;
    return batch.count === 0 ? null : batch;
  }

  /** Read the rest (the walk may stop early), close the last transaction and the file, return the totals. */
  finish(): RunTotals {
    while (this.nextBatch(BATCH_GROUPS, false) !== null);
    const t0 = performance.now();
    this.closeTxn();
    this.close();
    const ordersByFinalState: Record<string, Partial<Record<OrderStatus, number>>> = {};
    for (const { symbol, status } of this.orderFinal.values()) {
      const s = (ordersByFinalState[symbol] ??= {});
      s[status] = (s[status] ?? 0) + 1;
    }
    const summary = this.stats.summary(this.state);
    this.foldMs += performance.now() - t0;
    return {
      path: this.path, lastSeq: this.lastSeq, lastHash: this.lastHash, events: this.events, runStarted: this.runStarted,
      inputsHash: this.inputs.digest('hex'), marketInputs: this.marketInputs, summary, ordersByFinalState, foldMs: this.foldMs,
    };
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.rows.close();
    this.exhausted = true;
    this.page = [];
    this.pos = 0;
  }

  /** Read one whole group into the batch; false when the run has no more groups. */
  private readGroup(batch: GroupBatch): boolean {
    const index = this.nextIndex;
    let marketText: string | null = null;
    this.group.length = 0;
    this.notable = null;
    this.groupFrom = this.groupTo + 1;
    if (index > 0) {
      const market = this.peek();
      if (market === null) return false;
      marketText = marketTextOf(market);
      this.marketInputs++;
      this.take(market, batch);
    }
    for (let r = this.peek(); r !== null && !isMarketInput(r.event); r = this.peek()) this.take(r, batch);
    this.nextIndex++;
    batch.markets.push(marketText);
    // take() set it (TypeScript narrowed the field to null above and cannot see that).
    const notable = this.notable as string[] | null;
    if (notable !== null) batch.notable.push({ group: index, lines: notable.sort() });
    if (batch.exact !== null) {
      let text = '';
      for (const r of this.group) {
        if (r.event.type === 'run.started') continue;
        text += `${text === '' ? '' : '\n'}${normalizedEvent(r.event, this.runIds, r.payloadJson)}`;
      }
      batch.exact.push(text);
      batch.seqs!.push(this.groupFrom, this.groupTo);
    }
    return true;
  }

  private peek(): RawEvent | null {
    if (this.pos < this.page.length) return this.page[this.pos]!;
    if (this.exhausted) return null;
    const next = this.rows.nextPage();
    this.pos = 0;
    if (next === null) {
      this.exhausted = true;
      this.page = [];
      return null;
    }
    this.page = next;
    return next[0]!;
  }

  private take(r: RawEvent, batch: GroupBatch): void {
    this.pos++;
    const e = r.event;
    this.events++;
    if (e.kind === 'input') this.closeTxn();
    if (e.type === 'run.started') {
      this.runStarted.push(e);
      if (!this.runIds.includes(e.payload.runId)) {
        this.runIds.push(e.payload.runId);
        batch.runIds.push({ group: this.nextIndex, id: e.payload.runId });
      }
    }
    this.state = evolve(this.state, e);
    this.txn.push(e);
    if ((this.events & PROGRESS_MASK) === 0) batch.progress.push(e.seq);
    const n = notableLine(e);
    if (n !== null) (this.notable ??= []).push(n);
    if (batch.exact !== null) this.group.push(r);
    this.groupTo = e.seq;
  }

  private closeTxn(): void {
    if (this.txn.length === 0) return;
    this.stats.observe(this.txn, this.state);
    for (const e of this.txn) {
      const id = (e.payload as { clientOrderId?: unknown }).clientOrderId;
      if (typeof id === 'string') {
        const o = getOrder(this.state.orders, id);
        if (o !== undefined) this.orderFinal.set(id, { symbol: o.symbol, status: o.status });
      }
    }
    this.txn = [];
  }
}

const marketTextOf = (r: RawEvent): string => marketText(r.event, r.payloadJson);
