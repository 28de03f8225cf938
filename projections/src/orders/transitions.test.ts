// Walks EVERY (status, event) pair of the order machine: a listed edge goes exactly where the table says
// (and records no anomaly); an unlisted pair is an anomaly that leaves the order unchanged. Every Alpaca
// trade-update event is exercised through its mapping. The entry table gets the same walk.
import { BROKER_ORDER_EVENTS, ORDER_STATES, type AnyEvent, type BrokerOrderEvent, type OrderStatus } from '@axiom/events';
import { setAutoFreeze } from 'immer';
import { EventBuilder, orderCreatedPayload, orderUpdatePayload, requestResultPayload } from '../testing';
import {
  BROKER_EVENT_TO_ORDER_EVENT, ENTRY_EVENTS, ENTRY_STATES, ENTRY_TRANSITIONS, ORDER_EVENTS, ORDER_TRANSITIONS, PREVIOUS,
  evolveOrders, getEntry, getOrder, initialOrdersState, isTerminalStatus, pmapDelete, pmapGet, pmapSet, type OrderEvent, type OrdersState,
} from '.';

beforeAll(() => setAutoFreeze(true));

const SYM = 'ABC';
const QTY = 100;

/** An orders state holding O1 in `status` (filled 50 of 100 where a fill happened, 100 when FILLED). */
function withOrderIn(status: OrderStatus): { s: OrdersState; b: EventBuilder } {
  const b = new EventBuilder();
  let s = evolveOrders(initialOrdersState(), b.ev('order.created', orderCreatedPayload({ clientOrderId: 'O1', symbol: SYM, qty: QTY })));
  const o = getOrder(s, 'O1')!;
  const filled = status === 'FILLED' ? QTY : status === 'PARTIALLY_FILLED' ? 50 : 0;
  const forced = {
    ...o, status, filledQty: filled, avgFillPrice: filled > 0 ? 10 : null, terminalReached: isTerminalStatus(status),
    statusBeforeCancel: status === 'PENDING_CANCEL' ? 'PARTIALLY_FILLED' as const : null, brokerOrderId: 'b-O1',
  };
  if (status === 'PENDING_CANCEL') forced.filledQty = 50;
  s = { ...s, orders: pmapSet(s.orders, 'O1', forced) };
  if (forced.terminalReached) s = { ...s, working: pmapDelete(s.working, SYM), workingCount: 0 };
  return { s, b };
}

/** The journaled events that mean `ev` for O1 (several for events with more than one source). */
function eventsFor(ev: OrderEvent, b: EventBuilder, filled: number): AnyEvent[] {
  const room = QTY - filled;
  const broker = (event: BrokerOrderEvent): AnyEvent => {
    const isFill = event === 'fill' || event === 'partial_fill';
    const fillQty = event === 'fill' ? Math.max(room, 1) : 10;
    return b.ev('broker.order_update', orderUpdatePayload({
      event, eventId: `x${b.seq}`, clientOrderId: 'O1', symbol: SYM, orderQty: QTY, brokerOrderId: 'b-O1',
      fillQty: isFill ? fillQty : null, fillPrice: isFill ? 10 : null, cumFilledQty: isFill ? Math.min(QTY, filled + fillQty) : filled, avgFillPrice: isFill ? 10 : null,
    }));
  };
  const fromBroker = BROKER_ORDER_EVENTS.filter((e) => BROKER_EVENT_TO_ORDER_EVENT[e] === ev).map(broker);
  switch (ev) {
    case 'submit_ok':
      return [b.ev('broker.request_result', requestResultPayload({ request: 'submit', ok: true, clientOrderId: 'O1', brokerOrderId: 'b-O1' }))];
    case 'submit_refused':
      return [b.ev('broker.request_result', requestResultPayload({ request: 'submit', ok: false, clientOrderId: 'O1' }))];
    case 'abandon':
      return [b.ev('order.abandoned', { clientOrderId: 'O1', reason: 'walk' })];
    case 'cancel_requested':
      return [b.ev('cancel.requested', { clientOrderId: 'O1', reason: 'walk' })];
    case 'cancel_refused':
      return [...fromBroker, b.ev('broker.request_result', requestResultPayload({ request: 'cancel', ok: false, clientOrderId: 'O1' }))];
    default:
      return fromBroker;
  }
}

