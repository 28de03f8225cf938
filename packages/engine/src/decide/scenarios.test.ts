// Scenario tests of the pure decider: given the inputs so far, when this input arrives, then these decisions.
import { Harness, bar, buyAt, ny, ofType, scriptedStrategy, types } from '../testing/harness';

const alwaysBuy = (symbol = 'SPY') =>
  scriptedStrategy((ctx) => (ctx.symbol === symbol ? { side: 'buy', reason: 'always', takeProfitPct: 1, stopLossPct: 0.5 } : null), 'always');

/** A harness with equity known and SPY warmed up to (and including) the bar starting at `lastTs`. */
function ready(strategies = [buyAt('SPY', ny('09:50'))], config = {}, lastTs = ny('09:50')) {
  const h = new Harness(strategies, config);
  h.snapshot({ equity: 100_000 }, [], [], ny('04:00') + 100);
  const decisions = h.warm('SPY', lastTs, 60);
  return { h, decisions };
}

/** Enter SPY: signal at 09:50, entry acked and filled in full at 100; returns the entry and leg ids. */
function entered(config = {}) {
  const { h, decisions } = ready([buyAt('SPY', ny('09:50'))], config);
  const entry = ofType(decisions, 'order.created')[0]!;
  h.ack(entry.payload.clientOrderId);
  const legs = ofType(h.update(entry.payload.clientOrderId, 'fill', { qty: entry.payload.qty, price: 100 }), 'order.created');
  return { h, entry, legs };
}

describe('warmup and phases', () => {
  it('takes no entry before 50 bars of the symbol, then signals on the 50th', () => {
    const h = new Harness([alwaysBuy()]);
    h.snapshot({ equity: 100_000 });
    const before = h.warm('SPY', ny('09:48'), 49); // 49 bars: 09:00 .. 09:48
    expect(ofType(before, 'signal.emitted')).toHaveLength(0);
    const fiftieth = h.input(bar('SPY', ny('09:49'), 100));
    expect(ofType(fiftieth, 'signal.emitted')).toHaveLength(1);
    expect(ofType(fiftieth, 'order.created')[0]!.payload).toMatchObject({ purpose: 'entry', attempt: 1, orderType: 'limit', limitPrice: 100, qty: 100 });
  });

  it('takes no entry in WARMUP (09:30-09:45) even when warmed up', () => {
    const h = new Harness([alwaysBuy()]);
    h.snapshot({ equity: 100_000 });
    const d = h.warm('SPY', ny('09:44'), 80);
    expect(types(d)).not.toContain('signal.emitted');
    expect(ofType(d, 'session.phase_changed').map((p) => p.payload.to)).toEqual(['PRE_MARKET', 'WARMUP']);
    expect(types(h.input(bar('SPY', ny('09:45'), 100)))).toEqual(expect.arrayContaining(['session.phase_changed', 'signal.emitted', 'order.created']));
  });

  it('a phase never moves backwards: bars of the minute before a boundary timer do not undo it', () => {
    const h = new Harness([]);
    h.snapshot({ equity: 100_000 });
    h.warm('SPY', ny('09:43'), 10);
    expect(ofType(h.timer(ny('09:45')), 'session.phase_changed')[0]!.payload.to).toBe('ACTIVE');
    expect(types(h.input(bar('SPY', ny('09:44'), 100)))).not.toContain('session.phase_changed');
    expect(types(h.input(bar('QQQ', ny('09:44'), 50)))).not.toContain('session.phase_changed');
    expect(h.state.session.phase).toBe('ACTIVE');
    expect(types(h.input(bar('SPY', ny('09:45'), 100)))).not.toContain('session.phase_changed');
  });

  it('rejects signals in EOD_WARNING with the phase gate and runs no strategy after hours', () => {
    const h = new Harness([alwaysBuy()]);
    h.snapshot({ equity: 100_000 });
    h.warm('SPY', ny('15:29'), 49); // one bar short of the warmup while ACTIVE
    const d = h.warm('SPY', ny('15:35'), 6);
    const rejected = ofType(d, 'signal.rejected');
    expect(rejected.length).toBeGreaterThan(0);
    expect(rejected.every((r) => r.payload.gate === 'phase')).toBe(true);
    expect(ofType(d, 'order.created')).toHaveLength(0);
    const after = h.warm('SPY', ny('16:30'), 20);
    expect(ofType(after, 'signal.emitted')).toHaveLength(0);
  });

  it('rejects entries while halted (operator halt) and accepts them after resume', () => {
    const { h } = ready([alwaysBuy()], {}, ny('09:40'));
    h.input({ type: 'operator.command', ts: ny('09:45'), payload: { command: 'halt', operator: 'ops', reason: 'test', symbol: null } });
    const d = h.input(bar('SPY', ny('09:45'), 100));
    expect(ofType(d, 'signal.rejected')[0]!.payload.gate).toBe('halted');
    h.input({ type: 'operator.command', ts: ny('09:46'), payload: { command: 'resume', operator: 'ops', reason: 'test', symbol: null } });
    expect(ofType(h.input(bar('SPY', ny('09:46'), 100)), 'order.created')).toHaveLength(1);
  });
});

