// @axiom/projections: EngineState as a pure fold of the journal (DESIGN §3): the slices (session, market,
// orders, positions, account, risk, broker), their composition `evolve`, replay, state hash and snapshots.
export * from './state';
export { evolve, setStateAutoFreeze } from './evolve';
export { replay, stateHash } from './replay';
export { encodeSnapshot, decodeSnapshot, SnapshotVersionError } from './snapshot';
export * from './orders';
// The orders slice's anomaly record (with `key`) is the one every slice of ours uses; the session slice has
// its own compatible one (without `key`): name ours explicitly so the star exports do not collide.
export { ANOMALIES_KEPT_MAX, withAnomaly, type Anomaly, type AnomalyLog } from './orders';
export * from './positions';
export * from './account';
export * from './risk';
export * from './broker';
export * from './session';
export * from './market';
