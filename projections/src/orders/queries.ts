// Read helpers for the decider: look-ups by id, the working orders of a symbol, the next entry deadline.
// All O(1) or O(working orders), never a scan of every order ever created.
import { pmapForEach, pmapGet } from './pmap';
import { isLive } from './evolve';
import type { Deadline, Entry, Order, OrdersState } from './types';

export function getOrder(state: OrdersState, clientOrderId: string): Order | undefined {
  return pmapGet(state.orders, clientOrderId);
}

export function getEntry(state: OrdersState, entryId: string): Entry | undefined {
  return pmapGet(state.entries, entryId);
}

/** Live orders (PENDING .. PENDING_CANCEL, never a terminal one) of one symbol, or of all, by creation seq. */
export function workingOrders(state: OrdersState, symbol?: string): Order[] {
  const out: Order[] = [];
  const collect = (ids: readonly string[]): void => {
    for (const id of ids) {
      const o = pmapGet(state.orders, id);
      if (o !== undefined && isLive(o)) out.push(o);
    }
  };
  if (symbol !== undefined) {
    collect(pmapGet(state.working, symbol) ?? []);
    return out;
  }
  pmapForEach(state.working, (ids) => collect(ids));
  return out.sort((a, b) => a.createdSeq - b.createdSeq);
}

export function hasWorkingOrder(state: OrdersState, symbol: string): boolean {
  return (pmapGet(state.working, symbol)?.length ?? 0) > 0;
}

/** The earliest timeoutAt of a live entry order whose timer has not fired yet, or null. */
export function nextDeadline(state: OrdersState): number | null {
  return state.deadlines[0]?.timeoutAt ?? null;
}

/** The deadlines due at `ts` (the orders a timer input at `ts` is about). */
export function dueDeadlines(state: OrdersState, ts: number): Deadline[] {
  const out: Deadline[] = [];
  for (const d of state.deadlines) {
    if (d.timeoutAt > ts) break;
    out.push(d);
  }
  return out;
}
