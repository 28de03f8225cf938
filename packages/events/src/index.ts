// @axiom/events: the event catalog (types, schemas, version), the envelope, canonical JSON and the hash chain.
export * from './catalog';
export * from './envelope';
export * from './canonical';
export { isCanonicalTextByScan } from './canonical-scan';
export * from './hash';
export * from './validate';
export * as fields from './fields';
export * from './config';
export { mulberry32 } from './prng';
