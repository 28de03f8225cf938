// Positions: average-cost accounting through adds, reductions, flips and shorts; marks from bars; legs
// mirrored from the orders slice; exit requests; reconciliation overrides; and the property that quantity
// and PnL always equal what the fills say directly (cash-flow PnL).
import fc from 'fast-check';
import { setAutoFreeze } from 'immer';
import type { AnyEvent } from '@axiom/events';
import { EventBuilder, barPayload, orderCreatedPayload, orderUpdatePayload, requestResultPayload } from '../testing';
import { evolveOrders, initialOrdersState, type AppliedFill, type OrdersState } from '../orders';
import { evolvePositions, getPosition, initialPositionsState, liveLegs, newFill, openPositions, type PositionsContext, type PositionsState } from '.';

beforeAll(() => setAutoFreeze(true));

const SYM = 'ABC';

/** Orders + positions composed as evolve does it, for realistic tests. */
function run(events: AnyEvent[]): { orders: OrdersState; positions: PositionsState } {
  let orders = initialOrdersState();
  let positions = initialPositionsState();
  for (const e of events) {
    const before = orders;
    orders = evolveOrders(orders, e);
    positions = evolvePositions(positions, e, { orders, fill: newFill(before, orders) });
  }
  return { orders, positions };
}

/** Feed a bare fill (as the orders slice would have accepted it) straight to positions. */
function fillCtx(e: AnyEvent, side: 'buy' | 'sell', qty: number, price: number, purpose: AppliedFill['purpose'] = 'entry'): PositionsContext {
  const fill: AppliedFill = { seq: e.seq, ts: e.ts, eventId: `f${e.seq}`, clientOrderId: 'X', entryId: 'E', symbol: SYM, side, qty, price, purpose, exitReason: null };
  return { orders: { ...initialOrdersState(), lastFill: fill }, fill };
}
const NO_FILL: PositionsContext = { orders: initialOrdersState(), fill: null };

function fills(list: Array<[side: 'buy' | 'sell', qty: number, price: number, purpose?: AppliedFill['purpose']]>): PositionsState {
  const b = new EventBuilder();
  let s = initialPositionsState();
  for (const [side, qty, price, purpose] of list) {
    const e = b.ev('broker.order_update', orderUpdatePayload({ event: 'fill', eventId: `f${b.seq + 1}`, clientOrderId: 'X', symbol: SYM }));
    s = evolvePositions(s, e, fillCtx(e, side, qty, price, purpose));
  }
  return s;
}

describe('average-cost accounting', () => {
  test('open, add, reduce, close: realized PnL and a trade', () => {
    const s = fills([['buy', 100, 10], ['buy', 100, 12], ['sell', 50, 13], ['sell', 150, 9, 'stop_loss']]);
    const p = getPosition(s, SYM)!;
    expect(p.qty).toBe(0);
    expect(p.realizedPnl).toBeCloseTo(50 * 2 + 150 * -2, 9);
    expect(s.trades).toHaveLength(1);
    expect(s.trades[0]).toMatchObject({ direction: 'long', qty: 200, exitReason: 'stop_loss' });
    expect(s.trades[0]!.entryPrice).toBeCloseTo(11, 9);
    expect(s.trades[0]!.exitPrice).toBeCloseTo((50 * 13 + 150 * 9) / 200, 9);
    expect(s.openSymbols).toEqual([]);
    expect(s.totals.realizedPnl).toBeCloseTo(-200, 9);
  });

  test('flip through zero: the remainder opens a short at the fill price', () => {
    const s = fills([['buy', 100, 10], ['sell', 150, 11]]);
    const p = getPosition(s, SYM)!;
    expect(p.qty).toBe(-50);
    expect(p.avgEntryPrice).toBe(11);
    expect(p.realizedPnl).toBeCloseTo(100, 9);
    expect(p.trip).toMatchObject({ direction: 'short', entryQty: 50 });
    expect(s.trades[0]!.exitReason).toBe('entry_against');
    expect(openPositions(s).map((x) => x.symbol)).toEqual([SYM]);
  });

  test('a short makes money when the price falls; bars mark it', () => {
    const b = new EventBuilder();
    let s = fills([['sell', 100, 20]]);
    b.seq = 10;
    const bar = b.ev('market.bar', barPayload(SYM, 18));
    s = evolvePositions(s, bar, NO_FILL);
    const p = getPosition(s, SYM)!;
    expect(p.unrealizedPnl).toBeCloseTo(200, 9);
    expect(p.markPrice).toBe(18);
    expect(s.totals.marketValue).toBeCloseTo(-1800, 9);
  });

  test('a bar of a symbol without a position returns the same state object', () => {
    const s = fills([['buy', 10, 20]]);
    const b = new EventBuilder();
    b.seq = 10;
    expect(evolvePositions(s, b.ev('market.bar', barPayload('XYZ', 5)), NO_FILL)).toBe(s);
  });
});