describe('entries and protective legs', () => {
  it('places broker-held TP and SL legs (OCO) for the filled quantity', () => {
    const { entry, legs } = entered();
    expect(entry.payload.clientOrderId).toMatch(/^ax-test0001-\d+$/);
    expect(legs.map((l) => l.payload.purpose).sort()).toEqual(['stop_loss', 'take_profit']);
    const [a, b] = legs;
    expect(a!.payload.ocoGroup).not.toBeNull();
    expect(a!.payload.ocoGroup).toBe(b!.payload.ocoGroup);
    expect(legs.every((l) => l.payload.qty === 100 && l.payload.side === 'sell')).toBe(true);
    const tp = legs.find((l) => l.payload.purpose === 'take_profit')!;
    const sl = legs.find((l) => l.payload.purpose === 'stop_loss')!;
    expect(tp.payload).toMatchObject({ orderType: 'limit', limitPrice: 101 });
    expect(sl.payload).toMatchObject({ orderType: 'stop', stopPrice: 99.5 });
  });

  it('rejects a second signal on a symbol with a position or a working order', () => {
    const { h } = entered();
    const h2 = h;
    h2.strategies.length = 0;
    h2.strategies.push(alwaysBuy());
    const d = h2.input(bar('SPY', ny('09:52'), 100));
    expect(ofType(d, 'signal.rejected')[0]!.payload.gate).toBe('position_exists');
  });
});

describe('escalation', () => {
  const vwapBelow = (h: Harness, ts: number) => h.input(bar('SPY', ts, 101, { vwap: 100 }));

  it('limit at VWAP -> reprice halfway to the last trade -> market -> gives up after 3 attempts', () => {
    const h = new Harness([buyAt('SPY', ny('09:50'))]);
    h.snapshot({ equity: 100_000 });
    h.warm('SPY', ny('09:49'), 59);
    const first = ofType(vwapBelow(h, ny('09:50')), 'order.created')[0]!.payload;
    expect(first).toMatchObject({ attempt: 1, orderType: 'limit', limitPrice: 100 });
    h.ack(first.clientOrderId);
    expect(ofType(h.timer(first.timeoutAt!), 'cancel.requested')[0]!.payload.clientOrderId).toBe(first.clientOrderId);
    const second = ofType(h.update(first.clientOrderId, 'canceled'), 'order.created')[0]!.payload;
    expect(second).toMatchObject({ attempt: 2, orderType: 'limit', limitPrice: 100.5, qty: first.qty, entryId: first.entryId });
    h.ack(second.clientOrderId);
    h.timer(second.timeoutAt!);
    const third = ofType(h.update(second.clientOrderId, 'canceled'), 'order.created')[0]!.payload;
    expect(third).toMatchObject({ attempt: 3, orderType: 'market', limitPrice: null });
    h.ack(third.clientOrderId);
    h.timer(third.timeoutAt!);
    const end = h.update(third.clientOrderId, 'canceled');
    expect(ofType(end, 'entry.gave_up')[0]!.payload).toMatchObject({ entryId: first.entryId, attempts: 3, filledQty: 0 });
    expect(ofType(end, 'order.created')).toHaveLength(0);
  });

  it('honours a fill that arrives while the cancel is in flight: no further attempt, legs go out', () => {
    const { h, decisions } = ready();
    const first = ofType(decisions, 'order.created')[0]!.payload;
    h.ack(first.clientOrderId);
    expect(types(h.timer(first.timeoutAt!))).toContain('cancel.requested');
    const d = h.update(first.clientOrderId, 'fill', { qty: first.qty, price: 100 });
    const created = ofType(d, 'order.created');
    expect(created.map((c) => c.payload.purpose).sort()).toEqual(['stop_loss', 'take_profit']);
    expect(h.order(first.clientOrderId).status).toBe('FILLED');
  });

  it('a partial fill then timeout escalates only the remaining quantity', () => {
    const { h, decisions } = ready();
    const first = ofType(decisions, 'order.created')[0]!.payload;
    h.ack(first.clientOrderId);
    h.update(first.clientOrderId, 'partial_fill', { qty: 40, price: 100 });
    h.timer(first.timeoutAt!);
    const second = ofType(h.update(first.clientOrderId, 'canceled'), 'order.created')[0]!.payload;
    expect(second).toMatchObject({ attempt: 2, qty: first.qty - 40, purpose: 'entry' });
  });
});

