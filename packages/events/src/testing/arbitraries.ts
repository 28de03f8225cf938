// fast-check arbitraries and checks shared by the encoders' property tests (test-only code).
import fc from 'fast-check';

/**
 * Any JSON-ish value, including what JSON cannot carry faithfully (-0, NaN and Infinity among the doubles)
 * and strings of every kind (`strings`: unicode, escapes, lone surrogates).
 */
export function jsonishValue(strings: fc.Arbitrary<string>, maxItems = 6): fc.Arbitrary<unknown> {
  return fc.letrec((tie) => ({
    v: fc.oneof(
      { depthSize: 'small' },
      strings, fc.double(), fc.integer(), fc.boolean(), fc.constant(null), fc.constant(-0),
      fc.array(tie('v'), { maxLength: maxItems }),
      fc.dictionary(strings, tie('v'), { maxKeys: maxItems }),
    ),
  })).v;
}

/** `candidate` gives what `reference` gives, or throws the message `reference` throws (a property's check). */
export function expectSameAsReference<T>(reference: () => T, candidate: () => T): void {
  let expected: T | Error;
  try {
    expected = reference();
  } catch (e) {
    expected = e as Error;
  }
  if (expected instanceof Error) expect(candidate).toThrow(expected.message);
  else expect(candidate()).toBe(expected);
}
