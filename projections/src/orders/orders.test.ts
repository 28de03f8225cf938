// Unit tests of the orders slice, given/when/then: the order machine's real-world edges, de-duplication,
// anomalies, the entry machine, and the helpers the decider reads.
import type { AnyEvent } from '@axiom/events';
import { EventBuilder, orderCreatedPayload, orderUpdatePayload, requestResultPayload, barPayload } from '../testing';
import { setAutoFreeze } from 'immer';
import {
  evolveOrders, getEntry, getOrder, initialOrdersState, isLive, nextDeadline, workingOrders, hasWorkingOrder, type OrdersState,
} from '.';

beforeAll(() => setAutoFreeze(true)); // catch any mutation outside produce

function given(events: AnyEvent[]): OrdersState {
  return events.reduce(evolveOrders, initialOrdersState());
}

const SYM = 'ABC';

function scenario() {
  const b = new EventBuilder();
  const created = (id = 'O1', over: Parameters<typeof orderCreatedPayload>[0] extends infer P ? Partial<P> : never = {}) =>
    b.ev('order.created', orderCreatedPayload({ clientOrderId: id, symbol: SYM, ...over }));
  const submitOk = (id = 'O1') => b.ev('broker.request_result', requestResultPayload({ request: 'submit', ok: true, clientOrderId: id, brokerOrderId: `b-${id}` }));
  const upd = (event: Parameters<typeof orderUpdatePayload>[0]['event'], eventId: string, over: Partial<Parameters<typeof orderUpdatePayload>[0]> = {}) =>
    b.ev('broker.order_update', orderUpdatePayload({ event, eventId, clientOrderId: 'O1', symbol: SYM, ...over }));
  const fill = (eventId: string, qty: number, cum: number, price = 10, event: 'fill' | 'partial_fill' = cum >= 100 ? 'fill' : 'partial_fill', id = 'O1') =>
    b.ev('broker.order_update', orderUpdatePayload({ event, eventId, clientOrderId: id, symbol: SYM, fillQty: qty, fillPrice: price, cumFilledQty: cum, avgFillPrice: price }));
  return { b, created, submitOk, upd, fill };
}

