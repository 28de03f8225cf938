// @axiom/strategies: the strategy contract (defineStrategy), the built-ins and the loader for user files.
export * from './contract';
export * from './registry';
export { vwapReversion } from './builtin/vwap-reversion';
export { openingRangeBreakout } from './builtin/opening-range-breakout';
export { slopeMomentum, normalizedSlope } from './builtin/slope-momentum';
// The schema library strategies declare their params with: import it from here so a plugin needs no
// dependency of its own and always gets the engine's version.
export { z } from 'zod';
