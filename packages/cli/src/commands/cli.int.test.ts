// The `axiom` binary as a user runs it: a real child process through bin/axiom.cjs, real files.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const BIN = resolve(__dirname, '../../bin/axiom.cjs');
const work = mkdtempSync(join(tmpdir(), 'axiom-cli-'));
const axiom = (...args: string[]) => {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', cwd: work, env: { ...process.env, TZ: 'UTC' } });
  return { code: r.status, out: r.stdout, err: r.stderr };
};

describe('axiom backtest', () => {
  it('backtests one day of the bundled sample and prints a JSON summary', () => {
    const out = join(work, 'one.journal');
    const r = axiom('backtest', '--from', '2013-10-07', '--to', '2013-10-07', '--out', out, '--json');
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const json = JSON.parse(r.out) as { lastSeq: number; summary: { bars: number; days: string[] }; heldOvernight: unknown[] };
    expect(json.summary.bars).toBe(828);
    expect(json.summary.days).toEqual(['2013-10-07']);
    expect(json.heldOvernight).toEqual([]);
    // The journal it wrote verifies.
    const v = axiom('journal', 'verify', out);
    expect(v.code).toBe(0);
  });

  it('prints the human summary by default', () => {
    const r = axiom('backtest', '--from', '2015-12-24', '--to', '2015-12-24', '--out', join(work, 'goog.journal'));
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/bars\s+227/);
    expect(r.out).toMatch(/win rate/);
    expect(r.out).toMatch(/max drawdown/);
  });

  it('refuses to overwrite a journal without --force, and usage errors exit 2', () => {
    const out = join(work, 'exists.journal');
    writeFileSync(out, 'x');
    const r = axiom('backtest', '--from', '2013-10-07', '--to', '2013-10-07', '--out', out);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/already exists/);
    expect(axiom('backtest', '--bars', join(work, 'nope'), '--out', join(work, 'n.journal')).code).toBe(2);
    expect(axiom('backtest', '--strategy', 'no-such-strategy', '--out', join(work, 'm.journal')).code).toBe(2);
    const bad = join(work, 'bad.json');
    writeFileSync(bad, JSON.stringify({ risk: { maxPositionPctEquity: -1 } }));
    const c = axiom('backtest', '--config', bad, '--out', join(work, 'c.journal'));
    expect(c.code).toBe(2);
    expect(c.err).toMatch(/config\.risk\.maxPositionPctEquity/);
  });
});

describe('a user strategy by path', () => {
  it('runs examples/strategies/gap-fade.ts and records its file hash in run.started', () => {
    const out = join(work, 'user.journal');
    const file = resolve(__dirname, '../../../../examples/strategies/gap-fade.ts');
    const r = axiom('backtest', '--strategy', file, '--out', out, '--json');
    expect(r.code).toBe(0);
    expect((JSON.parse(r.out) as { summary: { signals: { emitted: number } } }).summary.signals.emitted).toBeGreaterThan(0);
    const inspect = axiom('journal', 'inspect', out, '--type', 'run.started', '--json');
    expect(inspect.code).toBe(0);
    expect(inspect.out).toMatch(/"name":"gap-fade"/);
    expect(inspect.out).toMatch(/"sourceSha256":"[0-9a-f]{64}"/);
  });
});

describe('axiom data', () => {
  it('imports a CSV into Parquet day files that a backtest can read', () => {
    const csv = join(work, 'bars.csv');
    const rows = ['symbol,ts,open,high,low,close,volume'];
    for (let i = 0; i < 60; i++) {
      const ts = new Date(Date.UTC(2024, 2, 12, 13, 30 + i)).toISOString();
      rows.push(`XYZ,${ts},10,10.1,9.9,10.0${i % 10},${1000 + i}`);
    }
    writeFileSync(csv, `${rows.join('\n')}\n`);
    const r = axiom('data', 'import', csv, '--out', join(work, 'csvbars'));
    expect(r.code).toBe(0);
    const b = axiom('backtest', '--bars', join(work, 'csvbars'), '--out', join(work, 'csv.journal'), '--json');
    expect(b.code).toBe(0);
    expect((JSON.parse(b.out) as { summary: { bars: number } }).summary.bars).toBe(60);
  });

  it('names the line and field of bad CSV data and exits 1', () => {
    const csv = join(work, 'bad.csv');
    writeFileSync(csv, 'symbol,ts,open,high,low,close,volume\nXYZ,2024-03-12T13:30:00Z,10,10.1,9.9,10,-5\n');
    const r = axiom('data', 'import', csv, '--out', join(work, 'badbars'));
    expect(r.code).toBe(1);
    expect(r.err + r.out).toMatch(/line 2/);
    expect(r.err + r.out).toMatch(/volume/);
  });
});
