// One jest config for the whole workspace: TypeScript is compiled to CommonJS by @swc/jest (fast, no type
// check; `pnpm run typecheck` does that), tests sit beside the code as *.test.ts and *.int.test.ts.
/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/packages', '<rootDir>/journal', '<rootDir>/projections', '<rootDir>/replay', '<rootDir>/scripts'],
  testMatch: ['**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/'],
  transform: {
    '^.+\\.ts$': ['@swc/jest', { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'commonjs' } }],
  },
  setupFiles: ['<rootDir>/jest.setup.cjs'],
  testTimeout: 60000,
};
