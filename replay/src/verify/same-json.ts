// Whether a decision payload `step` produced now is the one the journal holds, without encoding either:
// for a `recorded` value parsed from JSON, `sameJson(recorded, produced)` true means
// `canonicalJson(recorded) === canonicalJson(produced)` (false is exact too, but callers that report a
// difference encode both anyway, so a false is never taken on trust: see verify.ts). Canonical JSON sorts keys and prints each finite number in its one shortest form, so two values
// encode alike exactly when they have the same own enumerable keys with equal values, arrays have equal
// elements, strings are equal and numbers are equal as numbers (0 and -0 both print "0"). Anything JSON
// cannot carry (undefined, NaN, Infinity, a hole, a function, a bigint) never equals a parsed JSON value.

const hasOwn = Object.prototype.hasOwnProperty;

export function sameJson(recorded: unknown, produced: unknown): boolean {
  // Equal strings, booleans, null, and numbers equal as numbers (0 === -0; NaN is never equal).
  if (recorded === produced) return true;
  if (typeof recorded !== 'object' || recorded === null || typeof produced !== 'object' || produced === null) return false;
  if (Array.isArray(recorded)) {
    if (!Array.isArray(produced) || produced.length !== recorded.length) return false;
    for (let i = 0; i < recorded.length; i++) if (!sameJson(recorded[i], produced[i])) return false;
    return true;
  }
  if (Array.isArray(produced)) return false;
  // Canonical JSON reads the produced object's own enumerable string keys, as Object.keys does; a parsed
  // object's keys are all own, enumerable and distinct, so equal counts plus inclusion make the sets equal.
  const r = recorded as Record<string, unknown>;
  const p = produced as Record<string, unknown>;
  const keys = Object.keys(p);
  let count = 0;
  for (const _ in r) count++;
  if (keys.length !== count) return false;
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i] as string;
    if (!hasOwn.call(r, k) || !sameJson(r[k], p[k])) return false;
  }
  return true;
}
