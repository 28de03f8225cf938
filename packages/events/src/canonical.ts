// Canonical JSON: the one encoding that is hashed. Object keys sorted by code unit, no whitespace, numbers
// in JavaScript's shortest round-trip form, and no value JSON cannot carry faithfully (undefined, NaN,
// Infinity, bigint, functions): those are programmer errors and throw.

export function canonicalJson(value: unknown): string {
  try {
    return fast(value);
  } catch (e) {
    // The fast path refuses without saying where; the reference path throws the error that names the value.
    if (e === UNSUPPORTED) return reference(value);
    throw e;
  }
}

/**
 * The cached encoding of one object or array: its own bytes (`own`), with the cached encodings of some of its
 * descendants (`parts`) spliced in at offsets of `own` (`at`). A subtree made only of new values is one flat
 * piece (no parts); an array of cached leaves is its brackets and commas plus a reference to each leaf. So a
 * new container whose content is mostly unchanged costs its own few bytes, not a copy of all of it: each byte
 * of a snapshot is copied once, from the piece that holds it, into the output.
 */
export interface CanonicalPiece {
  /** Bytes of the whole encoding (own and parts). */
  readonly length: number;
  readonly own: Uint8Array;
  /** Offsets into `own`, nondecreasing, where each of `parts` goes. */
  readonly at: readonly number[];
  readonly parts: readonly CanonicalPiece[];
}

/** Object or array -> its cached encoding. A WeakMap: an entry lives exactly as long as its value. */
export type CanonicalPieceCache = WeakMap<object, CanonicalPiece>;

/**
 * Canonical JSON, as UTF-8 bytes, of an immutable, structurally shared value (engine states: each new state
 * shares every unchanged subtree with the one before), reusing the encodings of subtrees encoded before:
 * `cache` maps an object or array to its encoding (a CanonicalPiece). Bytes, not a string: a snapshot is
 * megabytes assembled from thousands of cached pieces, which a string would hold as a rope that hashing and
 * storing must flatten and transcode again. The output is one buffer of exactly its length, written once.
 * Only sound when nothing in `value` is ever mutated after it was encoded; the engine's reducers never
 * mutate (the engine's tests compare every snapshot with a fresh `canonicalJson`). The bytes of
 * `canonicalJson(value)`; a value it cannot carry throws the reference encoder's error.
 */
export function canonicalJsonCachedUtf8(value: unknown, cache: CanonicalPieceCache): Buffer {
  let root: CanonicalPiece;
  try {
    root = ENCODER.encode(value, cache);
  } catch (e) {
    ENCODER.reset();
    if (e === UNSUPPORTED) return Buffer.from(reference(value));
    throw e;
  }
  const out = Buffer.allocUnsafe(root.length);
  const end = put(out, 0, root);
  ENCODER.reset();
  if (end !== out.length) throw new Error(`canonicalJsonCachedUtf8: wrote ${end} bytes of ${out.length}`);
  return out;
}

/** Arrays and objects with at least this many entries are cache candidates (smaller ones are cheaper to encode). */
const CACHED_ENTRIES_MIN = 8;
/** Subtrees whose encoding is shorter than this are re-encoded (a cache entry costs more than they do). */
const CACHED_BYTES_MIN = 128;
/**
 * A flat piece up to this long is copied into its parent's own bytes rather than referenced: copying a few
 * hundred bytes once is cheaper than a reference the parent follows at every later snapshot.
 */
const INLINE_BYTES_MAX = 256;
/**
 * Own bytes are cut from arenas of this size (like Node's Buffer pool: one allocation for many pieces). A live
 * piece keeps its arena alive: the cache of a 500-symbol day's 13 MB state held ~25 MB of arenas (the
 * flat copies at every level that this replaced held ~120 MB).
 */
const ARENA_BYTES = 64 * 1024;
/** The encoder's scratch buffer is dropped after a call that grew it beyond this (a limit on idle memory). */
const SCRATCH_BYTES_KEPT_MAX = 1024 * 1024;
const NO_PARTS: readonly CanonicalPiece[] = [];
const NO_OFFSETS: readonly number[] = [];
/** The encoder's cache between calls: it holds on to no caller's cache. */
const NO_CACHE: CanonicalPieceCache = new WeakMap();
const TEXT_UTF8 = new TextEncoder();

