import fc from 'fast-check';
import { canonicalJson } from './canonical';
import { isCanonicalTextByScan } from './canonical-scan';
import { jsonishValue } from './testing/arbitraries';

// The scan may say "cannot tell" (false) of a canonical text, but must never say true of a text that is not
// the canonical JSON of its own parse. fast-check prints the seed of any failure (FC_SEED reproduces it).

/** canonicalJson(JSON.parse(text)) === text, or null when text is not JSON or its value cannot be encoded. */
function isCanonical(text: string): boolean | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return null;
  }
  try {
    return canonicalJson(parsed) === text;
  } catch {
    return null;
  }
}

/** The texts to judge for a value: its canonical text and respellings of it that JSON.parse may accept. */
function spellings(v: unknown): string[] {
  let c: string;
  try {
    c = canonicalJson(v);
  } catch {
    return [JSON.stringify(v) ?? 'null'];
  }
  return [
    c,
    JSON.stringify(v) ?? 'null',
    JSON.stringify(v, null, 1) ?? 'null',
    c.replace(/(\d)([,\]}]|$)/, '$1.0$2'),
    c.replace(/(\d)([,\]}]|$)/, '$1e0$2'),
    c.replace(/(\d)([,\]}]|$)/, '$1E+0$2'),
    c.replace(':0', ':-0'),
    c.replace(/\.(\d)/, '.$10'),
    c.replace(/"([^"\\]*)"/, '"\\u0041$1"'),
    c.replace(/"([^"\\]*)"/, '"$1\\/"'),
    c.replace(/:/, ' :'),
    // The first two keys of the first object swapped.
    c.replace(/\{("[^"\\]*":[^,{}[\]]*),("[^"\\]*":[^,{}[\]]*)/, '{$2,$1'),
  ];
}

describe('isCanonicalTextByScan', () => {
  const keys = fc.constantFrom('a', 'b', 'B', 'ab', 'aa', 'é', '😀', '\ud800', '\n', '"', '1', '2', '10', '01', '-1', '', '__proto__');
  const numbers = fc.oneof(
    fc.double(),
    fc.integer(),
    fc.integer({ min: -10_000_000, max: 10_000_000 }).map((k) => k / 100),
    fc.integer({ min: 1, max: 999 }).map((k) => k / 1e7),
    fc.integer({ min: 1, max: 999 }).map((k) => k / 1e6),
    fc.constantFrom(0.1 + 0.2, 1e21, 1e20, 123456789012345, 1234567890123456, 0.000001, 0.0000001, -0, 5e-324, 2 ** 53),
  );
  const values = fc.letrec((tie) => ({
    v: fc.oneof(
      { depthSize: 'small' },
      numbers, fc.string(), fc.string({ unit: 'binary' }), fc.boolean(), fc.constant(null),
      fc.array(tie('v'), { maxLength: 5 }),
      fc.dictionary(keys, tie('v'), { maxKeys: 5 }),
    ),
  })).v;

  it('never says true of a text that is not canonical, and says true of the plain canonical ones (property)', () => {
    fc.assert(fc.property(fc.oneof(values, jsonishValue(keys, 4)), (v) => {
      for (const text of spellings(v)) {
        const canonical = isCanonical(text);
        if (canonical === null) continue; // not JSON, or nothing JSON carries: no verdict to compare with
        if (isCanonicalTextByScan(text)) expect(canonical).toBe(true);
      }
    }), { numRuns: 3_000 });
  });

  it('says true of the engine\'s usual payloads: sorted keys, plain strings, whole numbers and cents (property)', () => {
    const plainString = fc.string({ unit: fc.constantFrom(...'abcXYZ0123 .-_:é'.split('')) });
    const plainNumber = fc.oneof(fc.integer(), fc.integer({ min: -1e9, max: 1e9 }).map((k) => k / 100));
    const flat = fc.dictionary(plainString, fc.oneof(plainNumber, plainString, fc.boolean(), fc.constant(null)), { maxKeys: 12 });
    fc.assert(fc.property(fc.oneof(flat, fc.array(flat, { maxLength: 4 }).map((rows) => ({ rows }))), (v) => {
      expect(isCanonicalTextByScan(canonicalJson(v))).toBe(true);
    }), { numRuns: 2_000 });
  });

  it.each([
    ['{"close":219.33,"high":219.62,"low":219.13,"open":219.58,"symbol":"S494","trades":47,"volume":24866,"vwap":219.36}', true],
    ['{}', true],
    ['[]', true],
    ['[1,2,{"a":[],"b":{}},"x",true,false,null]', true],
    ['{"a":{"b":1,"c":2},"b":{"a":1}}', true],
    ['{"é":1,"😀":2}', false], // a surrogate pair: canonical, but left to the other tests
    ['0', true],
    ['-0.5', true],
    ['0.000001', true],
    ['123456789012345', true],
    ['12345678901234.5', true],
    ['{"a":1,"a":2}', false], // a duplicate key: JSON.parse keeps the last
    ['{"b":1,"a":2}', false],
    ['{"a":{"b":1,"a":2}}', false],
    ['{"B":1,"a":2}', true],
    ['{"a":2,"B":1}', false],
    ['{"10":1,"9":2}', true],
    ['{"9":2,"10":1}', false],
    ['-0', false],
    ['1e3', false],
    ['1.0', false],
    ['1.50', false],
    ['0.0000001', false],
    ['1234567890123456', false],
    ['0.1234567890123456', false],
    ['{"a":"\\n"}', false],
    ['{"a":"\\u0041"}', false],
    [' {}', false],
    ['{"a": 1}', false],
    ['[1, 2]', false],
  ])('%s: %s', (text, expected) => {
    expect(isCanonicalTextByScan(text)).toBe(expected);
    // Every true verdict is right.
    if (expected) expect(isCanonical(text)).toBe(true);
  });
});
