// Unit tests of the scheduler: the time model (bars at their end), lazy pulling, the tie-break rule at one
// instant, fills before their bar, corporate actions, the one timer, and the venue's due effects.
import type { InputDraft } from '@axiom/events';
import { barInput, Scheduler, type Delivery, type SimBar, type SimCorporateAction, type SimVenue } from './scheduler';
import { bar, barEnd, DAY0_OPEN_MS, MINUTE_MS, trace } from './testing';
import { nyDayStartMs } from './ny-clock';

const drain = (s: Scheduler, max = 10_000): Delivery[] => {
  const out: Delivery[] = [];
  for (let i = 0; i < max; i++) {
    const d = s.next();
    if (d === null) return out;
    out.push(d);
  }
  throw new Error('scheduler did not stop');
};

const update = (ts: number, clientOrderId: string, event: 'fill' | 'new' = 'fill'): InputDraft => ({
  type: 'broker.order_update',
  ts,
  payload: {
    event, eventId: `${clientOrderId}:1`, clientOrderId, brokerOrderId: 'sim-1', symbol: 'AAPL', side: 'buy', orderQty: 1,
    fillQty: event === 'fill' ? 1 : null, fillPrice: event === 'fill' ? 100 : null, cumFilledQty: event === 'fill' ? 1 : 0,
    avgFillPrice: event === 'fill' ? 100 : null, reason: null,
  },
});