/** Bytes `[from, to)` of `src` into `dst` at `pos`; returns the position after them. */
function copyBytes(src: Uint8Array, from: number, to: number, dst: Uint8Array, pos: number): number {
  // A typed-array `set` costs a call and a view; the separators between parts are a byte or a few.
  if (to - from <= 16) {
    while (from < to) dst[pos++] = src[from++] as number;
    return pos;
  }
  dst.set(src.subarray(from, to), pos);
  return pos + (to - from);
}

/** Write `piece` into `out` at `pos`; returns the position after it. */
function put(out: Uint8Array, pos: number, piece: CanonicalPiece): number {
  const own = piece.own;
  const parts = piece.parts;
  if (parts.length === 0) {
    out.set(own, pos);
    return pos + own.length;
  }
  const at = piece.at;
  let from = 0;
  for (let i = 0; i < parts.length; i++) {
    const to = at[i] as number;
    pos = copyBytes(own, from, to, out, pos);
    from = to;
    pos = put(out, pos, parts[i] as CanonicalPiece);
  }
  return copyBytes(own, from, own.length, out, pos);
}

/** Object.keys order -> code-unit order, and each key's `"key":` (`,"key":` after the first) as UTF-8. */
interface Shape {
  readonly keys: readonly string[];
  /** The same keys in code-unit order. */
  readonly sorted: readonly string[];
  /** The heads, one after another; head i is `heads[headEnd[i - 1] (or 0) .. headEnd[i])`. */
  readonly heads: Uint8Array;
  readonly headEnd: readonly number[];
}
/** Shapes by first key; a shape is reused when the whole key list matches. Cleared when it grows past this. */
const SHAPES_MAX = 4096;

/**
 * Encodes into a scratch buffer that holds only the own bytes of the containers still open: when a
 * container becomes a cached piece referenced by its parent, its bytes leave the scratch and a cut (an
 * offset and the piece) takes their place. One per thread: encoding is synchronous and not reentrant.
 */
class Encoder {
  private buf = new Uint8Array(64 * 1024);
  private pos = 0;
  /** Cuts of the open containers: scratch offset and piece, as a stack (`cutCount` in use). */
  private readonly cutAt: number[] = [];
  private readonly cutPart: CanonicalPiece[] = [];
  private cutCount = 0;
  private cache: CanonicalPieceCache = NO_CACHE;
  private arena = new Uint8Array(ARENA_BYTES);
  private arenaPos = 0;
  private readonly shapes = new Map<string, Shape>();

  /** The piece of `value`: its cached one, or one made of the scratch and cuts (valid until `reset`). */
  encode(value: unknown, cache: CanonicalPieceCache): CanonicalPiece {
    this.cache = cache;
    this.pos = 0;
    this.cutCount = 0;
    if (typeof value === 'object' && value !== null) {
      const hit = cache.get(value);
      if (hit !== undefined) return hit;
    }
    this.value(value);
    if (this.cutCount === 1 && this.pos === 0) return this.cutPart[0] as CanonicalPiece;
    return this.piece(0, 0, false);
  }

  /** Forget the call's state (the cache is the caller's; the scratch is kept unless it grew large). */
  reset(): void {
    this.cache = NO_CACHE;
    this.cutPart.length = 0;
    this.cutAt.length = 0;
    this.cutCount = 0;
    this.pos = 0;
    if (this.buf.length > SCRATCH_BYTES_KEPT_MAX) this.buf = new Uint8Array(64 * 1024);
  }

  private value(v: unknown): void {
    switch (typeof v) {
      case 'string':
        this.string(v);
        return;
      case 'number':
        this.number(v);
        return;
      case 'boolean':
        this.ascii(v ? 'true' : 'false');
        return;
      case 'object':
        if (v === null) this.ascii('null');
        else if (Array.isArray(v)) this.array(v);
        else this.object(v as Record<string, unknown>);
        return;
      default:
        throw UNSUPPORTED;
    }
  }

  private array(a: readonly unknown[]): void {
    const n = a.length;
    if (n >= CACHED_ENTRIES_MIN) {
      const hit = this.cache.get(a);
      if (hit !== undefined) {
        this.reuse(hit);
        return;
      }
    }
    const start = this.pos;
    const cutStart = this.cutCount;
    this.byte(0x5b); // [
    for (let i = 0; i < n; i++) {
      if (i > 0) this.byte(0x2c); // ,
      this.value(a[i]);
    }
    this.byte(0x5d); // ]
    if (n >= CACHED_ENTRIES_MIN) this.close(a, start, cutStart);
  }

