// The backtest's deterministic discrete-event scheduler: it decides which input the engine sees next and at
// which simulated instant. It merges the bar stream, corporate actions, the engine's one timer, inputs pushed
// by the simulated broker, and the broker's own pending effects, with no clock and no randomness: the same
// bars, actions and calls always yield the same input sequence.
//
// TIME MODEL (the one place it is written down for the simulator)
// * Every input has a DELIVERY instant, which is the engine's "now" when it handles that input.
//   - `market.bar`: the envelope ts is the bar's START (Alpaca `t`), but a bar is known only when it ends, so
//     it is delivered at ts + barMs (barMs = 60,000). The engine's now for a bar is likewise ts + barMs
//     (packages/engine/src/time.ts `nowOf`).
//   - Every other input is delivered at its own envelope ts: a broker response at the instant the broker
//     produced it, `timer.fired` at its deadline, `market.corporate_action` at the delivery instant of the bar
//     it precedes.
// * Delivery instants never decrease. `push` refuses an input whose instant is before `now()` (a bug in the
//   pusher), and a deadline already in the past fires at `now()` with ts = `now()`, so journal ts stay ordered.
// * Bars come from an iterator in (ts, symbol) order and are pulled lazily, one minute (one "group" of equal
//   ts) at a time; only the pending broker/timer events live in a binary heap, never the bars.
// * The simulated broker does not own a clock. It learns time from the calls it gets and tells the scheduler
//   the next instant at which something it holds takes effect (`nextDueMs`: a request landing after latency,
//   a day's close); the scheduler calls `advanceTo(t)` at exactly that instant, and whatever the broker
//   produces then is pushed at t. This is what lets a bar fill an order whose cancel is still in flight.
//
// WHAT HAPPENS AT ONE INSTANT t, in this order:
// 1. If a bar group ends at t (its bars have ts = t - barMs) and nothing is pending strictly before t, the
//    group is OPENED, bar by bar in source order: a corporate action due for the bar's symbol (first bar of
//    that symbol with ts at or after the New York start of the exDate) is applied to the broker
//    (`applyCorporateAction`) and queued; then the broker sees the bar (`matchBar(bar, t)`) and queues the
//    fills its resting orders get on it. Trades of a bar happen during its minute, so they precede anything
//    else that lands at t: a request landing at t finds the order already filled (a fill races a cancel).
// 2. The broker's effects due at t (`advanceTo(t)`): requests landing after latency, day-order expiry.
// 3. Delivery, ties broken by class, then by insertion order (FIFO):
//      (0) broker inputs (`broker.*`), in the order the broker produced them; the corporate actions queued
//          while opening a group are in this class too, so they reach the engine before the fills and the
//          bar that are on the new basis (a 7:1 split must not arrive after a fill of 7x the shares);
//      (1) the timer; (2) pushed corporate actions; (3) bars: the stream's in source order, then pushed
//          bars; (4) any other pushed input.
//    So at one instant: earlier broker responses, then the bar group's corporate actions and fills, then the
//    broker's landings, then the timer, then the bars. Fills of a bar are always delivered BEFORE the bar.
// * The run ends when nothing is pending, or at `endMs`. After the last bar of the stream, broker inputs
//   still drain (they answer requests already made) but the timer no longer fires past the last bar's
//   delivery instant: a backtest ends with its data, not with the engine's next session deadline.
// * A corporate action whose symbol has no bar on or after its exDate is never delivered (nothing trades on
//   the new basis, so there is nothing for it to adjust).
import type { InputDraft } from '@axiom/events';
import type { Bar, CorporateAction } from '../data';
import { MinHeap } from './heap';
import { nyDayStartMs } from './ny-clock';

/** Duration of the bars the simulator replays (one minute, like the engine's BAR_MS). */
export const BAR_MS = 60_000;

/** The bar the scheduler and the broker replay: the data layer's `Bar`, read-only. */
export type SimBar = Readonly<Bar>;

