// The AAPL 7:1 split on real minute bars (QuantConnect LEAN sample data, projections/data/NOTICE.md):
// 2014-06-06 closes at 645.57; the split takes effect at the start of 2014-06-09; the market slice must give
// 06-09 a prevClose of 645.57 / 7 = 92.2243 and rescale the stored 06-06 bars, so the gap and the windows do
// not see a fake 86% crash.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { inflateRawSync } from 'node:zlib';
import type { AnyEvent } from '@axiom/events';
import { wallTimeToUtcMs } from '../session';
import { journalEvent } from '../session/test-support';
import { evolveMarket, initialMarketState, indicatorsOf, recentBars, symbolMarket, type MarketState } from './index';

/** The one CSV in a LEAN day zip (stored with deflate, sizes in the local header: no data descriptor). */
function readLeanZip(path: string): string {
  const zip = readFileSync(path);
  if (zip.readUInt32LE(0) !== 0x04034b50) throw new Error(`${path}: not a zip local file header`);
  const method = zip.readUInt16LE(8);
  const compressedSize = zip.readUInt32LE(18);
  const start = 30 + zip.readUInt16LE(26) + zip.readUInt16LE(28);
  const data = zip.subarray(start, start + compressedSize);
  if (method === 0) return data.toString('utf8');
  if (method !== 8) throw new Error(`${path}: compression method ${method}`);
  return inflateRawSync(data).toString('utf8');
}

function leanBars(symbol: string, date: string): AnyEvent[] {
  const file = resolve(__dirname, `../../data/lean/minute/${symbol.toLowerCase()}/${date.replaceAll('-', '')}_trade.zip`);
  const midnight = wallTimeToUtcMs(date, '00:00', 'America/New_York');
  return readLeanZip(file).trim().split('\n').map((line) => {
    const [ms, o, h, l, c, v] = line.split(',').map(Number) as [number, number, number, number, number, number];
    return journalEvent('market.bar', midnight + ms, { symbol, open: o / 10_000, high: h / 10_000, low: l / 10_000, close: c / 10_000, volume: v, vwap: null, trades: null });
  });
}

describe('AAPL 7:1 split on real LEAN minute bars, 2014-06-06 -> 2014-06-09', () => {
  const friday = leanBars('AAPL', '2014-06-06');
  const monday = leanBars('AAPL', '2014-06-09');
  const announce = journalEvent('market.corporate_action', Date.parse('2014-06-07T12:00:00Z'), { symbol: 'AAPL', action: 'split', exDate: '2014-06-09', ratio: 7 });
  const run = (events: AnyEvent[]): MarketState => events.reduce(evolveMarket, initialMarketState());

  it('reads the sample: 783 bars on 06-06 (last regular close 645.57), 834 on 06-09 (first regular open 92.69)', () => {
    expect(friday).toHaveLength(783);
    expect(monday).toHaveLength(834);
    const s = run(friday);
    expect(symbolMarket(s, 'AAPL')?.lastRegularClose).toBe(645.57);
  });

  it('gives 06-09 a split-adjusted prevClose of 92.2243 and a +0.50% gap (92.69 open), not -85.6%', () => {
    const s = run([...friday, announce, ...monday]);
    const m = symbolMarket(s, 'AAPL');
    if (m === undefined) throw new Error('no AAPL');
    const ind = indicatorsOf(m);
    expect(ind.prevClose).toBeCloseTo(92.2243, 4);
    expect(ind.gapPct).toBeCloseTo((92.69 - 645.57 / 7) / (645.57 / 7), 12);
    expect(ind.gapPct).toBeCloseTo(0.00505, 5);
    expect(ind.barsToday).toBe(834);
    expect(s.anomalyCount).toBe(0);

    // Without the split the same day reads as a crash.
    const raw = indicatorsOf(symbolMarket(run([...friday, ...monday]), 'AAPL') ?? m);
    expect(raw.gapPct).toBeCloseTo(92.69 / 645.57 - 1, 12);
  });

  it('rescales the 06-06 bars it keeps: the windows across the weekend see no cliff', () => {
    const s = run([...friday, announce, monday[0] as AnyEvent]);
    const m = symbolMarket(s, 'AAPL');
    if (m === undefined) throw new Error('no AAPL');
    const bars = recentBars(m, 3);
    // The last two 06-06 after-hours bars, divided by 7, then the first 06-09 bar (as printed).
    expect(bars.map((b) => b.close)).toEqual([645.7 / 7, 645.7 / 7, 92.42]);
    expect(bars.map((b) => b.volume)).toEqual([45 * 7, 727 * 7, 600]);
    // The 30-bar range spans the weekend on one price scale: the 06-06 lows are now ~92, not ~645.
    const last30 = recentBars(m, 30);
    expect(indicatorsOf(m).rangeLow).toBe(Math.min(...last30.map((b) => b.low)));
    expect(last30.every((b) => b.low > 90 && b.low < 93)).toBe(true);
  });
});