  private object(record: Record<string, unknown>): void {
    const hit = this.cache.get(record);
    if (hit !== undefined) {
      this.reuse(hit);
      return;
    }
    const shape = this.shapeOf(Object.keys(record));
    const sorted = shape.sorted;
    const heads = shape.heads;
    const headEnd = shape.headEnd;
    const start = this.pos;
    const cutStart = this.cutCount;
    this.byte(0x7b); // {
    let from = 0;
    for (let i = 0; i < sorted.length; i++) {
      const v = record[sorted[i] as string];
      if (v === undefined) throw UNSUPPORTED;
      const to = headEnd[i] as number;
      this.room(to - from);
      this.pos = copyBytes(heads, from, to, this.buf, this.pos);
      from = to;
      this.value(v);
    }
    this.byte(0x7d); // }
    if (sorted.length >= CACHED_ENTRIES_MIN) this.close(record, start, cutStart);
  }

  /** The container encoded since `start` is done: cache it, and cut it out of the scratch if it is big. */
  private close(value: object, start: number, cutStart: number): void {
    // A cut is a piece of at least CACHED_BYTES_MIN bytes, so only a flat container can be too short to cache.
    const flat = this.cutCount === cutStart;
    if (flat && this.pos - start < CACHED_BYTES_MIN) return;
    const piece = this.piece(start, cutStart, true);
    this.cache.set(value, piece);
    if (flat && piece.length <= INLINE_BYTES_MAX) return; // its bytes stay where they are, in the parent's
    this.pos = start;
    this.cutCount = cutStart;
    this.cut(piece);
  }

  /** A piece of the scratch from `start` and the cuts from `cutStart`: own bytes copied out when `keep`. */
  private piece(start: number, cutStart: number, keep: boolean): CanonicalPiece {
    const ownLength = this.pos - start;
    const own = keep ? this.alloc(ownLength) : this.buf.subarray(start, this.pos);
    if (keep) copyBytes(this.buf, start, this.pos, own, 0);
    const end = this.cutCount;
    if (end === cutStart) return { length: ownLength, own, at: NO_OFFSETS, parts: NO_PARTS };
    const at = this.cutAt.slice(cutStart, end);
    const parts = this.cutPart.slice(cutStart, end);
    let length = ownLength;
    for (let i = 0; i < at.length; i++) {
      at[i] = (at[i] as number) - start;
      length += (parts[i] as CanonicalPiece).length;
    }
    return { length, own, at, parts };
  }

  /** A cached piece met again: small flat ones are copied into the scratch, others referenced. */
  private reuse(piece: CanonicalPiece): void {
    if (piece.parts.length === 0 && piece.length <= INLINE_BYTES_MAX) {
      this.room(piece.length);
      this.buf.set(piece.own, this.pos);
      this.pos += piece.length;
      return;
    }
    this.cut(piece);
  }

  private cut(piece: CanonicalPiece): void {
    this.cutAt[this.cutCount] = this.pos;
    this.cutPart[this.cutCount] = piece;
    this.cutCount++;
  }

  /** `n` bytes that outlive the call, cut from the current arena (big ones get their own buffer). */
  private alloc(n: number): Uint8Array {
    if (n > ARENA_BYTES / 8) return new Uint8Array(n);
    if (this.arenaPos + n > ARENA_BYTES) {
      this.arena = new Uint8Array(ARENA_BYTES);
      this.arenaPos = 0;
    }
    const bytes = this.arena.subarray(this.arenaPos, this.arenaPos + n);
    this.arenaPos += n;
    return bytes;
  }

  private shapeOf(keys: string[]): Shape {
    const n = keys.length;
    if (n === 0) return EMPTY_SHAPE;
    const first = keys[0] as string;
    const known = this.shapes.get(first);
    if (known !== undefined && known.keys.length === n) {
      const k = known.keys;
      let i = 1;
      while (i < n && k[i] === keys[i]) i++;
      if (i === n) return known;
    }
    const sorted = keys.slice().sort();
    let text = '';
    const textEnd: number[] = [];
    for (let i = 0; i < n; i++) {
      const key = sorted[i] as string;
      text += (i > 0 ? ',' : '') + (PLAIN_STRING.test(key) ? `"${key}":` : `${JSON.stringify(key)}:`);
      textEnd.push(text.length);
    }
    // UTF-8 offsets of the heads: the same as the text's when it is all ASCII (the common case).
    const heads = TEXT_UTF8.encode(text);
    const headEnd = heads.length === text.length ? textEnd : textEnd.map((end) => Buffer.byteLength(text.slice(0, end), 'utf8'));
    const shape: Shape = { keys, sorted, heads, headEnd };
    if (this.shapes.size >= SHAPES_MAX) this.shapes.clear();
    this.shapes.set(first, shape);
    return shape;
  }

