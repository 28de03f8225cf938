import { initialEngineState, stateHash } from '@axiom/projections';
import { Harness, buyAt, ny, ofType } from '@axiom/engine/src/testing/harness';
import { formatStateSummary, formatSymbolState } from './format';
import { summarizeState, symbolState } from './summary';

// The state summary `axiom replay` prints, and the per-symbol state a --verify mismatch shows, on states the
// real decider built (the engine's given/when/then harness).

/** SPY entered at 09:50: a signal, an entry filled at 100, protective legs working. */
function entered() {
  const h = new Harness([buyAt('SPY', ny('09:50'))]);
  h.snapshot({ equity: 100_000 }, [], [], ny('04:00') + 100);
  const decisions = h.warm('SPY', ny('09:50'), 60);
  const entry = ofType(decisions, 'order.created')[0]!;
  h.ack(entry.payload.clientOrderId);
  const legs = ofType(h.update(entry.payload.clientOrderId, 'fill', { qty: entry.payload.qty, price: 100 }), 'order.created');
  return { h, entry, legs };
}

describe('summarizeState', () => {
  it('summarizes the initial state as empty', () => {
    const s = summarizeState(initialEngineState());
    expect(s).toMatchObject({
      seq: 0, run: null, positions: [], workingOrders: { count: 0, shown: [] }, killSwitch: null, halted: null, blockedSymbols: [],
      anomalies: { count: 0, bySlice: {}, latest: [] },
    });
    expect(s.stateHash).toBe(stateHash(initialEngineState()));
    expect(formatStateSummary(s)).toMatch(/run\s+none \(no run\.started\)/);
  });

  it('shows an open position with its legs and the working protective orders', () => {
    const { h, entry, legs } = entered();
    const s = summarizeState(h.state);
    expect(s.run?.runId).toBe('test0001');
    expect(s.session.phase).toBe('ACTIVE');
    expect(s.positions).toHaveLength(1);
    expect(s.positions[0]).toMatchObject({ symbol: 'SPY', qty: entry.payload.qty, avgEntryPrice: 100 });
    expect(s.positions[0]!.legs).toMatch(/TP .*SL /);
    expect(s.workingOrders.count).toBe(legs.length);
    expect(s.workingOrders.shown.map((o) => o.purpose).sort()).toEqual(['stop_loss', 'take_profit']);
    const text = formatStateSummary(s);
    expect(text).toMatch(/positions\s+1 open/);
    expect(text).toMatch(new RegExp(`SPY\\s+${entry.payload.qty} @\\s+100\\.00`));
    expect(text).toMatch(/working orders\s+2\n/);
  });

  it('counts anomalies per slice (an update for an order the engine never created)', () => {
    const { h } = entered();
    h.input({
      type: 'broker.order_update', ts: h.state.lastTs + 10,
      payload: { event: 'new', eventId: 'stray-1', clientOrderId: 'not-ours', brokerOrderId: 'b-x', symbol: 'QQQ', side: 'buy', orderQty: 1, fillQty: null, fillPrice: null, cumFilledQty: 0, avgFillPrice: null, reason: null },
    });
    const s = summarizeState(h.state);
    expect(s.anomalies.count).toBeGreaterThan(0);
    expect(s.anomalies.latest.some((a) => a.detail.includes('not-ours') || a.symbol === 'QQQ')).toBe(true);
    expect(s.blockedSymbols).toContain('QQQ');
  });
});

describe('symbolState', () => {
  it('shows the position, working orders and market of one symbol', () => {
    const { h, entry } = entered();
    const s = symbolState(h.state, 'SPY');
    expect(s.position).toMatchObject({ qty: entry.payload.qty });
    expect(s.workingOrders).toHaveLength(2);
    expect(s.market?.barsToday).toBe(60);
    expect(s.market?.lastPrice).toBe(100);
    expect(s.market?.indicators).toHaveProperty('vwap');
    expect(formatSymbolState(s).join('\n')).toMatch(/market\s+60 bars today, last price 100/);
    expect(symbolState(h.state, 'ZZZ')).toMatchObject({ position: null, workingOrders: [], market: null, cooldownBarsLeft: 0, blocked: null });
  });
});
