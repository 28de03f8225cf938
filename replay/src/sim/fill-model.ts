// The simulated broker's fill model: the ONE place it is written down. sim-broker.ts keeps the books
// (orders, positions, cash, events) and follows these rules; the functions below are the only code that
// decides whether a bar fills an order, at what price and for how many shares.
//
// TIME
// * A request (submit, cancel, snapshot) LANDS `latencyMs` after the call; it is judged against the broker's
//   state at that instant and its answer is stamped with it. The broker sees each bar when it ends (ts + 60 s),
//   just before the engine does (scheduler.ts), so a bar's trades precede a request landing at the same instant.
// * An order is ACCEPTED when its submit lands. A bar can fill it only if the bar STARTED at or after the
//   acceptance (`bar.ts >= acceptedAt`): every trade in such a bar happened while the order was resting.
//   So an order never fills on the bar during which it was placed, nor on any earlier bar. Example, latency
//   50 ms: the engine sees the 09:59 bar at 10:00:00, the limit is accepted at 10:00:00.050; the 10:00 bar
//   (whose low may have printed at 10:00:00.010) cannot fill it, the 10:01 bar (delivered at 10:02) can.
//   With latency 0 the 10:00 bar can. This is stricter than "bars delivered after acceptance": that rule
//   would let an order trade against prices printed before it existed.
//
// PRICES (slippage: `slippageBps` of the reference price, always against us: buys pay more, sells get less)
// * Market order: at acceptance it fills at the LAST TRADE the broker has seen for the symbol (the close of
//   the symbol's last bar) ± slippage. Whatever the volume cap leaves unfilled rests and fills on later
//   bars at each bar's OPEN ± slippage. With no last trade known, the whole order waits for the next bar.
// * Limit order (resting): a buy fills when a bar's low <= limit, at min(limit, open): an open that gaps
//   below the limit gives the better open. A sell fills when high >= limit, at max(limit, open). A limit
//   never slips. A limit that is already marketable when it lands still rests: it trades only on prices
//   seen after it was placed.
// * Stop order: a sell stop triggers when a bar's low <= stop and fills at min(stop, open) - slippage (an open
//   that gaps through the stop gives the worse open); a buy stop mirrors it (high >= stop, max(stop, open)
//   + slippage). A triggered stop is a market order for what remains (later bars: open ± slippage).
// * Stop-limit: triggers like a stop; on the triggering bar it fills at the trigger price (min(stop, open)
//   for a sell) only if that price is within the limit; afterwards it is a resting limit.
// * Fill prices are not rounded to the tick: a fraction of a cent of slippage is kept as a cost.
// * ioc/fok (market and limit only; stop types with ioc/fok are refused with 422): judged once, when the
//   order lands, against the last trade (a limit is marketable if the last trade is at or through it and
//   then fills at the last trade); ioc cancels what is left, fok fills in full or cancels.
//
// QUANTITY
// * Each bar of a symbol offers `maxVolumeShare` x its volume, floored, but at least 1 share when the bar
//   traded anything (so thin bars still make progress) and never more than its volume. That capacity is
//   shared by every fill attributed to the bar: first the resting orders that fill on it, then market
//   orders landing after it (they fill at its close) until the symbol's next bar. A zero-volume bar fills
//   nothing.
// * Within one bar, orders fill by priority: market and stop-type orders first, then limits, each in
//   acceptance order. So when one bar touches both the take-profit limit and the stop of an OCO pair, the
//   stop wins: a bar does not say which price came first, and we assume the worse one.
// * Every fill is its own event: `partial_fill` while shares remain, `fill` for the last shares.
//
// OCO (orders sharing a non-null `ocoGroup`, the exit legs of one position)
// * The legs share ONE quantity: a fill of q shares on any leg reduces what every leg may still fill by q.
//   A leg with nothing left to fill is canceled by the broker ('canceled', reason "oco: ..."), its own
//   partial fills kept; so is a leg that lands when its live group has nothing left for it. No fill is ever
//   of zero shares. So a complete fill of the take-profit cancels the stop; a partial fill of 60 of 100
//   leaves the stop live for the other 40 (the position is still protected), and when the stop then sells
//   those 40, it reports them as a partial fill and both legs end canceled.
//
// ACCOUNT
// * No commissions. cash -= qty x price on buys, += on sells; equity = cash + sum(qty x last trade)
//   (short qty negative). A position's average entry price moves only when the position grows.
// * BUYING POWER (1x, no margin) = equity - gross value of positions (sum |qty| x last trade) - value of
//   open exposure-increasing orders (remaining qty x limit, else stop, else last trade). Snapshots report
//   max(0, that). An order that increases exposure (a buy when flat or long, a sell when flat or short) is
//   refused with 403 "insufficient buying power" when qty x (limit, else stop, else last trade) exceeds it;
//   a market order for a symbol with no known last trade is refused with 422 (its cost cannot be known).
// * HELD SHARES: an order that reduces a position (a sell when long, a buy when short) may use only the
//   shares not already held by the symbol's other open reducing orders on that side; the legs of one OCO
//   group hold their shared quantity once (the largest remainder among them), and a new leg does not count
//   its own group. Otherwise 403 "insufficient qty available for order (requested: q, available: a)", like
//   Alpaca: the engine must cancel the exit legs before it sends a market exit. A reducing order larger
//   than the position is refused the same way (no flip in one order).
//
// LIFECYCLE
// * Day orders expire at the close of the New York date they were accepted on (16:00, or `closeMsOf`):
//   'expired', fills kept. An order accepted after that close expires at the next close the broker sees.
//   gtc orders never expire. At each close the broker records the positions it carries overnight.
// * A split (ratio r new shares per old) takes effect before the symbol's first bar on its exDate: positions
//   and open orders x r (floored; a fractional share of a position is paid out in cash at the adjusted last
//   trade), prices and the last trade / r. An order the split would leave with nothing to fill is canceled
//   instead, reported on the old basis (the engine receives that 'canceled' before the corporate action).
import type { SimBar } from './scheduler';

