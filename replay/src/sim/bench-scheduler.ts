// Throughput check of the backtest scheduler (not a test): how many nanoseconds the scheduler adds per bar on
// 1,000,000 generated bars (100 symbols x 10,000 minutes), alone and with a SimBroker matching every bar.
// Run: node --import tsx replay/src/sim/bench-scheduler.ts [bars]
import { Scheduler, type SimBar } from './scheduler';
import { SimBroker } from './sim-broker';

const BARS = Number(process.argv[2] ?? 1_000_000);
const SYMBOLS = 100;
const START_MS = Date.UTC(2024, 2, 4, 14, 30);

function makeBars(n: number): SimBar[] {
  const bars: SimBar[] = new Array<SimBar>(n);
  for (let i = 0; i < n; i++) {
    const minute = Math.floor(i / SYMBOLS);
    const px = 100 + ((i * 7919) % 1000) / 100;
    bars[i] = { symbol: `S${i % SYMBOLS}`, ts: START_MS + minute * 60_000, open: px, high: px + 0.1, low: px - 0.1, close: px, volume: 1_000, vwap: null, trades: null };
  }
  return bars;
}

function run(bars: readonly SimBar[], withBroker: boolean): { ns: number; delivered: number } {
  let scheduler: Scheduler | null = null;
  const broker = withBroker
    ? new SimBroker({ sink: (i) => (scheduler as Scheduler).push(i), config: { initialCash: 100_000, latencyMs: 50, slippageBps: 1, maxVolumeShare: 0.1 } })
    : undefined;
  scheduler = new Scheduler({ bars, broker });
  let delivered = 0;
  const t0 = process.hrtime.bigint();
  while (scheduler.next() !== null) delivered++;
  const ns = Number(process.hrtime.bigint() - t0);
  return { ns, delivered };
}

const bars = makeBars(BARS);

/** Baseline: iterating the same array, so the scheduler's own share can be read off. */
function iterate(): number {
  const t0 = process.hrtime.bigint();
  let acc = 0;
  for (const b of bars) acc += b.ts & 1;
  const ns = Number(process.hrtime.bigint() - t0);
  if (acc < 0) console.log(acc); // keeps the loop from being optimised away
  return ns;
}

const report = (label: string, ns: number): void =>
  console.log(`${label.padEnd(34)} ${(ns / bars.length).toFixed(1).padStart(7)} ns/bar  (${(bars.length / (ns / 1e9) / 1e6).toFixed(2)} M bars/s, best of 3)`);

iterate();
report('array iteration (baseline)', Math.min(iterate(), iterate(), iterate()));
for (const withBroker of [false, true]) {
  run(bars.slice(0, 100_000), withBroker); // warm-up (JIT)
  const runs = [run(bars, withBroker), run(bars, withBroker), run(bars, withBroker)];
  for (const r of runs) if (r.delivered !== bars.length) throw new Error(`delivered ${r.delivered} of ${bars.length} bars`);
  report(withBroker ? 'scheduler + SimBroker.matchBar' : 'scheduler alone (next() per bar)', Math.min(...runs.map((r) => r.ns)));
}