describe('order machine', () => {
  test('happy path: PENDING -> SUBMITTED -> ACCEPTED -> PARTIALLY_FILLED -> FILLED, with the audit trail', () => {
    const { created, submitOk, upd, fill } = scenario();
    const s = given([created(), submitOk(), upd('new', 'e1'), fill('f1', 40, 40, 10), fill('f2', 60, 100, 11)]);
    const o = getOrder(s, 'O1')!;
    expect(o.status).toBe('FILLED');
    expect(o.filledQty).toBe(100);
    expect(o.avgFillPrice).toBeCloseTo(10.6, 10);
    expect(o.brokerOrderId).toBe('b-O1');
    expect(o.trail.map((t) => `${t.from}>${t.to}`)).toEqual(['null>PENDING', 'PENDING>SUBMITTED', 'SUBMITTED>ACCEPTED', 'ACCEPTED>PARTIALLY_FILLED', 'PARTIALLY_FILLED>FILLED']);
    expect(s.lastFill).toMatchObject({ clientOrderId: 'O1', qty: 60, price: 11 });
    expect(s.fillCount).toBe(2);
    expect(s.anomalyCount).toBe(0);
    expect(isLive(o)).toBe(false);
    expect(workingOrders(s, SYM)).toEqual([]);
  });

  test('the ws ack and even the fill can beat the REST answer (PENDING -> ACCEPTED, PENDING -> FILLED)', () => {
    const { created, submitOk, upd } = scenario();
    let s = given([created(), upd('new', 'e1'), submitOk()]);
    expect(getOrder(s, 'O1')!.status).toBe('ACCEPTED');
    const t = scenario();
    s = given([t.created(), t.fill('f1', 100, 100), t.submitOk()]);
    expect(getOrder(s, 'O1')!.status).toBe('FILLED');
    expect(s.anomalyCount).toBe(0);
  });

  test('a fill beats the ack: SUBMITTED -> FILLED', () => {
    const { created, submitOk, fill } = scenario();
    const s = given([created(), submitOk(), fill('f1', 100, 100)]);
    expect(getOrder(s, 'O1')!.status).toBe('FILLED');
  });

  test('cancel refused: back to the state before the cancel (a partial fill kept)', () => {
    const { b, created, submitOk, upd, fill } = scenario();
    const s = given([
      created(), submitOk(), upd('new', 'e1'), fill('f1', 30, 30),
      b.ev('cancel.requested', { clientOrderId: 'O1', reason: 'timeout' }),
      upd('order_cancel_rejected', 'e2', { cumFilledQty: 30, reason: 'too late' }),
    ]);
    const o = getOrder(s, 'O1')!;
    expect(o.status).toBe('PARTIALLY_FILLED');
    expect(o.statusBeforeCancel).toBeNull();
    expect(o.lastError).toBe('too late');
    expect(isLive(o)).toBe(true);
  });

  test('cancel refused by REST also falls back', () => {
    const { b, created, submitOk, upd } = scenario();
    const s = given([
      created(), submitOk(), upd('new', 'e1'), b.ev('cancel.requested', { clientOrderId: 'O1', reason: 'x' }),
      b.ev('broker.request_result', requestResultPayload({ request: 'cancel', ok: false, clientOrderId: 'O1', error: '422 not cancelable' })),
    ]);
    expect(getOrder(s, 'O1')!.status).toBe('ACCEPTED');
  });

  test('the fill wins the race against our cancel: PENDING_CANCEL -> FILLED', () => {
    const { b, created, submitOk, upd, fill } = scenario();
    const s = given([created(), submitOk(), upd('new', 'e1'), b.ev('cancel.requested', { clientOrderId: 'O1', reason: 'x' }), fill('f1', 100, 100)]);
    expect(getOrder(s, 'O1')!.status).toBe('FILLED');
    expect(s.anomalyCount).toBe(0);
  });

  test('a real fill after the cancel is applied and recorded, and the order stays not-live', () => {
    const { b, created, submitOk, upd, fill } = scenario();
    const s = given([
      created(), submitOk(), upd('new', 'e1'), b.ev('cancel.requested', { clientOrderId: 'O1', reason: 'x' }),
      upd('canceled', 'e2'), fill('f1', 20, 20),
    ]);
    const o = getOrder(s, 'O1')!;
    expect(o.status).toBe('PARTIALLY_FILLED');
    expect(o.filledQty).toBe(20);
    expect(o.terminalReached).toBe(true);
    expect(isLive(o)).toBe(false);
    expect(hasWorkingOrder(s, SYM)).toBe(false);
    expect(o.trail.at(-1)).toMatchObject({ from: 'CANCELED', to: 'PARTIALLY_FILLED' });
    expect(s.lastFill?.qty).toBe(20);
  });

  test('duplicate broker events (same event id) are ignored and counted', () => {
    const { created, submitOk, fill } = scenario();
    const f = fill('f1', 40, 40);
    const s1 = given([created(), submitOk(), f]);
    const s2 = evolveOrders(s1, f);
    expect(s2.duplicatesIgnored).toBe(1);
    expect(getOrder(s2, 'O1')).toBe(getOrder(s1, 'O1'));
    expect(s2.lastFill).toBe(s1.lastFill);
  });

  test('an update for an unknown order is an anomaly, and its duplicate is ignored', () => {
    const { upd } = scenario();
    const e = upd('fill', 'g1', { clientOrderId: 'ghost', fillQty: 5, fillPrice: 1, cumFilledQty: 5 });
    const s = given([e]);
    expect(s.anomalyCount).toBe(1);
    expect(s.anomalies[0]).toMatchObject({ key: 'ghost', symbol: SYM, type: 'broker.order_update' });
    const s2 = evolveOrders(s, e);
    expect(s2.anomalyCount).toBe(1);
    expect(s2.duplicatesIgnored).toBe(1);
  });

  test('a broker event with no edge is an anomaly and leaves the order unchanged', () => {
    const { created, submitOk, upd, fill } = scenario();
    const s1 = given([created(), submitOk(), fill('f1', 100, 100)]);
    const s2 = evolveOrders(s1, upd('pending_cancel', 'e9', { cumFilledQty: 100 }));
    expect(getOrder(s2, 'O1')).toBe(getOrder(s1, 'O1'));
    expect(s2.anomalyCount).toBe(1);
    expect(s2.anomalies[0]!.detail).toMatch(/no edge from FILLED/);
  });

  test('an overfill is capped at the order quantity and recorded', () => {
    const { created, submitOk, fill } = scenario();
    const s = given([created(), submitOk(), fill('f1', 80, 80), fill('f2', 50, 130, 10, 'fill')]);
    const o = getOrder(s, 'O1')!;
    expect(o.filledQty).toBe(100);
    expect(s.lastFill?.qty).toBe(20);
    expect(s.anomalies.some((a) => /overfill/.test(a.detail))).toBe(true);
  });

  test('order.transition applies only from the stated state', () => {
    const { b, created } = scenario();
    const s = given([created(), b.ev('order.transition', { clientOrderId: 'O1', from: 'SUBMITTED', to: 'CANCELED', reason: 'recon' })]);
    expect(getOrder(s, 'O1')!.status).toBe('PENDING');
    expect(s.anomalyCount).toBe(1);
    const s2 = evolveOrders(s, b.ev('order.transition', { clientOrderId: 'O1', from: 'PENDING', to: 'ABANDONED', reason: 'missing at broker' }));
    expect(getOrder(s2, 'O1')!.status).toBe('ABANDONED');
    expect(workingOrders(s2)).toEqual([]);
  });

  test('submit refused -> REJECTED with the error', () => {
    const { b, created } = scenario();
    const s = given([created(), b.ev('broker.request_result', requestResultPayload({ request: 'submit', ok: false, clientOrderId: 'O1', error: 'insufficient buying power' }))]);
    expect(getOrder(s, 'O1')).toMatchObject({ status: 'REJECTED', lastError: 'insufficient buying power' });
  });

  test('events it does not read return the same state object', () => {
    const { b, created } = scenario();
    const s = given([created()]);
    expect(evolveOrders(s, b.ev('market.bar', barPayload(SYM, 10)))).toBe(s);
    expect(evolveOrders(s, b.ev('engine.halted', { reason: 'x', error: null }))).toBe(s);
  });
});

