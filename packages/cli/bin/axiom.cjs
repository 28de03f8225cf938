#!/usr/bin/env node
// The `axiom` binary. Runs the production bundle of the CLI (build.cjs: rebuilt first whenever a source is
// newer than it); AXIOM_FROM_SOURCE=1 runs the TypeScript sources through tsx instead (debugging).
'use strict';
const build = require('../build.cjs');
// The engine's V8 flags (a larger young generation): when started without them, this process only runs a
// child Node that has them (`pnpm axiom` and scripts/demo pass them, so there is one process).
if (!build.withNodeFlags(__filename, process.argv.slice(2))) return;
// Production builds of dependencies (immer's development build adds checks on every produce).
process.env.NODE_ENV = process.env.NODE_ENV || 'production';
// User strategy files (`--strategy ./my.ts`) are TypeScript: tsx's CommonJS hook loads them.
require('tsx/cjs');
let entry;
if (process.env.AXIOM_FROM_SOURCE === '1') {
  entry = '../src/main.ts';
} else {
  entry = build.ensureCliBundle();
  // Stack traces (an engine halt journals the frames inside the engine) name the TypeScript sources.
  process.setSourceMapsEnabled(true);
}
const { main } = require(entry);
main(process.argv).then(
  (code) => { process.exitCode = code; },
  (err) => { process.stderr.write(`axiom: ${err && err.stack ? err.stack : String(err)}\n`); process.exitCode = 70; },
);
