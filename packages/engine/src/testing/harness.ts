// A given/when/then harness for the pure decider: inputs go through the real `step` (so phase changes,
// orders and legs are the engine's own decisions), events get the seqs a journal would give them, and
// tests read the decisions each input caused. No journal, no broker: broker answers are written by hand.
import { z } from 'zod';
import {
  configHash, parseEngineConfig, CATALOG_VERSION, type AnyEvent, type DecisionDraft, type EngineConfigInput,
  type InputDraft, type PayloadOf,
} from '@axiom/events';
import { getOrder, initialEngineState, type EngineState } from '@axiom/projections';
import { defineStrategy, instantiate, type Signal, type Strategy, type StrategyContext } from '@axiom/strategies';
import { provisionalEnvelope } from '../decide/context';
import { step } from '../decide/pipeline';

/** 2026-11-24 (a Tuesday, EST = UTC-5) at a New York wall time. */
export function ny(hhmm: string, day = '2026-11-24'): number {
  const [h, m] = hhmm.split(':').map(Number) as [number, number];
  const [y, mo, d] = day.split('-').map(Number) as [number, number, number];
  return Date.UTC(y, mo - 1, d, h + 5, m);
}

export function bar(symbol: string, ts: number, close: number, extra: Partial<PayloadOf<'market.bar'>> = {}): InputDraft {
  return {
    type: 'market.bar', ts,
    payload: { symbol, open: close, high: close, low: close, close, volume: 10_000, vwap: close, trades: 10, ...extra },
  };
}

/** A strategy that signals exactly where the test says (by symbol and bar start), nothing else. */
export function scriptedStrategy(script: (ctx: StrategyContext<unknown>) => Signal | null, name = 'scripted'): Strategy {
  return instantiate(defineStrategy({ name, version: '1.0.0', params: z.object({}), onBar: (ctx) => script(ctx as StrategyContext<unknown>) }));
}

export const buyAt = (symbol: string, ts: number, pct = { tp: 1, sl: 0.5 }) =>
  scriptedStrategy((ctx) => (ctx.symbol === symbol && ctx.ts === ts ? { side: 'buy', reason: 'test', takeProfitPct: pct.tp, stopLossPct: pct.sl } : null));

export class Harness {
  state: EngineState = initialEngineState();
  readonly events: AnyEvent[] = [];
  private seq = 1;

  constructor(readonly strategies: Strategy[] = [], config: EngineConfigInput = {}) {
    const cfg = parseEngineConfig(config);
    this.input({
      type: 'run.started', ts: ny('04:00'),
      payload: { runId: 'test0001', mode: 'backtest', config: cfg, configHash: configHash(cfg), strategies: [], codeVersion: 'test', catalogVersion: CATALOG_VERSION, dataSource: 'test' },
    });
  }

  /** Run one input through step; returns the decisions it caused (as drafts, with their seqs). */
  input(draft: InputDraft): (DecisionDraft & { seq: number })[] {
    const seq = this.seq;
    const env = provisionalEnvelope(draft, seq, null);
    const r = step(this.state, env, { strategies: this.strategies });
    this.state = r.state;
    this.events.push(env);
    const out = r.decisions.map((d, i) => ({ ...d, seq: seq + 1 + i }));
    for (const d of out) this.events.push(provisionalEnvelope(d, d.seq, seq));
    this.seq = seq + 1 + r.decisions.length;
    return out;
  }

  snapshot(account: { equity: number; cash?: number; buyingPower?: number }, positions: PayloadOf<'broker.snapshot'>['positions'] = [], openOrders: PayloadOf<'broker.snapshot'>['openOrders'] = [], ts = this.state.lastTs + 1) {
    return this.input({
      type: 'broker.snapshot', ts,
      payload: { account: { equity: account.equity, cash: account.cash ?? account.equity, buyingPower: account.buyingPower ?? account.equity }, positions, openOrders },
    });
  }

  /** Feed `n` one-minute bars of `symbol` ending with the bar that starts at `lastTs`. */
  warm(symbol: string, lastTs: number, n: number, close = 100) {
    const out = [];
    for (let i = n - 1; i >= 0; i--) out.push(...this.input(bar(symbol, lastTs - i * 60_000, close)));
    return out;
  }

  ack(clientOrderId: string, ts = this.state.lastTs + 50) {
    const o = this.order(clientOrderId);
    const a = this.input({ type: 'broker.request_result', ts, payload: { request: 'submit', clientOrderId, ok: true, httpStatus: 200, brokerOrderId: `b-${clientOrderId}`, error: null, forSeq: o.createdSeq } });
    const b = this.update(clientOrderId, 'new', {}, ts);
    return [...a, ...b];
  }

  update(clientOrderId: string, event: PayloadOf<'broker.order_update'>['event'], fill: { qty?: number; price?: number; eventId?: string } = {}, ts = this.state.lastTs + 10) {
    const o = this.order(clientOrderId);
    const cum = o.filledQty + (fill.qty ?? 0);
    return this.input({
      type: 'broker.order_update', ts,
      payload: {
        event, eventId: fill.eventId ?? `${clientOrderId}:${event}:${this.seq}`, clientOrderId, brokerOrderId: `b-${clientOrderId}`,
        symbol: o.symbol, side: o.side, orderQty: o.qty, fillQty: fill.qty ?? null, fillPrice: fill.price ?? null,
        cumFilledQty: cum, avgFillPrice: fill.price ?? o.avgFillPrice, reason: null,
      },
    });
  }

  timer(ts: number) {
    return this.input({ type: 'timer.fired', ts, payload: { purpose: 'test' } });
  }

  order(clientOrderId: string) {
    const o = getOrder(this.state.orders, clientOrderId);
    if (o === undefined) throw new Error(`no order ${clientOrderId}`);
    return o;
  }
}

export const types = (ds: readonly { type: string }[]) => ds.map((d) => d.type);
export const ofType = <T extends DecisionDraft['type']>(ds: readonly (DecisionDraft & { seq: number })[], type: T) =>
  ds.filter((d) => d.type === type) as unknown as ({ type: T; ts: number; seq: number; payload: PayloadOf<T> })[];
