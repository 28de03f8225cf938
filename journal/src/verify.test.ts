import { GENESIS_HASH, canonicalJson, chainHash, kindOf, type AnyDraft } from '@axiom/events';
import fc from 'fast-check';
import { jsonishValue } from '@axiom/events/src/testing/arbitraries';
import { checkRow, isCanonicalText, type ChainPosition, type StoredRow, type VerifyProblem } from './verify';
import { barDraft, orderCreatedDraft, signalDraft } from './testing/fixtures';

// checkRow is verify's decision table. Each case below breaks exactly one rule of a valid row and must be
// reported as exactly that problem; a valid row must pass.

function storedRow(d: AnyDraft, seq: number, causedBy: number | null, prevHash: string): StoredRow {
  const payload = canonicalJson(d.payload);
  const kind = kindOf(d.type);
  const p = d.payload as Record<string, unknown>;
  return {
    seq, ts: d.ts, kind, type: d.type, causedBy, payload,
    hash: chainHash(prevHash, seq, d.ts, kind, d.type, payload),
    symbol: typeof p.symbol === 'string' ? p.symbol : null,
    clientOrderId: typeof p.clientOrderId === 'string' ? p.clientOrderId : null,
  };
}

/** Recompute the hash after an edit, so only the intended rule is broken. */
function rehash(row: StoredRow, prevHash: string): StoredRow {
  return { ...row, hash: chainHash(prevHash, row.seq, row.ts, row.kind as 'input', row.type, row.payload) };
}

const PREV = 'ab'.repeat(32);
const input = storedRow(barDraft(1), 7, null, PREV);
const decision = storedRow(orderCreatedDraft(1), 8, 7, input.hash);
const atInput: ChainPosition = { expectedSeq: 7, prevHash: PREV, lastInputSeq: 3 };
const atDecision: ChainPosition = { expectedSeq: 8, prevHash: input.hash, lastInputSeq: 7 };

describe('checkRow (verify decision table)', () => {
  it('passes valid rows', () => {
    expect(checkRow(input, atInput)).toBeNull();
    expect(checkRow(decision, atDecision)).toBeNull();
    const first = storedRow(barDraft(0), 1, null, GENESIS_HASH);
    expect(checkRow(first, { expectedSeq: 1, prevHash: GENESIS_HASH, lastInputSeq: null })).toBeNull();
  });

  const cases: Array<[string, StoredRow, ChainPosition, VerifyProblem, number, RegExp]> = [
    ['a missing seq', { ...input, seq: 9 }, atInput, 'gap', 7, /seq 7 is missing: the next row is seq 9/],
    ['an edited payload', { ...input, payload: input.payload.replace('"volume":1001', '"volume":1002') }, atInput, 'hash_mismatch', 7, /stored hash/],
    ['an edited ts', { ...input, ts: input.ts + 1 }, atInput, 'hash_mismatch', 7, /chain hash/],
    ['an edited hash', { ...input, hash: 'f'.repeat(64) }, atInput, 'hash_mismatch', 7, /stored hash ffff/],
    ['a different previous hash', input, { ...atInput, prevHash: GENESIS_HASH }, 'hash_mismatch', 7, /altered/],
    ['an unknown type', rehash({ ...input, type: 'market.tick' }, PREV), atInput, 'unknown_type', 7, /"market.tick" is not a known event type/],
    ['an empty type', rehash({ ...input, type: '' }, PREV), atInput, 'unknown_type', 7, /"" is not a known event type/],
    ['a wrong kind', rehash({ ...input, kind: 'decision' }, PREV), atInput, 'bad_kind', 7, /market.bar is stored as kind "decision"; the catalog says input/],
    ['an input with causedBy', { ...input, causedBy: 3 }, atInput, 'bad_caused_by', 7, /inputs have none/],
    ['a decision without causedBy', { ...decision, causedBy: null }, atDecision, 'bad_caused_by', 8, /causedBy null, but the input of its transaction is seq 7/],
    ['a decision caused by another input', { ...decision, causedBy: 3 }, atDecision, 'bad_caused_by', 8, /causedBy 3/],
    ['a decision before any input', decision, { ...atDecision, lastInputSeq: null }, 'bad_caused_by', 8, /before any input/],
    ['a payload that is not JSON', rehash({ ...input, payload: '{"symbol":' }, PREV), atInput, 'schema', 7, /not JSON/],
    ['a payload failing its schema', rehash({ ...input, payload: input.payload.replace('"volume":1001', '"volume":-5') }, PREV), atInput, 'schema', 7,
      /market.bar.payload.volume: -5 is not a non-negative integer/],
    ['a non-canonical payload', rehash({ ...input, payload: JSON.stringify(barDraft(1).payload) }, PREV), atInput, 'schema', 7, /canonical/],
    ['a symbol column not matching the payload', { ...input, symbol: 'QQQ' }, atInput, 'schema', 7, /symbol column "QQQ"/],
    ['a client_order_id column not matching', { ...decision, clientOrderId: null }, atDecision, 'schema', 8, /client_order_id column null/],
  ];

  it.each(cases)('reports %s', (_name, row, at, problem, seq, detail) => {
    const bad = checkRow(row, at);
    expect(bad).not.toBeNull();
    expect(bad?.problem).toBe(problem);
    expect(bad?.seq).toBe(seq);
    expect(bad?.detail).toMatch(detail);
  });

  it('covers every problem of the table', () => {
    const covered = new Set(cases.map((c) => c[3]));
    const all: VerifyProblem[] = ['gap', 'hash_mismatch', 'unknown_type', 'bad_kind', 'bad_caused_by', 'schema'];
    expect([...covered].sort()).toEqual([...all].sort());
  });

  it('checks signals too (a decision type with a symbol)', () => {
    const s = storedRow(signalDraft(1), 8, 7, input.hash);
    expect(checkRow(s, atDecision)).toBeNull();
  });
});

