// Lint rules for the workspace. The purity block enforces STYLE rule 1: reducers, the decider and
// strategies read no clock, no randomness and do no I/O; time and ids arrive as event data.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const impure = {
  'no-restricted-globals': ['error',
    { name: 'setTimeout', message: 'Pure code has no timers; deadlines are state, timers are inputs.' },
    { name: 'setInterval', message: 'Pure code has no timers.' },
    { name: 'setImmediate', message: 'Pure code has no timers.' },
    { name: 'performance', message: 'Pure code reads no clock.' },
    { name: 'crypto', message: 'Pure code has no randomness; ids derive from journal seqs.' },
    { name: 'fetch', message: 'Pure code does no I/O.' },
    { name: 'process', message: 'Pure code reads no environment and does no I/O.' },
    { name: 'require', message: 'Pure code does not load modules dynamically.' },
  ],
  'no-restricted-properties': ['error',
    { object: 'Math', property: 'random', message: 'Pure code has no randomness.' },
    { object: 'Date', property: 'now', message: 'Pure code reads time from events.' },
    { object: 'crypto', property: 'randomUUID', message: 'Ids derive from journal seqs.' },
    { object: 'performance', property: 'now', message: 'Pure code reads no clock.' },
  ],
  'no-restricted-syntax': ['error',
    { selector: "NewExpression[callee.name='Date'][arguments.length=0]", message: 'Pure code reads time from events (ts): new Date() needs an argument.' },
    { selector: "CallExpression[callee.name='Date']", message: 'Date() reads the clock.' },
  ],
  'no-restricted-imports': ['error', { paths: ['fs', 'node:fs', 'fs/promises', 'node:fs/promises', 'net', 'node:net', 'http', 'node:http', 'https', 'node:https', 'child_process', 'node:child_process', 'better-sqlite3', 'ws', 'axios', 'pino'] }],
};

export default tseslint.config(
  { ignores: ['**/node_modules/**', '**/dist/**', 'coverage/**', '**/*.cjs', '**/*.mjs', 'replay/vendor/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'off',
    },
  },
  {
    // Pure code: projections (reducers), the decider and the strategies. Tests are exempt (they may time things).
    files: ['projections/src/**/*.ts', 'packages/engine/src/decide*/**/*.ts', 'packages/engine/src/decide*.ts', 'packages/strategies/src/builtin/**/*.ts', 'packages/strategies/src/contract.ts'],
    ignores: ['**/*.test.ts'],
    rules: impure,
  },
);
