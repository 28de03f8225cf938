// @axiom/cli: the `axiom` command (bin/axiom.cjs loads main.ts through tsx).
export { buildProgram, main } from './main';
export { EXIT, UsageError } from './exit';