describe('order transition table', () => {
  test('every Alpaca trade-update event maps onto the alphabet', () => {
    for (const e of BROKER_ORDER_EVENTS) expect(ORDER_EVENTS).toContain(BROKER_EVENT_TO_ORDER_EVENT[e]);
  });

  const pairs = ORDER_STATES.flatMap((status) => ORDER_EVENTS.map((ev) => [status, ev] as const));
  test.each(pairs)('%s + %s', (status, ev) => {
    const probe = withOrderIn(status);
    const events = eventsFor(ev, probe.b, getOrder(probe.s, 'O1')!.filledQty);
    expect(events.length).toBeGreaterThan(0);
    const target = (ORDER_TRANSITIONS as Record<OrderStatus, Partial<Record<OrderEvent, string>>>)[status][ev];
    for (const event of events) {
      const { s } = withOrderIn(status);
      const before = getOrder(s, 'O1')!;
      const after = evolveOrders(s, event);
      const order = getOrder(after, 'O1')!;
      if (target === undefined) {
        expect(order).toBe(before);
        expect(after.anomalyCount).toBe(s.anomalyCount + 1);
      } else {
        const expected = target === PREVIOUS ? before.statusBeforeCancel : target;
        expect(order.status).toBe(expected);
        expect(after.anomalies).toEqual(s.anomalies);
        // Liveness never comes back once a final status was reached.
        if (before.terminalReached) expect(order.terminalReached).toBe(true);
      }
    }
  });
});

describe('entry transition table', () => {
  const pairs = ENTRY_STATES.flatMap((status) => ENTRY_EVENTS.map((ev) => [status, ev] as const));
  test.each(pairs)('%s + %s', (status, ev) => {
    const b = new EventBuilder();
    let s = evolveOrders(initialOrdersState(), b.ev('order.created', orderCreatedPayload({ clientOrderId: 'A1', entryId: 'E1', symbol: SYM, qty: QTY })));
    const entry = pmapGet(s.entries, 'E1')!;
    s = { ...s, entries: pmapSet(s.entries, 'E1', { ...entry, status, attempts: 1 }) };
    let event: AnyEvent;
    switch (ev) {
      case 'reprice':
        event = b.ev('order.created', orderCreatedPayload({ clientOrderId: 'A2', entryId: 'E1', symbol: SYM, attempt: 2, qty: QTY }));
        break;
      case 'escalate':
        event = b.ev('order.created', orderCreatedPayload({ clientOrderId: 'A2', entryId: 'E1', symbol: SYM, attempt: 2, qty: QTY, orderType: 'market', limitPrice: null }));
        break;
      case 'fill_complete':
        event = b.ev('broker.order_update', orderUpdatePayload({ event: 'fill', eventId: 'f1', clientOrderId: 'A1', symbol: SYM, orderQty: QTY, fillQty: QTY, fillPrice: 10, cumFilledQty: QTY, avgFillPrice: 10 }));
        break;
      case 'give_up':
        event = b.ev('entry.gave_up', { entryId: 'E1', symbol: SYM, attempts: 1, filledQty: 0, reason: 'walk' });
        break;
    }
    const after = evolveOrders(s, event);
    const target = (ENTRY_TRANSITIONS as Record<string, Partial<Record<string, string>>>)[status]![ev];
    const got = getEntry(after, 'E1')!;
    if (target === undefined) {
      // A fill into a final entry still counts its shares (late facts are facts) but changes no status.
      expect(got.status).toBe(status);
      if (ev !== 'fill_complete') {
        expect(got).toBe(getEntry(s, 'E1'));
        expect(after.anomalyCount).toBe(s.anomalyCount + 1);
      }
    } else {
      expect(got.status).toBe(target);
    }
  });
});
