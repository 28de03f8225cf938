// mulberry32: a small seeded PRNG for tests, generators and benchmarks whose randomness is not fast-check's.
// Deterministic (the same seed gives the same sequence), so a logged seed reproduces a run. Never used by the
// engine's decisions: those read no randomness at all.

/** Returns a function giving uniform floats in [0, 1). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
