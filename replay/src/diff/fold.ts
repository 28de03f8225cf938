// One run's side of `axiom diff`: a cursor that streams the journal once, folds the state (the same reducers
// as recovery), feeds the backtest's RunStats one transaction at a time (so diff reports the figures
// `axiom backtest` prints), and hands out the run cut into market groups — a market input and everything after
// it up to the next market input (group 0: what precedes the first one). Two runs over the same bars have the
// same groups, so the diff walks both cursors in lockstep, one group at a time, in constant memory: only the
// current group's events are held.
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

/** What identifies a market input for the comparison and the inputs hash: type, ts and payload, no seq. */
export function marketText(e: AnyEvent): string {
  return `${e.type} ${e.ts} ${JSON.stringify(e.payload)}`;
}

/**
 * The normalized text of an event for the exact comparison: no seq, no hash, no recordedAt, no run id. An
 * engine.halted's error keeps its first line (name and message) only: the stack trace after it depends on
 * where the code is installed and who called it (replay --verify compares it the same way).
 */
export function normalizedEvent(e: AnyEvent, runIds: readonly string[]): string {
  let payload = e.type === 'engine.halted' && e.payload.error !== null
    ? JSON.stringify({ ...e.payload, error: e.payload.error.split('\n', 1)[0] })
    : JSON.stringify(e.payload);
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

/** One market group of one run, as the lockstep walk sees it. */
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

/** What a run's cursor knows once it has been read to the end. */
export interface RunTotals {
  path: string;
  lastSeq: number;
  lastHash: string;
  events: number;
  runStarted: RunStarted[];
  /** sha256 over every market input's text, in order. */
  inputsHash: string;
  marketInputs: number;
  summary: RunSummary;
  /** Per symbol: orders by the final state they reached. */
  ordersByFinalState: Record<string, Partial<Record<OrderStatus, number>>>;
  state: EngineState;
  /** Time spent reading and folding this run (its share of the lockstep walk). */
  foldMs: number;
}

export interface CursorOptions {
  /** Validate every payload on read (default false: diff reads trusted journals; see diff.ts). */
  readonly validate?: boolean;
  readonly onProgress?: (seq: number, lastSeq: number) => void;
}

export class RunCursor {
  readonly lastSeq: number;
  readonly lastHash: string;
  readonly runStarted: RunStarted[] = [];
  /** Run ids seen so far (normalized away in the exact comparison). */
  readonly runIds: string[] = [];
  private events = 0;
  private marketInputs = 0;
  private readonly inputs = createHash('sha256');
  private state: EngineState = initialEngineState();
  private readonly stats = new RunStats();
  private readonly orderFinal = new Map<string, { symbol: string; status: OrderStatus }>();
  private txn: AnyEvent[] = [];
  private readonly iterator: Iterator<AnyEvent>;
  /** The market input read ahead: it opens the next group. */
  private peeked: AnyEvent | null = null;
  private exhausted = false;
  private nextIndex = 0;
  private foldMs = 0;

  constructor(journal: Journal, readonly path: string, private readonly opts: CursorOptions = {}) {
    this.lastSeq = journal.lastSeq();
    this.lastHash = journal.lastHash();
    this.iterator = journal.read({ toSeq: this.lastSeq > 0 ? this.lastSeq : undefined, validate: opts.validate === true });
  }

  /** The next market group, or null after the last one. Group 0 is always returned first (maybe empty). */
  nextGroup(): MarketGroup | null {
    const t0 = performance.now();
    const index = this.nextIndex;
    let market: AnyEvent | null = null;
    if (index > 0) {
      if (this.peeked === null) return null;
      market = this.peeked;
      this.peeked = null;
    }
    const events: AnyEvent[] = [];
    let notable: string[] | null = null;
    const take = (e: AnyEvent) => {
      this.consume(e);
      events.push(e);
      const n = notableLine(e);
      if (n !== null) (notable ??= []).push(n);
    };
    let text: string | null = null;
    if (market !== null) {
      text = marketText(market);
      this.inputs.update(text).update('\n');
      this.marketInputs++;
      take(market);
    }
    while (!this.exhausted) {
      const r = this.iterator.next();
      if (r.done === true) {
        this.exhausted = true;
        break;
      }
      if (isMarketInput(r.value)) {
        this.peeked = r.value;
        break;
      }
      take(r.value);
    }
    this.nextIndex++;
    this.foldMs += performance.now() - t0;
    return { index, market, marketText: text, events, notable: notable === null ? [] : (notable as string[]).sort() };
  }

  private consume(e: AnyEvent): void {
    this.events++;
    if (e.kind === 'input') this.closeTxn();
    if (e.type === 'run.started') {
      this.runStarted.push(e);
      if (!this.runIds.includes(e.payload.runId)) this.runIds.push(e.payload.runId);
    }
    this.state = evolve(this.state, e);
    this.txn.push(e);
    if (this.opts.onProgress !== undefined && (this.events & 0xffff) === 0) this.opts.onProgress(e.seq, this.lastSeq);
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

  /** Read whatever is left (the walk may stop early), close the last transaction, and return the totals. */
  finish(): RunTotals {
    while (this.nextGroup() !== null);
    this.closeTxn();
    (this.iterator as Partial<Iterator<AnyEvent>>).return?.();
    const ordersByFinalState: Record<string, Partial<Record<OrderStatus, number>>> = {};
    for (const { symbol, status } of this.orderFinal.values()) {
      const s = (ordersByFinalState[symbol] ??= {});
      s[status] = (s[status] ?? 0) + 1;
    }
    return {
      path: this.path, lastSeq: this.lastSeq, lastHash: this.lastHash, events: this.events, runStarted: this.runStarted,
      inputsHash: this.inputs.digest('hex'), marketInputs: this.marketInputs, summary: this.stats.summary(this.state),
      ordersByFinalState, state: this.state, foldMs: this.foldMs,
    };
  }

  /** Stop without reading further (a refusal): releases the journal's read statement. */
  close(): void {
    (this.iterator as Partial<Iterator<AnyEvent>>).return?.();
    this.exhausted = true;
    this.peeked = null;
  }
}
