// Unit tests of the simulated broker, driven through the scheduler the way a backtest drives it: each test
// states one rule of fill-model.ts and would fail if the rule broke.
import { nyDayStartMs, nyRegularCloseMs } from './ny-clock';
import type { Delivery, SimBar } from './scheduler';
import { SimBroker } from './sim-broker';
import { bar, barEnd, MINUTE_MS, ofType, order, simRun, SIM_CONFIG, trace, type Reaction } from './testing';

const LAT = SIM_CONFIG.latencyMs; // 50 ms
const SLIP = SIM_CONFIG.slippageBps / 10_000; // 10 bps

const isBar = (d: Delivery, minute: number, symbol = 'AAPL'): boolean =>
  d.input.type === 'market.bar' && d.input.payload.symbol === symbol && d.now === barEnd(minute);

/** Reactions keyed by a bar's minute (on its delivery) or by a timer instant. */
function script(onBars: Record<number, Reaction>, onTimers: Record<number, Reaction> = {}): Reaction {
  return (d, sim) => {
    if (d.input.type === 'market.bar') {
      const minute = Math.round((d.now - barEnd(0)) / MINUTE_MS);
      if (isBar(d, minute)) onBars[minute]?.(d, sim);
    } else if (d.input.type === 'timer.fired') {
      onTimers[d.now]?.(d, sim);
    }
  };
}

const fills = (log: readonly Delivery[]) =>
  ofType(log, 'broker.order_update').filter((u) => u.payload.event === 'fill' || u.payload.event === 'partial_fill');

describe('market orders', () => {
  it('fill after latency at the last close plus slippage (buy) and minus slippage (sell)', () => {
    const sim = simRun({
      bars: [bar('AAPL', 0, { close: 100 }), bar('AAPL', 1, { open: 150, close: 150 })],
      react: script({
        0: (d, { broker, seq }) => {
          broker.submit(order({ clientOrderId: 'b1', qty: 10 }), seq, d.now);
          broker.submit(order({ clientOrderId: 's1', qty: 10, side: 'sell' }), seq, d.now);
        },
      }),
    });
    const log = sim.run();
    const t = barEnd(0) + LAT;
    expect(trace(log)).toEqual([
      `bar:AAPL@${barEnd(0)}`, `submit-ok:b1@${t}`, `new:b1@${t}`, `fill:b1@${t}`,
      `submit-ok:s1@${t}`, `new:s1@${t}`, `fill:s1@${t}`, `bar:AAPL@${barEnd(1)}`,
    ]);
    const [buy, sell] = fills(log);
    expect(buy?.payload).toMatchObject({ fillQty: 10, cumFilledQty: 10, orderQty: 10, brokerOrderId: 'sim-1', eventId: 'b1:2' });
    expect(buy?.payload.fillPrice).toBeCloseTo(100 * (1 + SLIP), 10);
    expect(sell?.payload.fillPrice).toBeCloseTo(100 * (1 - SLIP), 10);
    expect(ofType(log, 'broker.request_result')[0]?.payload).toEqual({
      request: 'submit', clientOrderId: 'b1', ok: true, httpStatus: 200, brokerOrderId: 'sim-1', error: null, forSeq: 1,
    });
  });

  it('fill partially up to the volume share, then on later bars at their open', () => {
    // volume 100 x 0.1 = 10 shares per bar. The 09:31 bar started before the order landed: it cannot fill.
    const sim = simRun({
      bars: [
        bar('AAPL', 0, { close: 100, volume: 100 }), bar('AAPL', 1, { open: 101, volume: 100 }),
        bar('AAPL', 2, { open: 102, volume: 100 }), bar('AAPL', 3, { open: 103, volume: 100 }), bar('AAPL', 4, { open: 104, volume: 100 }),
      ],
      react: script({ 0: (d, { broker, seq }) => broker.submit(order({ clientOrderId: 'b1', qty: 25 }), seq, d.now) }),
    });
    const f = fills(sim.run());
    expect(f.map((u) => [u.payload.event, u.payload.fillQty, u.payload.cumFilledQty, u.now])).toEqual([
      ['partial_fill', 10, 10, barEnd(0) + LAT], ['partial_fill', 10, 20, barEnd(2)], ['fill', 5, 25, barEnd(3)],
    ]);
    expect(f.map((u) => u.payload.fillPrice)).toEqual([100 * (1 + SLIP), 102 * (1 + SLIP), 103 * (1 + SLIP)]);
    expect(f[2]?.payload.avgFillPrice).toBeCloseTo((10 * 100 + 10 * 102 + 5 * 103) * (1 + SLIP) / 25, 9);
    expect(new Set(f.map((u) => u.payload.eventId)).size).toBe(3);
  });

  it('share one bar\'s volume between orders (at least one share when the bar traded)', () => {
    const sim = simRun({
      bars: [bar('AAPL', 0, { close: 100, volume: 5 })],
      react: script({
        0: (d, { broker, seq }) => {
          broker.submit(order({ clientOrderId: 'a', qty: 3, timeInForce: 'gtc' }), seq, d.now);
          broker.submit(order({ clientOrderId: 'b', qty: 3, timeInForce: 'gtc' }), seq, d.now);
        },
      }),
    });
    const f = fills(sim.run());
    expect(f.map((u) => [u.payload.clientOrderId, u.payload.fillQty])).toEqual([['a', 1]]);
    expect(sim.broker.openOrderList().map((o) => [o.clientOrderId, o.filledQty])).toEqual([['a', 1], ['b', 0]]);
  });
});

