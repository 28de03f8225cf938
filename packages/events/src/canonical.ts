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
 * Canonical JSON, as UTF-8 bytes, of an immutable, structurally shared value (engine states: each new state
 * shares every unchanged subtree with the one before), reusing the bytes of subtrees encoded before: `cache`
 * maps an object or array to its encoding. Bytes, not a string: a snapshot is megabytes assembled from
 * thousands of cached pieces, which a string would hold as a rope that hashing and storing must flatten and
 * transcode again (~100 ms a snapshot at 500 symbols); here the pieces are copied once into one buffer.
 * Only sound when nothing in `value` is ever mutated after it was encoded; the engine's reducers never
 * mutate (the engine's tests compare every snapshot with a fresh `canonicalJson`). The bytes of
 * `canonicalJson(value)`; a value it cannot carry throws the reference encoder's error.
 */
export function canonicalJsonCachedUtf8(value: unknown, cache: WeakMap<object, Buffer>): Buffer {
  const w = new PieceWriter();
  try {
    encodeCached(value, cache, w);
  } catch (e) {
    if (e === UNSUPPORTED) return Buffer.from(reference(value));
    throw e;
  }
  return w.all();
}

/** Subtrees whose encoding is shorter than this are re-encoded (a cache entry costs more than they do). */
const CACHED_BYTES_MIN = 128;

/** Output as pieces: short texts gathered in a string, cached subtrees appended as their bytes. */
class PieceWriter {
  private readonly pieces: Buffer[] = [];
  private text = '';

  write(text: string): void {
    this.text += text;
  }

  append(bytes: Buffer): void {
    this.flushText();
    this.pieces.push(bytes);
  }

  /** A position to take the bytes written after it from (`since`). */
  mark(): number {
    this.flushText();
    return this.pieces.length;
  }

  /** The bytes written since `mark`, as one buffer that replaces those pieces. */
  since(mark: number): Buffer {
    this.flushText();
    const n = this.pieces.length - mark;
    const one = n === 1 ? (this.pieces[mark] as Buffer) : Buffer.concat(this.pieces.slice(mark));
    this.pieces.length = mark;
    this.pieces.push(one);
    return one;
  }

  /** Everything written, as one buffer. */
  all(): Buffer {
    this.flushText();
    return this.pieces.length === 1 ? (this.pieces[0] as Buffer) : Buffer.concat(this.pieces);
  }

  private flushText(): void {
    if (this.text.length > 0) {
      this.pieces.push(Buffer.from(this.text, 'utf8'));
      this.text = '';
    }
  }
}

/** Arrays and objects with at least this many entries are cache candidates (smaller ones are cheaper to encode). */
const CACHED_ENTRIES_MIN = 8;

function encodeCached(value: unknown, cache: WeakMap<object, Buffer>, w: PieceWriter): void {
  if (typeof value !== 'object' || value === null) {
    w.write(fast(value));
    return;
  }
  const hit = cache.get(value);
  if (hit !== undefined) {
    w.append(hit);
    return;
  }
  if (Array.isArray(value)) {
    const mark = value.length >= CACHED_ENTRIES_MIN ? w.mark() : -1;
    w.write('[');
    for (let i = 0; i < value.length; i++) {
      if (i > 0) w.write(',');
      encodeCached(value[i], cache, w);
    }
    w.write(']');
    if (mark >= 0) remember(value, w.since(mark), cache);
    return;
  }
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record).sort();
  const mark = keys.length >= CACHED_ENTRIES_MIN ? w.mark() : -1;
  w.write('{');
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i] as string;
    const v = record[key];
    if (v === undefined) throw UNSUPPORTED;
    w.write((i > 0 ? ',' : '') + (PLAIN_STRING.test(key) ? `"${key}":` : `${JSON.stringify(key)}:`));
    encodeCached(v, cache, w);
  }
  w.write('}');
  if (mark >= 0) remember(value, w.since(mark), cache);
}

function remember(value: object, bytes: Buffer, cache: WeakMap<object, Buffer>): void {
  if (bytes.length >= CACHED_BYTES_MIN) cache.set(value, bytes);
}

/** Strings of only these characters are emitted by JSON.stringify unchanged between quotes. */
const PLAIN_STRING = /^[\x20\x21\x23-\x5b\x5d-\x7e]*$/;
const UNSUPPORTED = Symbol('unsupported');

// The hot path (state hashes, snapshots): string building, no escaping work for plain ASCII strings.
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