// The canonical-form rule takes a native shortcut (JSON.stringify's text with every object's keys in sorted
// order) before the canonical encoder; its verdict must be the encoder's on any JSON text: canonical ones,
// insertion-ordered ones (integer-like keys, which JSON.parse enumerates first), spaced ones, other number
// spellings. fast-check prints the seed of any failure (FC_SEED reproduces it).
describe('the canonical-form rule', () => {
  const keys = fc.constantFrom('a', 'b', 'B', 'é', '1', '2', '10', '01', '-1', '');
  const values = jsonishValue(keys, 4).filter((v) => {
    try {
      canonicalJson(v);
      return true;
    } catch {
      return false;
    }
  });
  const spellings = (v: unknown): string[] => {
    const c = canonicalJson(v);
    return [c, JSON.stringify(v), JSON.stringify(v, null, 1), c.replace(/(\d)([,\]}])/, '$1.0$2'), c.replace(/(\d)([,\]}])/, '$1e0$2'), c.replace(':0', ':-0')];
  };

  it('agrees with encoding canonically (property)', () => {
    fc.assert(fc.property(values, (v) => {
      for (const text of spellings(v)) {
        let parsed: unknown;
        try {
          parsed = JSON.parse(text);
        } catch {
          continue; // a respelling that is not JSON (5e-324.0): nothing to judge
        }
        expect(isCanonicalText(parsed, text)).toBe(canonicalJson(parsed) === text);
      }
    }), { numRuns: 2_000 });
  });

  it('refuses what the shortcut alone would pass: integer-like keys out of code-unit order', () => {
    const text = '{"10":1,"9":2}';
    expect(isCanonicalText(JSON.parse(text), text)).toBe(true);
    const stringified = JSON.stringify(JSON.parse(text));
    expect(stringified).toBe('{"9":2,"10":1}');
    expect(isCanonicalText(JSON.parse(stringified), stringified)).toBe(false);
  });
});