describe('limit orders', () => {
  const bars = (m2: Partial<SimBar>): SimBar[] => [
    bar('AAPL', 0, { open: 100, close: 100, low: 90 }),
    bar('AAPL', 1, { open: 100, low: 95, close: 100 }), // started before the order landed
    bar('AAPL', 2, { open: 99, low: 97, high: 100, close: 99, ...m2 }),
  ];
  const buyLimit98: Reaction = (d, { broker, seq }) =>
    broker.submit(order({ clientOrderId: 'L', orderType: 'limit', limitPrice: 98 }), seq, d.now);

  it('never fill on the bar they were placed in or earlier; fill on a later bar whose low touches, at min(limit, open)', () => {
    const log = simRun({ bars: bars({}), react: script({ 0: buyLimit98 }) }).run();
    const f = fills(log);
    expect(f.map((u) => [u.payload.fillQty, u.payload.fillPrice, u.now])).toEqual([[10, 98, barEnd(2)]]);
    expect(trace(log).slice(-2)).toEqual([`fill:L@${barEnd(2)}`, `bar:AAPL@${barEnd(2)}`]);
  });

  it('fill at the open when the bar gaps through the limit', () => {
    const f = fills(simRun({ bars: bars({ open: 96, low: 95, high: 97, close: 96 }), react: script({ 0: buyLimit98 }) }).run());
    expect(f.map((u) => u.payload.fillPrice)).toEqual([96]);
  });

  it('do not fill when no later bar touches the limit', () => {
    const f = fills(simRun({ bars: bars({ low: 98.01 }), react: script({ 0: buyLimit98 }) }).run());
    expect(f).toEqual([]);
  });

  it('with zero latency, may fill on the bar that starts at the instant it landed', () => {
    const f = fills(simRun({ bars: bars({}), config: { latencyMs: 0 }, react: script({ 0: buyLimit98 }) }).run());
    expect(f.map((u) => [u.payload.fillPrice, u.now])).toEqual([[98, barEnd(1)]]);
  });

  it('mirror for sells: high >= limit, at max(limit, open)', () => {
    const sim = simRun({
      bars: [bar('AAPL', 0), bar('AAPL', 1), bar('AAPL', 2, { open: 104, high: 106, low: 103, close: 104 })],
      react: script({ 0: (d, { broker, seq }) => broker.submit(order({ clientOrderId: 'S', side: 'sell', orderType: 'limit', limitPrice: 102 }), seq, d.now) }),
    });
    expect(fills(sim.run()).map((u) => u.payload.fillPrice)).toEqual([104]);
  });
});

