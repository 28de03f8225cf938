// The anomaly log every slice keeps: a fact that fits no rule (an update for an unknown order, a broker event
// with no edge from the current state, an overfill) is recorded here with the seq that carried it, never
// thrown and never dropped silently. Bounded: the latest ANOMALIES_KEPT_MAX are kept, all are counted.

export const ANOMALIES_KEPT_MAX = 100;

export interface Anomaly {
  /** Seq of the event that did not fit. */
  seq: number;
  /** Its event type. */
  type: string;
  /** What it was about: a client order id, an entry id, a symbol, a feed. */
  key: string;
  /** The symbol concerned, when known (the decider halts entries on a symbol with an anomaly). */
  symbol: string | null;
  detail: string;
}

export interface AnomalyLog {
  anomalies: Anomaly[];
  anomalyCount: number;
}

/** Returns a copy of the slice with the anomaly appended (oldest dropped past the bound). */
export function withAnomaly<S extends AnomalyLog>(slice: S, anomaly: Anomaly): S {
  const kept = slice.anomalies.length >= ANOMALIES_KEPT_MAX
    ? slice.anomalies.slice(slice.anomalies.length - ANOMALIES_KEPT_MAX + 1)
    : slice.anomalies.slice();
  kept.push(anomaly);
  return { ...slice, anomalies: kept, anomalyCount: slice.anomalyCount + 1 };
}
