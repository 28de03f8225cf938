// Broker: connections, snapshot request outstanding, last reconciliation and open discrepancies.
import { setAutoFreeze } from 'immer';
import { EventBuilder, barPayload, requestResultPayload } from '../testing';
import { evolveBroker, initialBrokerState, snapshotOutstanding } from '.';

beforeAll(() => setAutoFreeze(true));

test('request -> snapshot -> reconciliation', () => {
  const b = new EventBuilder();
  let s = evolveBroker(initialBrokerState(), b.ev('connection.status', { feed: 'trade_updates', status: 'authenticated', detail: null }));
  expect(s.connections.trade_updates?.status).toBe('authenticated');
  expect(s.connections.market_data).toBeNull();
  s = evolveBroker(s, b.ev('reconciliation.requested', { reason: 'every 20 bars' }));
  expect(snapshotOutstanding(s)).toBe(true);
  s = evolveBroker(s, b.ev('broker.snapshot', { account: { equity: 1, cash: 1, buyingPower: 1 }, positions: [{ symbol: 'ABC', qty: 5, avgEntryPrice: 10 }], openOrders: [] }));
  expect(snapshotOutstanding(s)).toBe(false);
  expect(s.lastSnapshot).toMatchObject({ seq: 3, positions: 1 });
  s = evolveBroker(s, b.ev('reconciliation.applied', {
    snapshotSeq: 3, reason: 'r',
    discrepancies: [
      { kind: 'broker_holds_engine_flat', symbol: 'ABC', clientOrderId: null, engineQty: 0, brokerQty: 5, brokerAvgPrice: 10, action: 'block_symbol', detail: 'd' },
      { kind: 'order_status_mismatch', symbol: 'ABC', clientOrderId: 'O1', engineQty: null, brokerQty: null, brokerAvgPrice: null, action: 'none', detail: 'd' },
    ],
  }));
  expect(s.lastReconciliation).toMatchObject({ snapshotSeq: 3, discrepancyCount: 2 });
  expect(s.discrepancies).toHaveLength(1);
  expect(s.anomalyCount).toBe(0);
  expect(evolveBroker(s, b.ev('market.bar', barPayload('ABC', 1)))).toBe(s);
});

test('a failed snapshot request clears "outstanding"; a reconciliation of another snapshot is an anomaly', () => {
  const b = new EventBuilder();
  let s = evolveBroker(initialBrokerState(), b.ev('reconciliation.requested', { reason: 'x' }));
  s = evolveBroker(s, b.ev('broker.request_result', requestResultPayload({ request: 'snapshot', ok: false, error: 'timeout' })));
  expect(snapshotOutstanding(s)).toBe(false);
  s = evolveBroker(s, b.ev('reconciliation.applied', { snapshotSeq: 9, discrepancies: [], reason: 'x' }));
  expect(s.anomalyCount).toBe(1);
});
