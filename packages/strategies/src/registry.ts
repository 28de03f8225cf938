// Built-in strategies by name, and loading a user strategy from a file path. A user file default-exports
// (or exports `strategy`) the result of defineStrategy.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { StrategyDefinition } from './contract';
import { openingRangeBreakout } from './builtin/opening-range-breakout';
import { slopeMomentum } from './builtin/slope-momentum';
import { vwapReversion } from './builtin/vwap-reversion';

export const BUILTIN_STRATEGIES: Readonly<Record<string, StrategyDefinition<unknown>>> = Object.freeze({
  [vwapReversion.name]: vwapReversion as StrategyDefinition<unknown>,
  [openingRangeBreakout.name]: openingRangeBreakout as StrategyDefinition<unknown>,
  [slopeMomentum.name]: slopeMomentum as StrategyDefinition<unknown>,
});

export interface LoadedStrategy {
  definition: StrategyDefinition<unknown>;
  /** 'builtin' or the absolute path of the file it came from. */
  source: string;
  /** sha256 of the file, for a user strategy: recorded in run.started so a changed file is visible. */
  sourceHash: string | null;
}

const looksLikePath = (ref: string) => ref.includes('/') || ref.includes('\\') || /\.(c|m)?[tj]s$/.test(ref);

/** Resolve a `--strategy` argument: a built-in name, or a path to a .ts/.js file (loaded with require). */
export function loadStrategy(ref: string, cwd = process.cwd()): LoadedStrategy {
  const builtin = BUILTIN_STRATEGIES[ref];
  if (builtin) return { definition: builtin, source: 'builtin', sourceHash: null };
  if (!looksLikePath(ref)) {
    throw new Error(`unknown strategy ${JSON.stringify(ref)}; built-ins: ${Object.keys(BUILTIN_STRATEGIES).join(', ')}, or pass a file path`);
  }
  const file = resolve(cwd, ref);
  let text: Buffer;
  try {
    text = readFileSync(file);
  } catch (e) {
    throw new Error(`strategy file ${file} cannot be read: ${(e as Error).message}`, { cause: e });
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const mod = require(file) as Record<string, unknown>;
  const def = (mod.default ?? mod.strategy) as StrategyDefinition<unknown> | undefined;
  if (!def || typeof def.onBar !== 'function' || typeof def.name !== 'string' || !def.paramsSchema) {
    throw new Error(`strategy file ${file} must default-export defineStrategy({...}) (or export const strategy)`);
  }
  return { definition: def, source: file, sourceHash: createHash('sha256').update(text).digest('hex') };
}
