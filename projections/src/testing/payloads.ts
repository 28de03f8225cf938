// Payload factories with realistic defaults, for tests and generators: override only what a test is about.
import type { PayloadOf } from '@axiom/events';

export function barPayload(symbol: string, close: number, over: Partial<PayloadOf<'market.bar'>> = {}): PayloadOf<'market.bar'> {
  return {
    symbol, open: close, high: close * 1.001, low: close * 0.999, close, volume: 10_000, vwap: close, trades: 50, ...over,
  };
}

export function orderCreatedPayload(over: Partial<PayloadOf<'order.created'>> & { clientOrderId: string; symbol: string }): PayloadOf<'order.created'> {
  return {
    entryId: 'E1',
    side: 'buy',
    qty: 100,
    orderType: 'limit',
    limitPrice: 10,
    stopPrice: null,
    timeInForce: 'day',
    purpose: 'entry',
    attempt: 1,
    ocoGroup: null,
    timeoutAt: null,
    takeProfitPrice: null,
    stopLossPrice: null,
    exitReason: null,
    reason: 'test',
    ...over,
  };
}

export function orderUpdatePayload(
  over: Partial<PayloadOf<'broker.order_update'>> & Pick<PayloadOf<'broker.order_update'>, 'event' | 'eventId' | 'clientOrderId' | 'symbol'>,
): PayloadOf<'broker.order_update'> {
  return {
    brokerOrderId: null,
    side: 'buy',
    orderQty: 100,
    fillQty: null,
    fillPrice: null,
    cumFilledQty: 0,
    avgFillPrice: null,
    reason: null,
    ...over,
  };
}

export function requestResultPayload(
  over: Partial<PayloadOf<'broker.request_result'>> & Pick<PayloadOf<'broker.request_result'>, 'request' | 'ok'>,
): PayloadOf<'broker.request_result'> {
  return { clientOrderId: null, httpStatus: over.ok ? 200 : 422, brokerOrderId: null, error: over.ok ? null : 'refused', forSeq: 1, ...over };
}
