import fc from 'fast-check';
import { CATALOG, EVENT_TYPES, canonicalJson, chainHash, GENESIS_HASH, validatePayload } from '@axiom/events';
import { expectSameAsReference, jsonishValue } from '@axiom/events/src/testing/arbitraries';
import { chainHashFast, encodeCanonical, encodePayload, encodePayloadFastPath, encodePayloadStringifyPath } from './encode';
import { barDraft, orderCreatedDraft, orderUpdateDraft, signalDraft, timerDraft, transitionDraft } from './testing/fixtures';

// The fast encoders must produce exactly the reference bytes, or every hash in every journal would differ
// from what the catalog package defines. fast-check prints the seed of any failure (FC_SEED reproduces it).
describe('encodeCanonical', () => {
  it('equals canonicalJson on catalog payloads', () => {
    for (let i = 0; i < 50; i++) {
      for (const d of [barDraft(i), orderCreatedDraft(i)]) expect(encodeCanonical(d.payload)).toBe(canonicalJson(d.payload));
    }
  });

  it('equals canonicalJson on any JSON value, including unicode, escapes and lone surrogates (property)', () => {
    const value = jsonishValue(fc.oneof(fc.string(), fc.string({ unit: 'grapheme' }), fc.string({ unit: 'binary' })));
    fc.assert(fc.property(value, (v) => {
      expectSameAsReference(() => canonicalJson(v), () => encodeCanonical(v));
    }), { numRuns: 2_000 });
  });

  it('throws the reference error for values JSON cannot carry', () => {
    expect(() => encodeCanonical({ a: { b: undefined } })).toThrow('$.a.b is undefined');
    expect(() => encodeCanonical([1, Number.NaN])).toThrow('$[1] is NaN');
    expect(() => encodeCanonical({ x: Infinity })).toThrow('not a finite number');
    expect(() => encodeCanonical({ x: 1n })).toThrow('bigint');
    expect(() => encodeCanonical({ f: () => 1 })).toThrow('function');
  });
});

