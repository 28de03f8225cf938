// Time as data. A bar's envelope ts is its start (the feed's `t`), but the bar is known only when it ends,
// so the engine's "now" for a bar input is its end. Every other input's ts is the instant it happened
// (broker timestamp, timer deadline). Deadlines the decider sets are measured from this "now".

/** Duration of the bars the engine trades on. */
export const BAR_MS = 60_000;

export function nowOf(input: { type: string; ts: number }): number {
  return input.type === 'market.bar' ? input.ts + BAR_MS : input.ts;
}
