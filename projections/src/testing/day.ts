// A realistic, deterministic trading day as journal transactions, for property tests and the replay
// benchmark: `symbols` x `barsPerSymbol` regular-session minute bars, and about `roundTrips` round trips
// that go through the real order life cycle (entry limit -> submit result -> new -> fill, sometimes a partial
// fill, a timeout, cancel and reprice, escalation to market, or giving up; then OCO take-profit/stop-loss
// legs, and an exit by take-profit, stop-loss with a cooldown, or an engine exit that cancels the legs
// first). Every 20 bar minutes a reconciliation (request -> broker.snapshot -> applied), every 100 a
// checkpoint. Options add duplicate broker events (same event id) and chaos (updates for unknown orders,
// fills after the end, stray refusals) to exercise the anomaly paths. Seeded PRNG: same options, same day.
import { fromZonedTime } from 'date-fns-tz';
import type { DecisionDraft, EventType, InputDraft, PayloadOf, SessionPhase } from '@axiom/events';
import { orderCreatedPayload } from './payloads';
import type { Txn } from './envelopes';
import { mulberry32 } from '@axiom/events';

export interface DayOptions {
  seed: number;
  /** Number of symbols (default 500). */
  symbols?: number;
  /** Regular-session minutes (default 390). */
  barsPerSymbol?: number;
  /** Round trips to attempt (default 2,000; fewer when symbols are busy). */
  roundTrips?: number;
  /** New York trading day, YYYY-MM-DD (default 2024-03-05, a Tuesday). */
  day?: string;
  /** Probability that a broker order update is delivered twice (same event id). */
  duplicateRate?: number;
  /** Probability per round trip of an extra anomalous broker event. */
  chaosRate?: number;
  /** Run id for run.started (letters/digits). */
  runId?: string;
  /** The config recorded in run.started and its hash (defaults: an empty object, hash of it). */
  config?: unknown;
  configHash?: string;
}

/** mulberry32: small, fast, deterministic (one implementation, in @axiom/events). */
export const prng = mulberry32;

export function tickerOf(i: number): string {
  const A = 65;
  return String.fromCharCode(A + (Math.floor(i / 676) % 26), A + (Math.floor(i / 26) % 26), A + (i % 26));
}

const cents = (x: number): number => Math.round(x * 100) / 100;

interface Scheduled {
  ts: number;
  ord: number;
  run: () => void;
}

/** Min-heap by (ts, insertion order). */
class Queue {
  private items: Scheduled[] = [];
  private ord = 0;
  push(ts: number, run: () => void): void {
    const it = { ts, ord: this.ord++, run };
    const a = this.items;
    a.push(it);
    let i = a.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (less(a[p] as Scheduled, it)) break;
      a[i] = a[p] as Scheduled;
      i = p;
    }
    a[i] = it;
  }
  peekTs(): number {
    return this.items[0]?.ts ?? Infinity;
  }
  pop(): Scheduled | undefined {
    const a = this.items;
    const top = a[0];
    const last = a.pop();
    if (top === undefined || last === undefined || a.length === 0) return top;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      let best = last;
      if (l < a.length && less(a[l] as Scheduled, best)) {
        m = l;
        best = a[l] as Scheduled;
      }
      if (r < a.length && less(a[r] as Scheduled, best)) m = r;
      if (m === i) break;
      a[i] = a[m] as Scheduled;
      i = m;
    }
    a[i] = last;
    return top;
  }
}
function less(x: Scheduled, y: Scheduled): boolean {
  return x.ts < y.ts || (x.ts === y.ts && x.ord < y.ord);
}

interface OrderSim {
  clientOrderId: string;
  brokerOrderId: string;
  symbol: string;
  side: 'buy' | 'sell';
  qty: number;
  filled: number;
  price: number;
  done: boolean;
}

interface RoundTrip {
  symbol: string;
  side: 'buy' | 'sell';
  entryId: string;
  targetQty: number;
  filled: number;
  attempt: number;
  current: OrderSim | null;
  legs: OrderSim[];
  exitKind: 'tp' | 'sl' | 'engine';
  exitMinute: number;
  entryVariant: 'fill' | 'partial' | 'escalate' | 'give_up';
  open: boolean;
}

