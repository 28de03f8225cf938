// A small seeded PRNG (mulberry32) for tests and benchmarks whose randomness is not fast-check's: the seed is
// printed, and passing it back reproduces the run.

export { mulberry32 } from '@axiom/events';

/** Uniform integer in [min, max]. */
export function randInt(rand: () => number, min: number, max: number): number {
  return min + Math.floor(rand() * (max - min + 1));
}