describe('entry machine', () => {
  test('LIMIT -> REPRICING -> ESCALATING -> FILLED, filled quantity across attempts', () => {
    const { b, created, submitOk, fill } = scenario();
    const s = given([
      created('A1', { entryId: 'E1', attempt: 1, qty: 100, timeoutAt: 5_000 }),
      submitOk('A1'),
      fill('f1', 30, 30, 10, 'partial_fill', 'A1'),
      b.ev('cancel.requested', { clientOrderId: 'A1', reason: 'timeout' }),
      b.ev('broker.order_update', orderUpdatePayload({ event: 'canceled', eventId: 'c1', clientOrderId: 'A1', symbol: SYM, cumFilledQty: 30 })),
      created('A2', { entryId: 'E1', attempt: 2, qty: 70, timeoutAt: 7_000 }),
    ]);
    expect(getEntry(s, 'E1')).toMatchObject({ status: 'REPRICING', attempts: 2, filledQty: 30, currentOrderId: 'A2' });
    let t = evolveOrders(s, created('A3', { entryId: 'E1', attempt: 3, qty: 70, orderType: 'market', limitPrice: null }));
    expect(getEntry(t, 'E1')!.status).toBe('ESCALATING');
    t = evolveOrders(t, b.ev('broker.order_update', orderUpdatePayload({ event: 'fill', eventId: 'f3', clientOrderId: 'A3', symbol: SYM, orderQty: 70, fillQty: 70, fillPrice: 10.2, cumFilledQty: 70, avgFillPrice: 10.2 })));
    const e = getEntry(t, 'E1')!;
    expect(e.status).toBe('FILLED');
    expect(e.filledQty).toBe(100);
    expect(e.orderIds).toEqual(['A1', 'A2', 'A3']);
    expect(e.trail.map((x) => x.to)).toEqual(['LIMIT', 'REPRICING', 'ESCALATING', 'FILLED']);
    expect(t.anomalyCount).toBe(0);
  });

  test('entry.gave_up -> GAVE_UP; a second give-up is an anomaly', () => {
    const { b, created } = scenario();
    const s = given([created('A1', { entryId: 'E1' }), b.ev('entry.gave_up', { entryId: 'E1', symbol: SYM, attempts: 1, filledQty: 0, reason: 'no fill' })]);
    expect(getEntry(s, 'E1')!.status).toBe('GAVE_UP');
    const s2 = evolveOrders(s, b.ev('entry.gave_up', { entryId: 'E1', symbol: SYM, attempts: 1, filledQty: 0, reason: 'again' }));
    expect(s2.anomalyCount).toBe(1);
  });
});

describe('helpers', () => {
  test('nextDeadline: the earliest live entry timeout; a timer consumes it; a dead order drops it', () => {
    const { b, created, submitOk } = scenario();
    let s = given([created('A1', { entryId: 'E1', timeoutAt: 9_000 }), created('B1', { entryId: 'E2', timeoutAt: 5_000 }), created('L1', { purpose: 'take_profit', timeoutAt: 1_000 })]);
    expect(nextDeadline(s)).toBe(5_000);
    s = evolveOrders(s, b.ev('timer.fired', { purpose: 'entry timeout' }, 5_000));
    expect(nextDeadline(s)).toBe(9_000);
    s = evolveOrders(s, submitOk('A1'));
    s = evolveOrders(s, b.ev('broker.order_update', orderUpdatePayload({ event: 'rejected', eventId: 'r1', clientOrderId: 'A1', symbol: SYM })));
    expect(nextDeadline(s)).toBeNull();
  });

  test('workingOrders by symbol and overall, in creation order', () => {
    const { b } = scenario();
    const s = given([
      b.ev('order.created', orderCreatedPayload({ clientOrderId: 'X1', symbol: 'XYZ' })),
      b.ev('order.created', orderCreatedPayload({ clientOrderId: 'A1', symbol: SYM, entryId: 'E2' })),
      b.ev('order.created', orderCreatedPayload({ clientOrderId: 'A2', symbol: SYM, entryId: 'E3' })),
      b.ev('order.abandoned', { clientOrderId: 'A1', reason: 'never sent' }),
    ]);
    expect(workingOrders(s, SYM).map((o) => o.clientOrderId)).toEqual(['A2']);
    expect(workingOrders(s).map((o) => o.clientOrderId)).toEqual(['X1', 'A2']);
    expect(s.workingCount).toBe(2);
  });
});
