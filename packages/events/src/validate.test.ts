import fc from 'fast-check';
import { CATALOG, EVENT_TYPES, type EventType } from './catalog';
import { fastCheckFor, validatePayload } from './validate';
import type { z } from 'zod';

// The fast path for market.bar must agree with the zod schema on every payload: valid ones and near misses.
describe('market.bar fast validation agrees with the schema', () => {
  const zodOk = (p: unknown) => (CATALOG['market.bar'].schema as z.ZodType).safeParse(p).success;
  const num = fc.oneof(
    fc.double({ min: -10, max: 1000, noNaN: false }), fc.integer({ min: -5, max: 1e6 }),
    fc.constantFrom(0, -0, 1e-9, Number.NaN, Infinity, -Infinity, 1.5), fc.constant(null), fc.string(), fc.constant(undefined),
  );
  const bar = fc.record({
    symbol: fc.oneof(fc.constantFrom('SPY', 'BRK.B', 'X', 'lower', '', 'TOOLONGSYMBOLNAME1', '1AB'), fc.string()),
    open: num, high: num, low: num, close: num, volume: num, vwap: num, trades: num,
  }, { requiredKeys: [] });
  const withExtra = fc.tuple(bar, fc.boolean()).map(([b, extra]) => (extra ? { ...b, extra: 1 } : b));

  it('random payloads (property)', () => {
    fc.assert(fc.property(withExtra, (p) => {
      expect(validatePayload('market.bar', p).ok).toBe(zodOk(p));
    }), { numRuns: 5000 });
  });

  it('valid bars (property)', () => {
    const price = fc.double({ min: 0.0001, max: 1e5, noNaN: true });
    const valid = fc.record({
      symbol: fc.constantFrom('SPY', 'AAPL', 'BRK.B'), open: price, high: price, low: price, close: price,
      volume: fc.nat(), vwap: fc.option(price, { nil: null }), trades: fc.option(fc.nat(), { nil: null }),
    });
    fc.assert(fc.property(valid, (p) => {
      expect(validatePayload('market.bar', p).ok).toBe(zodOk(p));
    }), { numRuns: 2000 });
  });
});

