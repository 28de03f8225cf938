import fc from 'fast-check';
import { canonicalJson, canonicalJsonCached } from './canonical';
import { jsonishValue } from './testing/arbitraries';

// The cached encoder must give exactly canonicalJson's bytes: snapshots are hashed and stored with it.
// fast-check prints the seed of any failure (FC_SEED reproduces it).
describe('canonicalJsonCached', () => {
  const value = jsonishValue(fc.oneof(fc.string(), fc.string({ unit: 'binary' })), 8);

  it('equals canonicalJson on any value, cold and with a warm cache (property)', () => {
    fc.assert(fc.property(value, (v) => {
      let expected: string | Error;
      try {
        expected = canonicalJson(v);
      } catch (e) {
        expected = e as Error;
      }
      const cache = new WeakMap<object, string>();
      if (expected instanceof Error) {
        expect(() => canonicalJsonCached(v, cache)).toThrow(expected.message);
        return;
      }
      expect(canonicalJsonCached(v, cache)).toBe(expected);
      expect(canonicalJsonCached(v, cache)).toBe(expected);
    }), { numRuns: 2_000 });
  });

  it('reuses the text of a shared subtree and encodes what changed around it', () => {
    const leaf = Array.from({ length: 100 }, (_, i) => i + 0.25);
    const cache = new WeakMap<object, string>();
    const a = { leaves: [leaf], n: 1 };
    expect(canonicalJsonCached(a, cache)).toBe(canonicalJson(a));
    expect(cache.get(leaf)).toBe(canonicalJson(leaf));
    // A new state sharing the leaf: the leaf's text is taken from the cache (poisoning it proves the reuse).
    cache.set(leaf, '"cached"');
    const b = { leaves: [leaf, [1, 2]], n: 2 };
    expect(canonicalJsonCached(b, cache)).toBe('{"leaves":["cached",[1,2]],"n":2}');
  });

  it('names the value JSON cannot carry, like canonicalJson', () => {
    const cache = new WeakMap<object, string>();
    expect(() => canonicalJsonCached({ a: { b: undefined } }, cache)).toThrow('$.a.b is undefined');
    expect(() => canonicalJsonCached([1, Number.NaN], cache)).toThrow('$[1] is NaN');
  });
});
