// The composition: a generated day folds with no anomaly in the order/position/account/risk/broker slices,
// ignored events leave slices untouched, the bar counters, run.started, snapshots (version refusal), and the
// property that replay from zero equals replay from a JSON round-tripped snapshot at ANY seq plus the rest.
import fc from 'fast-check';
import { configHash, defaultEngineConfig, type AnyEvent } from '@axiom/events';
import { arbChaosEvents, arbDayEvents, barPayload, EventBuilder, generateDayTxns, toEnvelopes } from './testing';
import {
  decodeSnapshot, encodeSnapshot, evolve, initialEngineState, openPositions, replay, setStateAutoFreeze, stateHash, STATE_VERSION,
  SnapshotVersionError, workingOrders, type EngineState,
} from '.';

beforeAll(() => setStateAutoFreeze(true)); // freeze in tests: any mutation outside produce throws
afterAll(() => setStateAutoFreeze(false));

function roundTrip(state: EngineState): EngineState {
  return decodeSnapshot(encodeSnapshot(state));
}

describe('a generated day', () => {
  const cfg = defaultEngineConfig();
  const events = toEnvelopes(generateDayTxns({ seed: 7, symbols: 6, barsPerSymbol: 120, roundTrips: 12, config: cfg, configHash: configHash(cfg) }));
  const s = replay(events);

  test('folds cleanly: no anomalies, flat at the end, round trips logged', () => {
    expect(s.seq).toBe(events.length);
    expect(s.anomalyCount).toBe(0);
    expect(s.orders.anomalies).toEqual([]);
    expect(s.positions.anomalies).toEqual([]);
    expect(s.broker.anomalies).toEqual([]);
    expect(s.run).toMatchObject({ runId: 'GEN0001', mode: 'backtest' });
    expect(openPositions(s.positions)).toEqual([]);
    expect(workingOrders(s.orders)).toEqual([]);
    expect(s.positions.tradeCount).toBeGreaterThan(5);
    expect(s.orders.fillCount).toBeGreaterThan(10);
    expect(s.broker.lastReconciliation).not.toBeNull();
    expect(s.risk.daily.period).toBe('2024-03-05');
    expect(s.risk.daily.realizedPnl).toBeCloseTo(s.positions.totals.realizedPnl, 6);
  });

  test('with freezing on, every record of the hand-copied slices is frozen (a mutation there throws)', () => {
    const unfrozen: string[] = [];
    const walk = (v: unknown, path: string): void => {
      if (v === null || typeof v !== 'object') return;
      if (!Object.isFrozen(v)) unfrozen.push(path);
      for (const [k, c] of Object.entries(v)) walk(c, `${path}.${k}`);
    };
    const folded = replay(events); // folded here: beforeAll turned freezing on (the describe-level fold ran before it)
    // The market slice freezes its root and records itself (its leaf arrays are shared, never written).
    for (const k of ['orders', 'positions', 'account', 'risk', 'broker', 'session', 'counters'] as const) walk(folded[k], `$.${k}`);
    expect(unfrozen).toEqual([]);
    expect(Object.isFrozen(folded)).toBe(true);
    const order = folded.orders.orders.root.find((b) => b !== null)?.find((l) => l !== null);
    expect(() => { (order as Record<string, unknown>).x = 1; }).toThrow(TypeError);
  });

  test('bar counters: every bar, and distinct bar minutes', () => {
    expect(s.counters.bars).toBe(6 * 120);
    expect(s.counters.barTicks).toBe(120);
  });

  test('duplicates are ignored, not double counted', () => {
    const dup = replay(toEnvelopes(generateDayTxns({ seed: 7, symbols: 6, barsPerSymbol: 120, roundTrips: 12, duplicateRate: 0.5, config: cfg, configHash: configHash(cfg) })));
    expect(dup.orders.duplicatesIgnored).toBeGreaterThan(0);
    expect(dup.orders.anomalyCount).toBe(0);
    expect(openPositions(dup.positions)).toEqual([]);
  });

  test('a bar of an unheld symbol leaves every slice of ours untouched', () => {
    const b = new EventBuilder();
    b.seq = s.seq;
    const next = evolve(s, b.ev('market.bar', barPayload('ZZZZ', 5), s.lastTs + 60_000));
    for (const k of ['orders', 'positions', 'account', 'risk', 'broker', 'config', 'run'] as const) expect(next[k]).toBe(s[k]);
  });
});

