import fc from 'fast-check';
import { canonicalJson } from '@axiom/events';
import { jsonishValue } from '@axiom/events/src/testing/arbitraries';
import { sameJson } from './same-json';

// sameJson must agree with comparing canonical texts, the check it replaces in verify: on a JSON-parsed
// `recorded` and any `produced` value (-0, NaN, undefined, holes, key orders). Values come from a small
// domain so that equal pairs are frequent. fast-check prints the seed of any failure (FC_SEED reproduces it).

const canonicalEqual = (recorded: unknown, produced: unknown): boolean => {
  try {
    return canonicalJson(recorded) === canonicalJson(produced);
  } catch {
    return false;
  }
};

/** A parsed JSON value: what the journal's payloads are after reading. */
const parsed = (v: unknown): unknown => JSON.parse(canonicalJson(v));

describe('sameJson', () => {
  const small = jsonishValue(fc.constantFrom('a', 'b', 'é', '"'), 3);
  // eslint-disable-next-line no-sparse-arrays -- a hole is one of the values canonical JSON refuses
  const odd = fc.constantFrom<unknown>(undefined, Number.NaN, Number.POSITIVE_INFINITY, -0, 0, 1n, () => 1, [, 1], new Date(0));
  const anything = fc.oneof({ weight: 4, arbitrary: small }, { weight: 1, arbitrary: odd });
  const encodable = small.filter((v) => {
    try {
      canonicalJson(v);
      return true;
    } catch {
      return false;
    }
  });

  it('is true exactly when the canonical texts are equal (property)', () => {
    fc.assert(fc.property(encodable, anything, (r, p) => {
      const recorded = parsed(r);
      expect(sameJson(recorded, p)).toBe(canonicalEqual(recorded, p));
      // The value a parsed one came from is the same JSON (its -0 prints 0, its keys in any order).
      expect(sameJson(recorded, r)).toBe(true);
    }), { numRuns: 5_000 });
  });

  it('tells apart what canonical JSON tells apart, in nested values', () => {
    const recorded = parsed({ a: [1, { b: 'x' }], c: null });
    expect(sameJson(recorded, { c: null, a: [1, { b: 'x' }] })).toBe(true);
    expect(sameJson(recorded, { a: [1, { b: 'x' }], c: null, d: undefined })).toBe(false);
    expect(sameJson(recorded, { a: [1, { b: 'x' }] })).toBe(false);
    expect(sameJson(recorded, { a: [1, { b: 'y' }], c: null })).toBe(false);
    expect(sameJson(recorded, { a: [1, { b: 'x' }, 2], c: null })).toBe(false);
    expect(sameJson(recorded, { a: { 0: 1, 1: { b: 'x' } }, c: null })).toBe(false);
    expect(sameJson(parsed({ q: 0 }), { q: -0 })).toBe(true);
    // A key the produced object holds but does not enumerate is not in its canonical text.
    const hidden = Object.defineProperty({ a: 1 }, 'c', { value: null, enumerable: false });
    expect(sameJson(parsed({ a: 1, c: null }), hidden)).toBe(false);
    expect(sameJson(parsed({ a: 1 }), hidden)).toBe(true);
  });
});
