import fc from 'fast-check';
import { canonicalJson, canonicalJsonCachedUtf8, type CanonicalPieceCache } from './canonical';
import { sha256Canonical, sha256CanonicalBytes } from './hash';
import { expectSameAsReference, jsonishValue } from './testing/arbitraries';

// The cached encoder must give exactly canonicalJson's bytes: snapshots are hashed and stored with it.
// fast-check prints the seed of any failure (FC_SEED reproduces it).
describe('canonicalJsonCachedUtf8', () => {
  const value = jsonishValue(fc.oneof(fc.string(), fc.string({ unit: 'binary' })), 8);

  /** canonicalJson's bytes, or the error it throws. */
  function expectedOf(v: unknown): Buffer | Error {
    try {
      return Buffer.from(canonicalJson(v), 'utf8');
    } catch (e) {
      return e as Error;
    }
  }

  function expectSameAsCanonical(v: unknown, cache: CanonicalPieceCache): void {
    const expected = expectedOf(v);
    if (expected instanceof Error) {
      expect(() => canonicalJsonCachedUtf8(v, cache)).toThrow(expected.message);
      return;
    }
    const got = canonicalJsonCachedUtf8(v, cache);
    if (!got.equals(expected)) expect(got.toString('utf8')).toBe(expected.toString('utf8'));
    expect(got.length).toBe(expected.length);
  }

  it('equals canonicalJson on any value, cold and with a warm cache (property)', () => {
    fc.assert(fc.property(value, (v) => {
      const cache: CanonicalPieceCache = new WeakMap();
      expectSameAsCanonical(v, cache);
      expectSameAsCanonical(v, cache);
      // And inside a bigger value that shares it, with the cache warm.
      expectSameAsCanonical({ a: v, b: [v, v] }, cache);
    }), { numRuns: 2_000 });
  });

  // Numbers are written without a string where the encoder can prove the digits (whole numbers, whole
  // cents): every kind of double must still print exactly as JavaScript prints it.
  const edgeNumbers = [
    0, -0, 1, 5, 9, 10, 99, 100, 0.01, 0.05, 0.1, 0.07, 0.5, 0.99, 1.1, 1.01, 1.001, 102.16, 102.1, 99.99, 100.01,
    2 ** 31 - 1, 2 ** 31, 2 ** 32, 99_999_999, 100_000_000, 100_000_001, 1_741_786_200_000, 2 ** 40 - 0.01, 2 ** 40,
    2 ** 40 + 0.5, 1e12 + 0.01, 2 ** 53 - 1, 2 ** 53, 2 ** 53 + 2, 1e21, 1e-7, 5e-324, Number.MAX_VALUE,
    Number.MIN_VALUE, Number.EPSILON, 0.1 + 0.2, 1 / 3, -0.01, -102.16, -(2 ** 53), 123_456.785, 4.35, 0.015,
  ];
  const numbers = fc.oneof(
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.integer({ min: -1e9, max: 1e9 }).map((k) => k / 100),
    fc.integer({ min: 0, max: 2 ** 40 * 100 }).map((k) => k / 100),
    fc.maxSafeInteger(),
    fc.integer({ min: 0, max: 2 ** 20 }).map((k) => 2 ** 40 - 50 + k / 100),
    fc.constantFrom(...edgeNumbers),
  );

  it('prints every finite number as JavaScript does (property)', () => {
    for (const n of edgeNumbers) expect(canonicalJsonCachedUtf8([n], new WeakMap()).toString()).toBe(`[${String(n)}]`);
    fc.assert(fc.property(fc.array(numbers, { minLength: 1, maxLength: 40 }), (list) => {
      expect(canonicalJsonCachedUtf8(list, new WeakMap()).toString()).toBe(`[${list.map(String).join(',')}]`);
    }), { numRuns: 3_000 });
  });

  // A state the way the engine builds them: new containers along the path that changed, every other subtree
  // shared with the state before (and sometimes a subtree reused at a second place), encoded one after the
  // other with one cache. Containers big enough to be cached (8+ entries, 128+ bytes) are the common case.
  const bigArray = fc.array(numbers, { minLength: 8, maxLength: 60 });
  const keyName = fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j', '10', '2', 'é', 'k"', 'z\n', '😀');
  const small = jsonishValue(fc.oneof(fc.string({ maxLength: 12 }), fc.constantFrom('é€', 'a"b', '😀')), 3);
  const tree = fc.letrec((tie) => ({
    node: fc.oneof(
      { maxDepth: 3, withCrossShrink: true },
      small,
      bigArray,
      fc.array(tie('node'), { minLength: 8, maxLength: 10 }),
      fc.dictionary(keyName, tie('node'), { minKeys: 8, maxKeys: 12 }),
    ),
  })).node;
  const edit = fc.record({
    path: fc.array(fc.nat(), { maxLength: 6 }),
    to: fc.oneof(tree.map((v) => ({ fresh: v })), fc.array(fc.nat(), { maxLength: 6 }).map((from) => ({ from }))),
    reencode: fc.nat(),
  });

  function childOf(v: unknown, pick: number): { key: string | number; child: unknown } | null {
    if (typeof v !== 'object' || v === null) return null;
    if (Array.isArray(v)) return v.length === 0 ? null : { key: pick % v.length, child: v[pick % v.length] };
    const keys = Object.keys(v);
    if (keys.length === 0) return null;
    const key = keys[pick % keys.length] as string;
    return { key, child: (v as Record<string, unknown>)[key] };
  }
  function getAt(v: unknown, path: readonly number[]): unknown {
    for (const pick of path) {
      const next = childOf(v, pick);
      if (next === null) return v;
      v = next.child;
    }
    return v;
  }
  /** A copy of `v` with the node at `path` replaced: new containers along the path, all else shared. */
  function replaceAt(v: unknown, path: readonly number[], to: unknown): unknown {
    const next = path.length === 0 ? null : childOf(v, path[0] as number);
    if (next === null) return to;
    const child = replaceAt(next.child, path.slice(1), to);
    if (Array.isArray(v)) {
      const copy = v.slice();
      copy[next.key as number] = child;
      return copy;
    }
    return { ...(v as Record<string, unknown>), [next.key]: child };
  }

  it('equals canonicalJson across successive states sharing unchanged subtrees, one cache (property)', () => {
    fc.assert(fc.property(tree, fc.array(edit, { minLength: 1, maxLength: 12 }), (first, edits) => {
      const cache: CanonicalPieceCache = new WeakMap();
      const states = [first];
      expectSameAsCanonical(first, cache);
      for (const e of edits) {
        const before = states[states.length - 1];
        const to = 'fresh' in e.to ? e.to.fresh : getAt(before, e.to.from);
        const after = replaceAt(before, e.path, to);
        states.push(after);
        expectSameAsCanonical(after, cache);
        // An older state again, and one that holds the new state twice, with everything cached.
        expectSameAsCanonical(states[e.reencode % states.length], cache);
        expectSameAsCanonical([after, { again: after }], cache);
      }
    }), { numRuns: 300 });
  });

  it('reuses the bytes of a shared subtree and encodes what changed around it', () => {
    const leaf = Array.from({ length: 100 }, (_, i) => i + 0.25);
    const cache: CanonicalPieceCache = new WeakMap();
    const a = { leaves: [leaf], n: 1 };
    expect(canonicalJsonCachedUtf8(a, cache).toString()).toBe(canonicalJson(a));
    expect(cache.has(leaf)).toBe(true);
    // Mutating the leaf after it was encoded (which the engine never does) shows where its bytes come from:
    // a new state sharing it still gets the cached encoding, not the mutated value.
    const cached = canonicalJson(leaf);
    leaf[0] = 7;
    const b = { leaves: [leaf, [1, 2]], n: 2 };
    expect(canonicalJsonCachedUtf8(b, cache).toString()).toBe(`{"leaves":[${cached},[1,2]],"n":2}`);
  });

  it('keeps a new array of cached leaves as references, written once into an output of exact size', () => {
    const leaves = Array.from({ length: 20 }, (_, l) => Array.from({ length: 112 }, (_, i) => 1_741_786_200_000 + l * 1000 + i + 0.5));
    const cache: CanonicalPieceCache = new WeakMap();
    const v1 = { store: leaves.slice(0, 10), symbol: 'S001', n: 1, a: 1, b: 2, c: 3, d: 4, e: 5 };
    expect(canonicalJsonCachedUtf8(v1, cache).toString()).toBe(canonicalJson(v1));
    const v2 = { ...v1, store: leaves, n: 2 };
    const out = canonicalJsonCachedUtf8(v2, cache);
    expect(out.toString()).toBe(canonicalJson(v2));
    expect(out.buffer.byteLength === out.length || out.length < 4096).toBe(true);
    const store = cache.get(leaves);
    expect(store?.parts).toHaveLength(20);
    expect(store?.parts[0]).toBe(cache.get(leaves[0] as object));
    expect(store?.own.length).toBe(2 + 19);
  });

  it('encodes non-ASCII text as UTF-8, in cached pieces and around them, keys included', () => {
    const big = Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`k${i}`, `é€😀 ${i}`]));
    const keys = Object.fromEntries(Array.from({ length: 12 }, (_, i) => [`ключ ${i} 😀`, i + 0.5]));
    const cache: CanonicalPieceCache = new WeakMap();
    const v = { big, tail: 'ü', list: [big, big], keys, 'ü\u0000"': [keys] };
    expect(canonicalJsonCachedUtf8(v, cache).equals(Buffer.from(canonicalJson(v), 'utf8'))).toBe(true);
    expect(cache.has(big)).toBe(true);
    expect(cache.has(keys)).toBe(true);
    expect(canonicalJsonCachedUtf8(v, cache).equals(Buffer.from(canonicalJson(v), 'utf8'))).toBe(true);
    expect(canonicalJsonCachedUtf8({ ...v, tail: 'ø' }, cache).equals(Buffer.from(canonicalJson({ ...v, tail: 'ø' }), 'utf8'))).toBe(true);
  });

  it('sorts objects of one key set whatever their key order, and tells apart key sets with the same first key', () => {
    const cache: CanonicalPieceCache = new WeakMap();
    const keys = ['m', 'b', '10', 'a', '2', 'z', 'c', 'y', 'x'];
    for (let round = 0; round < 3; round++) {
      for (let drop = 0; drop < keys.length; drop++) {
        const ordered = keys.filter((_, i) => i !== drop);
        for (const order of [ordered, [...ordered].reverse()]) {
          const v = Object.fromEntries(order.map((k) => [k, `${k}-value-${round}`]));
          expect(canonicalJsonCachedUtf8(v, cache).toString()).toBe(canonicalJson(v));
        }
      }
    }
  });

  it('handles text larger than its scratch buffer, and values after one it refused', () => {
    const huge = ['x'.repeat(3_000_000), 'é'.repeat(700_000), 1];
    expect(canonicalJsonCachedUtf8(huge, new WeakMap()).equals(Buffer.from(canonicalJson(huge)))).toBe(true);
    const cache: CanonicalPieceCache = new WeakMap();
    const ok = { list: Array.from({ length: 50 }, (_, i) => i * 1.5), name: 'after' };
    expect(() => canonicalJsonCachedUtf8({ ok, bad: [ok, { deep: [Number.POSITIVE_INFINITY] }] }, cache)).toThrow('$.bad[1].deep[0] is Infinity');
    expect(canonicalJsonCachedUtf8({ ok, more: [ok] }, cache).toString()).toBe(canonicalJson({ ok, more: [ok] }));
  });

  it('names the value JSON cannot carry, like canonicalJson', () => {
    const cache: CanonicalPieceCache = new WeakMap();
    expect(() => canonicalJsonCachedUtf8({ a: { b: undefined } }, cache)).toThrow('$.a.b is undefined');
    expect(() => canonicalJsonCachedUtf8([1, Number.NaN], cache)).toThrow('$[1] is NaN');
  });
});

describe('sha256CanonicalBytes', () => {
  it('is sha256Canonical: the same digest (property), the same error', () => {
    const value = jsonishValue(fc.oneof(fc.string(), fc.string({ unit: 'binary' })), 6);
    fc.assert(fc.property(value, (v) => {
      expectSameAsReference(() => sha256Canonical(v), () => sha256CanonicalBytes(v));
    }), { numRuns: 1_000 });
  });
});
