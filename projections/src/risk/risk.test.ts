// Risk: period roll (New York day; week from Monday), realized PnL accumulators and start-of-period equity,
// loss limits in dollars and percent, cooldowns in bars, halted, blocked, kill switch.
import { defaultEngineConfig, type EngineConfig } from '@axiom/events';
import { setAutoFreeze } from 'immer';
import { EventBuilder, barPayload } from '../testing';
import { evolveRisk, initialRiskState, lossLimitBreached, nyDate, nyDayBounds, weekStartOf, cooldownBarsLeft, blockedReason, type RiskState } from '.';

beforeAll(() => setAutoFreeze(true));

const NO = { realizedDelta: 0, equity: null };

describe('New York calendar', () => {
  test('a date is the New York date, not the UTC one (both DST regimes)', () => {
    expect(nyDate(Date.UTC(2024, 2, 6, 3, 0))).toBe('2024-03-05'); // 22:00 EST
    expect(nyDate(Date.UTC(2024, 6, 2, 3, 30))).toBe('2024-07-01'); // 23:30 EDT
    expect(nyDate(Date.UTC(2024, 6, 2, 4, 0))).toBe('2024-07-02');
  });
  test('day bounds across the DST switches (23 h and 25 h days)', () => {
    const spring = nyDayBounds('2024-03-10');
    expect(spring.toTs - spring.fromTs).toBe(23 * 3_600_000);
    expect(spring.fromTs).toBe(Date.UTC(2024, 2, 10, 5));
    const fall = nyDayBounds('2024-11-03');
    expect(fall.toTs - fall.fromTs).toBe(25 * 3_600_000);
  });
  test('the week starts on Monday', () => {
    expect(weekStartOf('2024-03-04')).toBe('2024-03-04'); // Monday
    expect(weekStartOf('2024-03-08')).toBe('2024-03-04'); // Friday
    expect(weekStartOf('2024-03-10')).toBe('2024-03-04'); // Sunday belongs to the week that began Monday
    expect(weekStartOf('2024-03-11')).toBe('2024-03-11');
    expect(weekStartOf('2025-01-01')).toBe('2024-12-30');
  });
});

