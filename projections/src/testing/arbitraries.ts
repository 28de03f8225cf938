// fast-check arbitraries over journaled events, for property tests here and in the engine: a realistic day
// (the generator of ./day with random options, duplicates and chaos) and a chaotic stream (random inputs and
// decisions over a small pool of ids, so unknown orders, illegal transitions and duplicates are common).
import fc from 'fast-check';
import type { AnyEvent, BrokerOrderEvent, PayloadOf } from '@axiom/events';
import { BROKER_ORDER_EVENTS, ORDER_STATES, kindOf } from '@axiom/events';
import { generateDayTxns, tickerOf, type DayOptions } from './day';
import { toEnvelopes } from './envelopes';
import { barPayload, orderCreatedPayload } from './payloads';

/** Options for a small realistic day (a few symbols, tens of bars, a handful of round trips). */
export function arbDayOptions(max: { symbols?: number; bars?: number; roundTrips?: number } = {}): fc.Arbitrary<DayOptions> {
  return fc.record({
    seed: fc.integer({ min: 1, max: 2 ** 31 - 1 }),
    symbols: fc.integer({ min: 1, max: max.symbols ?? 4 }),
    barsPerSymbol: fc.integer({ min: 20, max: max.bars ?? 80 }),
    roundTrips: fc.integer({ min: 0, max: max.roundTrips ?? 8 }),
    duplicateRate: fc.constantFrom(0, 0.1, 0.3),
    chaosRate: fc.constantFrom(0, 0.2, 1),
  });
}

/** A realistic day of events (seq from 1, hash-chained). */
export function arbDayEvents(max?: { symbols?: number; bars?: number; roundTrips?: number }): fc.Arbitrary<AnyEvent[]> {
  return arbDayOptions(max).map((o) => toEnvelopes(generateDayTxns(o)));
}

type Drafted = { type: AnyEvent['type']; payload: unknown };