describe('stop orders', () => {
  const longThenStop = (stop: number, qty = 10): Reaction => (d, { broker, seq }) => {
    broker.submit(order({ clientOrderId: 'entry', qty }), seq, d.now);
    broker.submit(order({ clientOrderId: 'sl', side: 'sell', qty, orderType: 'stop', stopPrice: stop, purpose: 'stop_loss' }), seq, d.now);
  };

  it('trigger when a later bar trades through the stop and fill at the stop minus slippage', () => {
    const log = simRun({
      bars: [bar('AAPL', 0), bar('AAPL', 1, { low: 94 }), bar('AAPL', 2, { open: 97, low: 94, close: 96 })],
      react: script({ 0: longThenStop(95) }),
    }).run();
    const sl = fills(log).filter((u) => u.payload.clientOrderId === 'sl');
    expect(sl.map((u) => [u.payload.fillQty, u.now])).toEqual([[10, barEnd(2)]]); // not on the 09:31 bar
    expect(sl[0]?.payload.fillPrice).toBeCloseTo(95 * (1 - SLIP), 10);
  });

  it('fill at the worse open when the bar gaps through the stop', () => {
    const log = simRun({
      bars: [bar('AAPL', 0), bar('AAPL', 1), bar('AAPL', 2, { open: 93, high: 93, low: 90, close: 91 })],
      react: script({ 0: longThenStop(95) }),
    }).run();
    const sl = fills(log).filter((u) => u.payload.clientOrderId === 'sl');
    expect(sl[0]?.payload.fillPrice).toBeCloseTo(93 * (1 - SLIP), 10);
  });

  it('become a market order once triggered: the rest fills on the next bars at their open', () => {
    const log = simRun({
      bars: [
        bar('AAPL', 0, { volume: 1_000 }), bar('AAPL', 1),
        bar('AAPL', 2, { open: 96, low: 94, close: 95, volume: 100 }), bar('AAPL', 3, { open: 97, high: 97, low: 97, close: 97, volume: 1_000 }),
      ],
      react: script({ 0: longThenStop(95, 20) }),
    }).run();
    const sl = fills(log).filter((u) => u.payload.clientOrderId === 'sl');
    expect(sl.map((u) => [u.payload.event, u.payload.fillQty, u.now])).toEqual([['partial_fill', 10, barEnd(2)], ['fill', 10, barEnd(3)]]);
    expect(sl[0]?.payload.fillPrice).toBeCloseTo(95 * (1 - SLIP), 10);
    expect(sl[1]?.payload.fillPrice).toBeCloseTo(97 * (1 - SLIP), 10); // above the stop: it is a market order now
  });
});

