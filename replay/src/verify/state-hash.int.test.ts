import { stateHash, type EngineState } from '@axiom/projections';
import { StateHashes } from './state-hash';

// The verify's state hashes, computed in real worker threads: exactly stateHash, whatever the value holds
// (-0, deep nesting, non-ASCII text), and the same error as stateHash for a state canonical JSON cannot carry.

const asState = (v: unknown) => v as EngineState;

function errorOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    return (e as Error).message;
  }
  return 'no error';
}

describe('StateHashes', () => {
  let hashes: StateHashes;
  beforeEach(() => {
    hashes = new StateHashes();
  });
  afterEach(() => hashes.stop());

  it('hashes like stateHash, states taken in turn by the workers and answered per seq', () => {
    const leaf = Array.from({ length: 112 }, (_, i) => 100 + i / 4);
    const states = Array.from({ length: 7 }, (_, i) => asState({
      market: { leaves: [leaf, [i, -0, 1e-7, 2 ** 60]], reason: `reprice ${i} → halfway` },
      orders: Object.fromEntries(Array.from({ length: i * 3 }, (_, k) => [`o-${k}`, { qty: k, note: 'x'.repeat(k) }])),
      seq: i,
    }));
    states.forEach((s, i) => hashes.submit(i + 1, s));
    // Awaited out of submission order: each worker answers in order, the pool per seq.
    for (const i of [6, 0, 3, 1, 2, 5, 4]) expect(hashes.await(i + 1)).toBe(stateHash(states[i]!));
    expect(hashes.take(1)).toBe(stateHash(states[0]!));
  });

  it('gives the error stateHash gives for a state canonical JSON cannot carry (clone refused, or encoding refused)', () => {
    const withFunction = asState({ a: 1, f: () => 1 });
    hashes.submit(1, asState({ ok: true }));
    hashes.submit(2, withFunction);
    expect(() => hashes.await(2)).toThrow(errorOf(() => stateHash(withFunction)));
    const withNaN = asState({ a: { b: Number.NaN } });
    hashes.submit(3, withNaN);
    expect(() => hashes.await(3)).toThrow(errorOf(() => stateHash(withNaN)));
    expect(hashes.await(1)).toBe(stateHash(asState({ ok: true })));
  });
});
