import { parseEngineConfig } from '@axiom/events';
import { POSITION_RULES, positionRule } from './reconcile';

describe('reconciliation decision table', () => {
  const cases: { engineFlat: boolean; brokerFlat: boolean; equal: boolean }[] = [];
  for (const engineFlat of [true, false]) for (const brokerFlat of [true, false]) for (const equal of [true, false]) cases.push({ engineFlat, brokerFlat, equal });

  it.each(cases)('exactly one rule matches %o', (c) => {
    expect(POSITION_RULES.filter((r) => r.when(c))).toHaveLength(1);
  });

  it('every rule is reachable', () => {
    const used = new Set(cases.map((c) => positionRule(c).name));
    expect([...used].sort()).toEqual(POSITION_RULES.map((r) => r.name).sort());
  });

  it('chooses the configured action for a position the engine does not know', () => {
    const rule = positionRule({ engineFlat: true, brokerFlat: false, equal: false });
    expect(rule.action(parseEngineConfig({}))).toBe('halt');
    expect(rule.action(parseEngineConfig({ risk: { unknownBrokerPosition: 'adopt' } }))).toBe('adopt');
    expect(positionRule({ engineFlat: false, brokerFlat: true, equal: false }).action(parseEngineConfig({}))).toBe('close_local');
    expect(positionRule({ engineFlat: false, brokerFlat: false, equal: false }).action(parseEngineConfig({}))).toBe('block_symbol');
  });
});