/** A split, the data layer's `CorporateAction`: `ratio` new shares per old share, from the start of exDate. */
export type SimCorporateAction = Readonly<CorporateAction>;

/** What the scheduler asks of a simulated venue. Only `matchBar` is required. */
export interface SimVenue {
  /** The bar that ends at `now` is about to be delivered: fill resting orders on it (push fills at `now`). */
  matchBar(bar: SimBar, now: number): void;
  /** The earliest instant at which the venue holds an effect not yet produced; Infinity when none. */
  nextDueMs?(): number;
  /** Produce every effect due at or before `now` (pushing its inputs at its own instant). */
  advanceTo?(now: number): void;
  /** A split takes effect now, before the first bar of its symbol on the exDate is matched. */
  applyCorporateAction?(action: SimCorporateAction, now: number): void;
}

export type SchedulerOptions = {
  /** Bars in (ts, symbol) order; pulled lazily. An out-of-order bar is refused with an error. */
  bars: Iterator<SimBar> | Iterable<SimBar>;
  corporateActions?: Iterable<SimCorporateAction>;
  /** Bar duration; default BAR_MS. */
  barMs?: number;
  broker?: SimVenue;
  /** `now()` before the first delivery; default 0. */
  startMs?: number;
  /** Nothing is delivered after this instant; default Infinity. */
  endMs?: number;
};

export type Delivery = { readonly input: InputDraft; readonly now: number };

/** Tie-break classes at one instant (lower first); see the header. */
export const TIE_CLASS = { broker: 0, timer: 1, corporateAction: 2, bar: 3, other: 4 } as const;

type Pending = {
  readonly at: number;
  readonly cls: number;
  readonly seq: number;
  readonly input: InputDraft;
  /** For a pushed bar: the bar to show the venue before delivering it. */
  readonly bar: SimBar | null;
  opened: boolean;
};

type ScheduledAction = { readonly action: SimCorporateAction; readonly startMs: number };

const pendingBefore = (a: Pending, b: Pending): boolean =>
  a.at !== b.at ? a.at < b.at : a.cls !== b.cls ? a.cls < b.cls : a.seq < b.seq;

function classOf(type: InputDraft['type']): number {
  if (type.startsWith('broker.')) return TIE_CLASS.broker;
  if (type === 'timer.fired') return TIE_CLASS.timer;
  if (type === 'market.corporate_action') return TIE_CLASS.corporateAction;
  if (type === 'market.bar') return TIE_CLASS.bar;
  return TIE_CLASS.other;
}

export function barInput(bar: SimBar): InputDraft {
  return {
    type: 'market.bar',
    ts: bar.ts,
    // Keys in sorted order: the journal then encodes the payload with JSON.stringify (journal/src/encode.ts).
    payload: {
      close: bar.close, high: bar.high, low: bar.low, open: bar.open, symbol: bar.symbol, trades: bar.trades, volume: bar.volume,
      vwap: bar.vwap,
    },
  };
}

export class Scheduler {
  private readonly iter: Iterator<SimBar>;
  private readonly barMs: number;
  private readonly venue: SimVenue | null;
  private readonly endMs: number;
  private readonly heap = new MinHeap<Pending>(pendingBefore);
  private nowMs: number;
  private seq = 0;

  // The bar stream: the lookahead bar, and the open group (bars of one ts, already shown to the venue).
  private ahead: SimBar | undefined = undefined;
  private exhausted = false;
  private lastPulledTs = -Infinity;
  private readonly group: SimBar[] = [];
  private groupLen = 0;
  private groupIdx = 0;
  private groupAt = -Infinity;

  // The engine's one timer.
  private timerAt = Infinity;
  private timerSeq = 0;
  private timerPurpose = 'deadline';

  // Corporate actions: sorted by the start of their exDate; activated when the stream reaches that instant,
  // delivered before the symbol's next bar.
  private readonly actions: ScheduledAction[];
  private actionIdx = 0;
  private readonly activeActions = new Map<string, SimCorporateAction[]>();

