// EngineState: the product of the independent slices (DESIGN §3) plus what the composition itself tracks
// (last seq/ts, the run, the config in force, the bar counters that drive the every-N-bars cadences).
// Plain JSON: it is hashed (canonical JSON) and snapshotted (JSON round trip), so no Map/Set/class/undefined.
import { defaultEngineConfig, type EngineConfig } from '@axiom/events';
import { initialAccountState, type AccountState } from './account';
import { initialBrokerState, type BrokerState } from './broker';
import { initialMarketState } from './market';
import { initialOrdersState, type Anomaly, type OrdersState } from './orders';
import { initialPositionsState, type PositionsState } from './positions';
import { initialRiskState, type RiskState } from './risk';
import { initialSessionState } from './session';

/**
 * Bump on any change to the shape or meaning of EngineState: a snapshot of another version is refused
 * (decodeSnapshot) and the state is rebuilt by replaying the journal from the start.
 */
export const STATE_VERSION = 3;

export interface RunInfo {
  runId: string;
  mode: 'backtest' | 'live' | 'paper';
  configHash: string;
  /** Seq of the run.started that began this run: orders created before it belong to an earlier process. */
  startedSeq: number;
}

export interface BarCounters {
  /** market.bar events applied. */
  bars: number;
  /** Distinct bar minutes seen (a bar whose ts is later than every earlier bar's): the "every 20 bars" /
   *  "every 100 bars" cadences of DESIGN §4 count these, so 500 symbols do not make 500 ticks a minute. */
  barTicks: number;
  /** ts (bar start) of the latest bar minute, null before the first bar. */
  lastBarTs: number | null;
  /** Seq of the latest checkpoint.taken, and barTicks when it was taken (0, 0 before the first). */
  checkpointSeq: number;
  checkpointTick: number;
}

export interface EngineState {
  version: number;
  /** Seq of the last applied event (0 = none). */
  seq: number;
  /** ts of the last applied event (0 = none). */
  lastTs: number;
  run: RunInfo | null;
  /** The config in force: defaults until a run.started carries the run's config. */
  config: EngineConfig;
  counters: BarCounters;
  /** The session slice (projections/src/session): its state type is exported there. */
  session: ReturnType<typeof initialSessionState>;
  /** The market slice (projections/src/market). */
  market: ReturnType<typeof initialMarketState>;
  orders: OrdersState;
  positions: PositionsState;
  account: AccountState;
  risk: RiskState;
  broker: BrokerState;
  /** Facts the composition itself could not place (an invalid run config, a non-increasing seq). */
  anomalies: Anomaly[];
  anomalyCount: number;
}

export function initialEngineState(config: EngineConfig = defaultEngineConfig()): EngineState {
  return {
    version: STATE_VERSION,
    seq: 0,
    lastTs: 0,
    run: null,
    config,
    counters: { bars: 0, barTicks: 0, lastBarTs: null, checkpointSeq: 0, checkpointTick: 0 },
    session: initialSessionState(),
    market: initialMarketState(),
    orders: initialOrdersState(),
    positions: initialPositionsState(),
    account: initialAccountState(),
    risk: initialRiskState(),
    broker: initialBrokerState(),
    anomalies: [],
    anomalyCount: 0,
  };
}
