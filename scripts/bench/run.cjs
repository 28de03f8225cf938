#!/usr/bin/env node
// Runs a benchmark the way production runs the engine: bundled (packages/cli/build.cjs), not through tsx's
// per-file transform. Usage: node scripts/bench/run.cjs <journal|replay|backtest|recovery> [script args]
'use strict';
const path = require('node:path');
const { ensureBundle, withNodeFlags } = require('../../packages/cli/build.cjs');

const name = process.argv[2];
const known = ['journal', 'replay', 'backtest', 'recovery', 'profile'];
if (!known.includes(name)) {
  process.stderr.write(`usage: node scripts/bench/run.cjs <${known.join('|')}> [args]\n`);
  process.exit(2);
}
if (!withNodeFlags(__filename, process.argv.slice(2))) return;
process.env.NODE_ENV = process.env.NODE_ENV || 'production';
const bundle = ensureBundle(path.join(__dirname, name, 'index.ts'), path.join(__dirname, '.build', `${name}.cjs`));
process.setSourceMapsEnabled(true);
process.argv.splice(2, 1);
require(bundle);
