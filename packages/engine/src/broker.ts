// The one broker interface (DESIGN §1, §7). The shell calls it only for decisions that are already durable;
// everything the broker answers comes back as journaled inputs through the sink it was built with, never as
// return values, so live, paper and simulated brokers are interchangeable and a backtest stays synchronous.
import type { InputDraft, PayloadOf } from '@axiom/events';

export type OrderCreated = PayloadOf<'order.created'>;

/** What the shell asks the broker to place: the durable `order.created` payload, verbatim. */
export type OrderRequest = OrderCreated;

/** Where a broker delivers what it learns: each call appends one input to the engine's input queue. */
export type InputSink = (input: InputDraft) => void;

export interface Broker {
  /**
   * Place an order. Idempotent by clientOrderId: a retry of the same id must never create a second order
   * (the broker answers "already exists", which the adapter reports as the original order's state).
   * `forSeq` is the seq of the `order.created` decision; `now` is the engine's time (ms) of the request.
   */
  submit(order: OrderRequest, forSeq: number, now: number): void;
  /** Ask the broker to cancel. The answer arrives as `broker.request_result` and `broker.order_update` inputs. */
  cancel(clientOrderId: string, forSeq: number, now: number): void;
  /** Fetch positions, open orders and the account; delivered as a `broker.snapshot` input. */
  requestSnapshot(forSeq: number, now: number): void;
}
