// Test and benchmark support for everything built on the projections: envelopes, payload factories, a
// realistic generated trading day, fast-check arbitraries. Import from '@axiom/projections/src/testing'
// (tests and scripts only: it depends on fast-check, a dev dependency).
export * from './envelopes';
export * from './payloads';
export * from './day';
export * from './arbitraries';