describe('exits', () => {
  it('layer 2 defers to live legs, and exits at market when no leg is live', () => {
    const { h } = entered();
    // The close crosses the take-profit (101) while the legs are live: the broker acts, the engine waits.
    expect(types(h.input(bar('SPY', ny('09:52'), 101.5)))).not.toContain('position.exit_requested');

    // A partially filled entry still escalating has no legs: a stop-loss cross exits at market.
    const { h: h2, decisions } = ready();
    const first = ofType(decisions, 'order.created')[0]!.payload;
    h2.ack(first.clientOrderId);
    h2.update(first.clientOrderId, 'partial_fill', { qty: 30, price: 100 });
    const d = h2.input(bar('SPY', ny('09:52'), 99));
    expect(ofType(d, 'position.exit_requested')[0]!.payload.reason).toBe('stop_loss');
    // The working entry is canceled first; the market exit follows once it is gone.
    expect(ofType(d, 'cancel.requested')[0]!.payload.clientOrderId).toBe(first.clientOrderId);
    const exit = ofType(h2.update(first.clientOrderId, 'canceled'), 'order.created').find((o) => o.payload.purpose === 'exit');
    expect(exit?.payload).toMatchObject({ orderType: 'market', side: 'sell', qty: 30, exitReason: 'stop_loss' });
  });

  it('EOD liquidation cancels working orders, frees the legs and closes every position', () => {
    const { h, legs } = entered();
    for (const l of legs) h.ack(l.payload.clientOrderId);
    h.warm('QQQ', ny('15:50'), 60, 50);
    h.strategies.length = 0;
    h.strategies.push(buyAt('QQQ', ny('15:20')));
    const d = h.timer(ny('15:59'));
    expect(ofType(d, 'session.phase_changed')[0]!.payload.to).toBe('EOD_LIQUIDATION');
    expect(ofType(d, 'position.exit_requested')[0]!.payload).toMatchObject({ symbol: 'SPY', reason: 'eod_liquidation' });
    expect(ofType(d, 'cancel.requested').map((c) => c.payload.clientOrderId).sort()).toEqual(legs.map((l) => l.payload.clientOrderId).sort());
    h.update(legs[0]!.payload.clientOrderId, 'canceled');
    const last = h.update(legs[1]!.payload.clientOrderId, 'canceled');
    const exit = ofType(last, 'order.created')[0]!.payload;
    expect(exit).toMatchObject({ purpose: 'exit', orderType: 'market', qty: 100, exitReason: 'eod_liquidation' });
    h.ack(exit.clientOrderId);
    h.update(exit.clientOrderId, 'fill', { qty: 100, price: 100.2 });
    expect(h.state.positions.openSymbols).toEqual([]);
  });

  it('a stop-loss exit starts the cooldown, which rejects the next signal', () => {
    const { h, legs } = entered({ risk: { cooldownBars: 5 } });
    const sl = legs.find((l) => l.payload.purpose === 'stop_loss')!.payload;
    h.ack(sl.clientOrderId);
    const d = h.update(sl.clientOrderId, 'fill', { qty: 100, price: 99.5 });
    expect(ofType(d, 'risk.cooldown_started')[0]!.payload).toMatchObject({ symbol: 'SPY', bars: 5 });
    h.strategies.length = 0;
    h.strategies.push(alwaysBuy());
    expect(ofType(h.input(bar('SPY', ny('09:53'), 100)), 'signal.rejected')[0]!.payload.gate).toBe('cooldown');
  });

  it('the kill-switch trips on the loss limit, blocks entries, and exits still run', () => {
    const { h, legs } = entered({ risk: { dailyLossLimit: { unit: 'usd', value: 40 } } });
    const sl = legs.find((l) => l.payload.purpose === 'stop_loss')!.payload;
    h.ack(sl.clientOrderId);
    const d = h.update(sl.clientOrderId, 'fill', { qty: 100, price: 99.5 });
    expect(ofType(d, 'risk.kill_switch_tripped')[0]!.payload).toMatchObject({ scope: 'daily', limit: 40 });
    h.strategies.length = 0;
    h.strategies.push(alwaysBuy('QQQ'));
    const q = h.warm('QQQ', ny('10:30'), 60, 50);
    const rejected = ofType(q, 'signal.rejected');
    expect(rejected.length).toBeGreaterThan(0);
    expect(rejected.every((r) => r.payload.gate === 'kill_switch' || r.payload.gate === 'cooldown')).toBe(true);
    expect(ofType(q, 'order.created')).toHaveLength(0);
  });
});

