// Flat JSON objects (every value a number, a string, a boolean or null) passed between threads as columns
// and rebuilt on the other side as the very objects JSON.parse gives: the same keys in the same enumeration
// order, the same values (every double exactly, -0 included). `replay --verify`'s checker (check-worker.ts)
// sends the payloads it has already parsed and checked this way, so that the thread re-running them does not
// parse them again: rebuilding a bar is several times cheaper than parsing its text. Anything else (a nested
// value, a "__proto__" key, which an assignment would not define as JSON.parse does) is not encoded: the
// caller sends its text.

/** Value tags. A number is stored as itself; a string as its index in the page's strings. */
const NUMBER = 0;
const STRING = 1;
const TRUE = 2;
const FALSE = 3;
const NULL = 4;

/** One page of encoded objects: the shapes (key lists), and per value a tag and a number. */
export interface FlatColumns {
  /** JSON text of the shapes: an array of key lists. */
  readonly shapes: string;
  /** Per object, the index of its shape. */
  readonly shapeAt: Uint16Array;
  /** Per value, in object order then key order: its tag. */
  readonly tags: Uint8Array;
  /** Per value: the number, or the string's index in `strings`. */
  readonly values: Float64Array;
  /** JSON text of the strings. */
  readonly strings: string;
}

/** Shapes one page may hold: the index is a Uint16. */
const SHAPES_MAX = 65_535;

export class FlatEncoder {
  count = 0;
  private valueCount = 0;
  private readonly shapes: string[][] = [];
  private readonly shapeAt: Uint16Array;
  private tags: Uint8Array;
  private values: Float64Array;
  private readonly strings: string[] = [];
  /** The shape of the last object encoded and its index: runs of rows share a shape. */
  private lastShape: string[] | null = null;
  private lastShapeAt = -1;

  /** For at most `objects` objects. */
  constructor(objects: number) {
    this.shapeAt = new Uint16Array(objects);
    this.tags = new Uint8Array(objects * 8);
    this.values = new Float64Array(objects * 8);
  }

  /** Encode `value` as the next object; false (nothing encoded) when it is not a flat object. */
  add(value: unknown): boolean {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
    const record = value as Record<string, unknown>;
    const keys = Object.keys(record);
    const shape = this.shapeOf(keys);
    if (shape < 0) return false;
    const start = this.valueCount;
    const stringsStart = this.strings.length;
    this.room(keys.length);
    for (let k = 0; k < keys.length; k++) {
      const v = record[keys[k]!];
      const at = this.valueCount++;
      if (typeof v === 'number') {
        this.tags[at] = NUMBER;
        this.values[at] = v;
      } else if (typeof v === 'string') {
        this.tags[at] = STRING;
        this.values[at] = this.strings.push(v) - 1;
      } else if (v === true || v === false) {
        this.tags[at] = v ? TRUE : FALSE;
      } else if (v === null) {
        this.tags[at] = NULL;
      } else {
        this.valueCount = start;
        this.strings.length = stringsStart;
        return false;
      }
    }
    this.shapeAt[this.count++] = shape;
    return true;
  }

  build(): FlatColumns {
    return {
      shapes: JSON.stringify(this.shapes), shapeAt: this.shapeAt, tags: this.tags.subarray(0, this.valueCount),
      values: this.values.subarray(0, this.valueCount), strings: JSON.stringify(this.strings),
    };
  }

  /** The index of the shape with these keys (added if new), or -1 when they cannot be rebuilt by assignment. */
  private shapeOf(keys: string[]): number {
    const last = this.lastShape;
    if (last !== null && sameKeys(last, keys)) return this.lastShapeAt;
    let at = this.shapes.findIndex((s) => sameKeys(s, keys));
    if (at < 0) {
      if (keys.includes('__proto__') || this.shapes.length === SHAPES_MAX) return -1;
      at = this.shapes.push(keys) - 1;
    }
    this.lastShape = this.shapes[at]!;
    this.lastShapeAt = at;
    return at;
  }

  private room(more: number): void {
    if (this.valueCount + more <= this.tags.length) return;
    const size = Math.max(this.tags.length * 2, this.valueCount + more);
    const tags = new Uint8Array(size);
    tags.set(this.tags.subarray(0, this.valueCount));
    const values = new Float64Array(size);
    values.set(this.values.subarray(0, this.valueCount));
    this.tags = tags;
    this.values = values;
  }
}

function sameKeys(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Rebuilds the objects of one page, in the order they were encoded. */
export class FlatDecoder {
  private readonly shapes: string[][];
  private readonly strings: string[];
  private object = 0;
  private value = 0;

  constructor(private readonly columns: FlatColumns) {
    this.shapes = JSON.parse(columns.shapes) as string[][];
    this.strings = JSON.parse(columns.strings) as string[];
  }

  /** The next object. */
  next(): Record<string, unknown> {
    const { tags, values } = this.columns;
    const keys = this.shapes[this.columns.shapeAt[this.object++]!]!;
    const out: Record<string, unknown> = {};
    for (let k = 0; k < keys.length; k++) {
      const at = this.value++;
      const tag = tags[at];
      out[keys[k]!] = tag === NUMBER ? values[at] : tag === STRING ? this.strings[values[at]!] : tag === TRUE ? true : tag === FALSE ? false : null;
    }
    return out;
  }
}
