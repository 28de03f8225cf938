// Model-based test (fast-check `fc.commands`): a broker order driven by an arbitrary mix of legal and
// illegal broker events and engine decisions, checked after each command against a simple model:
// cumulative filled never exceeds the order quantity, a final order never becomes live again (only
// CANCELED -> FILLED / PARTIALLY_FILLED by a real fill moves a final status), and replaying the same broker
// event twice changes nothing but the duplicate counter. The seed is set globally (jest.setup.cjs) and
// printed by fast-check on failure.
import fc from 'fast-check';
import { setAutoFreeze } from 'immer';
import type { AnyEvent, BrokerOrderEvent } from '@axiom/events';
import { EventBuilder, orderCreatedPayload, orderUpdatePayload, requestResultPayload } from '../testing';
import { evolveOrders, getOrder, initialOrdersState, isLive, isTerminalStatus, type OrdersState } from '.';

beforeAll(() => setAutoFreeze(true));

const SYM = 'ABC';
const QTY = 100;

interface Model {
  /** What the broker has reported as filled (may exceed QTY in an overfill report). */
  brokerCum: number;
  nextEventId: number;
}

interface Real {
  s: OrdersState;
  b: EventBuilder;
  everTerminal: boolean;
}

function apply(real: Real, event: AnyEvent, isRealFill: boolean): void {
  const before = getOrder(real.s, 'O1')!;
  const next = evolveOrders(real.s, event);
  const after = getOrder(next, 'O1')!;

  // Cumulative filled never exceeds the order quantity.
  expect(after.filledQty).toBeLessThanOrEqual(after.qty);
  expect(after.filledQty).toBeGreaterThanOrEqual(before.filledQty);

  // A final order never becomes live again; its status only moves CANCELED -> (PARTIALLY_)FILLED by a fill.
  if (isTerminalStatus(before.status) && after.status !== before.status) {
    expect(before.status).toBe('CANCELED');
    expect(['FILLED', 'PARTIALLY_FILLED']).toContain(after.status);
    expect(isRealFill).toBe(true);
  }
  if (real.everTerminal) expect(isLive(after)).toBe(false);
  real.everTerminal = real.everTerminal || isTerminalStatus(after.status);

  // Replaying the same broker event changes nothing (but the duplicate counter).
  if (event.type === 'broker.order_update') {
    const again = evolveOrders(next, event);
    expect(getOrder(again, 'O1')).toBe(after);
    expect(again.duplicatesIgnored).toBe(next.duplicatesIgnored + 1);
    expect({ ...again, duplicatesIgnored: 0 }).toEqual({ ...next, duplicatesIgnored: 0 });
  }
  real.s = next;
}

class BrokerEvent implements fc.Command<Model, Real> {
  constructor(readonly event: BrokerOrderEvent, readonly fillQty: number) {}
  check(): boolean {
    return true;
  }
  run(m: Model, r: Real): void {
    const isFill = this.event === 'fill' || this.event === 'partial_fill';
    if (isFill) m.brokerCum += this.fillQty;
    const e = r.b.ev('broker.order_update', orderUpdatePayload({
      event: this.event, eventId: `x${m.nextEventId++}`, clientOrderId: 'O1', symbol: SYM, orderQty: QTY, brokerOrderId: 'b1',
      fillQty: isFill ? this.fillQty : null, fillPrice: isFill ? 10 : null, cumFilledQty: m.brokerCum, avgFillPrice: isFill ? 10 : null,
    }));
    apply(r, e, isFill);
  }
  toString(): string {
    return `${this.event}${this.event.endsWith('fill') ? `(${this.fillQty})` : ''}`;
  }
}

class Decision implements fc.Command<Model, Real> {
  constructor(readonly kind: 'cancel' | 'abandon' | 'submit_ok' | 'submit_refused' | 'cancel_refused') {}
  check(): boolean {
    return true;
  }
  run(_m: Model, r: Real): void {
    const b = r.b;
    const e = this.kind === 'cancel' ? b.ev('cancel.requested', { clientOrderId: 'O1', reason: 'model' })
      : this.kind === 'abandon' ? b.ev('order.abandoned', { clientOrderId: 'O1', reason: 'model' })
        : b.ev('broker.request_result', requestResultPayload({
          request: this.kind === 'cancel_refused' ? 'cancel' : 'submit', ok: this.kind === 'submit_ok', clientOrderId: 'O1', brokerOrderId: 'b1',
        }));
    apply(r, e, false);
  }
  toString(): string {
    return this.kind;
  }
}

class ReplayLast implements fc.Command<Model, Real> {
  check(): boolean {
    return true;
  }
  run(m: Model, r: Real): void {
    // The broker re-delivers the previous update (same event id): nothing may change.
    if (m.nextEventId === 0) return;
    const before = r.s;
    const e = r.b.ev('broker.order_update', orderUpdatePayload({
      event: 'fill', eventId: `x${m.nextEventId - 1}`, clientOrderId: 'O1', symbol: SYM, orderQty: QTY, fillQty: 10, fillPrice: 10, cumFilledQty: m.brokerCum, avgFillPrice: 10,
    }));
    const after = evolveOrders(before, e);
    expect(getOrder(after, 'O1')).toBe(getOrder(before, 'O1'));
    expect(after.duplicatesIgnored).toBe(before.duplicatesIgnored + 1);
    r.s = after;
  }
  toString(): string {
    return 'replay-last';
  }
}

const commands = [
  fc.constantFrom<BrokerOrderEvent>('pending_new', 'new', 'accepted', 'held', 'canceled', 'expired', 'done_for_day', 'rejected', 'pending_cancel', 'order_cancel_rejected', 'stopped', 'calculated', 'replaced')
    .map((ev) => new BrokerEvent(ev, 0)),
  fc.integer({ min: 1, max: 60 }).map((q) => new BrokerEvent('partial_fill', q)),
  fc.integer({ min: 1, max: 120 }).map((q) => new BrokerEvent('fill', q)),
  fc.constantFrom('cancel', 'abandon', 'submit_ok', 'submit_refused', 'cancel_refused' as const).map((k) => new Decision(k)),
  fc.constant(new ReplayLast()),
];

test('model: fills bounded, finals stay final, duplicates change nothing', () => {
  fc.assert(
    fc.property(fc.commands(commands, { maxCommands: 40 }), (cmds) => {
      const b = new EventBuilder();
      const s = evolveOrders(initialOrdersState(), b.ev('order.created', orderCreatedPayload({ clientOrderId: 'O1', symbol: SYM, qty: QTY })));
      fc.modelRun(() => ({ model: { brokerCum: 0, nextEventId: 0 }, real: { s, b, everTerminal: false } }), cmds);
    }),
    { numRuns: 300 },
  );
});
