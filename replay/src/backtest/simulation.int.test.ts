// Seeded whole-engine simulation: random market days (random walks with gaps, jumps and volume bursts) run
// through the real backtest path, and the invariants a trader relies on are checked on each run. The seed of
// every generated day is in the fast-check failure message (and FC_SEED reproduces the whole run).
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { mulberry32, parseEngineConfig } from '@axiom/events';
import { openJournal } from '@axiom/journal';
import { openPositions } from '@axiom/projections';
import { writeBarDay, type Bar } from '../data';
import { verifyDecisions } from '../verify';
import { runBacktest } from './run';

const work = mkdtempSync(join(tmpdir(), 'axiom-sim-'));

/** One regular session plus some pre-market bars for `symbols`, from a seed. Minutes may be missing. */
function randomDay(seed: number, date: string, symbols: string[]): Bar[] {
  const rnd = mulberry32(seed);
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const open = Date.UTC(y, m - 1, d, 14, 30); // 09:30 New York in winter (EST)
  const bars: Bar[] = [];
  const px = symbols.map(() => 20 + rnd() * 200);
  for (let i = -60; i < 390; i++) {
    const ts = open + i * 60_000;
    symbols.forEach((symbol, k) => {
      if (rnd() < 0.05) return; // no trade this minute
      const jump = rnd() < 0.01 ? (rnd() - 0.5) * 0.04 : 0;
      const prev = px[k]!;
      const close = Math.max(1, prev * (1 + (rnd() - 0.5) * 0.006 + jump));
      const r2 = (x: number) => Math.round(x * 100) / 100;
      const o = r2(prev);
      const c = r2(close);
      const hi = r2(Math.max(o, c) * (1 + rnd() * 0.002));
      const lo = r2(Math.min(o, c) * (1 - rnd() * 0.002));
      const burst = rnd() < 0.03 ? 8 : 1;
      bars.push({ symbol, ts, open: o, high: Math.max(hi, o, c), low: Math.min(lo, o, c), close: c, volume: Math.round((500 + rnd() * 5000) * burst), vwap: null, trades: null });
      px[k] = close;
    });
  }
  return bars;
}

describe('seeded simulation through the whole engine', () => {
  it('journals verify, decisions reproduce, nothing is held overnight and the broker agrees with the engine', () => {
    let run = 0;
    let trades = 0;
    fc.assert(fc.property(fc.integer({ min: 1, max: 2 ** 31 - 1 }), fc.integer({ min: 1, max: 4 }), fc.boolean(), fc.constantFrom(0.1, 0.01, 0.002), (seed, nSymbols, tightRisk, volumeShare) => {
      const dir = join(work, `r${run++}`);
      mkdirSync(dir);
      const symbols = ['AAA', 'BBB', 'CCC', 'DDD'].slice(0, nSymbols);
      writeBarDay(join(dir, '2026-01-13.parquet'), randomDay(seed, '2026-01-13', symbols));
      writeBarDay(join(dir, '2026-01-14.parquet'), randomDay(seed + 1, '2026-01-14', symbols));
      // A small volume share makes partial fills, fills racing cancels and escalations common.
      const config = parseEngineConfig({ sim: { maxVolumeShare: volumeShare }, ...(tightRisk ? { risk: { dailyLossLimit: { unit: 'usd', value: 50 }, cooldownBars: 3 } } : {}) });
      const r = runBacktest({ bars: { kind: 'parquet', path: dir }, out: join(dir, 'run.journal'), config });

      trades += r.summary.trades;
      expect(r.summary.halts).toBe(0);
      expect(r.summary.anomalies).toBe(0);
      expect(r.heldOvernight).toEqual([]);
      const j = openJournal(r.journalPath, { durability: 'batched', readOnly: true });
      try {
        expect(j.verify().ok).toBe(true);
        const v = verifyDecisions(j);
        if (!v.ok) throw new Error(`decision not reproduced at seq ${v.mismatch.input.seq}`);
        // EOD liquidation leaves the engine flat, and every reconciliation found the broker in agreement.
        expect(openPositions(v.finalState.positions)).toEqual([]);
        for (const e of j.read({ types: ['reconciliation.applied'] })) {
          if (e.type === 'reconciliation.applied') {
            expect(e.payload.discrepancies.filter((d) => d.action !== 'none')).toEqual([]);
          }
        }
      } finally {
        j.close();
      }
    }), { numRuns: Number(process.env.SIM_RUNS ?? 6) }); // SIM_RUNS=200 for a longer hunt
    expect(trades).toBeGreaterThan(0); // the invariants were checked on days that actually traded
  });
});