describe('period accumulators', () => {
  test('daily resets at the New York day; weekly at Monday; start equity recorded at the roll', () => {
    const b = new EventBuilder();
    let s = initialRiskState();
    const at = (ts: number, ctx: { realizedDelta: number; equity: number | null }) => {
      s = evolveRisk(s, b.ev('timer.fired', { purpose: 't' }, ts), ctx);
    };
    at(Date.UTC(2024, 2, 7, 15), { realizedDelta: -100, equity: 50_000 }); // Thu 10:00 NY
    expect(s.daily).toMatchObject({ period: '2024-03-07', realizedPnl: -100, startEquity: 50_000 });
    expect(s.weekly).toMatchObject({ period: '2024-03-04', realizedPnl: -100 });
    at(Date.UTC(2024, 2, 8, 4, 59), { realizedDelta: -50, equity: 49_850 }); // still Thu 23:59 NY
    expect(s.daily.realizedPnl).toBe(-150);
    at(Date.UTC(2024, 2, 8, 15), { realizedDelta: 20, equity: 49_870 }); // Fri
    expect(s.daily).toMatchObject({ period: '2024-03-08', realizedPnl: 20, startEquity: 49_870 });
    expect(s.weekly).toMatchObject({ period: '2024-03-04', realizedPnl: -130, startEquity: 50_000 });
    at(Date.UTC(2024, 2, 11, 14), { realizedDelta: 0, equity: 49_000 }); // Mon
    expect(s.weekly).toMatchObject({ period: '2024-03-11', realizedPnl: 0, startEquity: 49_000 });
  });

  test('equity unknown at the roll is taken when it first becomes known', () => {
    const b = new EventBuilder();
    let s = evolveRisk(initialRiskState(), b.ev('timer.fired', { purpose: 't' }), NO);
    expect(s.daily.startEquity).toBeNull();
    s = evolveRisk(s, b.ev('timer.fired', { purpose: 't' }), { realizedDelta: 0, equity: 1234 });
    expect(s.daily.startEquity).toBe(1234);
    expect(s.weekly.startEquity).toBe(1234);
  });

  test('lossLimitBreached: percent of start equity, dollars, daily first', () => {
    const cfg = defaultEngineConfig(); // daily 2%, weekly 5%
    const b = new EventBuilder();
    let s = evolveRisk(initialRiskState(), b.ev('timer.fired', { purpose: 't' }), { realizedDelta: -1999, equity: 100_000 });
    expect(lossLimitBreached(s, cfg)).toBeNull();
    s = evolveRisk(s, b.ev('timer.fired', { purpose: 't' }), { realizedDelta: -1, equity: 98_000 });
    expect(lossLimitBreached(s, cfg)).toEqual({ scope: 'daily', realizedLoss: 2000, limit: 2000, periodStart: s.daily.period });
    const usd: EngineConfig = { ...cfg, risk: { ...cfg.risk, dailyLossLimit: { unit: 'usd', value: 5000 }, weeklyLossLimit: { unit: 'usd', value: 1500 } } };
    expect(lossLimitBreached(s, usd)).toMatchObject({ scope: 'weekly', limit: 1500 });
  });

  test('the kill switch is kept until its period rolls', () => {
    const b = new EventBuilder(Date.UTC(2024, 2, 5, 15));
    let s = evolveRisk(initialRiskState(), b.ev('risk.kill_switch_tripped', { scope: 'daily', realizedLoss: 2100, limit: 2000, periodStart: '2024-03-05', reason: 'limit' }), NO);
    expect(s.killSwitch?.scope).toBe('daily');
    s = evolveRisk(s, b.ev('timer.fired', { purpose: 't' }, Date.UTC(2024, 2, 5, 20)), NO);
    expect(s.killSwitch).not.toBeNull();
    s = evolveRisk(s, b.ev('timer.fired', { purpose: 't' }, Date.UTC(2024, 2, 6, 15)), NO);
    expect(s.killSwitch).toBeNull();
  });
});

describe('cooldown, halted, blocked', () => {
  test('cooldown counts down on bars of its symbol only', () => {
    const b = new EventBuilder();
    let s: RiskState = evolveRisk(initialRiskState(), b.ev('risk.cooldown_started', { symbol: 'ABC', bars: 2, reason: 'stop loss' }), NO);
    expect(cooldownBarsLeft(s, 'ABC')).toBe(2);
    const other = evolveRisk(s, b.ev('market.bar', barPayload('XYZ', 10)), NO);
    expect(other).toBe(s); // not touched: same object
    s = evolveRisk(s, b.ev('market.bar', barPayload('ABC', 10)), NO);
    expect(cooldownBarsLeft(s, 'ABC')).toBe(1);
    s = evolveRisk(s, b.ev('market.bar', barPayload('ABC', 10)), NO);
    expect(cooldownBarsLeft(s, 'ABC')).toBe(0);
    expect(s.cooldowns.size).toBe(0);
  });

  test('halted and resumed; blocked symbols', () => {
    const b = new EventBuilder();
    let s = evolveRisk(initialRiskState(), b.ev('engine.halted', { reason: 'bug', error: 'stack' }), NO);
    expect(s.halted).toMatchObject({ reason: 'bug', error: 'stack' });
    s = evolveRisk(s, b.ev('engine.resumed', { reason: 'operator' }), NO);
    expect(s.halted).toBeNull();
    s = evolveRisk(s, b.ev('risk.symbol_blocked', { symbol: 'ABC', reason: 'unknown broker position' }), NO);
    expect(blockedReason(s, 'ABC')).toBe('unknown broker position');
    expect(blockedReason(s, 'XYZ')).toBeNull();
  });
});