describe('run.started', () => {
  test('a valid config is taken; a wrong hash or an invalid config is an anomaly', () => {
    const b = new EventBuilder();
    const base = { runId: 'RUN1', mode: 'live' as const, strategies: [], codeVersion: 'x', catalogVersion: 1, dataSource: '' };
    const cfg = { ...defaultEngineConfig(), warmupBars: 7 };
    let s = evolve(initialEngineState(), b.ev('run.started', { ...base, config: cfg, configHash: configHash(cfg) }));
    expect(s.config.warmupBars).toBe(7);
    expect(s.anomalyCount).toBe(0);
    s = evolve(s, b.ev('run.started', { ...base, config: cfg, configHash: '0'.repeat(64) }));
    expect(s.anomalyCount).toBe(1);
    s = evolve(s, b.ev('run.started', { ...base, config: { warmupBars: -1 }, configHash: '0'.repeat(64) }));
    expect(s.anomalyCount).toBe(2);
    expect(s.config.warmupBars).toBe(7);
  });
});

describe('snapshots', () => {
  test('a snapshot of another version is refused, naming both versions', () => {
    const json = JSON.stringify({ ...initialEngineState(), version: STATE_VERSION + 1 });
    expect(() => decodeSnapshot(json)).toThrow(SnapshotVersionError);
    expect(() => decodeSnapshot(json)).toThrow(new RegExp(`version ${STATE_VERSION + 1}.*STATE_VERSION ${STATE_VERSION}`));
    expect(() => decodeSnapshot('{"seq":1}')).toThrow(/version undefined/);
    expect(() => decodeSnapshot('nope')).toThrow(/not JSON/);
  });

  test('the parsed value (as journal.loadSnapshot returns it) restores too', () => {
    const s = initialEngineState();
    expect(stateHash(decodeSnapshot(JSON.parse(encodeSnapshot(s)) as unknown))).toBe(stateHash(s));
  });
});

function checkSnapshotEquivalence(events: AnyEvent[], cut: number): void {
  const full = replay(events);
  const at = Math.min(cut, events.length);
  const head = replay(events.slice(0, at));
  const restored = roundTrip(head);
  expect(stateHash(restored)).toBe(stateHash(head));
  const resumed = replay(events, restored); // skips the events at or below the snapshot's seq
  expect(stateHash(resumed)).toBe(stateHash(full));
  expect(resumed).toEqual(JSON.parse(encodeSnapshot(full)));
}

test('property: replay from zero == replay from a JSON snapshot at any seq + the rest (realistic days)', () => {
  fc.assert(fc.property(arbDayEvents({ symbols: 3, bars: 60, roundTrips: 6 }), fc.nat(), (events, cut) => {
    checkSnapshotEquivalence(events, cut % (events.length + 1));
  }), { numRuns: 40 });
});

test('property: replay from zero == replay from a JSON snapshot at any seq + the rest (chaotic streams)', () => {
  fc.assert(fc.property(arbChaosEvents(150), fc.nat(), (events, cut) => {
    checkSnapshotEquivalence(events, cut % (events.length + 1));
  }), { numRuns: 200 });
});

test('totality: chaotic streams never throw, and every anomaly is recorded', () => {
  fc.assert(fc.property(arbChaosEvents(150), (events) => {
    const s = replay(events);
    expect(s.seq).toBe(events.length);
    expect(s.orders.anomalies.length).toBeLessThanOrEqual(s.orders.anomalyCount);
    // Working index agrees with the orders it points at.
    for (const o of workingOrders(s.orders)) expect(o.terminalReached).toBe(false);
  }), { numRuns: 200 });
});