  private number(v: number): void {
    // Written without a string where that is sure to give JavaScript's form (V8's shortest round-trip
    // formatting was most of the encoding time): whole numbers below 2^53, printed exactly, and prices in
    // whole cents. When k / 100 is exactly v (k an integer), the decimal k / 100 rounds to v; below 2^40
    // doubles are closer than 0.001 apart, so no other decimal of as few digits rounds to v, and the shortest
    // round-trip form of v is k / 100 without trailing zeros. The property tests compare both with String(v).
    let whole = v;
    let cents = 0;
    if (!(v >= 0 && v < 9007199254740992 && Math.floor(v) === v)) {
      const k = Math.round(v * 100);
      if (!(k / 100 === v && v > 0 && v < 1099511627776)) {
        this.numberText(v);
        return;
      }
      whole = Math.floor(k / 100);
      cents = k - whole * 100;
    }
    const high = whole < 100000000 ? 0 : Math.floor(whole / 100000000);
    this.room(20); // at most 16 digits, or 13 digits, a point and 2
    this.pos = this.digits(high, whole - high * 100000000, cents, this.pos);
  }

  private numberText(v: number): void {
    if (!Number.isFinite(v)) throw UNSUPPORTED;
    this.ascii('' + v); // JSON's number form for finite numbers; -0 prints "0"
  }

  /**
   * The decimal digits of high * 1e8 + low + cents / 100 (integers, 0 <= high, low < 1e8, 0 <= cents < 100;
   * no fraction when cents is 0) at `pos` (room made); returns the end. Two integer parts below 1e8, so that
   * the digit loops work on small integers, not doubles.
   */
  private digits(high: number, low: number, cents: number, pos: number): number {
    const buf = this.buf;
    let end: number;
    if (high === 0) {
      end = pos + digitCount(low);
      this.digitsBefore(low, end);
    } else {
      end = pos + digitCount(high) + 8;
      let p = end;
      for (let i = 0; i < 4; i++) {
        const q = (low / 100) | 0;
        const pair = (low - q * 100) << 1;
        buf[--p] = DIGIT_PAIRS[pair + 1] as number;
        buf[--p] = DIGIT_PAIRS[pair] as number;
        low = q;
      }
      this.digitsBefore(high, p);
    }
    if (cents === 0) return end;
    buf[end++] = 0x2e; // .
    if (cents % 10 === 0) {
      buf[end++] = 0x30 + cents / 10;
    } else {
      buf[end++] = DIGIT_PAIRS[cents << 1] as number;
      buf[end++] = DIGIT_PAIRS[(cents << 1) + 1] as number;
    }
    return end;
  }

  /** The digits of `n` (0 <= n < 1e8), written backwards so that the last one is just before `end`. */
  private digitsBefore(n: number, end: number): void {
    const buf = this.buf;
    let p = end;
    while (n >= 100) {
      const q = (n / 100) | 0;
      const pair = (n - q * 100) << 1;
      buf[--p] = DIGIT_PAIRS[pair + 1] as number;
      buf[--p] = DIGIT_PAIRS[pair] as number;
      n = q;
    }
    if (n >= 10) {
      buf[p - 1] = DIGIT_PAIRS[(n << 1) + 1] as number;
      buf[p - 2] = DIGIT_PAIRS[n << 1] as number;
    } else {
      buf[p - 1] = 0x30 + n;
    }
  }

  private string(s: string): void {
    // Plain ASCII (JSON.stringify leaves it unchanged) is copied as is; anything else goes through JSON.stringify.
    const n = s.length;
    this.room(n + 2);
    const buf = this.buf;
    let p = this.pos;
    buf[p++] = 0x22;
    for (let i = 0; i < n; i++) {
      const c = s.charCodeAt(i);
      if (c < 0x20 || c === 0x22 || c === 0x5c || c > 0x7e) {
        this.utf8Text(JSON.stringify(s));
        return;
      }
      buf[p++] = c;
    }
    buf[p++] = 0x22;
    this.pos = p;
  }

  /** ASCII text, byte by byte (a call into the runtime costs more than the loop for short text). */
  private ascii(s: string): void {
    const n = s.length;
    this.room(n);
    const buf = this.buf;
    let p = this.pos;
    for (let i = 0; i < n; i++) buf[p++] = s.charCodeAt(i);
    this.pos = p;
  }