  constructor(opts: SchedulerOptions) {
    const bars = opts.bars;
    this.iter = typeof (bars as Iterable<SimBar>)[Symbol.iterator] === 'function'
      ? (bars as Iterable<SimBar>)[Symbol.iterator]()
      : (bars as Iterator<SimBar>);
    this.barMs = opts.barMs ?? BAR_MS;
    if (!Number.isInteger(this.barMs) || this.barMs <= 0) throw new Error(`scheduler: barMs ${this.barMs} is not a positive integer`);
    this.venue = opts.broker ?? null;
    this.nowMs = opts.startMs ?? 0;
    this.endMs = opts.endMs ?? Infinity;
    this.actions = [...(opts.corporateActions ?? [])]
      .map((action) => {
        if (!(action.ratio > 0) || !Number.isFinite(action.ratio)) {
          throw new Error(`scheduler: corporate action ${action.symbol} ${action.exDate} has ratio ${action.ratio}, not a finite number > 0`);
        }
        return { action, startMs: nyDayStartMs(action.exDate) };
      })
      .sort((a, b) => a.startMs - b.startMs); // stable: equal dates keep the caller's order
  }

  /** The delivery instant of the last input returned by `next()` (or startMs). */
  now(): number {
    return this.nowMs;
  }

  /** Queue an input for delivery at its ts (a bar: at ts + barMs). Usually the broker's sink. */
  push(input: InputDraft): void {
    const isBar = input.type === 'market.bar';
    const at = isBar ? input.ts + this.barMs : input.ts;
    if (!Number.isFinite(at) || at < this.nowMs) {
      throw new Error(`scheduler: ${input.type} for ${at} is before now (${this.nowMs}); the past cannot be scheduled`);
    }
    const bar = input.type === 'market.bar' ? { ...input.payload, ts: input.ts } : null;
    this.heap.push({ at, cls: classOf(input.type), seq: ++this.seq, input, bar, opened: !isBar });
  }

  /** The engine's next deadline: replaces the previous one; null clears it. A past deadline fires now. */
  setTimer(at: number | null, purpose = 'deadline'): void {
    if (at === null) {
      this.timerAt = Infinity;
      return;
    }
    if (!Number.isFinite(at)) throw new Error(`scheduler: timer deadline ${at} is not a finite instant`);
    this.timerAt = Math.max(at, this.nowMs);
    this.timerSeq = ++this.seq;
    this.timerPurpose = purpose;
  }

