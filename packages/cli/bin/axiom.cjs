#!/usr/bin/env node
// The `axiom` binary: loads the TypeScript CLI through tsx's CommonJS hook (no build step needed).
'use strict';
// Production builds of dependencies (immer's development build adds checks on every produce).
process.env.NODE_ENV = process.env.NODE_ENV || 'production';
require('tsx/cjs');
const { main } = require('../src/main.ts');
main(process.argv).then(
  (code) => { process.exitCode = code; },
  (err) => { process.stderr.write(`axiom: ${err && err.stack ? err.stack : String(err)}\n`); process.exitCode = 70; },
);
