// Unit tests of the session reducer: given events, then state.
import type { AnyEvent } from '@axiom/events';
import {
  ANOMALIES_KEPT_MAX, calendarDayFor, calendarDaysFromAlpaca, evolveSession, initialSessionState, sessionAt,
  sessionCalendarFor, type SessionState,
} from './index';
import { journalEvent, runStarted, utc } from './test-support';

const fold = (events: AnyEvent[], state: SessionState = initialSessionState()) => events.reduce(evolveSession, state);
const bar = (ts: number) =>
  journalEvent('market.bar', ts, { symbol: 'SPY', open: 1, high: 1, low: 1, close: 1, volume: 1, vwap: null, trades: null });
const phaseChanged = (ts: number, from: string, to: string, tradingDay = '2026-11-27') =>
  journalEvent('session.phase_changed', ts, {
    tradingDay, from: from as never, to: to as never, calendar: calendarDayFor(tradingDay), reason: 'test',
  });

describe('session reducer', () => {
  it('starts CLOSED with the default config and no day', () => {
    expect(initialSessionState()).toMatchObject({ tradingDay: null, phase: 'CLOSED', calendar: null, overrides: {}, anomalies: [], anomalyCount: 0 });
    expect(initialSessionState().config.open).toBe('09:30');
  });

  it('returns the same state object for events it does not read', () => {
    const s = initialSessionState();
    expect(evolveSession(s, bar(utc('2026-11-27T15:00:00Z')))).toBe(s);
    expect(evolveSession(s, journalEvent('timer.fired', 1, { purpose: 'x' }))).toBe(s);
    expect(evolveSession(s, journalEvent('checkpoint.taken', 1, { barsSinceStart: 1, reason: 'x' }))).toBe(s);
  });

  it('does not compute phases from bars: only session.phase_changed moves it', () => {
    const s = fold([bar(utc('2026-11-27T15:00:00Z')), bar(utc('2026-11-27T15:01:00Z'))]);
    expect(s.phase).toBe('CLOSED');
    const t = fold([phaseChanged(utc('2026-11-27T09:00:00Z'), 'CLOSED', 'PRE_MARKET')], s);
    expect(t).toMatchObject({ tradingDay: '2026-11-27', phase: 'PRE_MARKET', phaseSinceTs: utc('2026-11-27T09:00:00Z') });
    expect(t.calendar).toEqual(calendarDayFor('2026-11-27'));
    expect(t.anomalyCount).toBe(0);
  });

  it('applies a phase change from an unexpected phase, and records it as an anomaly', () => {
    const e = phaseChanged(utc('2026-11-27T14:45:00Z'), 'WARMUP', 'ACTIVE');
    const s = fold([e]);
    expect(s.phase).toBe('ACTIVE');
    expect(s.anomalies).toEqual([{ seq: e.seq, type: 'session.phase_changed', symbol: null, detail: expect.stringContaining('but the session was in CLOSED') }]);
  });

  it('takes its config from run.started, and keeps it on a config that does not parse', () => {
    const s = fold([runStarted(1, (c) => ({ ...c, session: { ...c.session, eodWarning: '15:00' } }))]);
    expect(s.config.eodWarning).toBe('15:00');
    expect(sessionAt(s, utc('2026-11-30T20:10:00Z')).phase).toBe('EOD_WARNING'); // 15:10 EST
    const bad = journalEvent('run.started', 2, {
      runId: 'test0002', mode: 'backtest', config: { session: { open: '9:30' } }, configHash: 'b'.repeat(64),
      strategies: [], codeVersion: 't', catalogVersion: 1, dataSource: 't',
    });
    const t = fold([bad], s);
    expect(t.config.eodWarning).toBe('15:00');
    expect(t.anomalyCount).toBe(1);
    expect(t.anomalies[0]?.detail).toContain('session.open');
  });

  it('adds broker.calendar overrides, which win over the bundled calendar (and fill closures between days)', () => {
    const days = calendarDaysFromAlpaca([
      { date: '2026-11-25', open: '09:30', close: '16:00' },
      { date: '2026-11-27', open: '09:30', close: '16:00' },
    ]);
    const s = fold([journalEvent('broker.calendar', 1, { days })]);
    expect(s.overrides['2026-11-26']).toBeNull();
    expect(sessionCalendarFor(s, '2026-11-27')?.earlyClose).toBe(false);
    // Bundled: 12:30 EST on 2026-11-27 is EOD_WARNING; the broker says it is a full day, so ACTIVE.
    expect(sessionAt(initialSessionState(), utc('2026-11-27T17:30:00Z')).phase).toBe('EOD_WARNING');
    expect(sessionAt(s, utc('2026-11-27T17:30:00Z'))).toEqual({ tradingDay: '2026-11-27', calendar: days[1], phase: 'ACTIVE' });
    expect(evolveSession(s, journalEvent('broker.calendar', 2, { days: [] }))).toBe(s);
  });

  it('keeps the last 100 anomalies and counts them all', () => {
    let s = initialSessionState();
    for (let i = 0; i < 130; i++) s = evolveSession(s, phaseChanged(i, 'ACTIVE', 'CLOSED'));
    expect(s.anomalyCount).toBe(130); // every change claims to come from ACTIVE; the session is always CLOSED
    expect(s.anomalies).toHaveLength(ANOMALIES_KEPT_MAX);
    expect(s.anomalies[0]?.seq).toBe((s.anomalies[99]?.seq ?? 0) - 99);
  });

  it('is plain JSON: a snapshot round trip restores it identically and it keeps evolving the same', () => {
    const events = [
      runStarted(1),
      journalEvent('broker.calendar', 2, { days: calendarDaysFromAlpaca([{ date: '2026-11-27', open: '09:30', close: '13:00' }]) }),
      phaseChanged(utc('2026-11-27T09:00:00Z'), 'CLOSED', 'PRE_MARKET'),
    ];
    const s = fold(events);
    const restored = JSON.parse(JSON.stringify(s)) as SessionState;
    expect(restored).toEqual(s);
    const next = phaseChanged(utc('2026-11-27T14:30:00Z'), 'PRE_MARKET', 'WARMUP');
    expect(evolveSession(restored, next)).toEqual(evolveSession(s, next));
  });
});