export function generateDayTxns(options: DayOptions): Txn[] {
  const rnd = prng(options.seed);
  const nSymbols = options.symbols ?? 500;
  const nBars = options.barsPerSymbol ?? 390;
  const wantedTrips = options.roundTrips ?? 2000;
  const day = options.day ?? '2024-03-05';
  const dupRate = options.duplicateRate ?? 0;
  const chaosRate = options.chaosRate ?? 0;
  const openTs = fromZonedTime(`${day}T09:30:00.000`, 'America/New_York').getTime();
  const symbols = Array.from({ length: nSymbols }, (_, i) => tickerOf(i));
  const price = symbols.map(() => 20 + rnd() * 280);
  const held = new Map<string, { qty: number; avg: number }>();

  const txns: Txn[] = [];
  const seqOfCreated = new Map<string, number>();
  let seq = 0;
  let evCounter = 0;
  const queue = new Queue();

  /** Append one transaction; returns the input's seq and the decisions' seqs. */
  const emit = <T extends EventType>(type: T, ts: number, payload: PayloadOf<T>, decisions: DecisionDraft[] = []): { seq: number; dseq: number[] } => {
    const inputSeq = ++seq;
    const dseq = decisions.map(() => ++seq);
    decisions.forEach((d, k) => {
      if (d.type === 'order.created') seqOfCreated.set(d.payload.clientOrderId, dseq[k] as number);
    });
    txns.push({ input: { type, ts, payload } as InputDraft, decisions });
    return { seq: inputSeq, dseq };
  };
  const dec = <T extends EventType>(type: T, ts: number, payload: PayloadOf<T>): DecisionDraft => ({ type, ts, payload }) as DecisionDraft;

  // ---- broker side of one order ---------------------------------------------------------------------
  const update = (o: OrderSim, ts: number, event: PayloadOf<'broker.order_update'>['event'], fillQty: number | null, fillPrice: number | null,
    after?: (ts: number) => DecisionDraft[]): void => {
    queue.push(ts, () => {
      if (fillQty !== null) o.filled += fillQty;
      const payload: PayloadOf<'broker.order_update'> = {
        event, eventId: `ev${++evCounter}`, clientOrderId: o.clientOrderId, brokerOrderId: o.brokerOrderId, symbol: o.symbol,
        side: o.side, orderQty: o.qty, fillQty, fillPrice, cumFilledQty: o.filled, avgFillPrice: fillPrice, reason: null,
      };
      if (fillQty !== null && fillPrice !== null) {
        const h = held.get(o.symbol) ?? { qty: 0, avg: 0 };
        const signed = o.side === 'buy' ? fillQty : -fillQty;
        const q = h.qty + signed;
        held.set(o.symbol, { qty: q, avg: q === 0 ? 0 : fillPrice });
      }
      emit('broker.order_update', ts, payload, after ? after(ts) : []);
      if (rnd() < dupRate) emit('broker.order_update', ts + 3, payload);
    });
  };
  const submitted = (o: OrderSim, ts: number, ackEvent: 'new' | 'held' = 'new'): void => {
    queue.push(ts + 40, () => {
      emit('broker.request_result', ts + 40, {
        request: 'submit', clientOrderId: o.clientOrderId, ok: true, httpStatus: 200, brokerOrderId: o.brokerOrderId, error: null,
        forSeq: seqOfCreated.get(o.clientOrderId) ?? 1,
      });
    });
    update(o, ts + 60, ackEvent, null, null);
  };

  // ---- decisions that create orders -----------------------------------------------------------------
  const newOrder = (rt: RoundTrip, ts: number, purpose: PayloadOf<'order.created'>['purpose'], side: 'buy' | 'sell', qty: number,
    orderType: PayloadOf<'order.created'>['orderType'], px: number, extra: Partial<PayloadOf<'order.created'>>): { draft: DecisionDraft; sim: OrderSim } => {
    const clientOrderId = `${rt.entryId}-${purpose}-${purpose === 'entry' ? rt.attempt : rt.legs.length + 1}`;
    const draft = dec('order.created', ts, orderCreatedPayload({
      clientOrderId, entryId: rt.entryId, symbol: rt.symbol, side, qty, orderType,
      limitPrice: orderType === 'limit' ? cents(px) : null, stopPrice: orderType === 'stop' ? cents(px) : null,
      purpose, attempt: purpose === 'entry' ? rt.attempt : 1, reason: `${purpose} ${orderType}`, ...extra,
    }));
    const sim: OrderSim = { clientOrderId, brokerOrderId: `b-${clientOrderId}`, symbol: rt.symbol, side, qty, filled: 0, price: cents(px), done: false };
    return { draft, sim };
  };

  /** Emit an entry attempt (a decision on the input being emitted) and schedule what the broker does with it. */
  const entryAttempt = (rt: RoundTrip, ts: number, symIdx: number): DecisionDraft => {
    const px = price[symIdx] as number;
    const market = rt.attempt >= 3;
    const remaining = rt.targetQty - rt.filled;
    const { draft, sim } = newOrder(rt, ts, 'entry', rt.side, remaining, market ? 'market' : 'limit', px, {
      timeoutAt: market ? null : ts + 2000, takeProfitPrice: cents(px * (rt.side === 'buy' ? 1.01 : 0.99)),
      stopLossPrice: cents(px * (rt.side === 'buy' ? 0.995 : 1.005)),
    });
    rt.current = sim;
    submitted(sim, ts + 1);
    const fullFill = (): void => update(sim, ts + 300 + Math.floor(rnd() * 1200), 'fill', sim.qty - sim.filled, sim.price, (t) => onEntryFilled(rt, sim, t, symIdx));
    if (market || rt.entryVariant === 'fill') {
      fullFill();
    } else if (rt.entryVariant === 'partial' && rt.attempt === 1) {
      const part = Math.max(1, Math.floor(sim.qty / 2));
      update(sim, ts + 500, 'partial_fill', part, sim.price, () => {
        rt.filled += part;
        return [];
      });
      timeout(rt, sim, ts + 2000, symIdx);
    } else if (rt.entryVariant === 'partial') {
      fullFill();
    } else {
      timeout(rt, sim, ts + 2000, symIdx);
    }
    return draft;
  };


  /** The entry timed out: cancel, confirm, then the next attempt (or give up). */
  const timeout = (rt: RoundTrip, sim: OrderSim, at: number, symIdx: number): void => {
    queue.push(at, () => {
      const cancel = dec('cancel.requested', at, { clientOrderId: sim.clientOrderId, reason: 'entry timeout' });
      const r = emit('timer.fired', at, { purpose: `entry timeout ${sim.clientOrderId}` }, [cancel]);
      const cancelSeq = r.dseq[0] as number;
      queue.push(at + 30, () => {
        emit('broker.request_result', at + 30, { request: 'cancel', clientOrderId: sim.clientOrderId, ok: true, httpStatus: 204, brokerOrderId: sim.brokerOrderId, error: null, forSeq: cancelSeq });
      });
      update(sim, at + 50, 'canceled', null, null, () => {
        sim.done = true;
        if (rt.entryVariant === 'give_up' && rt.attempt >= 2) {
          rt.open = false;
          const decisions = [dec('entry.gave_up', at + 50, { entryId: rt.entryId, symbol: rt.symbol, attempts: rt.attempt, filledQty: rt.filled, reason: 'no fill' })];
          if (rt.filled > 0) decisions.push(...legs(rt, at + 50, symIdx));
          return decisions;
        }
        rt.attempt += 1;
        return [entryAttempt(rt, at + 50, symIdx)];
      });
    });
  };

  const onEntryFilled = (rt: RoundTrip, sim: OrderSim, ts: number, symIdx: number): DecisionDraft[] => {
    rt.filled = rt.targetQty; // this attempt filled the remainder
    sim.done = true;
    return legs(rt, ts, symIdx);
  };

  const legs = (rt: RoundTrip, ts: number, symIdx: number): DecisionDraft[] => {
    const px = price[symIdx] as number;
    const exitSide = rt.side === 'buy' ? 'sell' : 'buy';
    const oco = `${rt.entryId}-oco`;
    const tp = newOrder(rt, ts, 'take_profit', exitSide, rt.filled, 'limit', px * (rt.side === 'buy' ? 1.01 : 0.99), { ocoGroup: oco, timeInForce: 'gtc' });
    rt.legs.push(tp.sim);
    const sl = newOrder(rt, ts, 'stop_loss', exitSide, rt.filled, 'stop', px * (rt.side === 'buy' ? 0.995 : 1.005), { ocoGroup: oco, timeInForce: 'gtc' });
    rt.legs.push(sl.sim);
    submitted(tp.sim, ts + 1);
    submitted(sl.sim, ts + 1, 'held');
    if (rnd() < chaosRate) chaos(rt, ts + 5000);
    return [tp.draft, sl.draft];
  };

  const chaos = (rt: RoundTrip, ts: number): void => {
    const pick = rnd();
    const ghost: OrderSim = { clientOrderId: `ghost-${evCounter}`, brokerOrderId: 'bghost', symbol: rt.symbol, side: 'buy', qty: 10, filled: 0, price: 10, done: true };
    if (pick < 0.5) update(ghost, ts, 'fill', 10, 10);
    // A fill beyond the order's quantity on the (filled) entry order: FILLED has no fill edge.
    else if (rt.current !== null) update({ ...rt.current }, ts, 'fill', 5, rt.current.price);
  };

  /** The exit of a held round trip at a bar of its symbol. */
  const exit = (rt: RoundTrip, ts: number, symIdx: number): DecisionDraft[] => {
    const [tp, sl] = rt.legs.slice(-2) as [OrderSim, OrderSim];
    const px = price[symIdx] as number;
    if (rt.exitKind === 'tp' || rt.exitKind === 'sl') {
      const win = rt.exitKind === 'tp' ? tp : sl;
      const lose = rt.exitKind === 'tp' ? sl : tp;
      update(win, ts + 200, 'fill', win.qty, win.price, () => {
        rt.open = false;
        return rt.exitKind === 'sl' ? [dec('risk.cooldown_started', ts + 200, { symbol: rt.symbol, bars: 15, reason: 'stop loss' })] : [];
      });
      update(lose, ts + 210, 'canceled', null, null);
      return [];
    }
    // Engine exit: cancel both legs, then a market exit once both are confirmed canceled.
    let confirmed = 0;
    for (const leg of [tp, sl]) {
      queue.push(ts + 30, () => {
        emit('broker.request_result', ts + 30, { request: 'cancel', clientOrderId: leg.clientOrderId, ok: true, httpStatus: 204, brokerOrderId: leg.brokerOrderId, error: null, forSeq: 1 });
      });
      update(leg, ts + 60, 'canceled', null, null, () => {
        confirmed += 1;
        if (confirmed < 2) return [];
        const side = rt.side === 'buy' ? 'sell' : 'buy';
        const { draft, sim } = newOrder(rt, ts + 60, 'exit', side, rt.filled, 'market', px, { exitReason: 'operator' });
        rt.legs.push(sim);
        submitted(sim, ts + 61);
        update(sim, ts + 400, 'fill', sim.qty, cents(px * (1 + (rnd() - 0.5) * 0.002)), () => {
          rt.open = false;
          return [];
        });
        return [draft];
      });
    }
    return [
      dec('position.exit_requested', ts, { symbol: rt.symbol, reason: 'operator', detail: 'generated engine exit' }),
      dec('cancel.requested', ts, { clientOrderId: tp.clientOrderId, reason: 'exit: cancel legs first' }),
      dec('cancel.requested', ts, { clientOrderId: sl.clientOrderId, reason: 'exit: cancel legs first' }),
    ];
  };

  // ---- plan the round trips ------------------------------------------------------------------------
  const firstEntryMinute = Math.min(15, nBars - 1);
  const lastExitMinute = Math.max(firstEntryMinute + 2, nBars - 5);
  const busyUntil = new Array<number>(nSymbols).fill(-1);
  const entriesAt = new Map<number, Array<{ symIdx: number; rt: RoundTrip }>>();
  const exitsAt = new Map<number, Array<{ symIdx: number; rt: RoundTrip }>>();
  for (let t = 0; t < wantedTrips; t++) {
    const start = firstEntryMinute + Math.floor(rnd() * Math.max(1, lastExitMinute - firstEntryMinute - 3));
    const hold = 2 + Math.floor(rnd() * 40);
    const end = Math.min(start + hold, lastExitMinute);
    if (end <= start) continue;
    let symIdx = -1;
    for (let k = 0; k < 10; k++) {
      const s = Math.floor(rnd() * nSymbols);
      if ((busyUntil[s] as number) < start) {
        symIdx = s;
        break;
      }
    }
    if (symIdx < 0) continue;
    busyUntil[symIdx] = end + 16; // exit, then a possible cooldown
    const v = rnd();
    const x = rnd();
    const rt: RoundTrip = {
      symbol: symbols[symIdx] as string, side: rnd() < 0.8 ? 'buy' : 'sell', entryId: `E${t}`, targetQty: 0, filled: 0, attempt: 1,
      current: null, legs: [], exitKind: x < 0.45 ? 'tp' : x < 0.8 ? 'sl' : 'engine', exitMinute: end,
      entryVariant: v < 0.7 ? 'fill' : v < 0.88 ? 'partial' : v < 0.97 ? 'escalate' : 'give_up', open: false,
    };
    (entriesAt.get(start) ?? entriesAt.set(start, []).get(start))!.push({ symIdx, rt });
    (exitsAt.get(end) ?? exitsAt.set(end, []).get(end))!.push({ symIdx, rt });
  }

  // ---- the day ---------------------------------------------------------------------------------------
  const startTs = openTs - 15 * 60_000;
  const config = options.config ?? {};
  emit('run.started', startTs, {
    runId: options.runId ?? 'GEN0001', mode: 'backtest', config, configHash: options.configHash ?? '0'.repeat(64),
    strategies: [{ name: 'generated', version: '1', params: {} }], codeVersion: 'testing', catalogVersion: 1, dataSource: `seed:${options.seed}`,
  });
  emit('connection.status', startTs + 1, { feed: 'market_data', status: 'authenticated', detail: null });
  emit('connection.status', startTs + 2, { feed: 'trade_updates', status: 'authenticated', detail: null });
  let phase: SessionPhase = 'PRE_MARKET';
  const phaseAt = (m: number): SessionPhase | null =>
    m === 0 ? 'WARMUP' : m === firstEntryMinute ? 'ACTIVE' : m === nBars - 30 ? 'EOD_WARNING' : m === nBars - 1 ? 'EOD_LIQUIDATION' : null;

  let snapshotPending = false;
  for (let m = 0; m < nBars; m++) {
    const barTs = openTs + m * 60_000;
    const arrive = barTs + 60_000;
    // Everything the broker does before this minute's bars arrive.
    while (queue.peekTs() < arrive) queue.pop()!.run();
    const entries = entriesAt.get(m) ?? [];
    const exits = exitsAt.get(m) ?? [];
    const entryBy = new Map(entries.map((e) => [e.symIdx, e.rt]));
    const exitBy = new Map(exits.map((e) => [e.symIdx, e.rt]));
    for (let i = 0; i < nSymbols; i++) {
      const prev = price[i] as number;
      const close = cents(Math.max(1, prev * (1 + (rnd() - 0.5) * 0.004)));
      price[i] = close;
      const decisions: DecisionDraft[] = [];
      if (i === 0) {
        const to = phaseAt(m);
        if (to !== null && to !== phase) {
          decisions.push(dec('session.phase_changed', arrive, { tradingDay: day, from: phase, to, calendar: null, reason: 'generated' }));
          phase = to;
        }
        if (m > 0 && m % 20 === 0 && !snapshotPending) {
          decisions.push(dec('reconciliation.requested', arrive, { reason: 'every 20 bars' }));
          snapshotPending = true;
          queue.push(arrive + 300, () => {
            snapshotPending = false;
            const positions = [...held.entries()].filter(([, h]) => h.qty !== 0).map(([symbol, h]) => ({ symbol, qty: h.qty, avgEntryPrice: cents(h.avg) || 1 }));
            const snapSeq = seq + 1;
            emit('broker.snapshot', arrive + 300, { account: { equity: 100_000, cash: 100_000, buyingPower: 200_000 }, positions, openOrders: [] },
              [dec('reconciliation.applied', arrive + 300, { snapshotSeq: snapSeq, discrepancies: [], reason: 'generated: no discrepancies' })]);
          });
        }
        if (m > 0 && m % 100 === 0) decisions.push(dec('checkpoint.taken', arrive, { barsSinceStart: m, reason: 'every 100 bars' }));
      }
      const rtIn = entryBy.get(i);
      if (rtIn !== undefined) {
        rtIn.targetQty = Math.max(1, Math.floor(10_000 / close));
        rtIn.open = true;
        decisions.push(dec('signal.emitted', arrive, {
          symbol: rtIn.symbol, strategy: 'generated', strategyVersion: '1', side: rtIn.side, reason: 'generated', refPrice: close,
          takeProfitPrice: cents(close * 1.01), stopLossPrice: cents(close * 0.995),
        }));
        decisions.push(entryAttempt(rtIn, arrive, i));
      }
      const rtOut = exitBy.get(i);
      if (rtOut !== undefined && rtOut.open && rtOut.legs.length >= 2 && rtOut.filled > 0) decisions.push(...exit(rtOut, arrive, i));
      emit('market.bar', barTs, {
        symbol: symbols[i] as string, open: prev, high: Math.max(prev, close) * 1.0005, low: Math.min(prev, close) * 0.9995, close,
        volume: 1000 + Math.floor(rnd() * 50_000), vwap: cents((prev + close) / 2), trades: 10 + Math.floor(rnd() * 200),
      }, decisions);
    }
  }
  while (queue.peekTs() < Infinity) queue.pop()!.run();
  return txns;
}
