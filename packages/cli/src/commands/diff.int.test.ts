import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command, CommanderError } from 'commander';
import { backtest, writeBars } from '@axiom/replay/src/verify/testing/fixtures';
import { EXIT, UsageError } from '../exit';
import { registerDiffCommand } from './diff';

// `axiom diff` in process, the way main.ts runs it (exitOverride; UsageError -> 2), on backtest journals.

interface Run { code: number; out: string; err: string }

async function diff(...args: string[]): Promise<Run> {
  let out = '';
  let err = '';
  let code: number = EXIT.ok;
  const program = new Command('axiom').exitOverride().configureOutput({ writeOut: (s) => { out += s; }, writeErr: (s) => { err += s; } });
  registerDiffCommand(program, {
    stdout: { write: (s: string) => { out += s; } },
    stderr: { write: (s: string) => { err += s; } },
    setExitCode: (c) => { code = c; },
  });
  try {
    await program.parseAsync(['node', 'axiom', 'diff', ...args]);
  } catch (e) {
    if (e instanceof CommanderError) code = e.exitCode === 0 ? EXIT.ok : EXIT.usage;
    else if (e instanceof UsageError) {
      code = EXIT.usage;
      err += `axiom: ${e.message}\n`;
    } else throw e;
  }
  return { code, out, err };
}

const DAYS = ['2025-03-11', '2025-03-12'];
const SYMBOLS = ['AAA', 'BBB', 'CCC', 'DDD'];
const cfg = (slopeParams: Record<string, unknown>) => ({
  strategies: [{ name: 'vwap-reversion', params: {} }, { name: 'opening-range-breakout', params: {} }, { name: 'slope-momentum', params: slopeParams }],
});

let dir: string;
let a: string;
let a2: string;
let b: string;
let c: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'axiom-cli-diff-'));
  const bars = writeBars(join(dir, 'bars'), DAYS, SYMBOLS, 20261125);
  const other = writeBars(join(dir, 'other'), DAYS, SYMBOLS, 99);
  a = join(dir, 'a.journal');
  a2 = join(dir, 'a2.journal');
  b = join(dir, 'b.journal');
  c = join(dir, 'c.journal');
  backtest(bars, a, cfg({}));
  backtest(bars, a2, cfg({}));
  backtest(bars, b, { ...cfg({}), risk: { maxPositionPctEquity: 5 } });
  backtest(other, c, cfg({}));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('axiom diff', () => {
  it('identical runs: exit 0, IDENTICAL', async () => {
    const r = await diff(a, a2);
    expect(r.code).toBe(EXIT.ok);
    expect(r.out).toMatch(/inputs: the same [\d,]+ market inputs \(sha256 [0-9a-f]{64}\)/);
    expect(r.out).toContain('config: the same');
    expect(r.out).toContain('IDENTICAL: every event after run.started is the same in both runs');
    expect(r.out).toContain('behavior differs in 0 market group(s)');
  });

  it('a config change: exit 1, the first divergence, totals, per symbol, config differences', async () => {
    const r = await diff(a, b);
    expect(r.code).toBe(EXIT.failed);
    expect(r.out).toMatch(/FIRST DIVERGENCE at seq \d+, 2025-03-1\d \d\d:\d\d New York \(ts \d+\), symbol [A-D]{3}/);
    expect(r.out).toMatch(/A did: seq \d+ order\.created/);
    expect(r.out).toMatch(/B did: seq \d+ order\.created/);
    expect(r.out).toContain('config.risk.maxPositionPctEquity: A 10  B 5');
    expect(r.out).toMatch(/net PnL\s+-?\$[\d,.]+\s+-?\$[\d,.]+/);
    expect(r.out).toMatch(/per symbol \(\d+ active/);

    const j = JSON.parse((await diff(a, b, '--json')).out);
    expect(j.identical).toBe(false);
    expect(j.firstDivergence.a.event.type).toBe('order.created');
    expect(j.firstDivergence.b.event.payload.qty).toBeLessThan(j.firstDivergence.a.event.payload.qty);
    expect(j.configDifferences).toEqual([{ path: 'config.risk.maxPositionPctEquity', a: '10', b: '5' }]);
    expect(j.totals.a.orders).toBeGreaterThan(0);
    expect(j.equity.ts.length).toBe(j.equity.a.length);
  });

  it('--html writes one self-contained file', async () => {
    const html = join(dir, 'out', 'report.html');
    const r = await diff(a, b, '--html', html);
    expect(r.code).toBe(EXIT.failed);
    expect(r.out).toContain(`HTML report: ${html}`);
    expect(existsSync(html)).toBe(true);
    const text = readFileSync(html, 'utf8');
    expect(text).toMatch(/^<!doctype html>/);
    expect(text).not.toMatch(/<script[^>]+src=/i);
    expect(text).toContain('var uPlot=');
  });

  it('different data sets: refused (exit 2); --allow-different-inputs compares with a warning (exit 1)', async () => {
    const r = await diff(a, c);
    expect(r.code).toBe(EXIT.usage);
    expect(r.err).toMatch(/did not see the same market inputs.*--allow-different-inputs/);
    const w = await diff(a, c, '--allow-different-inputs');
    expect(w.code).toBe(EXIT.failed);
    expect(w.err).toContain('warning: the runs saw different market inputs');
    expect(w.out).toMatch(/WARNING: the runs saw DIFFERENT market inputs .* first at market input #1/);
  });

  it('usage errors: exit 2', async () => {
    expect((await diff(a, join(dir, 'missing.journal'))).code).toBe(EXIT.usage);
    expect((await diff(a)).code).toBe(EXIT.usage);
    expect((await diff(a, b, '--max-divergences', '0')).code).toBe(EXIT.usage);
  });
});