/** One random event over a small id space: symbols S0..S2, orders O0..O4 of entries E0..E2, event ids x0..x9. */
export function arbChaosDraft(): fc.Arbitrary<Drafted> {
  const symbol = fc.constantFrom(tickerOf(0), tickerOf(1), tickerOf(2));
  const orderNo = fc.integer({ min: 0, max: 4 });
  const cid = orderNo.map((n) => `O${n}`);
  const price = fc.integer({ min: 500, max: 1500 }).map((c) => c / 100);
  const qty = fc.integer({ min: 1, max: 120 });
  const side = fc.constantFrom<'buy' | 'sell'>('buy', 'buy', 'sell');
  const bar = fc.record({ symbol, price }).map(({ symbol: s, price: p }): Drafted => ({ type: 'market.bar', payload: barPayload(s, p) }));
  const created = fc.record({ n: orderNo, symbol, side, qty, price, purpose: fc.constantFrom('entry', 'entry', 'take_profit', 'stop_loss', 'exit'), attempt: fc.integer({ min: 1, max: 3 }), timeout: fc.boolean() })
    .map((r): Drafted => ({
      type: 'order.created',
      payload: orderCreatedPayload({
        clientOrderId: `O${r.n}`, entryId: `E${r.n % 3}`, symbol: r.symbol, side: r.side, qty: r.qty, limitPrice: r.price,
        purpose: r.purpose as PayloadOf<'order.created'>['purpose'], attempt: r.attempt, orderType: r.attempt === 3 ? 'market' : 'limit',
        timeoutAt: r.timeout ? 1_709_649_000_000 + r.n * 1000 : null,
      }),
    }));
  const update = fc.record({
    cid, symbol, side, event: fc.constantFrom<BrokerOrderEvent>(...BROKER_ORDER_EVENTS, 'fill', 'partial_fill', 'new', 'canceled'),
    eventId: fc.integer({ min: 0, max: 9 }).map((n) => `x${n}`), qty, fill: qty, price, cum: fc.integer({ min: 0, max: 130 }),
  }).map((r): Drafted => {
    const isFill = r.event === 'fill' || r.event === 'partial_fill';
    return {
      type: 'broker.order_update',
      payload: {
        event: r.event, eventId: r.eventId, clientOrderId: r.cid, brokerOrderId: `b${r.cid}`, symbol: r.symbol, side: r.side, orderQty: r.qty,
        fillQty: isFill ? r.fill : null, fillPrice: isFill ? r.price : null, cumFilledQty: r.cum, avgFillPrice: isFill ? r.price : null, reason: null,
      },
    };
  });
  const result = fc.record({ cid, request: fc.constantFrom<'submit' | 'cancel' | 'snapshot'>('submit', 'submit', 'cancel', 'snapshot'), ok: fc.boolean() })
    .map((r): Drafted => ({
      type: 'broker.request_result',
      payload: { request: r.request, clientOrderId: r.request === 'snapshot' ? null : r.cid, ok: r.ok, httpStatus: r.ok ? 200 : 422, brokerOrderId: r.ok ? `b${r.cid}` : null, error: r.ok ? null : 'refused', forSeq: 1 },
    }));
  const cancel = cid.map((c): Drafted => ({ type: 'cancel.requested', payload: { clientOrderId: c, reason: 'chaos' } }));
  const abandon = cid.map((c): Drafted => ({ type: 'order.abandoned', payload: { clientOrderId: c, reason: 'chaos' } }));
  const transition = fc.record({ cid, from: fc.constantFrom(...ORDER_STATES), to: fc.constantFrom(...ORDER_STATES) })
    .map((r): Drafted => ({ type: 'order.transition', payload: { clientOrderId: r.cid, from: r.from, to: r.to, reason: 'chaos' } }));
  const gaveUp = fc.record({ n: fc.integer({ min: 0, max: 2 }), symbol }).map((r): Drafted => ({ type: 'entry.gave_up', payload: { entryId: `E${r.n}`, symbol: r.symbol, attempts: 3, filledQty: 0, reason: 'chaos' } }));
  const snapshot = fc.record({ equity: fc.integer({ min: 50_000, max: 150_000 }) }).map((r): Drafted => ({
    type: 'broker.snapshot', payload: { account: { equity: r.equity, cash: r.equity, buyingPower: 2 * r.equity }, positions: [], openOrders: [] },
  }));
  const risk = fc.oneof(
    symbol.map((s): Drafted => ({ type: 'risk.cooldown_started', payload: { symbol: s, bars: 3, reason: 'chaos' } })),
    symbol.map((s): Drafted => ({ type: 'risk.symbol_blocked', payload: { symbol: s, reason: 'chaos' } })),
    fc.constant<Drafted>({ type: 'engine.halted', payload: { reason: 'chaos', error: null } }),
    fc.constant<Drafted>({ type: 'engine.resumed', payload: { reason: 'chaos' } }),
    fc.constant<Drafted>({ type: 'risk.kill_switch_tripped', payload: { scope: 'daily', realizedLoss: 100, limit: 50, periodStart: '2024-03-05', reason: 'chaos' } }),
    symbol.map((s): Drafted => ({ type: 'position.exit_requested', payload: { symbol: s, reason: 'operator', detail: 'chaos' } })),
    fc.constant<Drafted>({ type: 'reconciliation.requested', payload: { reason: 'chaos' } }),
    fc.record({ symbol, action: fc.constantFrom('close_local', 'adopt', 'none'), q: fc.integer({ min: -50, max: 50 }), price }).map((r): Drafted => ({
      type: 'reconciliation.applied',
      payload: { snapshotSeq: 1, reason: 'chaos', discrepancies: [{ kind: 'quantity_mismatch', symbol: r.symbol, clientOrderId: null, engineQty: null, brokerQty: r.q, brokerAvgPrice: r.price, action: r.action, detail: 'chaos' }] },
    })),
    fc.constant<Drafted>({ type: 'timer.fired', payload: { purpose: 'chaos' } }),
    fc.constant<Drafted>({ type: 'connection.status', payload: { feed: 'trade_updates', status: 'disconnected', detail: 'chaos' } }),
  );
  return fc.oneof(
    { arbitrary: bar, weight: 4 }, { arbitrary: created, weight: 3 }, { arbitrary: update, weight: 6 }, { arbitrary: result, weight: 2 },
    { arbitrary: cancel, weight: 1 }, { arbitrary: abandon, weight: 1 }, { arbitrary: transition, weight: 1 }, { arbitrary: gaveUp, weight: 1 },
    { arbitrary: snapshot, weight: 1 }, { arbitrary: risk, weight: 2 },
  );
}

/** A chaotic stream: seq from 1, ts increasing by 1-90,000 ms (so days and weeks roll now and then). */
export function arbChaosEvents(maxLength = 120): fc.Arbitrary<AnyEvent[]> {
  return fc.array(fc.tuple(arbChaosDraft(), fc.integer({ min: 1, max: 90_000 })), { maxLength }).map((items) => {
    let ts = 1_709_649_000_000; // 2024-03-05 14:30 UTC
    return items.map(([d, dt], i) => {
      ts += dt * (i % 50 === 49 ? 1000 : 1);
      return { seq: i + 1, ts, kind: kindOf(d.type), type: d.type, causedBy: null, payload: d.payload, hash: '', recordedAt: ts } as AnyEvent;
    });
  });
}
