// Test kit for the simulator: bars on a New York session grid, order requests with defaults, and a tiny
// stand-in for the engine that runs a scheduler + SimBroker loop and lets a test act on each delivery
// (submit, cancel, snapshot, set the timer) the way the shell would. Used by the sim tests only.
import type { EngineConfig, InputDraft } from '@axiom/events';
import type { OrderRequest } from '@axiom/engine/src/broker';
import { Scheduler, type Delivery, type SimBar, type SimCorporateAction } from './scheduler';
import { SimBroker } from './sim-broker';

/** 2024-03-04 (a Monday, EST): 09:30 New York = 14:30 UTC. */
export const DAY0_OPEN_MS = Date.UTC(2024, 2, 4, 14, 30);
export const MINUTE_MS = 60_000;

export const SIM_CONFIG: EngineConfig['sim'] = { initialCash: 100_000, latencyMs: 50, slippageBps: 10, maxVolumeShare: 0.1 };

/** A bar starting `minute` minutes after 09:30 on DAY0; prices default to a flat 100, volume to 1,000. */
export function bar(symbol: string, minute: number, p: Partial<Omit<SimBar, 'symbol' | 'ts'>> = {}): SimBar {
  const open = p.open ?? 100;
  const close = p.close ?? open;
  return {
    symbol,
    ts: DAY0_OPEN_MS + minute * MINUTE_MS,
    open,
    high: p.high ?? Math.max(open, close),
    low: p.low ?? Math.min(open, close),
    close,
    volume: p.volume ?? 1_000,
    vwap: p.vwap ?? null,
    trades: p.trades ?? null,
  };
}

/** Delivery instant of the bar starting `minute` minutes after 09:30 on DAY0. */
export const barEnd = (minute: number): number => DAY0_OPEN_MS + (minute + 1) * MINUTE_MS;

export function order(p: Partial<OrderRequest> & Pick<OrderRequest, 'clientOrderId'>): OrderRequest {
  return {
    entryId: 'e1', symbol: 'AAPL', side: 'buy', qty: 10, orderType: 'market', limitPrice: null, stopPrice: null,
    timeInForce: 'day', purpose: 'entry', attempt: 1, ocoGroup: null, timeoutAt: null, takeProfitPrice: null,
    stopLossPrice: null, exitReason: null, reason: 'test', ...p,
  };
}

export type SimRun = {
  readonly scheduler: Scheduler;
  readonly broker: SimBroker;
  /** Every delivery, in order. */
  readonly log: Delivery[];
  /** Run until nothing is pending (or `maxSteps`). */
  run(maxSteps?: number): Delivery[];
};

export type Reaction = (d: Delivery, sim: { scheduler: Scheduler; broker: SimBroker; seq: number }) => void;

/**
 * A scheduler fed by `bars`, a SimBroker whose sink is the scheduler, and a reaction per delivery standing in
 * for the engine. `seq` is the delivery's 1-based position, used as the `forSeq` of requests it makes.
 */
export function simRun(opts: {
  bars: Iterable<SimBar>;
  corporateActions?: Iterable<SimCorporateAction>;
  config?: Partial<EngineConfig['sim']>;
  react?: Reaction;
}): SimRun {
  let scheduler: Scheduler | null = null;
  const broker = new SimBroker({
    sink: (input: InputDraft) => (scheduler as Scheduler).push(input),
    config: { ...SIM_CONFIG, ...opts.config },
  });
  const s = new Scheduler({ bars: opts.bars, corporateActions: opts.corporateActions ?? [], broker });
  scheduler = s;
  const log: Delivery[] = [];
  return {
    scheduler: s,
    broker,
    log,
    run(maxSteps = 100_000) {
      for (let i = 0; i < maxSteps; i++) {
        const d = s.next();
        if (d === null) return log;
        log.push(d);
        opts.react?.(d, { scheduler: s, broker, seq: log.length });
      }
      throw new Error(`simRun: still running after ${maxSteps} deliveries`);
    },
  };
}

/** The inputs of a given type, narrowed. */
export function ofType<T extends InputDraft['type']>(log: readonly Delivery[], type: T): Array<Extract<InputDraft, { type: T }> & { now: number }> {
  return log.filter((d) => d.input.type === type).map((d) => ({ ...(d.input as Extract<InputDraft, { type: T }>), now: d.now }));
}

/** A compact line per delivery, for ordering assertions: `type[:detail]@now`. */
export function trace(log: readonly Delivery[]): string[] {
  return log.map(({ input, now }) => {
    switch (input.type) {
      case 'market.bar':
        return `bar:${input.payload.symbol}@${now}`;
      case 'broker.order_update':
        return `${input.payload.event}:${input.payload.clientOrderId}@${now}`;
      case 'broker.request_result':
        return `${input.payload.request}-${input.payload.ok ? 'ok' : input.payload.httpStatus}:${input.payload.clientOrderId ?? ''}@${now}`;
      case 'market.corporate_action':
        return `split:${input.payload.symbol}@${now}`;
      case 'timer.fired':
        return `timer@${now}`;
      default:
        return `${input.type}@${now}`;
    }
  });
}
