// evolve(state, event): the one fold of the journal (DESIGN §1). It runs every slice on the event, passing
// cross-slice context explicitly (positions read the fill the orders slice accepted; account reads the fill
// and the positions' market value; risk reads the realized PnL just booked and the equity), and keeps the
// composition's own fields (seq, ts, run, config, bar counters). Each slice returns its state object
// unchanged, without immer, for events it ignores, so a bar of an unheld symbol costs a handful of
// comparisons here plus the session and market reducers. The top level is spread by hand (one object per
// event), not produced: a 15-field spread is cheaper than an immer draft and the slices are immutable already.
//
// Freezing (immer autoFreeze and freezeNew below): OFF in the hot path, set here at module load (immer's default is on). Measured by
// `pnpm bench:replay` (scripts/bench/replay/RESULTS.md), full day of 217,219 events, evolve-only from memory:
// ~0.8-1.0 s with autoFreeze off vs ~1.7-1.9 s on (1.7-2.3x over runs on a loaded 2-core machine), because a frozen produce deep-freezes every record it
// returns and re-checks the children of each. Freezing only catches code that mutates state outside
// `produce`, which is a test-time concern: the tests call setStateAutoFreeze(true) (a jest-side switch, per
// test file). Everything returned here is read-only by contract either way. Note the switch is immer's
// global one: it also applies to the session and market reducers, which is what a consistent replay wants.
import { EngineConfigSchema, sha256Canonical, type AnyEvent, type Envelope } from '@axiom/events';
import { setAutoFreeze } from 'immer';
import { evolveAccount } from './account';
import { evolveBroker } from './broker';
import { evolveMarket } from './market';
import { evolveOrders, withAnomaly } from './orders';
import { evolvePositions, newFill } from './positions';
import { evolveRisk } from './risk';
import { evolveSession } from './session';
import type { EngineState } from './state';

setAutoFreeze(false);

/** Deep-freeze every state evolve returns (tests): set by setStateAutoFreeze. */
let freezeStates = false;

/**
 * Turn freezing on (tests: any mutation of a state, inside or outside a reducer, throws) or off (the hot
 * path, the default): immer's autoFreeze for the slices that still produce, and a freeze of whatever is new
 * in each state evolve returns, for the records the reducers copy by hand (orders, positions, account, risk,
 * broker).
 */
export function setStateAutoFreeze(on: boolean): void {
  setAutoFreeze(on);
  freezeStates = on;
}

/** Freeze `value` and everything under it that is not frozen yet (what was frozen before is not walked). */
function freezeNew(value: unknown): void {
  if (value === null || typeof value !== 'object' || Object.isFrozen(value)) return;
  Object.freeze(value);
  for (const v of Object.values(value)) freezeNew(v);
}

export function evolve(state: EngineState, event: AnyEvent): EngineState {
  const session = evolveSession(state.session, event);
  const market = evolveMarket(state.market, event);
  const orders = evolveOrders(state.orders, event);
  const fill = newFill(state.orders, orders);
  const positions = evolvePositions(state.positions, event, { orders, fill });
  const account = evolveAccount(state.account, event, { fill, marketValue: positions.totals.marketValue });
  const risk = evolveRisk(state.risk, event, {
    realizedDelta: positions.totals.realizedPnl - state.positions.totals.realizedPnl,
    equity: account.impliedEquity ?? account.reported?.equity ?? null,
  });
  const broker = evolveBroker(state.broker, event);

  let next: EngineState = {
    version: state.version,
    seq: event.seq,
    lastTs: event.ts,
    run: state.run,
    config: state.config,
    counters: state.counters,
    session,
    market,
    orders,
    positions,
    account,
    risk,
    broker,
    anomalies: state.anomalies,
    anomalyCount: state.anomalyCount,
  };
  if (event.seq <= state.seq) {
    next = withAnomaly(next, {
      seq: event.seq, type: event.type, key: `seq:${event.seq}`, symbol: null,
      detail: `event seq ${event.seq} does not follow the last applied seq ${state.seq}`,
    });
  }
  if (event.type === 'market.bar') {
    const c = state.counters;
    const tick = c.lastBarTs === null || event.ts > c.lastBarTs;
    next.counters = {
      bars: c.bars + 1, barTicks: tick ? c.barTicks + 1 : c.barTicks, lastBarTs: tick ? event.ts : c.lastBarTs,
      checkpointSeq: c.checkpointSeq, checkpointTick: c.checkpointTick,
    };
  } else if (event.type === 'checkpoint.taken') {
    next.counters = { ...state.counters, checkpointSeq: event.seq, checkpointTick: state.counters.barTicks };
  } else if (event.type === 'run.started') {
    next = onRunStarted(next, event);
  }
  if (freezeStates) freezeNew(next);
  return next;
}

function onRunStarted(s: EngineState, e: Envelope<'run.started'>): EngineState {
  const p = e.payload;
  const run = { runId: p.runId, mode: p.mode, configHash: p.configHash, startedSeq: e.seq };
  const parsed = EngineConfigSchema.safeParse(p.config);
  if (!parsed.success) {
    return withAnomaly({ ...s, run }, {
      seq: e.seq, type: e.type, key: p.runId, symbol: null,
      detail: `run.started config is not a valid EngineConfig (kept the previous config): ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
    });
  }
  const next = { ...s, run, config: parsed.data };
  // The hash of the config as recorded: a journal written before a config field existed still checks out
  // (the field takes its default, which the recorded hash never covered).
  const hash = sha256Canonical(p.config);
  if (hash !== p.configHash) {
    return withAnomaly(next, { seq: e.seq, type: e.type, key: p.runId, symbol: null, detail: `configHash ${p.configHash} does not match the config (${hash})` });
  }
  return next;
}