  /** The next input and its delivery instant, or null when the run is over. */
  next(): Delivery | null {
    const venue = this.venue;
    for (;;) {
      // The stream's candidate: the next bar of the open group, or the lookahead bar (group not opened yet).
      let streamAt = Infinity;
      const groupOpen = this.groupIdx < this.groupLen;
      if (groupOpen) {
        streamAt = this.groupAt;
      } else {
        if (this.ahead === undefined && !this.exhausted) this.pull();
        if (this.ahead !== undefined) streamAt = this.ahead.ts + this.barMs;
      }
      const top = this.heap.peek();
      const heapAt = top === undefined ? Infinity : top.at;
      // Past the end of the data, the timer no longer fires (see the header).
      const timerAt = streamAt === Infinity && this.timerAt > this.groupAt ? Infinity : this.timerAt;
      const dueAt = venue === null || venue.nextDueMs === undefined || venue.advanceTo === undefined ? Infinity : venue.nextDueMs();
      const t = Math.min(streamAt, heapAt, timerAt, dueAt);
      if (t === Infinity || t > this.endMs) return null;

      // 1. A bar group ending at t is opened before anything else happens at t.
      if (!groupOpen && streamAt === t) {
        this.openGroup(t);
        continue;
      }
      // 2. The venue's effects due at t.
      if (dueAt === t && venue !== null && venue.advanceTo !== undefined && venue.nextDueMs !== undefined) {
        venue.advanceTo(t);
        const after = venue.nextDueMs();
        if (after <= t) throw new Error(`scheduler: the broker still has effects due at ${after} after advancing to ${t}`);
        continue;
      }
      // 3. Deliver the best candidate at t by (class, insertion order).
      let pick: 'heap' | 'timer' | 'stream' = 'stream';
      let pickCls = streamAt === t ? TIE_CLASS.bar : Infinity;
      let pickSeq = -1; // stream bars go before pushed bars
      if (timerAt === t && TIE_CLASS.timer < pickCls) {
        pick = 'timer';
        pickCls = TIE_CLASS.timer;
        pickSeq = this.timerSeq;
      }
      if (top !== undefined && heapAt === t && (top.cls < pickCls || (top.cls === pickCls && top.seq < pickSeq))) {
        pick = 'heap';
      }
      if (pick === 'heap') {
        const item = top as Pending;
        if (!item.opened) {
          // A pushed bar gets the same treatment as a stream bar: its corporate action and fills go first.
          item.opened = true;
          this.openBar(item.bar as SimBar, t);
          continue;
        }
        this.heap.pop();
        this.nowMs = t;
        return { input: item.input, now: t };
      }
      if (pick === 'timer') {
        this.timerAt = Infinity;
        this.nowMs = t;
        return { input: { type: 'timer.fired', ts: t, payload: { purpose: this.timerPurpose } }, now: t };
      }
      const bar = this.group[this.groupIdx++] as SimBar;
      this.nowMs = t;
      return { input: barInput(bar), now: t };
    }
  }

  private pull(): void {
    const r = this.iter.next();
    if (r.done === true) {
      this.exhausted = true;
      this.ahead = undefined;
      return;
    }
    const bar = r.value;
    if (!(bar.ts >= this.lastPulledTs)) {
      throw new Error(`scheduler: bar ${bar.symbol} ts ${bar.ts} is before the previous bar's ts ${this.lastPulledTs}; bars must come in (ts, symbol) order`);
    }
    this.lastPulledTs = bar.ts;
    this.ahead = bar;
  }

  /** Pull every bar with the lookahead's ts into the group and show each to the venue, in source order. */
  private openGroup(at: number): void {
    const first = this.ahead as SimBar;
    const ts = first.ts;
    const group = this.group;
    let n = 0;
    group[n++] = first;
    this.ahead = undefined;
    for (;;) {
      this.pull();
      const b = this.ahead as SimBar | undefined;
      if (b === undefined || b.ts !== ts) break;
      group[n++] = b;
      this.ahead = undefined;
    }
    this.groupLen = n;
    this.groupIdx = 0;
    this.groupAt = at;
    for (let i = 0; i < n; i++) this.openBar(group[i] as SimBar, at);
  }

  /** Before a bar is delivered: its due corporate action (applied and queued), then the venue matches it. */
  private openBar(bar: SimBar, at: number): void {
    const actions = this.actions;
    while (this.actionIdx < actions.length && (actions[this.actionIdx] as ScheduledAction).startMs <= bar.ts) {
      const { action } = actions[this.actionIdx++] as ScheduledAction;
      const list = this.activeActions.get(action.symbol);
      if (list === undefined) this.activeActions.set(action.symbol, [action]);
      else list.push(action);
    }
    if (this.activeActions.size !== 0) {
      const due = this.activeActions.get(bar.symbol);
      if (due !== undefined) {
        this.activeActions.delete(bar.symbol);
        for (const action of due) {
          this.venue?.applyCorporateAction?.(action, at);
          const input: InputDraft = {
            type: 'market.corporate_action',
            ts: at,
            payload: { symbol: action.symbol, action: action.kind, exDate: action.exDate, ratio: action.ratio },
          };
          this.heap.push({ at, cls: TIE_CLASS.broker, seq: ++this.seq, input, bar: null, opened: true });
        }
      }
    }
    this.venue?.matchBar(bar, at);
  }
}
