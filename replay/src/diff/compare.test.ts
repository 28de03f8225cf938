import type { AnyEvent } from '@axiom/events';
import { firstDifferenceInGroup, multisetDifference, notableDifference } from './compare';
import { configDifferences } from './config-diff';
import { mergeCurves, type DiffReport } from './diff';
import { marketInputLine, normalizedEvent, notableLine, type MarketGroup } from './fold';
import { chartSeries } from './html';

// The pure parts of diff: group comparison (first difference, the divergence list's multiset difference),
// config differences by path, curve merging, the chart series and the normalization that makes two run ids
// compare equal.

const ev = (e: Partial<AnyEvent> & Pick<AnyEvent, 'type' | 'payload'>): AnyEvent =>
  ({ seq: 1, ts: 60_000, kind: 'decision', causedBy: null, hash: 'h', recordedAt: 0, ...e }) as AnyEvent;

const barAt = (seq: number, symbol = 'S', close = 10): AnyEvent => ev({
  seq, ts: seq * 60_000, kind: 'input', type: 'market.bar', payload: { symbol, open: close, high: close, low: close, close, volume: 100, vwap: close, trades: 1 },
});
const signalAt = (seq: number, causedBy: number, refPrice = 10): AnyEvent => ev({
  seq, ts: causedBy * 60_000 + 60_000, causedBy, type: 'signal.emitted',
  payload: { symbol: 'S', strategy: 'x', strategyVersion: '1', side: 'buy', reason: 'r', refPrice, takeProfitPrice: 11, stopLossPrice: 9 },
});
const cancelAt = (seq: number, causedBy: number, runId: string): AnyEvent => ev({
  seq, causedBy, type: 'cancel.requested', payload: { clientOrderId: `ax-${runId}-7`, reason: 'timeout' },
});
const groupOf = (index: number, events: AnyEvent[], notable: string[] = []): MarketGroup => ({
  index, market: events[0]?.type === 'market.bar' ? events[0] : null, marketText: null, events, notable: [...notable].sort(),
});

describe('firstDifferenceInGroup', () => {
  it('is null for the same events (run ids normalized, run.started ignored)', () => {
    const a = groupOf(3, [barAt(10), cancelAt(11, 10, 'aaaa1111')]);
    const b = groupOf(3, [barAt(10), cancelAt(11, 10, 'bbbb2222')]);
    expect(firstDifferenceInGroup(a, b, ['aaaa1111'], ['bbbb2222'])).toBeNull();
    expect(firstDifferenceInGroup(a, b, [], [])).not.toBeNull();
  });

  it('names the first differing event, its seq, ts and symbol, and each side\'s transaction', () => {
    const a = groupOf(3, [barAt(10), signalAt(11, 10, 10), cancelAt(12, 10, 'r1')]);
    const b = groupOf(3, [barAt(10), signalAt(11, 10, 11)]);
    const f = firstDifferenceInGroup(a, b, ['r1'], ['r1'])!;
    expect(f).toMatchObject({ seq: 11, ts: 11 * 60_000, symbol: 'S', group: 3, market: 'bar S 600000 10 10 10 10 100 10 1', marketTs: 600_000 });
    expect(f.a.event).toMatchObject({ seq: 11, type: 'signal.emitted' });
    expect(f.a.input).toMatchObject({ seq: 10, type: 'market.bar' });
    expect(f.a.decisions.map((d) => d.seq)).toEqual([11, 12]);
    expect(f.b.decisions.map((d) => d.seq)).toEqual([11]);
  });

  it('when one side has no event at the position (its transaction ended, or its run did)', () => {
    const a = groupOf(3, [barAt(10), signalAt(11, 10)]);
    const b = groupOf(3, [barAt(10)]);
    const f = firstDifferenceInGroup(a, b, [], [])!;
    expect(f.seq).toBe(11);
    expect(f.b).toEqual({ event: null, input: null, decisions: [] });
    expect(firstDifferenceInGroup(null, groupOf(4, [barAt(13)]), [], [])).toMatchObject({ seq: 13, group: 4, a: { event: null } });
  });
});

