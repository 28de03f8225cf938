import fc from 'fast-check';
import {
  CATALOG, CATALOG_VERSION, DECISION_TYPES, EVENT_TYPES, INPUT_TYPES, canonicalJson, chainHash, GENESIS_HASH,
  parsePayload, validateDraft, validatePayload, EventValidationError, kindOf,
} from './index';

const bar = { symbol: 'SPY', open: 100, high: 101, low: 99.5, close: 100.5, volume: 1200, vwap: 100.2, trades: 31 };

describe('event catalog', () => {
  it('has a version and splits every type into input or decision', () => {
    expect(CATALOG_VERSION).toBeGreaterThanOrEqual(1);
    expect(INPUT_TYPES.length + DECISION_TYPES.length).toBe(EVENT_TYPES.length);
    expect(kindOf('market.bar')).toBe('input');
    expect(kindOf('order.created')).toBe('decision');
    for (const required of [
      'market.bar', 'market.bar_correction', 'broker.order_update', 'broker.snapshot', 'broker.request_result',
      'timer.fired', 'connection.status', 'operator.command', 'input.rejected', 'signal.emitted',
      'signal.rejected', 'order.created', 'order.transition', 'cancel.requested', 'order.abandoned',
      'session.phase_changed', 'risk.kill_switch_tripped', 'engine.halted', 'reconciliation.applied',
      'checkpoint.taken', 'run.started',
    ]) expect(Object.keys(CATALOG)).toContain(required);
  });

  it('accepts a valid bar', () => {
    expect(parsePayload('market.bar', bar)).toEqual(bar);
  });

  it('names the type, the field, the value and the rule', () => {
    const v = validatePayload('market.bar', { ...bar, volume: -5 });
    expect(v.ok).toBe(false);
    if (!v.ok) expect(v.error.message).toBe('market.bar.payload.volume: -5 is not a non-negative integer');
  });

  it('refuses NaN, Infinity, unknown fields, missing fields and bad enums', () => {
    const msg = (type: string, p: unknown) => {
      const v = validatePayload(type, p);
      return v.ok ? 'ok' : v.error.message;
    };
    expect(msg('market.bar', { ...bar, close: Number.NaN })).toBe('market.bar.payload.close: NaN is not a number');
    expect(msg('market.bar', { ...bar, high: Infinity })).toContain('market.bar.payload.high: Infinity');
    expect(msg('market.bar', { ...bar, extra: 1 })).toBe('market.bar.payload: unknown field "extra"');
    const { volume: _v, ...noVolume } = bar;
    expect(msg('market.bar', noVolume)).toMatch(/^market\.bar\.payload\.volume: is missing/);
    expect(msg('market.bar', { ...bar, high: 99, low: 99.5 })).toBe('market.bar.payload.high: 99 has high below low');
    expect(msg('cancel.requested', { clientOrderId: 'x y', reason: 'r' })).toContain('cancel.requested.payload.clientOrderId: "x y" is not a client order id');
    expect(msg('signal.rejected', { symbol: 'SPY', strategy: 's', side: 'buy', gate: 'nope', reason: '' }))
      .toContain('signal.rejected.payload.gate: "nope" is not one of');
    expect(msg('no.such_type', {})).toBe('"no.such_type" is not a known event type');
  });

  it('validates the envelope ts of a draft', () => {
    const v = validateDraft({ type: 'market.bar', ts: 1.5, payload: bar });
    expect(v.ok).toBe(false);
    if (!v.ok) {
      expect(v.error).toBeInstanceOf(EventValidationError);
      expect(v.error.message).toBe('market.bar.ts: 1.5 is not an epoch millisecond timestamp');
    }
  });
});

describe('canonical JSON', () => {
  it('sorts keys at every depth and has no whitespace', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: 1, y: 2 }], c: null } })).toBe('{"a":{"c":null,"d":[3,{"y":2,"z":1}]},"b":1}');
    expect(canonicalJson(-0)).toBe('0');
  });

  it('refuses undefined, NaN, Infinity and bigint', () => {
    expect(() => canonicalJson({ a: undefined })).toThrow('$.a is undefined');
    expect(() => canonicalJson([Number.NaN])).toThrow('$[0] is NaN');
    expect(() => canonicalJson({ x: Infinity })).toThrow('not a finite number');
    expect(() => canonicalJson({ x: 1n })).toThrow('bigint');
  });

  it('is independent of key insertion order and round-trips through JSON.parse (property)', () => {
    const json = fc.jsonValue().filter((v) => !Object.is(v, -0));
    // fast-check prints the seed in any failure; FC_SEED reproduces it (jest.setup.cjs).
    fc.assert(fc.property(json, (v) => {
      const c = canonicalJson(v);
      expect(canonicalJson(JSON.parse(c))).toBe(c);
      const shuffled = JSON.parse(JSON.stringify(v), (_k, x) =>
        x && typeof x === 'object' && !Array.isArray(x) ? Object.fromEntries(Object.entries(x).reverse()) : x);
      expect(canonicalJson(shuffled)).toBe(c);
    }), { numRuns: 500 });
  });
});

describe('hash chain', () => {
  it('changes when any covered field changes', () => {
    const base = chainHash(GENESIS_HASH, 1, 1000, 'input', 'market.bar', canonicalJson(bar));
    expect(base).toMatch(/^[0-9a-f]{64}$/);
    expect(chainHash(GENESIS_HASH, 2, 1000, 'input', 'market.bar', canonicalJson(bar))).not.toBe(base);
    expect(chainHash(GENESIS_HASH, 1, 1001, 'input', 'market.bar', canonicalJson(bar))).not.toBe(base);
    expect(chainHash(GENESIS_HASH, 1, 1000, 'decision', 'market.bar', canonicalJson(bar))).not.toBe(base);
    expect(chainHash(base, 1, 1000, 'input', 'market.bar', canonicalJson(bar))).not.toBe(base);
    expect(chainHash(GENESIS_HASH, 1, 1000, 'input', 'market.bar', canonicalJson({ ...bar, volume: 1201 }))).not.toBe(base);
  });
});
