// `axiom diff`: compare two runs that saw the same market inputs — first divergence, behavior differences,
// per-symbol and total figures, equity curves, config differences — as text, JSON or one offline HTML file.
export { diffJournals, mergeCurves, type DiffOptions, type DiffReport, type RunHeader, type Totals, type SymbolRow, type SymbolSide } from './diff';
export {
  firstDifferenceInGroup, notableDifference, multisetDifference, marketOf, DIVERGENCES_SHOWN_MAX,
  type InputsComparison, type FirstDivergence, type DivergenceEntry, type SideAtDivergence, type EventLine,
} from './compare';
export { configDifferences, flatten, runDescription, type ConfigDifference } from './config-diff';
export {
  SideFold, isMarketInput, marketInputLine, marketText, normalizedEvent, notableLine, MARKET_INPUT_TYPES, BATCH_GROUPS,
  type RunTotals, type MarketGroup, type GroupBatch,
} from './fold';
export { LockstepWalk, type WalkOptions } from './walk';
export { formatDiff, totalsRows, eventText, TEXT_DIVERGENCES_MAX, TEXT_SYMBOLS_MAX } from './format';
export { renderDiffHtml, chartSeries, uplotSources, SERIES_COLORS, HTML_SYMBOLS_MAX } from './html';