describe('composed with the orders slice', () => {
  const b = new EventBuilder();
  const upd = (id: string, event: 'new' | 'held' | 'fill' | 'canceled', eventId: string, over = {}) =>
    b.ev('broker.order_update', orderUpdatePayload({ event, eventId, clientOrderId: id, symbol: SYM, ...over }));
  const events: AnyEvent[] = [
    b.ev('order.created', orderCreatedPayload({ clientOrderId: 'E1-entry-1', entryId: 'E1', symbol: SYM, qty: 100 })),
    b.ev('broker.request_result', requestResultPayload({ request: 'submit', ok: true, clientOrderId: 'E1-entry-1' })),
    upd('E1-entry-1', 'fill', 'f1', { fillQty: 100, fillPrice: 10, cumFilledQty: 100, avgFillPrice: 10 }),
    b.ev('order.created', orderCreatedPayload({ clientOrderId: 'E1-tp', entryId: 'E1', symbol: SYM, side: 'sell', qty: 100, purpose: 'take_profit', limitPrice: 10.1, ocoGroup: 'g' })),
    b.ev('order.created', orderCreatedPayload({ clientOrderId: 'E1-sl', entryId: 'E1', symbol: SYM, side: 'sell', qty: 100, purpose: 'stop_loss', orderType: 'stop', limitPrice: null, stopPrice: 9.9, ocoGroup: 'g' })),
    upd('E1-tp', 'new', 't1', { side: 'sell' }),
    upd('E1-sl', 'held', 's1', { side: 'sell' }),
  ];

  test('legs attach with their status; duplicates do not double count', () => {
    const dup = events[2]!;
    const { positions, orders } = run([...events, dup]);
    const p = getPosition(positions, SYM)!;
    expect(p.qty).toBe(100);
    expect(orders.duplicatesIgnored).toBe(1);
    expect(p.legs.takeProfit).toMatchObject({ clientOrderId: 'E1-tp', status: 'ACCEPTED', live: true, price: 10.1 });
    expect(p.legs.stopLoss).toMatchObject({ clientOrderId: 'E1-sl', status: 'ACCEPTED', live: true, price: 9.9 });
    expect(liveLegs(p)).toHaveLength(2);
  });

  test('take-profit fills, the OCO sibling is canceled: flat, trade logged, legs not live', () => {
    const { positions } = run([
      ...events,
      upd('E1-tp', 'fill', 't2', { side: 'sell', fillQty: 100, fillPrice: 10.1, cumFilledQty: 100, avgFillPrice: 10.1 }),
      upd('E1-sl', 'canceled', 's2', { side: 'sell' }),
    ]);
    const p = getPosition(positions, SYM)!;
    expect(p.qty).toBe(0);
    expect(liveLegs(p)).toHaveLength(0);
    expect(positions.trades[0]).toMatchObject({ exitReason: 'take_profit', entryId: 'E1' });
    expect(positions.trades[0]!.pnl).toBeCloseTo(10, 9);
  });

  test('exit requested is kept until flat; an exit with no position is an anomaly', () => {
    let { positions } = run([...events, b.ev('position.exit_requested', { symbol: SYM, reason: 'eod_liquidation', detail: 'close' })]);
    expect(getPosition(positions, SYM)!.exitPending).toMatchObject({ reason: 'eod_liquidation' });
    positions = evolvePositions(positions, b.ev('position.exit_requested', { symbol: 'XYZ', reason: 'operator', detail: '' }), NO_FILL);
    expect(positions.anomalyCount).toBe(1);
  });

  test('reconciliation: close_local books flat at the last mark; adopt takes the broker position', () => {
    const bar = b.ev('market.bar', barPayload(SYM, 11));
    const disc = (action: 'close_local' | 'adopt', symbol: string, brokerQty: number | null, brokerAvgPrice: number | null) => b.ev('reconciliation.applied', {
      snapshotSeq: 1, reason: 'test',
      discrepancies: [{ kind: action === 'adopt' ? 'broker_holds_engine_flat' : 'broker_flat_engine_holds', symbol, clientOrderId: null, engineQty: null, brokerQty, brokerAvgPrice, action, detail: 'test' }],
    });
    const { positions } = run([...events, bar, disc('close_local', SYM, 0, null), disc('adopt', 'XYZ', -30, 50)]);
    const p = getPosition(positions, SYM)!;
    expect(p.qty).toBe(0);
    expect(p.realizedPnl).toBeCloseTo(100, 9);
    expect(p.reconciled?.action).toBe('close_local');
    expect(positions.trades.at(-1)!.exitReason).toBe('reconciliation');
    const x = getPosition(positions, 'XYZ')!;
    expect(x).toMatchObject({ qty: -30, avgEntryPrice: 50 });
    expect(x.reconciled?.action).toBe('adopt');
    expect(positions.openSymbols).toEqual(['XYZ']);
  });
});