describe('notableDifference', () => {
  it('is the multiset difference of the notable lines, or null when they are the same', () => {
    const a = groupOf(1, [barAt(5)], ['S fill buy 5 @ 10', 'S order entry buy 5 limit', 'S signal x buy @ 10', 'S fill buy 5 @ 10']);
    const b = groupOf(1, [barAt(5)], ['S signal x buy @ 10', 'S fill buy 5 @ 10']);
    expect(notableDifference(a, b)).toEqual({ group: 1, ts: 300_000, symbol: 'S', onlyA: ['S fill buy 5 @ 10', 'S order entry buy 5 limit'], onlyB: [] });
    expect(notableDifference(a, a)).toBeNull();
    expect(notableDifference(groupOf(2, [barAt(6)]), groupOf(2, [barAt(6)]))).toBeNull();
    expect(notableDifference(null, groupOf(2, [barAt(6)], ['S exit (stop_loss)']))).toMatchObject({ onlyA: [], onlyB: ['S exit (stop_loss)'] });
  });

  it('multisetDifference keeps duplicates apart', () => {
    expect(multisetDifference(['a', 'a', 'b'], ['a', 'c'])).toEqual({ onlyA: ['a', 'b'], onlyB: ['c'] });
  });
});

describe('configDifferences', () => {
  const rs = (config: unknown, strategies: unknown[]) => ev({
    kind: 'input', type: 'run.started',
    payload: { runId: 'run1', mode: 'backtest', config, configHash: '0'.repeat(64), strategies, codeVersion: 'axiom@0.1.0', catalogVersion: 1, dataSource: 'x' },
  } as Partial<AnyEvent> & Pick<AnyEvent, 'type' | 'payload'>) as Extract<AnyEvent, { type: 'run.started' }>;

  it('names every differing leaf by path; absent on one side is null; run id and data source are not config', () => {
    const a = rs({ risk: { max: 10, allow: true }, strategies: [] }, [{ name: 'v', version: '1', params: { tp: 0.25 } }]);
    const b = rs({ risk: { max: 5, allow: true }, strategies: [{ name: 'v', params: { tp: 0.6 } }] }, [{ name: 'v', version: '1', params: { tp: 0.6 } }]);
    expect(configDifferences(a, b)).toEqual([
      { path: 'config.risk.max', a: '10', b: '5' },
      { path: 'config.strategies', a: '[]', b: null },
      { path: 'config.strategies[0].name', a: null, b: '"v"' },
      { path: 'config.strategies[0].params.tp', a: null, b: '0.6' },
      { path: 'strategies[0].params.tp', a: '0.25', b: '0.6' },
    ]);
    expect(configDifferences(a, a)).toEqual([]);
  });
});

describe('mergeCurves and chartSeries', () => {
  it('merges two curves on the union of their minutes; difference carries forward; drawdown from the running peak', () => {
    const m = mergeCurves(
      { equityCurve: [{ ts: 1, equity: 100 }, { ts: 2, equity: 110 }, { ts: 4, equity: 105 }] },
      { equityCurve: [{ ts: 2, equity: 100 }, { ts: 3, equity: 90 }, { ts: 4, equity: 95 }] },
    );
    expect(m).toEqual({ ts: [1, 2, 3, 4], a: [100, 110, null, 105], b: [null, 100, 90, 95] });
    const s = chartSeries({ equity: m } as DiffReport);
    expect(s.diff).toEqual([null, -10, -20, -10]);
    expect(s.ddA).toEqual([0, 0, null, -5]);
    expect(s.ddB).toEqual([null, 0, -10, -5]);
  });
});

