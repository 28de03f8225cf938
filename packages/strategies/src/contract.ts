// The strategy contract: a strategy is a pure plugin that sees one symbol's recent bars and indicators and
// returns a Signal or null. It never sees capital, positions, orders or the session: the engine's gates,
// sizing and routing own those. The engine hands strategies frozen inputs, so a strategy cannot change state.
import { z } from 'zod';

export interface StrategyBar {
  readonly ts: number;
  readonly open: number;
  readonly high: number;
  readonly low: number;
  readonly close: number;
  readonly volume: number;
  readonly vwap: number | null;
}

/** What a strategy may read about its symbol. Null until the indicator is defined (e.g. before the open). */
export interface StrategyIndicators {
  /** Session-anchored VWAP. */
  readonly vwap: number | null;
  /** Least-squares slope of the last N closes, dollars per bar, and the same divided by the mean close. */
  readonly slope: number | null;
  readonly slopeNorm: number | null;
  readonly sessionHigh: number | null;
  readonly sessionLow: number | null;
  /** High and low of the last N bars. */
  readonly rangeHigh: number | null;
  readonly rangeLow: number | null;
  /** High and low of 09:30-09:45 New York; complete once the first active bar arrives. */
  readonly openingRangeHigh: number | null;
  readonly openingRangeLow: number | null;
  readonly openingRangeComplete: boolean;
  readonly volumeMean: number | null;
  /** This bar's volume divided by the rolling mean of the previous bars. */
  readonly volumeRatio: number | null;
  readonly volumeSpike: boolean;
  /** (first regular-session open - previous close) / previous close, split-adjusted. */
  readonly gapPct: number | null;
  readonly prevClose: number | null;
  /** Bars of this symbol today, from pre-market on. */
  readonly barsToday: number;
}

export interface StrategyContext<P> {
  readonly symbol: string;
  /** Start of the current bar, ms UTC (time as data: strategies read no clock). */
  readonly ts: number;
  /**
   * Recent bars of this symbol, oldest first; the last one is the current bar. At least `warmupBars + 1`
   * bars once that many exist (the engine gives every strategy the longest warmup among those running).
   */
  readonly bars: readonly StrategyBar[];
  /** How many bars `bars` holds. */
  readonly barCount: number;
  /**
   * One bar of `bars`, counted back from the current one: `bar(0)` is the current bar, `bar(1)` the one
   * before; undefined past the oldest. Equal to `bars[bars.length - 1 - back]`, and cheaper when a strategy
   * needs only the last few bars: the engine then builds only those, not the whole window.
   */
  bar(back: number): StrategyBar | undefined;
  /** `bar(back)?.close`, without building the bar. */
  close(back: number): number | undefined;
  readonly indicators: StrategyIndicators;
  readonly params: Readonly<P>;
}

export interface Signal {
  readonly side: 'buy' | 'sell';
  /** Why, in words an auditor can read in the journal. */
  readonly reason: string;
  /** Distance of the take-profit and stop-loss from the entry reference price, in percent. */
  readonly takeProfitPct: number;
  readonly stopLossPct: number;
}

export interface StrategyDefinition<P> {
  readonly name: string;
  readonly version: string;
  readonly description: string;
  /** Parameter schema: fills defaults and refuses bad values (STYLE rule 4). */
  readonly paramsSchema: z.ZodType<P, unknown>;
  /** Bars of the symbol the strategy needs before it may signal; the engine's 50-bar warmup applies too. */
  readonly warmupBars: number;
  readonly onBar: (ctx: StrategyContext<P>) => Signal | null;
}

/** A strategy bound to validated params, ready to run. */
export interface Strategy<P = unknown> {
  readonly name: string;
  readonly version: string;
  readonly params: Readonly<P>;
  readonly warmupBars: number;
  readonly definition: StrategyDefinition<P>;
  onBar(ctx: Omit<StrategyContext<P>, 'params'>): Signal | null;
}

export interface DefineStrategyInput<P> {
  name: string;
  version: string;
  description?: string;
  params: z.ZodType<P, unknown>;
  warmupBars?: number;
  onBar: (ctx: StrategyContext<P>) => Signal | null;
}

const NAME = /^[a-z0-9][a-z0-9._-]{0,63}$/;

export function defineStrategy<P>(input: DefineStrategyInput<P>): StrategyDefinition<P> {
  if (!NAME.test(input.name)) throw new Error(`strategy name ${JSON.stringify(input.name)} must match ${NAME}`);
  if (!input.version) throw new Error(`strategy ${input.name}: a version is required`);
  return Object.freeze({
    name: input.name,
    version: input.version,
    description: input.description ?? '',
    paramsSchema: input.params,
    warmupBars: input.warmupBars ?? 0,
    onBar: input.onBar,
  });
}

/** Bind params (validated, defaults filled) to a definition. Errors name the strategy, field and value. */
export function instantiate<P>(def: StrategyDefinition<P>, rawParams: unknown = {}): Strategy<P> {
  const r = def.paramsSchema.safeParse(rawParams ?? {});
  if (!r.success) {
    const lines = r.error.issues.map((i) => `${def.name}.params.${i.path.join('.')}: ${i.message}`);
    throw new Error(`invalid strategy params:\n  ${lines.join('\n  ')}`);
  }
  const params = deepFreeze(r.data);
  return Object.freeze({
    name: def.name,
    version: def.version,
    params,
    warmupBars: def.warmupBars,
    definition: def,
    onBar: (ctx: Omit<StrategyContext<P>, 'params'>) => {
      const signal = def.onBar(new BoundContext(ctx, params));
      if (signal === null) return null;
      return checkSignal(def.name, signal);
    },
  });
}

/** The engine's context plus this strategy's params; `bars` stays lazy (read through, never copied). */
class BoundContext<P> implements StrategyContext<P> {
  readonly #ctx: Omit<StrategyContext<P>, 'params'>;
  constructor(ctx: Omit<StrategyContext<P>, 'params'>, readonly params: Readonly<P>) {
    this.#ctx = ctx;
  }
  get symbol(): string { return this.#ctx.symbol; }
  get ts(): number { return this.#ctx.ts; }
  get bars(): readonly StrategyBar[] { return this.#ctx.bars; }
  get barCount(): number { return this.#ctx.barCount; }
  bar(back: number): StrategyBar | undefined { return this.#ctx.bar(back); }
  close(back: number): number | undefined { return this.#ctx.close(back); }
  get indicators(): StrategyIndicators { return this.#ctx.indicators; }
}

/** A strategy is a plugin: its output is validated at the boundary like any outside input. */
function checkSignal(name: string, s: Signal): Signal {
  if (s.side !== 'buy' && s.side !== 'sell') throw new Error(`strategy ${name}: signal side ${JSON.stringify(s.side)} is not buy or sell`);
  for (const key of ['takeProfitPct', 'stopLossPct'] as const) {
    const v = s[key];
    if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0 || v >= 50) {
      throw new Error(`strategy ${name}: signal ${key} ${String(v)} is not a percentage in (0, 50)`);
    }
  }
  if (typeof s.reason !== 'string' || s.reason.length === 0) throw new Error(`strategy ${name}: signal needs a reason`);
  return s;
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value as Record<string, unknown>)) deepFreeze(v);
  }
  return value;
}