describe('reconciliation', () => {
  it('broker flat, engine holds: closes locally and cancels the stale legs', () => {
    const { h, legs } = entered();
    for (const l of legs) h.ack(l.payload.clientOrderId);
    const d = h.snapshot({ equity: 100_000 }, [], []);
    const applied = ofType(d, 'reconciliation.applied')[0]!.payload;
    expect(applied.discrepancies[0]).toMatchObject({ kind: 'broker_flat_engine_holds', symbol: 'SPY', engineQty: 100, brokerQty: 0, action: 'close_local' });
    expect(ofType(d, 'cancel.requested').map((c) => c.payload.clientOrderId).sort()).toEqual(legs.map((l) => l.payload.clientOrderId).sort());
    expect(h.state.positions.openSymbols).toEqual([]);
  });

  it('a broker position the engine does not know halts (default) and blocks the symbol', () => {
    const { h } = ready();
    const d = h.snapshot({ equity: 100_000 }, [{ symbol: 'QQQ', qty: 50, avgEntryPrice: 40 }]);
    expect(ofType(d, 'reconciliation.applied')[0]!.payload.discrepancies[0]).toMatchObject({ kind: 'broker_holds_engine_flat', action: 'halt' });
    expect(types(d)).toEqual(expect.arrayContaining(['risk.symbol_blocked', 'engine.halted']));
  });

  it('with adopt configured, adopts the position with fresh legs and blocks new entries on it', () => {
    const { h } = ready([buyAt('SPY', ny('09:50'))], { risk: { unknownBrokerPosition: 'adopt' } });
    const d = h.snapshot({ equity: 100_000 }, [{ symbol: 'QQQ', qty: 50, avgEntryPrice: 40 }]);
    expect(ofType(d, 'reconciliation.applied')[0]!.payload.discrepancies[0]).toMatchObject({ action: 'adopt' });
    expect(h.state.positions.openSymbols).toContain('QQQ');
    const legs = ofType(d, 'order.created');
    expect(legs.map((l) => l.payload.purpose).sort()).toEqual(['stop_loss', 'take_profit']);
    expect(legs.every((l) => l.payload.qty === 50 && l.payload.symbol === 'QQQ')).toBe(true);
    expect(types(d)).toContain('risk.symbol_blocked');
    expect(types(d)).not.toContain('engine.halted');
  });

  it('after a restart, an order decided but never sent (crash before the send) is abandoned, never resent', () => {
    const { h, decisions } = ready();
    const entry = ofType(decisions, 'order.created')[0]!.payload; // PENDING: the process "died" before submitting
    const restart = h.input({
      type: 'run.started', ts: ny('09:51'),
      payload: { runId: 'test0001', mode: 'live', config: h.state.config, configHash: h.state.run!.configHash, strategies: [], codeVersion: 'test', catalogVersion: 1, dataSource: 'test' },
    });
    expect(types(restart)).toEqual(['reconciliation.requested']);
    const d = h.snapshot({ equity: 100_000 }, [], [], ny('09:51') + 100);
    expect(ofType(d, 'reconciliation.applied')[0]!.payload.discrepancies[0]).toMatchObject({ kind: 'order_missing_at_broker', clientOrderId: entry.clientOrderId, action: 'abandon_order' });
    expect(ofType(d, 'order.abandoned')[0]!.payload.clientOrderId).toBe(entry.clientOrderId);
    expect(ofType(d, 'entry.gave_up')[0]!.payload).toMatchObject({ entryId: entry.entryId, filledQty: 0 });
    expect(ofType(d, 'order.created')).toHaveLength(0);
    expect(h.order(entry.clientOrderId).status).toBe('ABANDONED');
  });

  it('after a restart, takes no entry until the startup snapshot is reconciled', () => {
    const { h } = ready([alwaysBuy()], {}, ny('09:44'));
    h.input({
      type: 'run.started', ts: ny('09:45'),
      payload: { runId: 'test0001', mode: 'live', config: h.state.config, configHash: h.state.run!.configHash, strategies: [], codeVersion: 'test', catalogVersion: 1, dataSource: 'test' },
    });
    const before = h.input(bar('SPY', ny('09:45'), 100));
    expect(ofType(before, 'signal.rejected')[0]!.payload).toMatchObject({ gate: 'halted', reason: expect.stringMatching(/startup broker reconciliation/) });
    expect(ofType(before, 'order.created')).toHaveLength(0);
    h.snapshot({ equity: 100_000 }, [], [], ny('09:46'));
    expect(ofType(h.input(bar('SPY', ny('09:46'), 100)), 'order.created')).toHaveLength(1);
  });

  /** `minutes` one-symbol bar minutes before 06:00, the broker answering every snapshot request. */
  function barMinutes(h: Harness, minutes: number): ReturnType<Harness['input']> {
    const d: ReturnType<Harness['input']> = [];
    for (let i = minutes - 1; i >= 0; i--) {
      const out = h.input(bar('SPY', ny('06:00') - i * 60_000, 100));
      d.push(...out);
      // The broker answers each request; an unanswered one is not piled on (see the next test).
      if (ofType(out, 'reconciliation.requested').length > 0) h.snapshot({ equity: 100_000 });
    }
    return d;
  }

  it('requests a broker snapshot at startup, every 20 bar minutes, and checkpoints every 100', () => {
    const h = new Harness([], { checkpointMinEvents: 0 });
    expect(types(h.events.filter((e) => e.kind === 'decision'))).toEqual(['reconciliation.requested']);
    h.snapshot({ equity: 100_000 });
    const d = barMinutes(h, 250);
    expect(ofType(d, 'reconciliation.requested')).toHaveLength(12);
    expect(ofType(d, 'checkpoint.taken').map((c) => c.payload.barsSinceStart)).toEqual([100, 200]);
  });

  it('checkpoints at the next bar minute once checkpointMaxEvents events were journaled, however few minutes passed', () => {
    const h = new Harness([], { checkpointMaxEvents: 60 });
    h.snapshot({ equity: 100_000 });
    // Four symbols a minute: ~4.2 events a bar minute, so 60 events pass every ~15 minutes, long before 100.
    const d: ReturnType<Harness['input']> = [];
    for (let m = 0; m < 40; m++) {
      for (const symbol of ['AAA', 'BBB', 'CCC', 'DDD']) {
        const out = h.input(bar(symbol, ny('06:00') + m * 60_000, 100));
        d.push(...out);
        if (ofType(out, 'reconciliation.requested').length > 0) h.snapshot({ equity: 100_000 });
      }
    }
    const taken = ofType(d, 'checkpoint.taken');
    expect(taken.length).toBeGreaterThanOrEqual(2);
    expect(taken[0]!.payload.barsSinceStart).toBeLessThan(100);
    expect(taken[0]!.payload.reason).toMatch(/bar minutes and (6\d|7\d) events since the last checkpoint/);
  });

  it('skips a cadence checkpoint until checkpointMinEvents events were journaled since the last one', () => {
    const h = new Harness([], { checkpointMinEvents: 250 });
    h.snapshot({ equity: 100_000 });
    // ~1.1 events a bar minute here (a bar, and a request + snapshot + reconciliation every 20): the first
    // checkpoint waits past minute 100 until 250 events have been journaled, then the 100-minute cadence
    // counts from there.
    const d = barMinutes(h, 450);
    const at = ofType(d, 'checkpoint.taken').map((c) => c.payload.barsSinceStart);
    expect(at).toHaveLength(2);
    expect(at[0]).toBeGreaterThan(200);
    expect(at[1]! - at[0]!).toBeGreaterThanOrEqual(200);
    expect(h.state.counters.checkpointTick).toBe(at[1]);
  });

  it('does not pile up snapshot requests, but asks again when one goes unanswered for a whole interval', () => {
    const h = new Harness([]);
    h.snapshot({ equity: 100_000 });
    const d = h.warm('SPY', ny('06:00'), 100);
    const asked = ofType(d, 'reconciliation.requested');
    // Bar minutes 20, 60 and 100: an unanswered request blocks one cadence and is retried at the next.
    expect(asked.map((a) => a.payload.reason)).toEqual(['every 20 bars (bar minute 20)', 'every 20 bars (bar minute 60)', 'every 20 bars (bar minute 100)']);
  });
});

describe('determinism', () => {
  it('the same inputs give the same decisions and client order ids', () => {
    const run = () => {
      const { h } = entered();
      h.input(bar('SPY', ny('09:52'), 100.4));
      return JSON.stringify(h.events);
    };
    expect(run()).toBe(run());
  });
});
