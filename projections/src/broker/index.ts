// The broker slice: connection status per feed, the last broker snapshot (seq, ts, sizes), whether a
// snapshot request is outstanding (from `reconciliation.requested` until the next `broker.snapshot`, or a
// failed snapshot request), and the last reconciliation with its open discrepancies (DESIGN §5).
import { produce } from 'immer';
import { FEEDS, type AnyEvent, type PayloadOf } from '@axiom/events';
import type { AnomalyLog } from '../orders';
import { withAnomaly } from '../orders';

type Feed = (typeof FEEDS)[number];
export type Discrepancy = PayloadOf<'reconciliation.applied'>['discrepancies'][number];
export type ConnectionStatus = PayloadOf<'connection.status'>['status'];

/** Discrepancies kept from the last reconciliation (the rest are counted). */
export const DISCREPANCIES_KEPT_MAX = 200;

export interface BrokerState extends AnomalyLog {
  connections: { [F in Feed]: { status: ConnectionStatus; detail: string | null; seq: number; ts: number } | null };
  lastSnapshot: { seq: number; ts: number; positions: number; openOrders: number; equity: number } | null;
  /** A snapshot was asked for and has not arrived yet. */
  snapshotRequested: { seq: number; ts: number; reason: string } | null;
  /** The last snapshot request the broker refused (cleared by the next snapshot). */
  snapshotRequestFailed: { seq: number; ts: number; error: string | null } | null;
  lastReconciliation: { seq: number; ts: number; snapshotSeq: number; discrepancyCount: number; reason: string } | null;
  /** The discrepancies of the last reconciliation whose action is not 'none' (bounded). */
  discrepancies: Discrepancy[];
}

export function initialBrokerState(): BrokerState {
  return {
    connections: { market_data: null, trade_updates: null, rest: null },
    lastSnapshot: null,
    snapshotRequested: null,
    snapshotRequestFailed: null,
    lastReconciliation: null,
    discrepancies: [],
    anomalies: [],
    anomalyCount: 0,
  };
}

export function evolveBroker(state: BrokerState, event: AnyEvent): BrokerState {
  switch (event.type) {
    case 'connection.status': {
      const p = event.payload;
      return produce(state, (d) => {
        d.connections[p.feed] = { status: p.status, detail: p.detail, seq: event.seq, ts: event.ts };
      });
    }
    case 'reconciliation.requested':
      return produce(state, (d) => {
        d.snapshotRequested = { seq: event.seq, ts: event.ts, reason: event.payload.reason };
      });
    case 'broker.snapshot': {
      const p = event.payload;
      return produce(state, (d) => {
        d.lastSnapshot = { seq: event.seq, ts: event.ts, positions: p.positions.length, openOrders: p.openOrders.length, equity: p.account.equity };
        d.snapshotRequested = null;
        d.snapshotRequestFailed = null;
      });
    }
    case 'broker.request_result': {
      const p = event.payload;
      if (p.request !== 'snapshot' || p.ok) return state;
      return produce(state, (d) => {
        d.snapshotRequestFailed = { seq: event.seq, ts: event.ts, error: p.error };
      });
    }
    case 'reconciliation.applied': {
      const p = event.payload;
      let next = state;
      if (state.lastSnapshot === null || state.lastSnapshot.seq !== p.snapshotSeq) {
        next = withAnomaly(next, {
          seq: event.seq, type: event.type, key: `snapshot:${p.snapshotSeq}`, symbol: null,
          detail: `reconciliation of snapshot seq ${p.snapshotSeq}, the last snapshot is seq ${state.lastSnapshot?.seq ?? 'none'}`,
        });
      }
      const open = p.discrepancies.filter((x) => x.action !== 'none');
      return produce(next, (d) => {
        d.lastReconciliation = { seq: event.seq, ts: event.ts, snapshotSeq: p.snapshotSeq, discrepancyCount: p.discrepancies.length, reason: p.reason };
        d.discrepancies = open.slice(0, DISCREPANCIES_KEPT_MAX);
      });
    }
    default:
      return state;
  }
}

/** True while a requested snapshot has not arrived (and its request did not fail). */
export function snapshotOutstanding(state: BrokerState): boolean {
  return state.snapshotRequested !== null && (state.snapshotRequestFailed === null || state.snapshotRequestFailed.seq < state.snapshotRequested.seq);
}
