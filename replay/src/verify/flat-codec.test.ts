import fc from 'fast-check';
import { FlatDecoder, FlatEncoder, type FlatColumns } from './flat-codec';

// The thread re-running a journal gets, for an encoded payload, what JSON.parse would have given it: the same
// keys in the same enumeration order and the same values. Held against JSON.parse itself on generated flat
// objects (integer-like keys, -0, any string), and the codec must refuse what it cannot rebuild. fast-check
// prints the seed of any failure (FC_SEED reproduces it; jest.setup.cjs).

/** A page's columns as the other thread gets them: through structured clone. */
const transported = (c: FlatColumns): FlatColumns => structuredClone(c);

/** Keys and values in enumeration order, -0 told apart from 0. */
const entries = (o: Record<string, unknown>) => Object.keys(o).map((k) => [k, Object.is(o[k], -0) ? '-0' : o[k]]);

const flatValue = fc.oneof(fc.double({ noNaN: true, noDefaultInfinity: true }), fc.constant(-0), fc.integer(), fc.string({ unit: 'grapheme' }), fc.boolean(), fc.constant(null));
const key = fc.oneof(fc.string(), fc.constantFrom('0', '1', '10', 'symbol', 'close', 'a', 'constructor', 'toString'));
const flatObject = fc.dictionary(key, flatValue, { maxKeys: 12 });

describe('FlatEncoder and FlatDecoder', () => {
  it('rebuild every flat object as JSON.parse gives it, in order, across shapes', () => {
    fc.assert(fc.property(fc.array(flatObject, { minLength: 1, maxLength: 40 }), (objects) => {
      const parsed = objects.map((o) => JSON.parse(JSON.stringify(o)) as Record<string, unknown>);
      const enc = new FlatEncoder(parsed.length);
      // A "__proto__" key (fast-check makes some) is refused: the caller sends that payload's text.
      const encodable = (p: Record<string, unknown>) => !Object.keys(p).includes('__proto__');
      for (const p of parsed) expect(enc.add(p)).toBe(encodable(p));
      const dec = new FlatDecoder(transported(enc.build()));
      for (const p of parsed.filter(encodable)) {
        const rebuilt = dec.next();
        expect(entries(rebuilt)).toEqual(entries(p));
        expect(JSON.stringify(rebuilt)).toBe(JSON.stringify(p));
        expect(Object.getPrototypeOf(rebuilt)).toBe(Object.prototype);
      }
    }));
  });

  it('rebuild what JSON.parse makes of texts that spell values and keys every way JSON allows', () => {
    // -0, exponents, escapes, duplicate keys (JSON.parse keeps the last), any code unit in keys and strings.
    const spelled = fc.oneof(
      fc.double({ noNaN: true, noDefaultInfinity: true }).map((x) => (Object.is(x, -0) ? '-0' : x.toExponential())),
      fc.integer().map(String),
      fc.constant('-0'),
      fc.constant('-0.0e5'),
      fc.string({ unit: 'binary' }).map((t) => JSON.stringify(t)),
      fc.constantFrom('true', 'false', 'null'),
    );
    const text = fc.array(fc.tuple(fc.oneof(fc.string({ unit: 'binary' }), fc.constantFrom('0', '7', 'a', 'a')), spelled), { maxLength: 12 })
      .map((entries) => `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${v}`).join(',')}}`);
    fc.assert(fc.property(fc.array(text, { minLength: 1, maxLength: 20 }), (texts) => {
      const parsed = texts.map((t) => JSON.parse(t) as Record<string, unknown>).filter((p) => !Object.keys(p).includes('__proto__'));
      const enc = new FlatEncoder(parsed.length);
      for (const p of parsed) expect(enc.add(p)).toBe(true);
      const dec = new FlatDecoder(transported(enc.build()));
      for (const p of parsed) expect(entries(dec.next())).toEqual(entries(p));
    }));
  });

  it('keeps -0, the largest and smallest doubles and runs of one shape exactly', () => {
    const objects = [
      { close: -0, high: Number.MAX_VALUE, low: Number.MIN_VALUE, symbol: 'SPY', vwap: null },
      { close: 0.30000000000000004, high: 1e21, low: 5e-324, symbol: 'QQQ', vwap: 1 },
      { close: 1, high: 2, low: 0.5, symbol: '', vwap: null },
    ];
    const enc = new FlatEncoder(objects.length);
    for (const o of objects) expect(enc.add(o)).toBe(true);
    const dec = new FlatDecoder(transported(enc.build()));
    for (const o of objects) expect(entries(dec.next())).toEqual(entries(o));
  });

  it('refuses what it cannot rebuild, and encodes the next object as if the refused one had not come', () => {
    const enc = new FlatEncoder(8);
    for (const refused of [{ a: 1, nested: { b: 2 } }, { a: 'x', list: [1] }, JSON.parse('{"__proto__":1,"a":2}'), [1, 2], null, 'text', 3]) {
      expect(enc.add(refused)).toBe(false);
    }
    expect(enc.add({ a: 'y', b: true, c: false })).toBe(true);
    const dec = new FlatDecoder(transported(enc.build()));
    expect(entries(dec.next())).toEqual([['a', 'y'], ['b', true], ['c', false]]);
    expect(enc.count).toBe(1);
  });
});