describe('event lines', () => {
  it('market input lines identify the bar without seq or run; other types are refused', () => {
    const bar = ev({ kind: 'input', ts: 5, type: 'market.bar', payload: { symbol: 'AAA', open: 1, high: 2, low: 0.5, close: 1.5, volume: 10, vwap: null, trades: 3 } });
    expect(marketInputLine(bar)).toBe('bar AAA 5 1 2 0.5 1.5 10 null 3');
    expect(marketInputLine({ ...bar, seq: 99 } as AnyEvent)).toBe(marketInputLine(bar));
    expect(() => marketInputLine(ev({ type: 'engine.resumed', payload: { reason: 'x' } }))).toThrow(/not a market input/);
  });

  it('normalized events drop seq/hash/recordedAt and replace the run id, so two runs compare equal', () => {
    const created = (runId: string, seq: number) => ev({
      seq, hash: `h${seq}`, recordedAt: seq, type: 'cancel.requested', payload: { clientOrderId: `ax-${runId}-12`, reason: 'timeout' },
    });
    expect(normalizedEvent(created('aaaa1111', 5), ['aaaa1111'])).toBe(normalizedEvent(created('bbbb2222', 7), ['bbbb2222']));
    expect(normalizedEvent(created('aaaa1111', 5), ['aaaa1111'])).toContain('ax-<run>-12');
    expect(normalizedEvent(created('aaaa1111', 5), [])).not.toBe(normalizedEvent(created('bbbb2222', 5), []));
  });

  it('an engine.halted error is compared by its first line (the stack depends on the call site)', () => {
    const halted = (error: string) => ev({ type: 'engine.halted', payload: { reason: 'step failed on market.bar (seq 5)', error } });
    expect(normalizedEvent(halted('TypeError: x\n    at a (/one/place.ts:1:1)'), [])).toBe(normalizedEvent(halted('TypeError: x\n    at b (/other/place.ts:9:9)'), []));
    expect(normalizedEvent(halted('TypeError: x\n    at a'), [])).not.toBe(normalizedEvent(halted('TypeError: y\n    at a'), []));
  });

  it('notable lines: signals, rejections, orders, fills, exits; nothing for bars and requests', () => {
    expect(notableLine(ev({ type: 'signal.emitted', payload: { symbol: 'AAA', strategy: 's', strategyVersion: '1', side: 'buy', reason: 'r', refPrice: 10, takeProfitPrice: 11, stopLossPrice: 9 } }))).toBe('AAA signal s buy @ 10');
    expect(notableLine(ev({ type: 'signal.rejected', payload: { symbol: 'AAA', strategy: 's', side: 'sell', gate: 'cooldown', reason: 'r' } }))).toBe('AAA rejected s sell (cooldown)');
    expect(notableLine(ev({ kind: 'input', type: 'broker.order_update', payload: { event: 'fill', eventId: 'e', clientOrderId: 'c', brokerOrderId: null, symbol: 'AAA', side: 'buy', orderQty: 5, fillQty: 5, fillPrice: 10.5, cumFilledQty: 5, avgFillPrice: 10.5, reason: null } }))).toBe('AAA fill buy 5 @ 10.5');
    expect(notableLine(ev({ kind: 'input', type: 'broker.order_update', payload: { event: 'new', eventId: 'e', clientOrderId: 'c', brokerOrderId: null, symbol: 'AAA', side: 'buy', orderQty: 5, fillQty: null, fillPrice: null, cumFilledQty: 0, avgFillPrice: null, reason: null } }))).toBeNull();
    expect(notableLine(ev({ type: 'position.exit_requested', payload: { symbol: 'AAA', reason: 'stop_loss', detail: 'd' } }))).toBe('AAA exit (stop_loss)');
    expect(notableLine(ev({ kind: 'input', type: 'market.bar', payload: { symbol: 'AAA', open: 1, high: 1, low: 1, close: 1, volume: 1, vwap: 1, trades: 1 } }))).toBeNull();
  });
});
