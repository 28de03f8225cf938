// Property tests of scheduler + SimBroker together: a random script of bars, orders, cancels, snapshots and
// timers, run twice, yields byte-identical input sequences; every input it produces passes the event catalog,
// and the time model and the broker's bookkeeping invariants hold. The seed is printed on failure (jest.setup.cjs).
import fc from 'fast-check';
import { validateDraft, type InputDraft } from '@axiom/events';
import type { OrderRequest } from '@axiom/engine/src/broker';
import { nyDayStartMs } from './ny-clock';
import type { Delivery, SimBar, SimCorporateAction } from './scheduler';
import { bar, MINUTE_MS, order, simRun } from './testing';

const SYMBOLS = ['AAPL', 'MSFT'] as const;
const IDS = Array.from({ length: 16 }, (_, i) => `o${i + 1}`);
const DAY1 = '2024-03-05';

type Action =
  | { kind: 'submit'; at: number; id: string; symbol: string; side: 'buy' | 'sell'; qty: number; type: OrderRequest['orderType'];
      tif: OrderRequest['timeInForce']; offsetPct: number; stopOffsetPct: number; oco: string | null }
  /** Cancels the `pick`-th most recent submitted id (or an unknown id when nothing was submitted). */
  | { kind: 'cancel'; at: number; pick: number }
  | { kind: 'snapshot'; at: number }
  | { kind: 'timer'; at: number; inMs: number };

const barSpec = fc.record({
  minute: fc.oneof({ weight: 4, arbitrary: fc.integer({ min: 0, max: 40 }) }, { weight: 1, arbitrary: fc.integer({ min: 380, max: 389 }) }),
  symbol: fc.constantFrom(...SYMBOLS),
  day: fc.constantFrom(0, 0, 0, 1),
  open: fc.integer({ min: 9_800, max: 10_200 }),
  up: fc.integer({ min: 0, max: 300 }),
  down: fc.integer({ min: 0, max: 300 }),
  closeFrac: fc.double({ min: 0, max: 1, noNaN: true }),
  volume: fc.integer({ min: 0, max: 500 }),
});

const actionArb: fc.Arbitrary<Action> = fc.oneof(
  fc.record({
    kind: fc.constant('submit' as const), at: fc.nat(1_000), id: fc.constantFrom(...IDS), symbol: fc.constantFrom(...SYMBOLS),
    side: fc.constantFrom('buy' as const, 'sell' as const), qty: fc.integer({ min: 1, max: 120 }),
    type: fc.constantFrom('market' as const, 'limit' as const, 'stop' as const, 'stop_limit' as const),
    tif: fc.constantFrom('day' as const, 'gtc' as const, 'ioc' as const, 'fok' as const),
    offsetPct: fc.integer({ min: -3, max: 3 }), stopOffsetPct: fc.integer({ min: -3, max: 3 }), oco: fc.constantFrom(null, null, 'g1', 'g2'),
  }),
  fc.record({ kind: fc.constant('cancel' as const), at: fc.nat(1_000), pick: fc.nat(3) }),
  fc.record({ kind: fc.constant('snapshot' as const), at: fc.nat(1_000) }),
  fc.record({ kind: fc.constant('timer' as const), at: fc.nat(1_000), inMs: fc.integer({ min: 0, max: 90_000 }) }),
);

const scriptArb = fc.record({
  bars: fc.array(barSpec, { minLength: 1, maxLength: 80 }),
  actions: fc.array(actionArb, { maxLength: 40 }),
  split: fc.option(fc.record({ symbol: fc.constantFrom(...SYMBOLS), ratio: fc.constantFrom(2, 7, 0.5) }), { nil: null }),
  config: fc.record({
    latencyMs: fc.constantFrom(0, 50, 1_000, 60_000),
    slippageBps: fc.constantFrom(0, 1, 25),
    maxVolumeShare: fc.constantFrom(0.01, 0.1, 1),
    initialCash: fc.constantFrom(3_000, 100_000),
  }),
});

type Script = typeof scriptArb extends fc.Arbitrary<infer T> ? T : never;