  private utf8Text(s: string): void {
    this.room(3 * s.length); // a UTF-16 code unit is at most 3 bytes of UTF-8
    this.pos += TEXT_UTF8.encodeInto(s, this.buf.subarray(this.pos)).written;
  }

  private byte(c: number): void {
    this.room(1);
    this.buf[this.pos++] = c;
  }

  private room(n: number): void {
    if (this.pos + n > this.buf.length) {
      const grown = new Uint8Array(Math.max(2 * this.buf.length, this.pos + n));
      grown.set(this.buf.subarray(0, this.pos));
      this.buf = grown;
    }
  }
}

/** The two ASCII digits of 0..99, at 2i and 2i + 1. */
const DIGIT_PAIRS = Uint8Array.from({ length: 200 }, (_, i) => 0x30 + (i % 2 === 0 ? Math.floor(i / 20) : (i >> 1) % 10));

/** Digits of `n`, an integer 0 <= n < 1e8. */
function digitCount(n: number): number {
  if (n < 10000) return n < 10 ? 1 : n < 100 ? 2 : n < 1000 ? 3 : 4;
  return n < 100000 ? 5 : n < 1000000 ? 6 : n < 10000000 ? 7 : 8;
}

const EMPTY_SHAPE: Shape = { keys: [], sorted: [], heads: new Uint8Array(0), headEnd: [] };
const ENCODER = new Encoder();

/** Strings of only these characters are emitted by JSON.stringify unchanged between quotes. */
const PLAIN_STRING = /^[\x20\x21\x23-\x5b\x5d-\x7e]*$/;
const UNSUPPORTED = Symbol('unsupported');

// The hot path of canonicalJson (state hashes): string building, no escaping work for plain ASCII strings.
function fast(value: unknown): string {
  switch (typeof value) {
    case 'string':
      return PLAIN_STRING.test(value) ? `"${value}"` : JSON.stringify(value);
    case 'number':
      if (!Number.isFinite(value)) throw UNSUPPORTED;
      return '' + value; // JSON's number form for finite numbers; -0 prints "0"
    case 'boolean':
      return value ? 'true' : 'false';
    case 'object': {
      if (value === null) return 'null';
      if (Array.isArray(value)) {
        let out = '[';
        for (let i = 0; i < value.length; i++) out += (i > 0 ? ',' : '') + fast(value[i]);
        return out + ']';
      }
      const record = value as Record<string, unknown>;
      const keys = Object.keys(record).sort();
      let out = '{';
      for (let i = 0; i < keys.length; i++) {
        const key = keys[i] as string;
        const v = record[key];
        if (v === undefined) throw UNSUPPORTED;
        out += (i > 0 ? ',' : '') + (PLAIN_STRING.test(key) ? `"${key}":` : `${JSON.stringify(key)}:`) + fast(v);
      }
      return out + '}';
    }
    default:
      throw UNSUPPORTED;
  }
}

/** The reference encoder: slower, and its errors name the path of the value JSON cannot carry. */
function reference(value: unknown): string {
  const out: string[] = [];
  write(value, out, '$');
  return out.join('');
}

function write(value: unknown, out: string[], path: string): void {
  if (value === null) {
    out.push('null');
    return;
  }
  switch (typeof value) {
    case 'string':
      out.push(JSON.stringify(value));
      return;
    case 'boolean':
      out.push(value ? 'true' : 'false');
      return;
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError(`canonicalJson: ${path} is ${value}, not a finite number`);
      out.push(Object.is(value, -0) ? '0' : JSON.stringify(value));
      return;
    case 'object': {
      if (Array.isArray(value)) {
        out.push('[');
        for (let i = 0; i < value.length; i++) {
          if (i > 0) out.push(',');
          write(value[i], out, `${path}[${i}]`);
        }
        out.push(']');
        return;
      }
      const record = value as Record<string, unknown>;
      const keys = Object.keys(record).sort();
      out.push('{');
      let first = true;
      for (const key of keys) {
        const v = record[key];
        if (v === undefined) throw new TypeError(`canonicalJson: ${path}.${key} is undefined`);
        if (!first) out.push(',');
        first = false;
        out.push(JSON.stringify(key), ':');
        write(v, out, `${path}.${key}`);
      }
      out.push('}');
      return;
    }
    default:
      throw new TypeError(`canonicalJson: ${path} is a ${typeof value}, which JSON cannot carry`);
  }
}
