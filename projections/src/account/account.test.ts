// Account: reported figures from snapshots and the figures implied by fills since.
import { setAutoFreeze } from 'immer';
import { EventBuilder, barPayload } from '../testing';
import { evolveAccount, initialAccountState, currentEquity } from '.';
import type { AppliedFill } from '../orders';

beforeAll(() => setAutoFreeze(true));

test('implied cash and equity follow fills and marks after a snapshot', () => {
  const b = new EventBuilder();
  let s = initialAccountState();
  s = evolveAccount(s, b.ev('broker.snapshot', { account: { equity: 100_000, cash: 100_000, buyingPower: 200_000 }, positions: [], openOrders: [] }), { fill: null, marketValue: 0 });
  expect(s.reported).toMatchObject({ equity: 100_000, seq: 1 });
  const e = b.ev('broker.order_update', {
    event: 'fill', eventId: 'f', clientOrderId: 'O', brokerOrderId: null, symbol: 'ABC', side: 'buy', orderQty: 100, fillQty: 100, fillPrice: 50, cumFilledQty: 100, avgFillPrice: 50, reason: null,
  });
  const fill: AppliedFill = { seq: e.seq, ts: e.ts, eventId: 'f', clientOrderId: 'O', entryId: 'E', symbol: 'ABC', side: 'buy', qty: 100, price: 50, purpose: 'entry', exitReason: null };
  s = evolveAccount(s, e, { fill, marketValue: 5000 });
  expect(s.impliedCash).toBe(95_000);
  expect(s.impliedEquity).toBe(100_000);
  s = evolveAccount(s, b.ev('market.bar', barPayload('ABC', 51)), { fill: null, marketValue: 5100 });
  expect(s.impliedEquity).toBe(100_100);
  expect(currentEquity(s)).toBe(100_100);
  const same = evolveAccount(s, b.ev('market.bar', barPayload('XYZ', 1)), { fill: null, marketValue: 5100 });
  expect(same).toBe(s);
});

test('before any snapshot the implied figures are unknown but the cash flow is kept', () => {
  const b = new EventBuilder();
  const e = b.ev('timer.fired', { purpose: 'x' });
  const fill: AppliedFill = { seq: e.seq, ts: e.ts, eventId: 'f', clientOrderId: 'O', entryId: 'E', symbol: 'ABC', side: 'sell', qty: 10, price: 20, purpose: 'entry', exitReason: null };
  const s = evolveAccount(initialAccountState(), e, { fill, marketValue: -200 });
  expect(s.impliedCash).toBeNull();
  expect(s.fillCashFlowSinceReport).toBe(200);
  expect(currentEquity(s)).toBeNull();
});