function buildBars(script: Script): SimBar[] {
  const seen = new Set<string>();
  const bars: SimBar[] = [];
  for (const b of script.bars) {
    const key = `${b.day}:${b.minute}:${b.symbol}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const open = b.open / 100;
    const high = open + b.up / 100;
    const low = Math.max(0.01, open - b.down / 100);
    const base = bar(b.symbol, b.minute, { open, high, low, close: low + (high - low) * b.closeFrac, volume: b.volume });
    bars.push(b.day === 0 ? base : { ...base, ts: nyDayStartMs(DAY1) + (9.5 * 60 + b.minute) * MINUTE_MS });
  }
  return bars.sort((a, b) => a.ts - b.ts || (a.symbol < b.symbol ? -1 : a.symbol > b.symbol ? 1 : 0));
}

/** Run the script: an action fires on the delivery of bar number `at` modulo the number of bars. */
function runScript(script: Script): Delivery[] {
  const bars = buildBars(script);
  const byIndex = new Map<number, Action[]>();
  for (const a of script.actions) byIndex.set(a.at % bars.length, [...(byIndex.get(a.at % bars.length) ?? []), a]);
  let barNo = -1;
  const lastPrice = new Map<string, number>();
  const submitted: string[] = [];
  const corporateActions: SimCorporateAction[] = script.split === null ? [] : [{ symbol: script.split.symbol, exDate: DAY1, kind: 'split', ratio: script.split.ratio }];
  const sim = simRun({
    bars,
    corporateActions,
    config: script.config,
    react: (d, { broker, scheduler, seq }) => {
      if (d.input.type !== 'market.bar') return;
      lastPrice.set(d.input.payload.symbol, d.input.payload.close);
      for (const a of byIndex.get(++barNo) ?? []) {
        switch (a.kind) {
          case 'submit': {
            const ref = lastPrice.get(a.symbol) ?? 100;
            const px = (pct: number) => Math.round(ref * (1 + pct / 100) * 100) / 100;
            submitted.push(a.id);
            broker.submit(order({
              clientOrderId: a.id, symbol: a.symbol, side: a.side, qty: a.qty, orderType: a.type, timeInForce: a.tif, ocoGroup: a.oco,
              limitPrice: a.type === 'limit' || a.type === 'stop_limit' ? px(a.offsetPct) : null,
              stopPrice: a.type === 'stop' || a.type === 'stop_limit' ? px(a.stopOffsetPct) : null,
            }), seq, d.now);
            break;
          }
          case 'cancel':
            broker.cancel(submitted[submitted.length - 1 - a.pick] ?? 'unknown', seq, d.now);
            break;
          case 'snapshot':
            broker.requestSnapshot(seq, d.now);
            break;
          case 'timer':
            scheduler.setTimer(d.now + a.inMs, 'script');
            break;
          default: {
            const never: never = a;
            throw new Error(`unknown action ${JSON.stringify(never)}`);
          }
        }
      }
    },
  });
  return sim.run(10_000);
}

describe('scheduler + SimBroker determinism', () => {
  it('the same random script run twice yields byte-identical input sequences', () => {
    fc.assert(
      fc.property(scriptArb, (script) => {
        const a = JSON.stringify(runScript(script));
        const b = JSON.stringify(runScript(script));
        expect(b).toBe(a);
      }),
      { numRuns: 300 },
    );
  });

  it('every produced input passes the catalog, delivery instants never decrease, and the books stay consistent', () => {
    fc.assert(
      fc.property(scriptArb, (script) => {
        const log = runScript(script);
        let prev = -Infinity;
        const eventIds = new Set<string>();
        const acceptedAt = new Map<string, number>();
        for (const { input, now } of log) {
          const v = validateDraft(input);
          if (!v.ok) throw new Error(`${input.type} at ${now} fails the catalog: ${v.error.message}`);
          expect(now).toBeGreaterThanOrEqual(prev);
          prev = now;
          expect(now).toBe(input.type === 'market.bar' ? input.ts + MINUTE_MS : input.ts);
          if (input.type === 'broker.order_update') checkUpdate(input, eventIds, acceptedAt);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('the random scripts reach every kind of outcome (so the properties above are not vacuous)', () => {
    const seen = new Set<string>();
    fc.assert(
      fc.property(scriptArb, (script) => {
        for (const { input } of runScript(script)) {
          if (input.type === 'broker.order_update') seen.add(input.payload.event);
          else if (input.type === 'broker.request_result') seen.add(`${input.payload.request}:${input.payload.httpStatus}`);
          else seen.add(input.type);
        }
      }),
      { numRuns: 300 },
    );
    for (const kind of [
      'new', 'fill', 'partial_fill', 'canceled', 'expired', 'submit:200', 'submit:403', 'submit:422', 'cancel:204', 'cancel:422',
      'cancel:404', 'broker.snapshot', 'timer.fired', 'market.corporate_action', 'market.bar',
    ]) {
      expect([kind, seen.has(kind)]).toEqual([kind, true]);
    }
  });
});

function checkUpdate(input: Extract<InputDraft, { type: 'broker.order_update' }>, eventIds: Set<string>, acceptedAt: Map<string, number>): void {
  const p = input.payload;
  expect(eventIds.has(p.eventId)).toBe(false);
  eventIds.add(p.eventId);
  expect(p.cumFilledQty).toBeLessThanOrEqual(p.orderQty);
  if (p.event === 'new') acceptedAt.set(p.clientOrderId, input.ts);
  if (p.event === 'fill' || p.event === 'partial_fill') {
    expect(p.fillQty).toBeGreaterThan(0);
    expect(p.cumFilledQty - (p.fillQty ?? 0)).toBeGreaterThanOrEqual(0);
    expect(p.event === 'fill').toBe(p.cumFilledQty === p.orderQty);
    // No look-ahead: a fill happens when the order lands, or on a bar that started after it landed.
    const accepted = acceptedAt.get(p.clientOrderId) as number;
    expect(input.ts === accepted || input.ts - MINUTE_MS >= accepted).toBe(true);
  }
}
