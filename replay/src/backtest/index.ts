// Backtests through the live code path, and the run statistics shared with `axiom diff`.
export { runBacktest, resolveStrategies, DEFAULT_STRATEGIES, type BacktestOptions, type BacktestResult, type BarInput } from './run';
export { RunStats, type RunSummary, type SymbolStats, type EquityPoint } from './stats';
export { formatSummary } from './format';
