// The bounded anomaly log every projection slice keeps: a journaled fact that does not fit the slice's model
// (a correction for a bar never seen, a phase change from an unexpected phase) is recorded here instead of
// throwing, so a reducer stays total. Bounded: the last ANOMALIES_KEPT_MAX entries plus a running total.

/** One fact that did not fit. `type` is the event type that carried it; `symbol` is null when not per-symbol. */
export interface Anomaly {
  seq: number;
  type: string;
  symbol: string | null;
  detail: string;
}

/** The part of a slice's state that holds its anomalies. */
export interface AnomalyLog {
  /** The most recent anomalies, oldest first, at most ANOMALIES_KEPT_MAX. */
  anomalies: Anomaly[];
  /** Every anomaly ever recorded by this slice, including those no longer kept. */
  anomalyCount: number;
}

export const ANOMALIES_KEPT_MAX = 100;

/** Append to a log inside an immer draft (anomalies are rare: the array copy does not matter). */
export function recordAnomaly(draft: AnomalyLog, anomaly: Anomaly): void {
  draft.anomalies.push(anomaly);
  if (draft.anomalies.length > ANOMALIES_KEPT_MAX) {
    draft.anomalies.splice(0, draft.anomalies.length - ANOMALIES_KEPT_MAX);
  }
  draft.anomalyCount += 1;
}
