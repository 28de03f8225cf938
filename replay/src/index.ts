// @axiom/replay: bar data (Parquet, CSV, LEAN import), the simulated broker and scheduler, backtests.
export * from './data';
export * from './backtest';
export { Scheduler, BAR_MS as SIM_BAR_MS, type SimBar, type SimCorporateAction } from './sim/scheduler';
export { SimBroker } from './sim/sim-broker';