describe('OCO legs', () => {
  const position = (qty: number): Reaction => (d, { broker, seq }) => {
    broker.submit(order({ clientOrderId: 'entry', qty }), seq, d.now);
    broker.submit(order({ clientOrderId: 'tp', side: 'sell', qty, orderType: 'limit', limitPrice: 105, ocoGroup: 'g', purpose: 'take_profit' }), seq, d.now);
    broker.submit(order({ clientOrderId: 'sl', side: 'sell', qty, orderType: 'stop', stopPrice: 95, ocoGroup: 'g', purpose: 'stop_loss' }), seq, d.now);
  };

  it('a complete fill of one leg cancels the other', () => {
    const sim = simRun({
      bars: [bar('AAPL', 0), bar('AAPL', 1), bar('AAPL', 2, { open: 101, high: 106, close: 104 }), bar('AAPL', 3, { open: 90, low: 90, close: 90 })],
      react: script({ 0: position(10) }),
    });
    const log = sim.run();
    expect(trace(log).slice(-4)).toEqual([`fill:tp@${barEnd(2)}`, `canceled:sl@${barEnd(2)}`, `bar:AAPL@${barEnd(2)}`, `bar:AAPL@${barEnd(3)}`]);
    const canceled = ofType(log, 'broker.order_update').find((u) => u.payload.event === 'canceled');
    expect(canceled?.payload.reason).toMatch(/^oco:/);
    expect(fills(log).find((u) => u.payload.clientOrderId === 'tp')?.payload.fillPrice).toBe(105);
    expect(sim.broker.positions()).toEqual([]);
  });

  it('when one bar touches both legs, the stop wins (the pessimistic order)', () => {
    const log = simRun({
      bars: [bar('AAPL', 0), bar('AAPL', 1), bar('AAPL', 2, { open: 100, high: 106, low: 94, close: 100 })],
      react: script({ 0: position(10) }),
    }).run();
    expect(trace(log).slice(-3)).toEqual([`fill:sl@${barEnd(2)}`, `canceled:tp@${barEnd(2)}`, `bar:AAPL@${barEnd(2)}`]);
  });

  it('a partial fill keeps the sibling live for the rest; when the rest fills there, both legs end', () => {
    const sim = simRun({
      bars: [
        bar('AAPL', 0, { volume: 1_000 }), bar('AAPL', 1),
        bar('AAPL', 2, { open: 101, high: 106, close: 104, volume: 100 }), // 10 of 20 at the take-profit
        bar('AAPL', 3, { open: 96, low: 94, close: 95, volume: 1_000 }), // the stop sells the other 10
      ],
      react: script({ 0: position(20) }),
    });
    const log = sim.run();
    expect(trace(log).slice(-6)).toEqual([
      `partial_fill:tp@${barEnd(2)}`, `bar:AAPL@${barEnd(2)}`,
      `partial_fill:sl@${barEnd(3)}`, `canceled:sl@${barEnd(3)}`, `canceled:tp@${barEnd(3)}`, `bar:AAPL@${barEnd(3)}`,
    ]);
    expect(fills(log).filter((u) => u.payload.clientOrderId === 'sl').map((u) => u.payload.fillQty)).toEqual([10]);
    expect(sim.broker.positions()).toEqual([]);
  });

  it('a leg that lands when its live group has nothing left for it is canceled at once, with no fill of zero shares', () => {
    // Found by sim.property.test (seed 1099668709): a fok leg whose group had already filled its quantity
    // "filled" 0 shares. Here 'a' (2 shares) fills 1 on landing (volume 10 x 0.1) and stays open for the
    // other; 'late' (1 share, same group) then has nothing left to fill.
    const sim = simRun({
      bars: [bar('AAPL', 0, { close: 100, volume: 10 })],
      react: script({
        0: (d, { broker, seq }) => {
          broker.submit(order({ clientOrderId: 'a', qty: 2, ocoGroup: 'g', timeInForce: 'gtc' }), seq, d.now);
          broker.submit(order({ clientOrderId: 'late', qty: 1, ocoGroup: 'g', timeInForce: 'fok' }), seq, d.now);
        },
      }),
    });
    const log = sim.run();
    const t = barEnd(0) + LAT;
    expect(trace(log)).toEqual([`bar:AAPL@${barEnd(0)}`, `submit-ok:a@${t}`, `new:a@${t}`, `partial_fill:a@${t}`, `submit-ok:late@${t}`, `new:late@${t}`, `canceled:late@${t}`]);
    const updates = ofType(log, 'broker.order_update');
    expect(updates.find((u) => u.payload.clientOrderId === 'late' && u.payload.event === 'canceled')?.payload.reason).toBe('oco: group g has nothing left to fill');
    expect(updates.every((u) => u.payload.fillQty === null || u.payload.fillQty > 0)).toBe(true);
  });
});

describe('fill-or-kill', () => {
  it('is canceled, not filled with zero shares, when the bar it would fill at left no capacity', () => {
    // volume 0: the bar offers no shares, so a fok market order cannot fill in full.
    const sim = simRun({
      bars: [bar('AAPL', 0, { close: 100, volume: 0 })],
      react: script({ 0: (d, { broker, seq }) => broker.submit(order({ clientOrderId: 'f', qty: 1, timeInForce: 'fok' }), seq, d.now) }),
    });
    const log = sim.run();
    const t = barEnd(0) + LAT;
    expect(trace(log)).toEqual([`bar:AAPL@${barEnd(0)}`, `submit-ok:f@${t}`, `new:f@${t}`, `canceled:f@${t}`]);
    expect(fills(log)).toEqual([]);
  });
});