export type Side = 'buy' | 'sell';
export type SimOrderType = 'market' | 'limit' | 'stop' | 'stop_limit';

/** What a resting order's fill depends on. */
export type RestingTerms = {
  readonly side: Side;
  readonly orderType: SimOrderType;
  readonly limitPrice: number | null;
  readonly stopPrice: number | null;
  /** A stop or stop-limit whose stop has traded. */
  readonly triggered: boolean;
};

/** What a bar does to one resting order: whether it triggers its stop, and the fill price if it fills. */
export type BarOutcome = { readonly triggered: boolean; readonly price: number | null };

const NO_FILL: BarOutcome = { triggered: false, price: null };
/** Tolerance for float noise when flooring a share count (e.g. 0.1 x 30 = 3.0000000000000004). */
const SHARE_EPSILON = 1e-9;

/** A bar may fill an order only if every trade in it happened after the order was accepted. */
export function barCanFill(barTs: number, acceptedAtMs: number): boolean {
  return barTs >= acceptedAtMs;
}

/** `price` moved against the taker by `slippageBps`. */
export function slipped(price: number, side: Side, slippageBps: number): number {
  const f = slippageBps / 10_000;
  return side === 'buy' ? price * (1 + f) : price * (1 - f);
}

/** Shares one bar offers the simulated orders. */
export function volumeCapShares(volume: number, maxVolumeShare: number): number {
  if (!(volume > 0)) return 0;
  return Math.min(volume, Math.max(1, Math.floor(volume * maxVolumeShare + SHARE_EPSILON)));
}

/** Floor a share count after a multiplication (splits), forgiving float noise. */
export function floorShares(x: number): number {
  return x >= 0 ? Math.floor(x + SHARE_EPSILON) : -Math.floor(-x + SHARE_EPSILON);
}

/** 0 = filled first on a bar (market, stop, stop-limit), 1 = after them (limit). */
export function fillPass(orderType: SimOrderType): 0 | 1 {
  return orderType === 'limit' ? 1 : 0;
}

function limitFill(side: Side, limit: number, bar: Pick<SimBar, 'open' | 'high' | 'low'>): number | null {
  if (side === 'buy') return bar.low <= limit ? Math.min(limit, bar.open) : null;
  return bar.high >= limit ? Math.max(limit, bar.open) : null;
}

/** The price at which a stop trades on this bar, or null if the bar does not reach it. */
function stopTrade(side: Side, stop: number, bar: Pick<SimBar, 'open' | 'high' | 'low'>): number | null {
  if (side === 'sell') return bar.low <= stop ? Math.min(stop, bar.open) : null;
  return bar.high >= stop ? Math.max(stop, bar.open) : null;
}

/** What one bar (already allowed by `barCanFill`) does to a resting order. */
export function barOutcome(o: RestingTerms, bar: Pick<SimBar, 'open' | 'high' | 'low'>, slippageBps: number): BarOutcome {
  switch (o.orderType) {
    case 'market':
      return { triggered: o.triggered, price: slipped(bar.open, o.side, slippageBps) };
    case 'limit':
      return { triggered: false, price: limitFill(o.side, o.limitPrice as number, bar) };
    case 'stop': {
      if (o.triggered) return { triggered: true, price: slipped(bar.open, o.side, slippageBps) };
      const at = stopTrade(o.side, o.stopPrice as number, bar);
      return at === null ? NO_FILL : { triggered: true, price: slipped(at, o.side, slippageBps) };
    }
    case 'stop_limit': {
      const limit = o.limitPrice as number;
      if (o.triggered) return { triggered: true, price: limitFill(o.side, limit, bar) };
      const at = stopTrade(o.side, o.stopPrice as number, bar);
      if (at === null) return NO_FILL;
      const within = o.side === 'sell' ? at >= limit : at <= limit;
      return { triggered: true, price: within ? at : null };
    }
    default: {
      const never: never = o.orderType;
      throw new Error(`assertion: unknown order type ${String(never)}`);
    }
  }
}

/** The immediate fill price of a market order landing after `lastPrice` traded. */
export function marketFillPrice(lastPrice: number, side: Side, slippageBps: number): number {
  return slipped(lastPrice, side, slippageBps);
}

/** Whether a limit order landing now would trade against the last trade (ioc/fok only). */
export function limitMarketable(side: Side, limit: number, lastPrice: number): boolean {
  return side === 'buy' ? lastPrice <= limit : lastPrice >= limit;
}
