// The engine's one validated config and every number from the design (STYLE rule 6), each named with its
// unit. The whole parsed config is recorded in `run.started`, so a journal carries what produced it and the
// reducers/decider read their parameters from state, never from a file or the environment.
import { z } from 'zod';
import { sha256Canonical } from './hash';

/** Design defaults (DESIGN §4). Names carry their unit. */
export const DEFAULTS = {
  warmupBars: 50,
  entryTimeoutMs: 2_000,
  entryAttemptsMax: 3,
  reconcileEveryBars: 20,
  checkpointEveryBars: 100,
  /**
   * A cadence checkpoint is skipped until this many events were journaled since the last one: a snapshot
   * costs about as much as the state is large, so it must save at least this much replay (one symbol makes
   * ~2 events a bar; 500 symbols make ~50,000 events per 100 bar minutes). Session closes always checkpoint.
   */
  checkpointMinEvents: 5_000,
  /**
   * ... and a checkpoint is taken at the next bar minute once this many events were journaled since the last
   * one, however few bar minutes passed: it bounds the replay a restart needs (500 symbols journal ~51,000
   * events per 100 bar minutes, ~0.5 s to fold; 15,000 fold in ~0.1 s).
   */
  checkpointMaxEvents: 15_000,
  /** Ring of recent bars kept per symbol (bounded: the strategy context and last-N indicators read it). */
  barRingSize: 120,
  slopeBars: 20,
  rangeBars: 30,
  volumeSpikeWindowBars: 20,
  volumeSpikeRatio: 3,
  maxPositionPctEquity: 10,
  dailyLossLimitPct: 2,
  weeklyLossLimitPct: 5,
  cooldownBars: 15,
  /** An equity drop larger than this since the last snapshot, without fills to explain it, is implausible. */
  equityDropImplausiblePct: 50,
  takeProfitPct: 1,
  stopLossPct: 0.5,
} as const;

/** Session wall-clock times, America/New_York (DESIGN §4). Early closes shift warning and liquidation. */
export const SESSION_DEFAULTS = {
  timeZone: 'America/New_York',
  preMarketStart: '04:00',
  open: '09:30',
  activeStart: '09:45',
  eodWarning: '15:30',
  eodLiquidation: '15:59',
  close: '16:00',
  afterHoursEnd: '20:00',
} as const;

const hhmm = () => z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'is not an HH:MM wall-clock time');
const posInt = () => z.number().int('is not an integer').positive('is not positive');
const pct = () => z.number().positive('is not positive').max(100, 'is above 100%');

const lossLimit = z.strictObject({
  unit: z.enum(['pct', 'usd']),
  /** A positive loss amount: % of start-of-period equity, or dollars. */
  value: z.number().positive('is not positive'),
});

export const StrategyRefSchema = z.strictObject({
  /** A built-in strategy name or a path to a TS/JS file. */
  name: z.string().min(1),
  params: z.record(z.string(), z.unknown()).default({}),
});

export const EngineConfigSchema = z.strictObject({
  session: z.strictObject({
    timeZone: z.literal('America/New_York').default(SESSION_DEFAULTS.timeZone),
    preMarketStart: hhmm().default(SESSION_DEFAULTS.preMarketStart),
    open: hhmm().default(SESSION_DEFAULTS.open),
    activeStart: hhmm().default(SESSION_DEFAULTS.activeStart),
    eodWarning: hhmm().default(SESSION_DEFAULTS.eodWarning),
    eodLiquidation: hhmm().default(SESSION_DEFAULTS.eodLiquidation),
    close: hhmm().default(SESSION_DEFAULTS.close),
    afterHoursEnd: hhmm().default(SESSION_DEFAULTS.afterHoursEnd),
  }).prefault({}),
  warmupBars: posInt().default(DEFAULTS.warmupBars),
  market: z.strictObject({
    barRingSize: posInt().default(DEFAULTS.barRingSize),
    slopeBars: posInt().min(2).default(DEFAULTS.slopeBars),
    rangeBars: posInt().default(DEFAULTS.rangeBars),
    volumeSpikeWindowBars: posInt().default(DEFAULTS.volumeSpikeWindowBars),
    volumeSpikeRatio: z.number().positive().default(DEFAULTS.volumeSpikeRatio),
  }).prefault({}),
  routing: z.strictObject({
    entryTimeoutMs: posInt().default(DEFAULTS.entryTimeoutMs),
    entryAttemptsMax: posInt().max(10).default(DEFAULTS.entryAttemptsMax),
  }).prefault({}),
  risk: z.strictObject({
    maxPositionPctEquity: pct().default(DEFAULTS.maxPositionPctEquity),
    dailyLossLimit: lossLimit.default({ unit: 'pct', value: DEFAULTS.dailyLossLimitPct }),
    weeklyLossLimit: lossLimit.default({ unit: 'pct', value: DEFAULTS.weeklyLossLimitPct }),
    cooldownBars: z.number().int().nonnegative().default(DEFAULTS.cooldownBars),
    equityDropImplausiblePct: pct().default(DEFAULTS.equityDropImplausiblePct),
    /** What to do with a broker position the engine does not know (DESIGN §5). */
    unknownBrokerPosition: z.enum(['adopt', 'halt']).default('halt'),
    allowShort: z.boolean().default(true),
  }).prefault({}),
  reconcileEveryBars: posInt().default(DEFAULTS.reconcileEveryBars),
  checkpointEveryBars: posInt().default(DEFAULTS.checkpointEveryBars),
  checkpointMinEvents: z.number().int('is not an integer').nonnegative('is negative').default(DEFAULTS.checkpointMinEvents),
  checkpointMaxEvents: posInt().default(DEFAULTS.checkpointMaxEvents),
  strategies: z.array(StrategyRefSchema).default([]),
  /** The simulated broker (backtests only); recorded because it shapes the results. */
  sim: z.strictObject({
    initialCash: z.number().positive().default(100_000),
    latencyMs: z.number().int().nonnegative().default(50),
    slippageBps: z.number().nonnegative().default(1),
    /** A fill may take at most this share of a bar's volume; the rest waits for later bars. */
    maxVolumeShare: z.number().positive().max(1).default(0.1),
  }).prefault({}),
});

export type EngineConfig = z.output<typeof EngineConfigSchema>;
export type EngineConfigInput = z.input<typeof EngineConfigSchema>;
export type StrategyRef = z.output<typeof StrategyRefSchema>;

/** Parse a user config (from a file or flags), filling every default; errors name the field and the value. */
export function parseEngineConfig(input: unknown): EngineConfig {
  const r = EngineConfigSchema.safeParse(input ?? {});
  if (r.success) return r.data;
  const lines = r.error.issues.map((i) => {
    const path = i.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('');
    return `config${path}: ${i.message}`;
  });
  throw new Error(`invalid engine config:\n  ${lines.join('\n  ')}`);
}

export function defaultEngineConfig(): EngineConfig {
  return parseEngineConfig({});
}

export function configHash(config: EngineConfig): string {
  return sha256Canonical(config);
}
