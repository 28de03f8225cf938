// @axiom/projections: EngineState as a pure fold of the journal (DESIGN §3): the slices (session, market,
// orders, positions, account, risk, broker), their composition `evolve`, replay, state hash and snapshots.
export * from './state';
export { evolve, setStateAutoFreeze } from './evolve';
export { replay, stateHash } from './replay';
export { encodeSnapshot, decodeSnapshot, SnapshotVersionError } from './snapshot';
export * from './orders';
export * from './positions';
export * from './account';
export * from './risk';
export * from './broker';
export * from './session';
export * from './market';