// Every other type's fast check is composed from its fields' (fields.ts). It may refuse what zod accepts (zod
// then decides), never the reverse: near misses of a valid payload of each type must get zod's verdict.
describe('composed fast checks agree with the schemas', () => {
  const day = { date: '2025-03-12', openTs: 1741786200000, closeTs: 1741809600000, earlyClose: false };
  const VALID: Partial<Record<EventType, Record<string, unknown>>> = {
    'market.corporate_action': { symbol: 'AAPL', action: 'split', exDate: '2014-06-09', ratio: 7 },
    'broker.order_update': {
      event: 'fill', eventId: 'ex-1', clientOrderId: 'ax-run-12', brokerOrderId: 'b-1', symbol: 'SPY', side: 'buy', orderQty: 10,
      fillQty: 10, fillPrice: 101.25, cumFilledQty: 10, avgFillPrice: 101.25, reason: null,
    },
    'broker.snapshot': {
      account: { equity: 100000, cash: 50000.5, buyingPower: 100000 },
      positions: [{ symbol: 'SPY', qty: -3, avgEntryPrice: 100.5 }],
      openOrders: [{ clientOrderId: 'ax-1', brokerOrderId: 'b', symbol: 'SPY', side: 'sell', qty: 3, filledQty: 0, orderType: 'limit', limitPrice: 101, stopPrice: null, status: 'new' }],
    },
    'broker.request_result': { request: 'submit', clientOrderId: 'ax-run-12', ok: true, httpStatus: 200, brokerOrderId: 'b-1', error: null, forSeq: 12 },
    'broker.calendar': { days: [day] },
    'timer.fired': { purpose: 'deadline' },
    'connection.status': { feed: 'rest', status: 'connected', detail: null },
    'operator.command': { command: 'flatten', operator: 'ops', reason: 'test', symbol: 'SPY' },
    'input.rejected': { source: 'market_data', raw: '{', error: 'bad json' },
    'signal.emitted': { symbol: 'SPY', strategy: 'vwap-reversion', strategyVersion: '1', side: 'buy', reason: 'r', refPrice: 100, takeProfitPrice: 101, stopLossPrice: 99 },
    'signal.rejected': { symbol: 'SPY', strategy: 'vwap-reversion', side: 'sell', gate: 'cooldown', reason: 'r' },
    'order.created': {
      clientOrderId: 'ax-run-12', entryId: 'E11', symbol: 'SPY', side: 'buy', qty: 10, orderType: 'limit', limitPrice: 100.01, stopPrice: null,
      timeInForce: 'day', purpose: 'entry', attempt: 1, ocoGroup: null, timeoutAt: 1741790000000, takeProfitPrice: 101, stopLossPrice: 99,
      exitReason: null, reason: 'entry attempt 1',
    },
    'order.transition': { clientOrderId: 'ax-run-12', from: 'PENDING', to: 'ABANDONED', reason: 'r' },
    'cancel.requested': { clientOrderId: 'ax-run-12', reason: 'r' },
    'order.abandoned': { clientOrderId: 'ax-run-12', reason: 'r' },
    'entry.gave_up': { entryId: 'E11', symbol: 'SPY', attempts: 3, filledQty: 0, reason: 'r' },
    'position.exit_requested': { symbol: 'SPY', reason: 'stop_loss', detail: 'd' },
    'session.phase_changed': { tradingDay: '2025-03-12', from: 'WARMUP', to: 'ACTIVE', calendar: day, reason: 'r' },
    'risk.kill_switch_tripped': { scope: 'daily', realizedLoss: -1200.5, limit: 1000, periodStart: '2025-03-12', reason: 'r' },
    'risk.cooldown_started': { symbol: 'SPY', bars: 15, reason: 'r' },
    'risk.symbol_blocked': { symbol: 'SPY', reason: 'r' },
    'engine.halted': { reason: 'r', error: null },
    'engine.resumed': { reason: 'r' },
    'reconciliation.requested': { reason: 'r' },
    'reconciliation.applied': {
      snapshotSeq: 4,
      discrepancies: [{ kind: 'leg_missing', symbol: 'SPY', clientOrderId: null, engineQty: 3, brokerQty: null, brokerAvgPrice: null, action: 'resubmit_legs', detail: 'd' }],
      reason: 'r',
    },
    'checkpoint.taken': { barsSinceStart: 100, reason: 'r' },
  };
  const zodOk = (type: EventType, p: unknown) => (CATALOG[type].schema as z.ZodType).safeParse(p).success;
  const typesWithChecks = EVENT_TYPES.filter((t) => t !== 'market.bar' && fastCheckFor(t) !== undefined);

  it('every type but run.started and the bar types has a composed check, and a sample here', () => {
    expect(EVENT_TYPES.filter((t) => fastCheckFor(t) === undefined).sort()).toEqual(['market.bar_correction', 'run.started']);
    expect(typesWithChecks.filter((t) => VALID[t] === undefined)).toEqual([]);
  });

  it.each(typesWithChecks)('%s: the valid sample takes the fast path', (type) => {
    const p = VALID[type];
    expect(zodOk(type, p)).toBe(true);
    expect(fastCheckFor(type)?.(p)).toBe(true);
  });

  // Tricky values: wrong types, bounds, NaN/Infinity, over-long and empty strings, enum look-alikes, holes.
  const tricky = fc.constantFrom<unknown>(
    null, undefined, 0, -0, -1, 1, 1.5, 7, 1e16, Number.NaN, Infinity, -Infinity, '', 'x', 'SPY', 'spy', 'buy', 'BUY', 'fill',
    'x'.repeat(129), 'x'.repeat(4097), '2025-3-12', '2025-03-12', 'ax run', true, false, {}, [], [undefined], Object.create({ a: 1 }),
    // eslint-disable-next-line no-sparse-arrays
    [, 1],
  );
  /** A random path into a payload (objects and arrays, as deep as they go). */
  function mutate(p: unknown, choices: number[], value: unknown, op: number): unknown {
    if (p === null || typeof p !== 'object') return value;
    const copy: Record<string, unknown> | unknown[] = Array.isArray(p) ? [...p] : { ...(p as Record<string, unknown>) };
    const keys = Object.keys(copy);
    if (keys.length === 0 || choices.length === 0) return value;
    const key = keys[(choices[0] as number) % keys.length] as string;
    const rec = copy as Record<string, unknown>;
    if (choices.length === 1 && op === 1) delete rec[key];
    else if (choices.length === 1 && op === 2) rec.extra = value;
    else rec[key] = choices.length === 1 ? value : mutate(rec[key], choices.slice(1), value, op);
    return copy;
  }
  it("near misses get zod's verdict, for every type (property)", () => {
    const arb = fc.record({
      type: fc.constantFrom(...typesWithChecks),
      path: fc.array(fc.nat(40), { minLength: 1, maxLength: 4 }),
      value: tricky,
      op: fc.nat(2),
    });
    fc.assert(fc.property(arb, ({ type, path, value, op }) => {
      const p = mutate(VALID[type], path, value, op);
      expect(validatePayload(type, p).ok).toBe(zodOk(type, p));
    }), { numRuns: 20_000 });
  });
});
