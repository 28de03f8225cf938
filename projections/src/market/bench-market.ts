/* eslint-disable no-restricted-globals -- a timing script, not reducer code: it
   reads the clock and process.argv. Nothing in the engine imports it. */
// Times evolveMarket alone on a 500-symbol regular session (195,000 bars) plus order events it ignores:
//   node --import tsx projections/src/market/bench-market.ts [--freeze] [--reps N]
// immer autoFreeze is OFF by default, as the composition (projections/src/evolve.ts) runs it; --freeze turns
// it on. Prints µs per bar (wall and process CPU, median of the repetitions after one warm-up run) and what
// the final state holds. Run it several times: on this machine a process lands in one of two modes, ~1.2 µs
// per bar or ~3.6 µs per bar, the difference being time in the garbage collector's scavenges (V8's young
// generation; --min-semi-space-size=16 makes the fast mode more likely). The bar events (~86 MB) are built
// before timing and stay alive, as a journal read into memory would.
import { setAutoFreeze } from 'immer';
import type { AnyEvent } from '@axiom/events';
import { wallTimeToUtcMs } from '../session';
import { evolveMarket, initialMarketState, marketSymbols, recentBars, symbolMarket } from './index';
import { mulberry32 } from '@axiom/events';

const SYMBOLS = 500;
const MINUTES = 390;
const freeze = process.argv.includes('--freeze');
const repsArg = process.argv.indexOf('--reps');
const reps = repsArg >= 0 ? Number(process.argv[repsArg + 1]) : 5;
setAutoFreeze(freeze);

const prng = mulberry32;

const ticker = (i: number): string => String.fromCharCode(65 + (Math.floor(i / 676) % 26), 65 + (Math.floor(i / 26) % 26), 65 + (i % 26));

function buildEvents(): AnyEvent[] {
  const rnd = prng(42);
  const open = wallTimeToUtcMs('2024-03-05', '09:30', 'America/New_York');
  const price = Array.from({ length: SYMBOLS }, () => 20 + rnd() * 400);
  const events: AnyEvent[] = [];
  let seq = 1;
  for (let m = 0; m < MINUTES; m++) {
    const ts = open + m * 60_000;
    for (let s = 0; s < SYMBOLS; s++) {
      const p0 = price[s] as number;
      const p1 = Math.max(1, p0 * (1 + (rnd() - 0.5) * 0.004));
      price[s] = p1;
      const hi = Math.max(p0, p1) * (1 + rnd() * 0.001);
      const lo = Math.min(p0, p1) * (1 - rnd() * 0.001);
      events.push({
        seq: seq++, ts, kind: 'input', type: 'market.bar', causedBy: null, hash: '', recordedAt: ts,
        payload: { symbol: ticker(s), open: p0, high: hi, low: lo, close: p1, volume: Math.floor(rnd() * 50_000), vwap: rnd() < 0.5 ? null : (hi + lo) / 2, trades: null },
      } as AnyEvent);
      // An order event now and then, which the market slice must skip for free.
      if (rnd() < 0.1) {
        events.push({
          seq: seq++, ts, kind: 'decision', type: 'cancel.requested', causedBy: seq - 2, hash: '', recordedAt: ts,
          payload: { clientOrderId: `c${seq}`, reason: 'bench' },
        } as AnyEvent);
      }
    }
  }
  return events;
}

const events = buildEvents();
const bars = events.filter((e) => e.type === 'market.bar').length;
// Wall time and this process's CPU time (user + system): the machine is shared, and CPU time is less
// disturbed by other processes than wall time.
const times: number[] = [];
const cpuTimes: number[] = [];
let final = initialMarketState();
for (let r = 0; r < reps + 1; r++) {
  const t0 = process.hrtime.bigint();
  const c0 = process.cpuUsage();
  let s = initialMarketState();
  for (const e of events) s = evolveMarket(s, e);
  const c = process.cpuUsage(c0);
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r > 0) {
    // The first run warms the JIT.
    times.push(ms);
    cpuTimes.push((c.user + c.system) / 1000);
  }
  final = s;
}
times.sort((a, b) => a - b);
cpuTimes.sort((a, b) => a - b);
const median = times[Math.floor(times.length / 2)] as number;
const cpuMedian = cpuTimes[Math.floor(cpuTimes.length / 2)] as number;
const aaa = symbolMarket(final, 'AAA');
console.log(
  `evolveMarket: ${bars} bars + ${events.length - bars} ignored events, autoFreeze ${freeze ? 'ON' : 'OFF'}: ` +
    `median ${median.toFixed(0)} ms over ${reps} runs (${times.map((t) => t.toFixed(0)).join(', ')}) = ` +
    `${((median * 1000) / bars).toFixed(2)} µs/bar wall; CPU median ${cpuMedian.toFixed(0)} ms = ${((cpuMedian * 1000) / bars).toFixed(2)} µs/bar, ` +
    `best ${(((cpuTimes[0] as number) * 1000) / bars).toFixed(2)} µs/bar`,
);
console.log(`symbols ${marketSymbols(final).length}; AAA barsToday ${aaa?.barsToday}, stored bars ${aaa === undefined ? 0 : recentBars(aaa, 10_000).length}, vwap ${aaa?.indicators.vwap?.toFixed(4)}, anomalies ${final.anomalyCount}`);
