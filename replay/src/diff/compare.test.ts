import type { AnyEvent } from '@axiom/events';
import { divergenceList, firstDivergentGroup } from './compare';
import { configDifferences } from './config-diff';
import { mergeCurves, type DiffReport } from './diff';
import { marketInputLine, normalizedEvent, notableLine, type MarketGroup } from './fold';
import { chartSeries } from './html';

// The pure parts of diff: group alignment, the divergence list's multiset difference, config differences by
// path, curve merging, the chart series and the normalization that makes two run ids compare equal.

const group = (i: number, hash: string, notable: string[] = [], market: string | null = `bar S ${i}`): MarketGroup => ({
  market, ts: 1_000 * i, symbol: market === null ? null : 'S', firstSeq: i * 10 + 1, lastSeq: i * 10 + 9, hash, notable: [...notable].sort(),
});

const ev = (e: Partial<AnyEvent> & Pick<AnyEvent, 'type' | 'payload'>): AnyEvent =>
  ({ seq: 1, ts: 60_000, kind: 'decision', causedBy: null, hash: 'h', recordedAt: 0, ...e }) as AnyEvent;

describe('firstDivergentGroup', () => {
  it('is -1 for the same groups, else the first index whose hash or market differs, or where one run ends', () => {
    const a = [group(0, 'x', [], null), group(1, 'y'), group(2, 'z')];
    expect(firstDivergentGroup(a, a.map((g) => ({ ...g })))).toBe(-1);
    expect(firstDivergentGroup(a, [a[0]!, { ...a[1]!, hash: 'q' }, a[2]!])).toBe(1);
    expect(firstDivergentGroup(a, [a[0]!, a[1]!, { ...a[2]!, market: 'bar T 2' }])).toBe(2);
    expect(firstDivergentGroup(a, a.slice(0, 2))).toBe(2);
    expect(firstDivergentGroup([], [])).toBe(-1);
  });
});

describe('divergenceList', () => {
  it('lists groups whose notable lines differ as multiset differences, keeps at most max, counts all', () => {
    const a = [group(0, 'a'), group(1, 'a', ['S fill buy 5 @ 10', 'S order entry buy 5 limit', 'S signal x buy @ 10']), group(2, 'a', ['S fill buy 5 @ 10', 'S fill buy 5 @ 10']), group(3, 'a', ['same'])];
    const b = [group(0, 'b'), group(1, 'b', ['S signal x buy @ 10']), group(2, 'b', ['S fill buy 5 @ 10']), group(3, 'b', ['same']), group(4, 'b', ['S exit (stop_loss)'])];
    const r = divergenceList(a, b);
    expect(r.count).toBe(3);
    expect(r.shown).toEqual([
      { group: 1, ts: 1_000, symbol: 'S', onlyA: ['S fill buy 5 @ 10', 'S order entry buy 5 limit'], onlyB: [] },
      { group: 2, ts: 2_000, symbol: 'S', onlyA: ['S fill buy 5 @ 10'], onlyB: [] },
      { group: 4, ts: 4_000, symbol: 'S', onlyA: [], onlyB: ['S exit (stop_loss)'] },
    ]);
    const capped = divergenceList(a, b, 1);
    expect(capped.count).toBe(3);
    expect(capped.shown.map((d) => d.group)).toEqual([1]);
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

  it('notable lines: signals, rejections, orders, fills, exits; nothing for bars and requests', () => {
    expect(notableLine(ev({ type: 'signal.emitted', payload: { symbol: 'AAA', strategy: 's', strategyVersion: '1', side: 'buy', reason: 'r', refPrice: 10, takeProfitPrice: 11, stopLossPrice: 9 } }))).toBe('AAA signal s buy @ 10');
    expect(notableLine(ev({ type: 'signal.rejected', payload: { symbol: 'AAA', strategy: 's', side: 'sell', gate: 'cooldown', reason: 'r' } }))).toBe('AAA rejected s sell (cooldown)');
    expect(notableLine(ev({ kind: 'input', type: 'broker.order_update', payload: { event: 'fill', eventId: 'e', clientOrderId: 'c', brokerOrderId: null, symbol: 'AAA', side: 'buy', orderQty: 5, fillQty: 5, fillPrice: 10.5, cumFilledQty: 5, avgFillPrice: 10.5, reason: null } }))).toBe('AAA fill buy 5 @ 10.5');
    expect(notableLine(ev({ kind: 'input', type: 'broker.order_update', payload: { event: 'new', eventId: 'e', clientOrderId: 'c', brokerOrderId: null, symbol: 'AAA', side: 'buy', orderQty: 5, fillQty: null, fillPrice: null, cumFilledQty: 0, avgFillPrice: null, reason: null } }))).toBeNull();
    expect(notableLine(ev({ type: 'position.exit_requested', payload: { symbol: 'AAA', reason: 'stop_loss', detail: 'd' } }))).toBe('AAA exit (stop_loss)');
    expect(notableLine(ev({ kind: 'input', type: 'market.bar', payload: { symbol: 'AAA', open: 1, high: 1, low: 1, close: 1, volume: 1, vwap: 1, trades: 1 } }))).toBeNull();
  });
});
