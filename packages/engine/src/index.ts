// @axiom/engine: the pure decider (`step`, `decide`), the shell that journals before it acts (`Engine`),
// crash recovery, and the one broker interface.
export type { Broker, InputSink, OrderRequest } from './broker';
export { step, decide, type StepResult, type DecideDeps } from './decide/pipeline';
export { provisionalEnvelope } from './decide/context';
export { POSITION_RULES, positionRule, reconcile } from './decide/reconcile';
export { sizePosition, type SizingInput, type SizingResult } from './decide/sizing';
export { roundPrice, protectivePrices, tickFor } from './decide/prices';
export { nextDeadline } from './decide/view';
export { Engine, type EngineOptions, type EngineLogger, type Handled } from './shell';
export { recoverState, restoreSnapshotText, type Recovery, type RecoverOptions } from './recovery';
export { BAR_MS, nowOf } from './time';
