// Public face of the market projection: per-symbol recent bars, day counters and indicators, the reducer,
// and the read helpers a strategy context uses (symbolMarket, indicatorsOf, recentBars).
export {
  initialMarketState, evolveMarket, symbolMarket, marketSymbols, recentBars, recentBarsOf, recentBarAt, recentBarCount, recentCloseAt, warmedUp, marketDayFor,
  marketConfigOf,
} from './market';
export { indicatorsOf, computeIndicators, ringCapacity } from './indicators';
export {
  DAY_STORE_BARS_MAX, STORE_FIELDS, STORE_LEAF_BARS, SPLITS_KEPT_MAX,
  type MarketBar, type MarketIndicators, type SymbolMarket, type SplitRecord, type MarketDay, type MarketConfig,
  type MarketState,
} from './types';
