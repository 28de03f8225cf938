// The orders slice: the order state machine per client order id and the entry machine per entry id
// (DESIGN §3), their transition tables, and the read helpers the decider uses. Also home of the two pieces
// the other slices share: the persistent map (pmap) and the anomaly log.
export * from './transitions';
export * from './types';
export { evolveOrders, initialOrdersState, isLive, ORDER_TRAIL_MAX, ORDER_SEEN_IDS_MAX, STRAY_EVENT_IDS_MAX, ORDER_RETENTION_MS } from './evolve';
export { getOrder, getEntry, workingOrders, hasWorkingOrder, nextDeadline, dueDeadlines } from './queries';
export * from './pmap';
export * from './anomaly';