describe('refusals', () => {
  it('403 insufficient buying power for an exposure-increasing order beyond 1x equity net of positions and open orders', () => {
    const results: string[] = [];
    const sim = simRun({
      bars: [bar('AAPL', 0, { close: 100 }), bar('MSFT', 0, { close: 50 }), bar('AAPL', 1, { close: 100 })],
      config: { initialCash: 10_000, slippageBps: 0 },
      react: (d, { broker, seq }) => {
        if (isBar(d, 0)) {
          broker.submit(order({ clientOrderId: 'tooBig', qty: 101 }), seq, d.now); // 10,100 > 10,000
          broker.submit(order({ clientOrderId: 'buy60', qty: 60 }), seq, d.now); // 6,000: fills at 100
          broker.submit(order({ clientOrderId: 'lim40', qty: 40, orderType: 'limit', limitPrice: 100.01 }), seq, d.now); // 4,000.40 > 4,000
          broker.submit(order({ clientOrderId: 'lim39', qty: 39, orderType: 'limit', limitPrice: 100 }), seq, d.now); // 3,900: rests
          broker.submit(order({ clientOrderId: 'sell1', qty: 1, side: 'sell', orderType: 'limit', limitPrice: 200 }), seq, d.now); // reduces the long: no buying power needed
          broker.submit(order({ clientOrderId: 'short3', symbol: 'MSFT', qty: 3, side: 'sell', orderType: 'limit', limitPrice: 50 }), seq, d.now); // a short opens exposure: 150 > 100
          broker.submit(order({ clientOrderId: 'lim1', qty: 1, orderType: 'limit', limitPrice: 100 }), seq, d.now); // 100: fits exactly
        }
        if (d.input.type === 'broker.request_result') {
          results.push(`${d.input.payload.clientOrderId}:${d.input.payload.httpStatus}:${d.input.payload.error ?? ''}`);
        }
      },
    });
    sim.run();
    expect(results).toEqual([
      'tooBig:403:insufficient buying power', 'buy60:200:', 'lim40:403:insufficient buying power', 'lim39:200:',
      'sell1:200:', 'short3:403:insufficient buying power', 'lim1:200:',
    ]);
  });

  it('403 insufficient qty available when selling shares held by the exit legs; accepted once the legs are canceled', () => {
    const t1 = barEnd(0) + 1_000;
    let canceled = 0;
    const sim = simRun({
      bars: [bar('AAPL', 0), bar('AAPL', 1), bar('AAPL', 2), bar('AAPL', 3)],
      react: (d, { broker, seq, scheduler }) => {
        if (isBar(d, 0)) {
          broker.submit(order({ clientOrderId: 'entry', qty: 100 }), seq, d.now);
          broker.submit(order({ clientOrderId: 'tp', side: 'sell', qty: 100, orderType: 'limit', limitPrice: 110, ocoGroup: 'g' }), seq, d.now);
          broker.submit(order({ clientOrderId: 'sl', side: 'sell', qty: 100, orderType: 'stop', stopPrice: 90, ocoGroup: 'g' }), seq, d.now);
          scheduler.setTimer(t1);
        }
        if (d.input.type === 'timer.fired') {
          broker.submit(order({ clientOrderId: 'exit1', side: 'sell', qty: 100, purpose: 'exit' }), seq, d.now);
          broker.cancel('tp', seq, d.now);
          broker.cancel('sl', seq, d.now);
        }
        if (d.input.type === 'broker.order_update' && d.input.payload.event === 'canceled' && ++canceled === 2) {
          broker.submit(order({ clientOrderId: 'exit2', side: 'sell', qty: 101, purpose: 'exit' }), seq, d.now);
          broker.submit(order({ clientOrderId: 'exit3', side: 'sell', qty: 100, purpose: 'exit' }), seq, d.now);
        }
      },
    });
    const log = sim.run();
    const results = ofType(log, 'broker.request_result').map((r) => [r.payload.request, r.payload.clientOrderId, r.payload.httpStatus, r.payload.error]);
    expect(results).toEqual([
      ['submit', 'entry', 200, null], ['submit', 'tp', 200, null], ['submit', 'sl', 200, null],
      ['submit', 'exit1', 403, 'insufficient qty available for order (requested: 100, available: 0)'],
      ['cancel', 'tp', 204, null], ['cancel', 'sl', 204, null],
      ['submit', 'exit2', 403, 'insufficient qty available for order (requested: 101, available: 100)'],
      ['submit', 'exit3', 200, null],
    ]);
    expect(sim.broker.positions()).toEqual([]);
  });

  it('a resubmitted clientOrderId creates no second order (422 client_order_id must be unique)', () => {
    const sim = simRun({
      bars: [bar('AAPL', 0), bar('AAPL', 1)],
      react: script({
        0: (d, { broker, seq }) => {
          const o = order({ clientOrderId: 'L', orderType: 'limit', limitPrice: 90, timeInForce: 'gtc' });
          broker.submit(o, seq, d.now);
          broker.submit(o, seq, d.now);
          broker.submit(order({ clientOrderId: 'M', orderType: 'limit', limitPrice: 90, timeInForce: 'gtc' }), seq, d.now);
        },
      }),
    });
    const log = sim.run();
    expect(ofType(log, 'broker.request_result').map((r) => [r.payload.clientOrderId, r.payload.ok, r.payload.httpStatus, r.payload.brokerOrderId, r.payload.error])).toEqual([
      ['L', true, 200, 'sim-1', null], ['L', false, 422, 'sim-1', 'client_order_id must be unique'], ['M', true, 200, 'sim-2', null],
    ]);
    expect(ofType(log, 'broker.order_update').map((u) => u.payload.eventId)).toEqual(['L:1', 'M:1']);
    expect(sim.broker.openOrderList().map((o) => o.clientOrderId)).toEqual(['L', 'M']);
  });

  it('422 for malformed orders: a limit without a price, a stop with ioc, a market order for a symbol never traded', () => {
    const sim = simRun({
      bars: [bar('AAPL', 0), bar('AAPL', 1)],
      react: script({
        0: (d, { broker, seq }) => {
          broker.submit(order({ clientOrderId: 'a', orderType: 'limit' }), seq, d.now);
          broker.submit(order({ clientOrderId: 'b', orderType: 'stop', stopPrice: 90, timeInForce: 'ioc' }), seq, d.now);
          broker.submit(order({ clientOrderId: 'c', symbol: 'NEVER' }), seq, d.now);
        },
      }),
    });
    const results = ofType(sim.run(), 'broker.request_result').map((r) => [r.payload.httpStatus, r.payload.error]);
    expect(results).toEqual([
      [422, 'limit_price is required for limit orders'],
      [422, 'time_in_force ioc is not supported for stop orders'],
      [422, 'no last trade known for NEVER: the cost of a market order cannot be checked'],
    ]);
  });
});

