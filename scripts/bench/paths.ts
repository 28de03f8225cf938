// Where the benchmarks live, found through a workspace package so it holds when a script runs bundled
// (scripts/bench/run.cjs puts the bundle in scripts/bench/.build, where __dirname points).
import { dirname, join, resolve } from 'node:path';

export const REPO_ROOT = resolve(dirname(require.resolve('@axiom/replay/package.json')), '..');

/** scripts/bench/<name>: where a benchmark's RESULTS.md goes. */
export const benchDir = (name: string): string => join(REPO_ROOT, 'scripts', 'bench', name);
