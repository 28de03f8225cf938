import { draft, type AnyEvent, type AnyDraft } from '@axiom/events';
import { formatEventJson, formatEventLine, formatNewYorkTime, summarize, text } from './journal-format';

function event(d: AnyDraft, seq = 1, causedBy: number | null = null): AnyEvent {
  const kind = causedBy === null ? 'input' : 'decision';
  return { seq, ts: d.ts, kind, type: d.type, causedBy, payload: d.payload, hash: 'ab'.repeat(32), recordedAt: 1 } as AnyEvent;
}

describe('formatNewYorkTime', () => {
  it('shows New York wall time with EST or EDT, across both DST switches', () => {
    expect(formatNewYorkTime(Date.UTC(2024, 2, 15, 13, 30))).toBe('2024-03-15 09:30:00.000 EDT');
    expect(formatNewYorkTime(Date.UTC(2024, 0, 2, 14, 30, 5, 7))).toBe('2024-01-02 09:30:05.007 EST');
    // 2024-03-10: 01:59:59.999 EST is followed by 03:00 EDT.
    expect(formatNewYorkTime(Date.UTC(2024, 2, 10, 6, 59, 59, 999))).toBe('2024-03-10 01:59:59.999 EST');
    expect(formatNewYorkTime(Date.UTC(2024, 2, 10, 7, 0))).toBe('2024-03-10 03:00:00.000 EDT');
    // 2024-11-03: 01:30 happens twice, first EDT then EST.
    expect(formatNewYorkTime(Date.UTC(2024, 10, 3, 5, 30))).toBe('2024-11-03 01:30:00.000 EDT');
    expect(formatNewYorkTime(Date.UTC(2024, 10, 3, 6, 30))).toBe('2024-11-03 01:30:00.000 EST');
  });
});

describe('formatEventLine', () => {
  const bar = draft('market.bar', Date.UTC(2024, 2, 15, 13, 30), {
    symbol: 'SPY', open: 500, high: 501, low: 499.5, close: 500.5, volume: 1200, vwap: 500.2, trades: 31,
  });

  it('prints seq, New York time, kind, type, causedBy and the key fields on one line', () => {
    expect(formatEventLine(event(bar, 42))).toBe(
      '      42  2024-03-15 09:30:00.000 EDT  input     market.bar                       -  SPY o=500 h=501 l=499.5 c=500.5 v=1200 vwap=500.2',
    );
    const order = draft('order.created', bar.ts, {
      clientOrderId: 'ax-7-e1-a1', entryId: 'e1', symbol: 'SPY', side: 'buy', qty: 10, orderType: 'limit',
      limitPrice: 500.02, stopPrice: null, timeInForce: 'day', purpose: 'entry', attempt: 1, ocoGroup: null,
      timeoutAt: null, takeProfitPrice: 505, stopLossPrice: 497.5, exitReason: null, reason: 'entry at VWAP',
    });
    expect(formatEventLine(event(order, 43, 42))).toBe(
      '      43  2024-03-15 09:30:00.000 EDT  decision  order.created                   42  order=ax-7-e1-a1 SPY buy 10 limit@500.02 day entry attempt=1 entry=e1 reason="entry at VWAP"',
    );
  });

  it('keeps one line per event and escapes terminal control characters from outside text', () => {
    const rejected = draft('input.rejected', 0, { source: 'alpaca-ws', raw: 'line1\nline2\u001b[31mred\u202e', error: 'bad\rjson' });
    const line = formatEventLine(event(rejected));
    expect([...line].filter((c) => c.charCodeAt(0) < 0x20 || c === '\u202e')).toEqual([]);
    expect(line).toContain('error="bad\\rjson"');
    expect(line).toContain('raw="line1\\nline2\\u001b[31mred\\u202e"');
    expect(text('x'.repeat(200)).length).toBeLessThan(90);
  });

  it('summarizes order updates, snapshots, reconciliations and halts', () => {
    const update = draft('broker.order_update', 0, {
      event: 'partial_fill', eventId: 'x1', clientOrderId: 'ax-1', brokerOrderId: 'b1', symbol: 'SPY', side: 'buy',
      orderQty: 10, fillQty: 4, fillPrice: 500.01, cumFilledQty: 4, avgFillPrice: 500.01, reason: null,
    });
    expect(summarize(event(update))).toBe('partial_fill order=ax-1 SPY buy qty=10 fill=4@500.01 cum=4');
    const snap = draft('broker.snapshot', 0, {
      account: { equity: 100000, cash: 50000, buyingPower: 200000 }, positions: [{ symbol: 'SPY', qty: -5, avgEntryPrice: 500 }], openOrders: [],
    });
    expect(summarize(event(snap))).toBe('equity=100000 cash=50000 bp=200000 positions=SPY:-5 openOrders=0');
    const rec = draft('reconciliation.applied', 0, {
      snapshotSeq: 9, reason: 'every 20 bars',
      discrepancies: [{ kind: 'order_missing_at_broker', symbol: 'SPY', clientOrderId: 'ax-1', engineQty: null, brokerQty: null, brokerAvgPrice: null, action: 'abandon_order', detail: '' }],
    });
    expect(summarize(event(rec, 2, 1))).toBe('snapshot=#9 discrepancies=1 order_missing_at_broker:SPY/ax-1->abandon_order reason="every 20 bars"');
    const halted = draft('engine.halted', 0, { reason: 'step threw', error: 'TypeError: x\n    at y' });
    expect(summarize(event(halted, 2, 1))).toBe('reason="step threw" error="TypeError: x\\n    at y"');
  });

  it('prints the whole envelope as one JSON line', () => {
    const e = event(bar, 3);
    expect(JSON.parse(formatEventJson(e))).toEqual(e);
    expect(Object.keys(JSON.parse(formatEventJson(e)) as object)).toEqual(['seq', 'ts', 'kind', 'type', 'causedBy', 'payload', 'hash', 'recordedAt']);
  });
});
