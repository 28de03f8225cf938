// Valid drafts of the common event types for the journal's tests, the CLI's tests and the benchmark.
// Each builder takes an index so generated streams differ row to row (varied prices, sizes and ids).
import type Database from 'better-sqlite3';
import { GENESIS_HASH, chainHash, draft, type DecisionDraft, type EventKind, type InputDraft } from '@axiom/events';

/** 2024-03-15 09:30 America/New_York (EDT), in ms UTC. */
export const T0_MS = Date.UTC(2024, 2, 15, 13, 30);
export const MINUTE_MS = 60_000;

export function barDraft(i: number, symbol = 'SPY'): InputDraft {
  const open = 500 + (i % 97) * 0.01;
  return draft('market.bar', T0_MS + i * MINUTE_MS, {
    symbol, open, high: open + 0.25, low: open - 0.2, close: open + 0.05, volume: 1_000 + (i % 5_000),
    vwap: open + 0.02, trades: 10 + (i % 50),
  });
}

export function signalDraft(i: number, symbol = 'SPY'): DecisionDraft {
  return draft('signal.emitted', T0_MS + i * MINUTE_MS, {
    symbol, strategy: 'vwap_reversion', strategyVersion: '1', side: 'buy', reason: `close crossed VWAP (${i})`,
    refPrice: 500.05, takeProfitPrice: 505, stopLossPrice: 497.5,
  });
}

export function orderCreatedDraft(i: number, symbol = 'SPY', clientOrderId = `ax-${i}-e1-a1`): DecisionDraft {
  return draft('order.created', T0_MS + i * MINUTE_MS, {
    clientOrderId, entryId: `e${i}`, symbol, side: 'buy', qty: 10 + (i % 90), orderType: 'limit',
    limitPrice: 500.02, stopPrice: null, timeInForce: 'day', purpose: 'entry', attempt: 1, ocoGroup: null,
    timeoutAt: T0_MS + i * MINUTE_MS + 2_000, takeProfitPrice: 505, stopLossPrice: 497.5, exitReason: null,
    reason: 'entry at VWAP',
  });
}

export function orderUpdateDraft(i: number, clientOrderId: string, event: 'new' | 'fill' = 'new', symbol = 'SPY'): InputDraft {
  const fill = event === 'fill';
  return draft('broker.order_update', T0_MS + i * MINUTE_MS + 500, {
    event, eventId: `ev-${i}-${event}`, clientOrderId, brokerOrderId: `b-${i}`, symbol, side: 'buy', orderQty: 10,
    fillQty: fill ? 10 : null, fillPrice: fill ? 500.01 : null, cumFilledQty: fill ? 10 : 0,
    avgFillPrice: fill ? 500.01 : null, reason: null,
  });
}

export function transitionDraft(i: number, clientOrderId: string): DecisionDraft {
  return draft('order.transition', T0_MS + i * MINUTE_MS + 500, {
    clientOrderId, from: 'SUBMITTED', to: 'ACCEPTED', reason: 'broker accepted',
  });
}

export function timerDraft(i: number, purpose = 'entry-timeout'): InputDraft {
  return draft('timer.fired', T0_MS + i * MINUTE_MS, { purpose });
}

/**
 * Recompute the hash chain of `db`'s events from `fromSeq` on, as a tamperer who knows the scheme would after
 * changing rows: only the rules after the hash (type, kind, causedBy, schema) can then tell.
 */
export function rehashFrom(db: Database.Database, fromSeq: number): void {
  let prevHash = fromSeq === 1 ? GENESIS_HASH : db.prepare('SELECT hash FROM events WHERE seq = ?').pluck().get(fromSeq - 1) as string;
  const rows = db.prepare('SELECT seq, ts, kind, type, payload FROM events WHERE seq >= ? ORDER BY seq').all(fromSeq) as Array<{ seq: number; ts: number; kind: string; type: string; payload: string }>;
  const upd = db.prepare('UPDATE events SET hash = ? WHERE seq = ?');
  for (const r of rows) {
    prevHash = chainHash(prevHash, r.seq, r.ts, r.kind as EventKind, r.type, r.payload);
    upd.run(prevHash, r.seq);
  }
}