describe('encodePayload (precomputed key order per catalog type)', () => {
  const jsonish = fc.oneof(fc.string(), fc.string({ unit: 'binary' }), fc.double(), fc.integer(), fc.boolean(), fc.constant(null), fc.constant(-0),
    fc.dictionary(fc.string(), fc.oneof(fc.string(), fc.integer()), { maxKeys: 3 }), fc.array(fc.integer(), { maxLength: 3 }));

  function declaredKeys(type: (typeof EVENT_TYPES)[number]): string[] {
    return Object.keys((CATALOG[type].schema as unknown as { shape: Record<string, unknown> }).shape);
  }

  it('encodes a bar built with its keys in sorted order with JSON.stringify, and the same bytes', () => {
    const bar = barDraft(5).payload as Record<string, unknown>;
    const sorted = Object.fromEntries(Object.entries(bar).sort(([a], [b]) => (a < b ? -1 : 1)));
    expect(encodePayloadStringifyPath('market.bar', sorted)).toBe(true);
    expect(encodePayloadStringifyPath('market.bar', bar)).toBe(Object.keys(bar).join() === Object.keys(sorted).join());
    expect(encodePayload('market.bar', sorted)).toBe(canonicalJson(bar));
    // NaN would print as null, undefined would vanish: both take the encoder, which refuses them.
    expect(encodePayloadStringifyPath('market.bar', { ...sorted, close: Number.NaN })).toBe(false);
    expect(() => encodePayload('market.bar', { ...sorted, close: Number.NaN })).toThrow('$.close is NaN');
    expect(() => encodePayload('market.bar', { ...sorted, vwap: undefined })).toThrow('$.vwap is undefined');
  });

  it('takes the fast path for zod-parsed payloads and equals canonicalJson', () => {
    for (const d of [barDraft(3), signalDraft(3), orderCreatedDraft(3), orderUpdateDraft(3, 'o-1'), transitionDraft(3, 'o-1'), timerDraft(3)]) {
      const v = validatePayload(d.type, d.payload);
      if (!v.ok) throw v.error;
      expect(encodePayloadFastPath(d.type, v.value)).toBe(true);
      expect(encodePayload(d.type, v.value)).toBe(canonicalJson(d.payload));
    }
  });

  it('takes the fast path for the schema keys in any order (a fast-checked payload is the producer\'s object)', () => {
    for (const d of [barDraft(4), signalDraft(4), orderCreatedDraft(4)]) {
      const reversed = Object.fromEntries(Object.entries(d.payload as Record<string, unknown>).reverse());
      expect(encodePayloadFastPath(d.type, reversed)).toBe(true);
      expect(encodePayload(d.type, reversed)).toBe(canonicalJson(d.payload));
      // One key swapped for an undeclared one: not the schema's set, general path, still canonical bytes.
      const [first] = Object.keys(reversed);
      const other = { ...reversed, zz_extra: 1 } as Record<string, unknown>;
      delete other[first as string];
      expect(encodePayloadFastPath(d.type, other)).toBe(false);
      expect(encodePayload(d.type, other)).toBe(canonicalJson(other));
    }
  });

  it('equals canonicalJson for objects with, without and beyond the schema keys, for every type (property)', () => {
    const arb = fc.constantFrom(...EVENT_TYPES).chain((type) => {
      const keys = declaredKeys(type);
      return fc.record({
        type: fc.constant(type),
        values: fc.array(jsonish, { minLength: keys.length, maxLength: keys.length }),
        mutation: fc.constantFrom('none', 'shuffle', 'drop', 'extra', 'undefined', 'swap-extra', 'sorted', 'sorted-undefined'),
        pick: fc.nat(),
        extraKey: fc.string(),
      });
    });
    let fast = 0;
    let stringified = 0;
    fc.assert(fc.property(arb, ({ type, values, mutation, pick, extraKey }) => {
      const keys = declaredKeys(type);
      let entries: Array<[string, unknown]> = keys.map((k, i) => [k, values[i]]);
      const at = pick % entries.length;
      if (mutation === 'shuffle') entries = [...entries.slice(at), ...entries.slice(0, at)];
      if (mutation === 'drop') entries.splice(at, 1);
      if (mutation === 'extra') entries.push([extraKey, 1]);
      if (mutation === 'undefined') entries[at] = [keys[at] as string, undefined];
      if (mutation === 'swap-extra') entries[at] = [`${extraKey}~x`, 2];
      // Keys in sorted order (as the backtest builds its bars): JSON.stringify's text when every value is a JSON-exact primitive.
      if (mutation === 'sorted-undefined') entries[at] = [keys[at] as string, undefined];
      if (mutation.startsWith('sorted')) entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
      const obj = Object.fromEntries(entries);
      if (encodePayloadFastPath(type, obj)) fast++;
      if (encodePayloadStringifyPath(type, obj)) stringified++;
      let expected: string | Error;
      try {
        expected = canonicalJson(obj);
      } catch (e) {
        expected = e as Error;
      }
      if (expected instanceof Error) expect(() => encodePayload(type, obj)).toThrow(expected.message);
      else expect(encodePayload(type, obj)).toBe(expected);
    }), { numRuns: 3_000 });
    expect(fast).toBeGreaterThan(0);
    expect(stringified).toBeGreaterThan(0);
  });
});

describe('chainHashFast', () => {
  it('equals chainHash (property)', () => {
    fc.assert(fc.property(
      fc.stringMatching(/^[0-9a-f]{64}$/), fc.integer({ min: 1, max: 2 ** 40 }), fc.integer({ min: 0, max: 8.64e15 - 1 }),
      fc.constantFrom('input' as const, 'decision' as const), fc.string(), fc.string({ unit: 'binary' }),
      (prev, seq, ts, kind, type, payload) => {
        expect(chainHashFast(prev, seq, ts, kind, type, payload)).toBe(chainHash(prev, seq, ts, kind, type, payload));
      },
    ), { numRuns: 1_000 });
    expect(chainHashFast(GENESIS_HASH, 1, 0, 'input', 'market.bar', '{}')).toBe(chainHash(GENESIS_HASH, 1, 0, 'input', 'market.bar', '{}'));
  });
});