test('property: qty = sum of signed fills; realized + unrealized = cash-flow PnL', () => {
  const step = fc.oneof(
    fc.record({ kind: fc.constant('fill' as const), side: fc.constantFrom<'buy' | 'sell'>('buy', 'sell'), qty: fc.integer({ min: 1, max: 500 }), cents: fc.integer({ min: 100, max: 50_000 }) }),
    fc.record({ kind: fc.constant('bar' as const), cents: fc.integer({ min: 100, max: 50_000 }) }),
  );
  fc.assert(fc.property(fc.array(step, { maxLength: 60 }), (steps) => {
    const b = new EventBuilder();
    let s = initialPositionsState();
    let qty = 0;
    let cash = 0;
    let mark: number | null = null;
    for (const st of steps) {
      const price = st.cents / 100;
      if (st.kind === 'fill') {
        const e = b.ev('broker.order_update', orderUpdatePayload({ event: 'fill', eventId: `f${b.seq + 1}`, clientOrderId: 'X', symbol: SYM }));
        s = evolvePositions(s, e, fillCtx(e, st.side, st.qty, price));
        const signed = st.side === 'buy' ? st.qty : -st.qty;
        qty += signed;
        cash -= signed * price;
        mark = price;
      } else {
        s = evolvePositions(s, b.ev('market.bar', barPayload(SYM, price)), NO_FILL);
        if (qty !== 0) mark = price;
      }
    }
    const p = getPosition(s, SYM);
    expect(p?.qty ?? 0).toBe(qty);
    const cashFlowPnl = cash + qty * (mark ?? 0);
    const booked = (p?.realizedPnl ?? 0) + (p?.unrealizedPnl ?? 0);
    expect(Math.abs(booked - cashFlowPnl)).toBeLessThan(1e-6 * (1 + Math.abs(cash)));
    expect(Math.abs(s.totals.realizedPnl + s.totals.unrealizedPnl - cashFlowPnl)).toBeLessThan(1e-6 * (1 + Math.abs(cash)));
  }), { numRuns: 500 });
});