describe('cancel', () => {
  it('of an open order: 204 then canceled, partial fills kept; of a filled order: 422; of an unknown order: 404', () => {
    const t1 = barEnd(2) + 1_000;
    const sim = simRun({
      bars: [bar('AAPL', 0, { volume: 200 }), bar('AAPL', 1), bar('AAPL', 2, { volume: 100 }), bar('AAPL', 3)],
      react: (d, { broker, seq, scheduler }) => {
        if (isBar(d, 0)) {
          broker.submit(order({ clientOrderId: 'done', qty: 1 }), seq, d.now); // 1 of the bar's 20 shares
          broker.submit(order({ clientOrderId: 'part', qty: 40 }), seq, d.now); // 19 now, 10 at 09:32
          scheduler.setTimer(t1);
        }
        if (d.input.type === 'timer.fired') {
          broker.cancel('part', seq, d.now);
          broker.cancel('done', seq, d.now);
          broker.cancel('ghost', seq, d.now);
        }
      },
    });
    const log = sim.run();
    const at = t1 + LAT;
    expect(trace(log).filter((l) => l.endsWith(`@${at}`))).toEqual([
      `cancel-ok:part@${at}`, `canceled:part@${at}`, `cancel-422:done@${at}`, `cancel-404:ghost@${at}`,
    ]);
    const rr = ofType(log, 'broker.request_result').filter((r) => r.payload.request === 'cancel');
    expect(rr.map((r) => [r.payload.httpStatus, r.payload.brokerOrderId, r.payload.error])).toEqual([
      [204, 'sim-2', null], [422, 'sim-1', 'order is already in filled state'], [404, null, 'order not found'],
    ]);
    const canceled = ofType(log, 'broker.order_update').find((u) => u.payload.event === 'canceled');
    expect(canceled?.payload).toMatchObject({ cumFilledQty: 29, orderQty: 40, reason: 'canceled by request' });
  });

  it('races a fill: a bar that ends while the cancel is in flight fills the order; the cancel then gets 422', () => {
    const run = (cancelAt: number) => simRun({
      bars: [bar('AAPL', 0), bar('AAPL', 1), bar('AAPL', 2, { open: 99, low: 97, close: 99 }), bar('AAPL', 3)],
      react: (d, { broker, seq, scheduler }) => {
        if (isBar(d, 0)) {
          broker.submit(order({ clientOrderId: 'L', orderType: 'limit', limitPrice: 98 }), seq, d.now);
          scheduler.setTimer(cancelAt);
        }
        if (d.input.type === 'timer.fired') broker.cancel('L', seq, d.now);
      },
    }).run();

    // Cancel sent 10 ms before the 09:32 bar ends, landing 40 ms after: the bar's trades came first.
    const raced = run(barEnd(2) - 10);
    expect(trace(raced).slice(4)).toEqual([
      `timer@${barEnd(2) - 10}`, `fill:L@${barEnd(2)}`, `bar:AAPL@${barEnd(2)}`, `cancel-422:L@${barEnd(2) + 40}`, `bar:AAPL@${barEnd(3)}`,
    ]);
    // Sent 60 ms before, it lands before the bar ends: canceled, never filled.
    const inTime = run(barEnd(2) - 60);
    expect(trace(inTime).slice(4)).toEqual([
      `timer@${barEnd(2) - 60}`, `cancel-ok:L@${barEnd(2) - 10}`, `canceled:L@${barEnd(2) - 10}`, `bar:AAPL@${barEnd(2)}`, `bar:AAPL@${barEnd(3)}`,
    ]);
  });
});

