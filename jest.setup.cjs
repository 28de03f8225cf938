// Every randomized (fast-check) test runs with one seed per test file. fast-check prints the seed and the
// shrink path in every failure message; set FC_SEED=<seed> to reproduce a failure exactly.
const fc = require('fast-check');
const seed = process.env.FC_SEED !== undefined ? Number(process.env.FC_SEED) : (Date.now() ^ (process.pid << 8)) | 0;
fc.configureGlobal({ seed });
globalThis.__FC_SEED__ = seed;
