import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { backtest, writeBars } from '../verify/testing/fixtures';
import { diffJournals, type DiffReport } from './diff';
import { renderDiffHtml, uplotSources } from './html';
import { CHROMIUM_PATH, dumpDom, screenshot } from './testing/chromium';

// The HTML report rendered by a real browser: headless Chromium (Debian package `chromium`) loads the file
// offline, the page draws its three charts and counts the pixels each chart painted in each series' color.
// This test FAILS when Chromium is missing: the report is only checked when it is really drawn.

let dir: string;
let report: DiffReport;
let html: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'axiom-html-'));
  const bars = writeBars(join(dir, 'bars'), ['2025-03-11', '2025-03-12'], ['AAA', 'BBB', 'CCC', 'DDD'], 20261125);
  const strategies = (tp: number) => ({ strategies: [{ name: 'vwap-reversion', params: { takeProfitPct: tp } }, { name: 'opening-range-breakout', params: {} }, { name: 'slope-momentum', params: {} }] });
  backtest(bars, join(dir, 'a.journal'), strategies(0.25));
  backtest(bars, join(dir, 'b.journal'), strategies(0.6));
  report = diffJournals(join(dir, 'a.journal'), join(dir, 'b.journal'));
  html = renderDiffHtml(report);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The data attributes the page's self-check wrote on <body>. */
function bodyAttributes(dom: string): Record<string, string> {
  const body = /<body([^>]*)>/.exec(dom)?.[1] ?? '';
  return Object.fromEntries([...body.matchAll(/([\w-]+)="([^"]*)"/g)].map((m) => [m[1]!, m[2]!]));
}

describe('the HTML diff report', () => {
  it('is one self-contained offline file: uPlot inlined, nothing fetched', () => {
    const { js, css } = uplotSources();
    expect(html).toContain(js.slice(0, 200));
    expect(html).toContain(css.slice(0, 100));
    expect(html).not.toMatch(/<script[^>]+src=/i);
    expect(html).not.toMatch(/<link[^>]+href=/i);
    expect(html).not.toMatch(/https?:\/\/(?!github\.com\/leeoniya)/); // only uPlot's own license banner names a URL
    expect(html).toContain(report.a.lastHash);
    expect(html).toContain(report.b.lastHash);
    expect(html).toContain(report.a.inputsHash);
    expect(html).toContain('strategies[0].params.takeProfitPct');
    expect(html).toContain(`First divergence at seq ${report.firstDivergence!.seq}`);
  });

  it('renders in headless Chromium with all three charts drawn (series pixels in each chart)', () => {
    expect(existsSync(CHROMIUM_PATH)).toBe(true); // install the Debian package `chromium`
    const file = join(dir, 'report.html');
    writeFileSync(file, html);
    const attrs = bodyAttributes(dumpDom(file));
    expect(attrs['data-canvas-count']).toBe('3');
    expect(attrs['data-canvas-painted']).toBe('3');
    // chart-equity:<opaque>:A=<n>,B=<n>;chart-diff:<opaque>:diff=<n>;chart-drawdown:<opaque>:A=<n>,B=<n>
    const charts = Object.fromEntries((attrs['data-chart-pixels'] ?? '').split(';').map((c) => {
      const [id, opaque, series] = c.split(':');
      const hits = Object.fromEntries((series ?? '').split(',').map((kv) => kv.split('=')).map(([k, v]) => [k!, Number(v)]));
      return [id!, { opaque: Number(opaque), hits }];
    }));
    expect(Object.keys(charts).sort()).toEqual(['chart-diff', 'chart-drawdown', 'chart-equity']);
    expect(charts['chart-equity']!.hits.A).toBeGreaterThan(200);
    expect(charts['chart-equity']!.hits.B).toBeGreaterThan(200);
    expect(charts['chart-diff']!.hits.diff).toBeGreaterThan(200);
    expect(charts['chart-drawdown']!.hits.A).toBeGreaterThan(200);
    expect(charts['chart-drawdown']!.hits.B).toBeGreaterThan(200);
  });

  it('screenshots with the documented procedure (README.md)', () => {
    const file = join(dir, 'report.html');
    writeFileSync(file, html);
    const png = join(dir, 'report.png');
    screenshot(file, png);
    expect(readFileSync(png).subarray(1, 4).toString('latin1')).toBe('PNG');
    expect(statSync(png).size).toBeGreaterThan(20_000);
  });
});