describe('snapshots', () => {
  it('the initial snapshot is the flat starting account', () => {
    const broker = new SimBroker({ sink: () => undefined, config: SIM_CONFIG });
    expect(broker.initialSnapshot(123)).toEqual({
      type: 'broker.snapshot', ts: 123,
      payload: { account: { equity: 100_000, cash: 100_000, buyingPower: 100_000 }, positions: [], openOrders: [] },
    });
  });

  it('report account, positions and open orders as of delivery, after latency', () => {
    const sim = simRun({
      bars: [bar('AAPL', 0, { close: 100 }), bar('MSFT', 0, { close: 50 }), bar('AAPL', 1, { close: 102 }), bar('MSFT', 1, { close: 50 })],
      config: { slippageBps: 0 },
      react: (d, { broker, seq }) => {
        if (isBar(d, 0, 'MSFT')) {
          broker.submit(order({ clientOrderId: 'a', qty: 10 }), seq, d.now);
          broker.submit(order({ clientOrderId: 'm', symbol: 'MSFT', qty: 4, side: 'sell' }), seq, d.now); // short 4 @ 50
          broker.submit(order({ clientOrderId: 'tp', side: 'sell', qty: 10, orderType: 'limit', limitPrice: 110 }), seq, d.now);
          broker.submit(order({ clientOrderId: 'add', qty: 5, orderType: 'limit', limitPrice: 90 }), seq, d.now);
        }
        if (isBar(d, 1)) broker.requestSnapshot(seq, d.now);
      },
    });
    const log = sim.run();
    const snaps = ofType(log, 'broker.snapshot');
    expect(snaps).toHaveLength(1);
    expect(snaps[0]?.now).toBe(barEnd(1) + LAT);
    const cash = 100_000 - 10 * 100 + 4 * 50;
    const equity = cash + 10 * 102 - 4 * 50;
    expect(snaps[0]?.payload).toEqual({
      account: { equity, cash, buyingPower: equity - 10 * 102 - 4 * 50 - 5 * 90 },
      positions: [{ symbol: 'AAPL', qty: 10, avgEntryPrice: 100 }, { symbol: 'MSFT', qty: -4, avgEntryPrice: 50 }],
      openOrders: [
        { clientOrderId: 'tp', brokerOrderId: 'sim-3', symbol: 'AAPL', side: 'sell', qty: 10, filledQty: 0, orderType: 'limit', limitPrice: 110, stopPrice: null, status: 'new' },
        { clientOrderId: 'add', brokerOrderId: 'sim-4', symbol: 'AAPL', side: 'buy', qty: 5, filledQty: 0, orderType: 'limit', limitPrice: 90, stopPrice: null, status: 'new' },
      ],
    });
  });
});