describe('Scheduler time model', () => {
  it('delivers a bar at its end with its start as the envelope ts', () => {
    const s = new Scheduler({ bars: [bar('AAPL', 0), bar('AAPL', 1)] });
    const d1 = s.next();
    expect(d1?.input.type).toBe('market.bar');
    expect(d1?.input.ts).toBe(DAY0_OPEN_MS);
    expect(d1?.now).toBe(DAY0_OPEN_MS + MINUTE_MS);
    expect(s.now()).toBe(DAY0_OPEN_MS + MINUTE_MS);
    expect(s.next()?.now).toBe(barEnd(1));
    expect(s.next()).toBeNull();
  });

  it('pulls bars lazily: one minute group plus one lookahead bar, even from an endless source', () => {
    let pulled = 0;
    function* endless(): Generator<SimBar> {
      for (let m = 0; ; m++) {
        for (const sym of ['A', 'B']) {
          pulled++;
          yield bar(sym, m);
        }
      }
    }
    const s = new Scheduler({ bars: endless() });
    expect(s.next()?.input.ts).toBe(DAY0_OPEN_MS);
    expect(pulled).toBe(3); // A0, B0 (the group) and A1 (the lookahead that ended it)
    for (let i = 0; i < 9; i++) s.next();
    expect(pulled).toBeLessThanOrEqual(13);
  });

  it('delivers bars of one minute in source order, and refuses a bar that goes back in time', () => {
    const s = new Scheduler({ bars: [bar('MSFT', 0), bar('AAPL', 0), bar('AAPL', 2), bar('AAPL', 1)] });
    expect(trace([s.next()!, s.next()!])).toEqual([`bar:MSFT@${barEnd(0)}`, `bar:AAPL@${barEnd(0)}`]);
    // Opening the 09:32 minute pulls the bar after it as the lookahead: the 09:31 bar is refused there.
    expect(() => drain(s)).toThrow(/before the previous bar's ts/);
  });

  it('refuses to schedule an input in the past', () => {
    const s = new Scheduler({ bars: [bar('AAPL', 0), bar('AAPL', 1)] });
    s.next();
    expect(() => s.push(update(barEnd(0) - 1, 'x'))).toThrow(/before now/);
    expect(() => s.push(update(barEnd(0), 'x'))).not.toThrow();
  });
});

describe('Scheduler tie-breaking at one instant', () => {
  it('orders broker responses (FIFO), timer, corporate action, bars, other inputs', () => {
    const t = barEnd(0);
    const s = new Scheduler({ bars: [bar('AAPL', 0), bar('MSFT', 0)] });
    s.push({ type: 'connection.status', ts: t, payload: { feed: 'rest', status: 'connected', detail: null } });
    s.push({ type: 'market.corporate_action', ts: t, payload: { symbol: 'AAPL', action: 'split', exDate: '2024-03-04', ratio: 2 } });
    s.setTimer(t);
    s.push(update(t, 'first'));
    s.push(update(t, 'second', 'new'));
    s.push(barInput(bar('ZZZ', 0)));
    expect(trace(drain(s))).toEqual([
      `fill:first@${t}`, `new:second@${t}`, `timer@${t}`, `split:AAPL@${t}`, `bar:AAPL@${t}`, `bar:MSFT@${t}`,
      `bar:ZZZ@${t}`, `connection.status@${t}`,
    ]);
  });

  it('delivers the fills a bar produces before the bar, and before a timer at the same instant', () => {
    const t = barEnd(1);
    let s: Scheduler | null = null;
    const venue: SimVenue = {
      matchBar: (b, now) => {
        if (b.symbol === 'AAPL' && now === t) (s as Scheduler).push(update(now, 'resting'));
      },
    };
    s = new Scheduler({ bars: [bar('AAPL', 0), bar('AAPL', 1), bar('MSFT', 1)], broker: venue });
    s.next();
    s.setTimer(t);
    expect(trace(drain(s))).toEqual([`fill:resting@${t}`, `timer@${t}`, `bar:AAPL@${t}`, `bar:MSFT@${t}`]);
  });

  it('shows every bar of a minute to the venue before delivering any of them, and nothing earlier', () => {
    const calls: string[] = [];
    const s = new Scheduler({
      bars: [bar('A', 0), bar('B', 0), bar('A', 1)],
      broker: { matchBar: (b, now) => calls.push(`${b.symbol}@${now}`) },
    });
    s.next();
    expect(calls).toEqual([`A@${barEnd(0)}`, `B@${barEnd(0)}`]);
    s.next();
    expect(calls).toHaveLength(2);
    s.next();
    expect(calls).toEqual([`A@${barEnd(0)}`, `B@${barEnd(0)}`, `A@${barEnd(1)}`]);
  });

  it('advances the venue at exactly its due instants, after matching a bar that ends at the same instant', () => {
    const calls: string[] = [];
    const due = [barEnd(0) - 10, barEnd(1)];
    let s: Scheduler | null = null;
    const venue: SimVenue = {
      matchBar: (b, now) => calls.push(`match:${b.symbol}@${now}`),
      nextDueMs: () => due[0] ?? Infinity,
      advanceTo: (now) => {
        calls.push(`advance@${now}`);
        due.shift();
        (s as Scheduler).push(update(now, `landed${now}`, 'new'));
      },
    };
    s = new Scheduler({ bars: [bar('A', 0), bar('A', 1)], broker: venue });
    const out = drain(s);
    expect(calls).toEqual([`advance@${barEnd(0) - 10}`, `match:A@${barEnd(0)}`, `match:A@${barEnd(1)}`, `advance@${barEnd(1)}`]);
    expect(trace(out)).toEqual([
      `new:landed${barEnd(0) - 10}@${barEnd(0) - 10}`, `bar:A@${barEnd(0)}`, `new:landed${barEnd(1)}@${barEnd(1)}`, `bar:A@${barEnd(1)}`,
    ]);
  });

  it('refuses a venue that does not make progress when advanced', () => {
    const s = new Scheduler({ bars: [bar('A', 0)], broker: { matchBar: () => undefined, nextDueMs: () => 5, advanceTo: () => undefined } });
    expect(() => s.next()).toThrow(/still has effects due/);
  });
});

describe('Scheduler timer', () => {
  it('fires between bars at its deadline; a new deadline replaces the old; null clears', () => {
    const s = new Scheduler({ bars: [bar('A', 0), bar('A', 1), bar('A', 2)] });
    s.next();
    s.setTimer(barEnd(0) + 5_000, 'escalate');
    s.setTimer(barEnd(0) + 2_000, 'reprice');
    const d = s.next();
    expect(d).toEqual({ input: { type: 'timer.fired', ts: barEnd(0) + 2_000, payload: { purpose: 'reprice' } }, now: barEnd(0) + 2_000 });
    expect(s.next()?.now).toBe(barEnd(1)); // fired once, not again
    s.setTimer(barEnd(1) + 1);
    s.setTimer(null);
    expect(trace(drain(s))).toEqual([`bar:A@${barEnd(2)}`]);
  });

  it('fires a past deadline now, with ts = now', () => {
    const s = new Scheduler({ bars: [bar('A', 0), bar('A', 1)] });
    s.next();
    s.setTimer(barEnd(0) - 30_000);
    expect(s.next()).toEqual({ input: { type: 'timer.fired', ts: barEnd(0), payload: { purpose: 'deadline' } }, now: barEnd(0) });
  });

  it('does not fire past the last bar, but still drains broker inputs', () => {
    const s = new Scheduler({ bars: [bar('A', 0)] });
    s.next();
    s.setTimer(barEnd(0) + 1_000);
    s.push(update(barEnd(0) + 50, 'late'));
    expect(trace(drain(s))).toEqual([`fill:late@${barEnd(0) + 50}`]);
  });

  it('stops at endMs', () => {
    const s = new Scheduler({ bars: [bar('A', 0), bar('A', 1), bar('A', 2)], endMs: barEnd(1) });
    expect(drain(s)).toHaveLength(2);
  });
});

describe('Scheduler corporate actions', () => {
  const day1 = '2024-03-05';
  const day1Bar = (symbol: string, minute: number): SimBar => ({ ...bar(symbol, minute), ts: nyDayStartMs(day1) + (9.5 * 60 + minute) * MINUTE_MS });

  it('delivers a split just before the first bar of its symbol on the exDate, applied to the venue before that bar is matched', () => {
    const calls: string[] = [];
    const split: SimCorporateAction = { symbol: 'B', exDate: day1, kind: 'split', ratio: 7 };
    let s: Scheduler | null = null;
    const venue: SimVenue = {
      matchBar: (b, now) => {
        calls.push(`match:${b.symbol}`);
        if (b.symbol === 'B' && b.ts >= nyDayStartMs(day1)) (s as Scheduler).push(update(now, 'bFill'));
      },
      applyCorporateAction: (a) => calls.push(`split:${a.symbol}:${a.ratio}`),
    };
    s = new Scheduler({ bars: [bar('B', 0), day1Bar('A', 0), day1Bar('A', 1), day1Bar('B', 1), day1Bar('B', 2)], corporateActions: [split], broker: venue });
    const out = drain(s);
    const t = day1Bar('B', 1).ts + MINUTE_MS;
    expect(trace(out)).toEqual([
      `bar:B@${barEnd(0)}`, `bar:A@${day1Bar('A', 0).ts + MINUTE_MS}`,
      `split:B@${t}`, `fill:bFill@${t}`, `bar:A@${t}`, `bar:B@${t}`, `fill:bFill@${t + MINUTE_MS}`, `bar:B@${t + MINUTE_MS}`,
    ]);
    expect(calls).toEqual(['match:B', 'match:A', 'match:A', 'split:B:7', 'match:B', 'match:B']);
    expect(out[2]?.input).toEqual({ type: 'market.corporate_action', ts: t, payload: { symbol: 'B', action: 'split', exDate: day1, ratio: 7 } });
  });

  it('never delivers an action whose symbol has no bar on or after the exDate', () => {
    const s = new Scheduler({ bars: [bar('A', 0), day1Bar('A', 0)], corporateActions: [{ symbol: 'Z', exDate: day1, kind: 'split', ratio: 2 }] });
    expect(drain(s).map((d) => d.input.type)).toEqual(['market.bar', 'market.bar']);
  });
});
