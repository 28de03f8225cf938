// A one-pass test, on the text alone, that a JSON text is canonical JSON (canonical.ts) of what it parses to,
// without building anything: the journal's canonical-form rule runs it on every row it checks, before the
// dearer tests (JSON.stringify of the parsed payload, or the canonical encoder), which decide whatever it
// cannot.
//
// It answers true only when it is sure. For a text JSON.parse accepts, canonicalJson(JSON.parse(text)) is the
// text when all of these hold, and then it answers true:
//   * no whitespace and nothing else outside the tokens (the encoder writes none);
//   * every string (key or value) holds no backslash, no control character and no surrogate: JSON.stringify
//     writes such a string as its characters between quotes, which is how the text spells it;
//   * in every object the keys, as spelled, are strictly increasing by code unit: no duplicate (JSON.parse
//     would keep only the last) and the encoder's order (it sorts by code unit);
//   * every number is plain decimal: an optional "-", an integer part without leading zeros, an optional
//     fraction that does not end in 0, no exponent, not "-0", at most 15 significant digits, and if it is
//     below 1 at most 5 zeros after the point. Any decimal of at most 15 significant digits is the only one
//     of that many digits that rounds to its double (DBL_DIG), so it is the shortest round-trip form of that
//     double, and JavaScript prints it in exactly this fixed notation for 1e-6 <= |x| < 1e21.
// Anything else (an escape, a surrogate pair, an exponent, 16 digits, keys out of order) answers false, which
// means "cannot tell here", not "not canonical". The property tests hold both halves against the encoder.

/** Deepest nesting scanned (deeper: false, the other tests decide). */
const DEPTH_MAX = 64;
/** Per open container: 1 object, 2 array; for an object, where its previous key's characters start and end (-1: none yet). */
const kinds = new Uint8Array(DEPTH_MAX);
const keyStart = new Int32Array(DEPTH_MAX);
const keyEnd = new Int32Array(DEPTH_MAX);

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COLON = 0x3a;
const MINUS = 0x2d;
const DOT = 0x2e;
const ZERO = 0x30;
const NINE = 0x39;
/** Significant digits that always round-trip through a double (DBL_DIG). */
const DIGITS_MAX = 15;
/** Zeros after "0." that JavaScript still prints in fixed notation (1e-6 = 0.000001). */
const LEADING_ZEROS_MAX = 5;

/**
 * True when `text` (which JSON.parse accepts) is certainly the canonical JSON of the value it parses to;
 * false when this scan cannot tell (see the top of this file). Never true for a text that is not canonical.
 */
export function isCanonicalTextByScan(text: string): boolean {
  const n = text.length;
  let depth = 0;
  let i = 0;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      const start = i + 1;
      let j = start;
      for (; j < n; j++) {
        const d = text.charCodeAt(j);
        if (d === QUOTE) break;
        if (d < 0x20 || d === BACKSLASH || (d >= 0xd800 && d <= 0xdfff)) return false;
      }
      if (j >= n) return false;
      i = j + 1;
      if (i < n && text.charCodeAt(i) === COLON) {
        // A key (in JSON only a key is followed by a colon): after the previous key of its object.
        const at = depth - 1;
        if (at < 0 || kinds[at] !== 1) return false;
        if (keyStart[at]! >= 0 && !before(text, keyStart[at]!, keyEnd[at]!, start, j)) return false;
        keyStart[at] = start;
        keyEnd[at] = j;
        i += 1;
      }
      continue;
    }
    if (c === MINUS || (c >= ZERO && c <= NINE)) {
      i = numberEnd(text, i, n);
      if (i < 0) return false;
      continue;
    }
    switch (c) {
      case 0x7b: // {
      case 0x5b: // [
        if (depth === DEPTH_MAX) return false;
        kinds[depth] = c === 0x7b ? 1 : 2;
        keyStart[depth] = -1;
        depth += 1;
        i += 1;
        continue;
      case 0x7d: // }
      case 0x5d: // ]
        depth -= 1;
        i += 1;
        continue;
      case 0x2c: // ,
        i += 1;
        continue;
      case 0x74: // true
      case 0x6e: // null
        i += 4;
        continue;
      case 0x66: // false
        i += 5;
        continue;
      default:
        // Whitespace (the encoder writes none), or anything else.
        return false;
    }
  }
  return true;
}

/** Whether text[a0, a1) < text[b0, b1) by UTF-16 code unit (Array.prototype.sort's order for strings). */
function before(text: string, a0: number, a1: number, b0: number, b1: number): boolean {
  const la = a1 - a0;
  const lb = b1 - b0;
  const l = la < lb ? la : lb;
  for (let k = 0; k < l; k++) {
    const x = text.charCodeAt(a0 + k);
    const y = text.charCodeAt(b0 + k);
    if (x !== y) return x < y;
  }
  return la < lb;
}

/** The end of the number token at `i` when it is spelled as JavaScript prints its value (see the top), else -1. */
function numberEnd(text: string, i: number, n: number): number {
  let j = i;
  const negative = text.charCodeAt(j) === MINUS;
  if (negative) j += 1;
  let digits = 0;
  let d = j < n ? text.charCodeAt(j) : -1;
  const zeroInteger = d === ZERO;
  if (zeroInteger) {
    j += 1;
  } else {
    while (d >= ZERO && d <= NINE) {
      digits += 1;
      j += 1;
      d = j < n ? text.charCodeAt(j) : -1;
    }
    if (digits === 0) return -1;
  }
  d = j < n ? text.charCodeAt(j) : -1;
  if (d === DOT) {
    j += 1;
    let fraction = 0;
    let leadingZeros = 0;
    let last = -1;
    d = j < n ? text.charCodeAt(j) : -1;
    while (d >= ZERO && d <= NINE) {
      if (zeroInteger && d === ZERO && fraction === leadingZeros) leadingZeros += 1;
      fraction += 1;
      last = d;
      j += 1;
      d = j < n ? text.charCodeAt(j) : -1;
    }
    if (fraction === 0 || last === ZERO) return -1;
    if (zeroInteger && leadingZeros > LEADING_ZEROS_MAX) return -1;
    digits += fraction - leadingZeros;
  } else if (zeroInteger && negative) {
    return -1; // "-0": the value prints as "0"
  }
  // An exponent, or anything else glued to the number.
  if (d === 0x65 || d === 0x45 || (d >= ZERO && d <= NINE)) return -1;
  return digits <= DIGITS_MAX ? j : -1;
}