describe('end of day and splits', () => {
  const closeMs = nyRegularCloseMs('2024-03-04');
  const day1 = '2024-03-05';
  const day1Bar = (minute: number, p: Partial<SimBar>): SimBar => ({ ...bar('AAPL', 0, p), ts: nyDayStartMs(day1) + (9.5 * 60 + minute) * MINUTE_MS });

  it('expires day orders at the close (fills kept), keeps gtc orders, and records the positions held overnight', () => {
    const sim = simRun({
      bars: [bar('AAPL', 0, { close: 100 }), bar('AAPL', 389, { close: 101 }), day1Bar(0, { close: 101 })], // 15:59 bar ends at 16:00
      config: { slippageBps: 0 },
      react: script({
        0: (d, { broker, seq }) => {
          broker.submit(order({ clientOrderId: 'pos', qty: 7 }), seq, d.now);
          broker.submit(order({ clientOrderId: 'day', orderType: 'limit', limitPrice: 50 }), seq, d.now);
          broker.submit(order({ clientOrderId: 'gtc', orderType: 'limit', limitPrice: 50, timeInForce: 'gtc' }), seq, d.now);
        },
      }),
    });
    const log = sim.run();
    expect(closeMs).toBe(Date.UTC(2024, 2, 4, 21, 0));
    // The 15:59 bar is matched first (its trades precede the close), then the close expires the day order; as
    // broker input, the expiry is delivered before the bar that ends at the same instant.
    expect(trace(log).filter((l) => l.endsWith(`@${closeMs}`))).toEqual([`expired:day@${closeMs}`, `bar:AAPL@${closeMs}`]);
    expect(sim.broker.openOrderList().map((o) => o.clientOrderId)).toEqual(['gtc']);
    // The last day's close still happens after its last bar (the broker drains its effects): held again.
    expect(sim.broker.heldOvernight()).toEqual([
      { date: '2024-03-04', symbol: 'AAPL', qty: 7, avgEntryPrice: 100 }, { date: day1, symbol: 'AAPL', qty: 7, avgEntryPrice: 100 },
    ]);
  });

  it('a split multiplies positions and open orders by the ratio and divides prices, before the first bar on the exDate', () => {
    let atSplit: unknown = null;
    const sim = simRun({
      bars: [
        bar('AAPL', 0, { close: 700 }),
        day1Bar(0, { open: 101, high: 105, low: 100, close: 104, volume: 10_000 }),
        day1Bar(1, { open: 104, high: 111, low: 104, close: 110, volume: 10_000 }),
      ],
      corporateActions: [{ symbol: 'AAPL', exDate: day1, kind: 'split', ratio: 7 }],
      config: { slippageBps: 0 },
      react: (d, { broker, seq }) => {
        if (isBar(d, 0)) {
          broker.submit(order({ clientOrderId: 'pos', qty: 10 }), seq, d.now);
          broker.submit(order({ clientOrderId: 'tp', side: 'sell', qty: 10, orderType: 'limit', limitPrice: 770, timeInForce: 'gtc' }), seq, d.now);
        }
        if (d.input.type === 'market.corporate_action') {
          atSplit = { positions: broker.positions(), orders: broker.openOrderList(), account: broker.account() };
        }
      },
    });
    const log = sim.run();
    const t0 = day1Bar(0, {}).ts + MINUTE_MS;
    const t1 = t0 + MINUTE_MS;
    expect(trace(log).slice(-4)).toEqual([`split:AAPL@${t0}`, `bar:AAPL@${t0}`, `fill:tp@${t1}`, `bar:AAPL@${t1}`]);
    expect(atSplit).toEqual({
      positions: [{ symbol: 'AAPL', qty: 70, avgEntryPrice: 100 }],
      orders: [expect.objectContaining({ clientOrderId: 'tp', qty: 70, limitPrice: 110, filledQty: 0 })],
      // Cash is untouched by a split; equity is now marked at the first post-split close (104).
      account: { cash: 93_000, equity: 93_000 + 70 * 104, buyingPower: 93_000 + 70 * 104 - 70 * 104 },
    });
    const tpFill = fills(log).find((u) => u.payload.clientOrderId === 'tp');
    expect(tpFill?.payload).toMatchObject({ fillQty: 70, fillPrice: 110, orderQty: 70 });
    expect(sim.broker.positions()).toEqual([]);
  });

  it('a reverse split floors the position and pays the fractional share in cash', () => {
    const sim = simRun({
      bars: [bar('AAPL', 0, { close: 10 }), day1Bar(0, { open: 100, close: 100 })],
      corporateActions: [{ symbol: 'AAPL', exDate: day1, kind: 'split', ratio: 0.1 }],
      config: { slippageBps: 0 },
      react: script({ 0: (d, { broker, seq }) => broker.submit(order({ clientOrderId: 'pos', qty: 15 }), seq, d.now) }),
    });
    sim.run();
    expect(sim.broker.positions()).toEqual([{ symbol: 'AAPL', qty: 1, avgEntryPrice: 100 }]);
    expect(sim.broker.account().cash).toBeCloseTo(100_000 - 150 + 0.5 * 100, 9);
  });
});
