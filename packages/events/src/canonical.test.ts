import fc from 'fast-check';
import { canonicalJson, canonicalJsonCachedUtf8 } from './canonical';
import { jsonishValue } from './testing/arbitraries';

// The cached encoder must give exactly canonicalJson's bytes: snapshots are hashed and stored with it.
// fast-check prints the seed of any failure (FC_SEED reproduces it).
describe('canonicalJsonCachedUtf8', () => {
  const value = jsonishValue(fc.oneof(fc.string(), fc.string({ unit: 'binary' })), 8);

  it('equals canonicalJson on any value, cold and with a warm cache (property)', () => {
    fc.assert(fc.property(value, (v) => {
      let expected: string | Error;
      try {
        expected = canonicalJson(v);
      } catch (e) {
        expected = e as Error;
      }
      const cache = new WeakMap<object, Buffer>();
      if (expected instanceof Error) {
        expect(() => canonicalJsonCachedUtf8(v, cache)).toThrow(expected.message);
        return;
      }
      expect(canonicalJsonCachedUtf8(v, cache).toString('utf8')).toBe(expected);
      expect(canonicalJsonCachedUtf8(v, cache).toString('utf8')).toBe(expected);
      // And inside a bigger value that shares it, with the cache warm.
      expect(canonicalJsonCachedUtf8({ a: v, b: [v, v] }, cache).toString('utf8')).toBe(canonicalJson({ a: v, b: [v, v] }));
    }), { numRuns: 2_000 });
  });

  it('reuses the bytes of a shared subtree and encodes what changed around it', () => {
    const leaf = Array.from({ length: 100 }, (_, i) => i + 0.25);
    const cache = new WeakMap<object, Buffer>();
    const a = { leaves: [leaf], n: 1 };
    expect(canonicalJsonCachedUtf8(a, cache).toString()).toBe(canonicalJson(a));
    expect(cache.get(leaf)?.toString()).toBe(canonicalJson(leaf));
    // A new state sharing the leaf: its bytes come from the cache (poisoning the entry proves the reuse).
    cache.set(leaf, Buffer.from('"cached"'));
    const b = { leaves: [leaf, [1, 2]], n: 2 };
    expect(canonicalJsonCachedUtf8(b, cache).toString()).toBe('{"leaves":["cached",[1,2]],"n":2}');
  });

  it('encodes non-ASCII text as UTF-8, in cached pieces and around them', () => {
    const big = Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`k${i}`, `é€😀 ${i}`]));
    const cache = new WeakMap<object, Buffer>();
    const v = { big, tail: 'ü', list: [big, big] };
    expect(canonicalJsonCachedUtf8(v, cache).equals(Buffer.from(canonicalJson(v), 'utf8'))).toBe(true);
    expect(cache.has(big)).toBe(true);
    expect(canonicalJsonCachedUtf8(v, cache).equals(Buffer.from(canonicalJson(v), 'utf8'))).toBe(true);
  });

  it('names the value JSON cannot carry, like canonicalJson', () => {
    const cache = new WeakMap<object, Buffer>();
    expect(() => canonicalJsonCachedUtf8({ a: { b: undefined } }, cache)).toThrow('$.a.b is undefined');
    expect(() => canonicalJsonCachedUtf8([1, Number.NaN], cache)).toThrow('$[1] is NaN');
  });
});
