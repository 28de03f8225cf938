// @ts-check
// The production build: the CLI (and any script) bundled by esbuild into one CommonJS file. The sources run
// unbundled under tsx in development and tests, where every call across a module boundary goes through an
// export getter (and tsx keeps function names with a helper call): the bundled engine steps ~2x faster
// (scripts/bench measured 1.9 s against 4.3 s for the same day of inputs). The bundle is rebuilt whenever a
// source file is newer than it, so `axiom` never runs stale code.
//
// Kept outside the bundle: better-sqlite3 (native) and parquet-wasm (loads its .wasm beside itself), resolved
// from the bundle's directory like any dependency; the journal's worker-thread files (plain CommonJS,
// started by path) are copied next to the bundle.
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const REPO_ROOT = path.resolve(__dirname, '..', '..');
/** Where the workspace's TypeScript sources are: a change to any of them makes a bundle stale. */
const SOURCE_DIRS = ['packages', 'journal', 'projections', 'replay'].map((d) => path.join(REPO_ROOT, d));
/** Worker-thread entry files started by path (`new Worker(join(__dirname, name))`): copied beside a bundle. */
const WORKER_FILES = ['journal/src/write-behind-thread.cjs', 'journal/src/read-ahead-thread.cjs'];
/**
 * Worker-thread entries written in TypeScript: bundled beside a bundle under these names, where the code
 * that starts them looks first (outside a bundle it starts a .cjs bootstrap that loads the sources via tsx).
 */
const WORKER_BUNDLES = [
  { entry: 'replay/src/verify/worker-entry.ts', out: 'verify-worker.cjs' },
  { entry: 'replay/src/verify/check-entry.ts', out: 'verify-checker.cjs' },
  { entry: 'replay/src/data/day-reader-entry.ts', out: 'day-reader-thread.cjs' },
];
const EXTERNAL = ['better-sqlite3', 'parquet-wasm', 'parquet-wasm/*', 'tsx', 'tsx/*', 'esbuild', 'uplot/*', '@axiom/replay/package.json'];

/** Newest modification time (ms) of the sources a bundle is built from (the workspace and the entry's directory). */
function newestSourceMtimeMs(entryDir) {
  let newest = fs.statSync(__filename).mtimeMs;
  for (const dir of [...SOURCE_DIRS, entryDir]) {
    for (const entry of fs.readdirSync(dir, { recursive: true, withFileTypes: true })) {
      if (!entry.isFile()) continue;
      const name = entry.name;
      if (!(name.endsWith('.ts') || name.endsWith('.cjs') || name === 'package.json' || name.endsWith('.json'))) continue;
      const parent = /** @type {string} */ (entry.parentPath ?? /** @type {any} */ (entry).path);
      if (parent.includes(`${path.sep}node_modules`) || parent.includes(`${path.sep}dist`)) continue;
      const m = fs.statSync(path.join(parent, name)).mtimeMs;
      if (m > newest) newest = m;
    }
  }
  return newest;
}

/**
 * Bundle `entry` (a .ts file) into `outfile` (.cjs) with a linked source map, and copy the worker files next
 * to it. Written to temporary names and renamed, so concurrent builds (parallel tests) never see half a file.
 * @param {{ entry: string; outfile: string }} o
 */
function bundle(o) {
  const esbuild = require('esbuild');
  const outdir = path.dirname(o.outfile);
  fs.mkdirSync(outdir, { recursive: true });
  const tmp = `${o.outfile}.${process.pid}.tmp`;
  const options = {
    bundle: true, platform: /** @type {const} */ ('node'), format: /** @type {const} */ ('cjs'), target: 'node20',
    external: EXTERNAL, sourcemap: /** @type {const} */ ('linked'), sourcesContent: false, logLevel: /** @type {const} */ ('warning'),
  };
  esbuild.buildSync({ ...options, entryPoints: [o.entry], outfile: tmp });
  for (const w of WORKER_BUNDLES) {
    const to = path.join(outdir, w.out);
    const wtmp = `${to}.${process.pid}.tmp`;
    esbuild.buildSync({ ...options, sourcemap: false, entryPoints: [path.join(REPO_ROOT, w.entry)], outfile: wtmp });
    fs.renameSync(wtmp, to);
  }
  // The map is named after the temporary file: point the bundle at its final name.
  const code = fs.readFileSync(tmp, 'utf8').replace(`//# sourceMappingURL=${path.basename(tmp)}.map`, `//# sourceMappingURL=${path.basename(o.outfile)}.map`);
  fs.writeFileSync(tmp, code);
  fs.renameSync(`${tmp}.map`, `${o.outfile}.map`);
  for (const rel of WORKER_FILES) {
    const to = path.join(outdir, path.basename(rel));
    fs.copyFileSync(path.join(REPO_ROOT, rel), `${to}.${process.pid}.tmp`);
    fs.renameSync(`${to}.${process.pid}.tmp`, to);
  }
  fs.renameSync(tmp, o.outfile);
}

/** Bundle `entry` into `outfile` unless the bundle is newer than every source file. Returns outfile. */
function ensureBundle(entry, outfile) {
  let fresh = false;
  try {
    fresh = fs.statSync(outfile).mtimeMs >= newestSourceMtimeMs(path.dirname(entry));
  } catch {
    fresh = false;
  }
  if (!fresh) bundle({ entry, outfile });
  return outfile;
}

/** The CLI bundle, rebuilt when stale. */
function ensureCliBundle() {
  return ensureBundle(path.join(__dirname, 'src', 'main.ts'), path.join(__dirname, 'dist', 'axiom.cjs'));
}

/**
 * V8 flags the engine runs with. A 64 MB young generation (the default tops out at 16 MB): each bar makes
 * short-lived state versions, and the smaller nursery promoted and scavenged them ~4x as often (scavenges
 * took 25% of a replay's CPU; 12% with this). Heap flags only apply at startup, so `withNodeFlags`
 * re-executes Node with them when they are missing.
 */
const NODE_FLAGS = ['--max-semi-space-size=64'];

/**
 * Run `script` with `args` under NODE_FLAGS: returns true when this process already has them (go on here);
 * otherwise starts a child Node with them (stdio inherited, SIGINT/SIGTERM/SIGHUP passed on, its exit code
 * or signal becomes ours) and returns false (the caller must do nothing more).
 * @param {string} script @param {string[]} args
 */
function withNodeFlags(script, args) {
  const have = [...process.execArgv, ...(process.env.NODE_OPTIONS ?? '').split(/\s+/)];
  if (NODE_FLAGS.every((f) => have.includes(f))) return true;
  const { spawn } = require('node:child_process');
  const child = spawn(process.execPath, [...process.execArgv, ...NODE_FLAGS, script, ...args], { stdio: 'inherit' });
  for (const signal of /** @type {const} */ (['SIGINT', 'SIGTERM', 'SIGHUP'])) process.on(signal, () => child.kill(signal));
  child.on('error', (e) => {
    process.stderr.write(`cannot start ${script}: ${e.message}\n`);
    process.exit(70);
  });
  child.on('exit', (code, signal) => {
    if (signal !== null) {
      process.removeAllListeners(signal);
      process.kill(process.pid, signal);
    }
    process.exit(code ?? 1);
  });
  return false;
}

module.exports = { bundle, ensureBundle, ensureCliBundle, withNodeFlags, NODE_FLAGS, REPO_ROOT };
