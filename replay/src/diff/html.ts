// The HTML report of a diff: ONE self-contained offline file (uPlot's minified script and stylesheet are
// inlined from node_modules; no CDN, no fetch). A header (both journals' chain heads, the inputs hash, the
// configs and their differences), the totals, three charts (both equity curves, their difference B - A, and
// both drawdowns), the per-symbol table and the divergence list. The charts use an ordinal x axis (one step
// per bar minute, so nights and weekends take no room) labelled in New York time, and a dollar y axis.
// After drawing, the page counts the pixels each chart painted in each series' color and writes the counts
// into data attributes on <body>: the headless-Chromium test (and anyone) can check the charts really drew.
import { readFileSync } from 'node:fs';
import { canonicalJson } from '@axiom/events';
import { formatNyTime } from '../data';
import type { DiffReport } from './diff';
import { totalsRows, usd } from './format';

/** Rows of the per-symbol table in the HTML (sorted by the PnL difference; the count is always shown). */
export const HTML_SYMBOLS_MAX = 500;

/** Series colors; the page's self-check looks for these exact colors in the canvases. */
export const SERIES_COLORS = { a: '#1f6fd1', b: '#e8590c', diff: '#2b8a3e' } as const;

let uplotAssets: { js: string; css: string } | null = null;

/** uPlot's minified IIFE build and stylesheet, read once from the installed package. */
export function uplotSources(): { js: string; css: string } {
  if (uplotAssets === null) {
    uplotAssets = {
      js: readFileSync(require.resolve('uplot/dist/uPlot.iife.min.js'), 'utf8'),
      css: readFileSync(require.resolve('uplot/dist/uPlot.min.css'), 'utf8'),
    };
  }
  return uplotAssets;
}

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
/** JSON inside <script>: nothing in it can close the element or open a comment. */
const scriptJson = (v: unknown) => JSON.stringify(v).replace(/</g, '\\u003c').replace(/>/g, '\\u003e').replace(/&/g, '\\u0026');
/** Inlined library text: a literal `</script` inside it would end the element early. */
const scriptText = (s: string) => s.replace(/<\/script/gi, '<\\/script');
const styleText = (s: string) => s.replace(/<\/style/gi, '<\\/style');
const json = (v: unknown) => {
  try {
    return canonicalJson(v);
  } catch {
    return String(v);
  }
};

/** Chart series derived from the report: both curves, their difference (carried forward), drawdowns (dollars). */
export function chartSeries(r: DiffReport): { a: Array<number | null>; b: Array<number | null>; diff: Array<number | null>; ddA: Array<number | null>; ddB: Array<number | null> } {
  const { ts, a, b } = r.equity;
  const diff: Array<number | null> = [];
  const ddA: Array<number | null> = [];
  const ddB: Array<number | null> = [];
  let lastA: number | null = null;
  let lastB: number | null = null;
  let peakA = -Infinity;
  let peakB = -Infinity;
  for (let i = 0; i < ts.length; i++) {
    const x = a[i] ?? null;
    const y = b[i] ?? null;
    if (x !== null) lastA = x;
    if (y !== null) lastB = y;
    diff.push(lastA !== null && lastB !== null ? round2(lastB - lastA) : null);
    if (x !== null) peakA = Math.max(peakA, x);
    if (y !== null) peakB = Math.max(peakB, y);
    ddA.push(x === null ? null : round2(x - peakA));
    ddB.push(y === null ? null : round2(y - peakB));
  }
  return { a, b, diff, ddA, ddB };
}

const round2 = (x: number) => Math.round(x * 100) / 100;

export function renderDiffHtml(r: DiffReport, opts: { title?: string } = {}): string {
  const { js, css } = uplotSources();
  const title = opts.title ?? `Axiom diff: ${r.a.path} vs ${r.b.path}`;
  const series = chartSeries(r);
  const data = {
    fullLabels: r.equity.ts.map((t) => `${formatNyTime(t)} New York`),
    a: series.a, b: series.b, diff: series.diff, ddA: series.ddA, ddB: series.ddB,
    colors: SERIES_COLORS,
  };
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)}</title>
<style>${styleText(css)}</style>
<style>
  body { font: 14px/1.4 system-ui, -apple-system, "Segoe UI", sans-serif; margin: 24px; color: #1d2125; background: #fff; }
  h1 { font-size: 20px; margin: 0 0 8px; } h2 { font-size: 16px; margin: 28px 0 8px; border-bottom: 1px solid #dde; padding-bottom: 4px; }
  table { border-collapse: collapse; margin: 4px 0 12px; } th, td { padding: 3px 10px; border-bottom: 1px solid #eef; text-align: left; vertical-align: top; }
  th { background: #f4f6fa; } td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
  code, .mono { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size: 12px; word-break: break-all; }
  .verdict { padding: 8px 12px; border-radius: 4px; margin: 8px 0; font-weight: 600; }
  .ok { background: #e6f4ea; color: #1e6b34; } .warn { background: #fff4e5; color: #8a4b00; } .bad { background: #fdecea; color: #a4262c; }
  .pos { color: #1e6b34; } .neg { color: #a4262c; } .chart { margin: 8px 0 20px; }
  .a { color: ${SERIES_COLORS.a}; } .b { color: ${SERIES_COLORS.b}; }
</style>
</head>
<body data-canvas-count="0" data-canvas-painted="0">
<h1>${esc(title)}</h1>
${headerSection(r)}
${divergenceVerdict(r)}
<h2>Totals</h2>
${totalsTable(r)}
<h2>Equity</h2>
<div class="chart" id="chart-equity"></div>
<h2>Equity difference (B &minus; A)</h2>
<div class="chart" id="chart-diff"></div>
<h2>Drawdown (below the running peak)</h2>
<div class="chart" id="chart-drawdown"></div>
<h2>Per symbol</h2>
${symbolTable(r)}
<h2>Divergences</h2>
${divergenceTable(r)}
<script type="application/json" id="diff-data">${scriptJson(data)}</script>
<script>${scriptText(js)}</script>
<script>
${PAGE_SCRIPT}
</script>
</body>
</html>
`;
}

function headerSection(r: DiffReport): string {
  const row = (k: string, a: string, b: string) => `<tr><th>${esc(k)}</th><td class="mono">${a}</td><td class="mono">${b}</td></tr>`;
  const rows = [
    row('journal', esc(r.a.path), esc(r.b.path)),
    row('run', esc(`${r.a.runId ?? '-'} (${r.a.mode ?? '-'})`), esc(`${r.b.runId ?? '-'} (${r.b.mode ?? '-'})`)),
    row('events / last seq', `${r.a.events.toLocaleString('en-US')} / ${r.a.lastSeq}`, `${r.b.events.toLocaleString('en-US')} / ${r.b.lastSeq}`),
    row('journal hash (chain head)', esc(r.a.lastHash), esc(r.b.lastHash)),
    row('config hash', esc(r.a.configHash ?? '-'), esc(r.b.configHash ?? '-')),
    row('inputs hash (market inputs)', `${esc(r.a.inputsHash)} (${r.a.marketInputs.toLocaleString('en-US')})`, `${esc(r.b.inputsHash)} (${r.b.marketInputs.toLocaleString('en-US')})`),
    row('data source', esc(r.a.dataSource ?? '-'), esc(r.b.dataSource ?? '-')),
    row('code', esc(r.a.codeVersion ?? '-'), esc(r.b.codeVersion ?? '-')),
  ];
  const inputs = r.inputs.same
    ? `<div class="verdict ok">Same market inputs: ${r.inputs.aCount.toLocaleString('en-US')} inputs, sha256 <code>${esc(r.inputs.aHash)}</code></div>`
    : `<div class="verdict warn">The runs saw DIFFERENT market inputs (compared anyway, --allow-different-inputs)${r.inputs.firstDifference === null ? '' : `: first at market input #${r.inputs.firstDifference.index + 1}, A <code>${esc(r.inputs.firstDifference.a ?? '(none)')}</code>, B <code>${esc(r.inputs.firstDifference.b ?? '(none)')}</code>`}</div>`;
  const cfg = r.configDifferences.length === 0
    ? '<p>No configuration or strategy differences in run.started.</p>'
    : `<table><tr><th>path</th><th class="a">A</th><th class="b">B</th></tr>${r.configDifferences.map((c) => `<tr><td class="mono">${esc(c.path)}</td><td class="mono">${esc(c.a ?? '(absent)')}</td><td class="mono">${esc(c.b ?? '(absent)')}</td></tr>`).join('')}</table>`;
  return `<table><tr><th></th><th class="a">A</th><th class="b">B</th></tr>${rows.join('')}</table>
${inputs}
<h2>Configuration differences (run.started)</h2>
${cfg}`;
}

function eventCell(e: { seq: number; type: string; payload: unknown } | null): string {
  return e === null ? '<em>nothing (the run ended)</em>' : `<code>seq ${e.seq} ${esc(e.type)} ${esc(json(e.payload))}</code>`;
}

function divergenceVerdict(r: DiffReport): string {
  const f = r.firstDivergence;
  if (f === null) return '<div class="verdict ok">IDENTICAL: every event after run.started is the same in both runs.</div>';
  const side = (s: typeof f.a) => `${eventCell(s.event)}${s.input === null ? '' : `<div>in the transaction of input <code>seq ${s.input.seq} ${esc(s.input.type)}</code>: ${s.decisions.length === 0 ? 'no decisions' : s.decisions.map((d) => `<div>${eventCell(d)}</div>`).join('')}</div>`}`;
  return `<div class="verdict bad">First divergence at seq ${f.seq}, ${esc(formatNyTime(f.ts))} New York, symbol ${esc(f.symbol ?? '-')}</div>
<table><tr><th>market input</th><td class="mono">${f.market === null ? 'before the first market input' : `#${f.group}: ${esc(f.market)}`}</td></tr>
<tr><th class="a">A did</th><td>${side(f.a)}</td></tr><tr><th class="b">B did</th><td>${side(f.b)}</td></tr></table>`;
}

function totalsTable(r: DiffReport): string {
  const rows = totalsRows(r.totals.a, r.totals.b)
    .map(([k, a, b, d]) => `<tr><th>${esc(k)}</th><td class="num">${esc(a)}</td><td class="num">${esc(b)}</td><td class="num ${d.startsWith('-') ? 'neg' : d === '' ? '' : 'pos'}">${esc(d)}</td></tr>`);
  return `<table><tr><th></th><th class="num a">A</th><th class="num b">B</th><th class="num">B &minus; A</th></tr>${rows.join('')}</table>`;
}

function symbolTable(r: DiffReport): string {
  if (r.perSymbol.length === 0) return '<p>No symbol had a signal, an order or a fill in either run.</p>';
  const counts = (x: Partial<Record<string, number>>) => Object.entries(x).filter(([, n]) => (n ?? 0) > 0).map(([k, n]) => `${k} ${n}`).join(', ') || '-';
  const pnlClass = (x: number) => (x > 0 ? 'pos' : x < 0 ? 'neg' : '');
  const rows = r.perSymbol.slice(0, HTML_SYMBOLS_MAX).map((s) => `<tr><td>${esc(s.symbol)}</td>
<td class="num">${s.a.signals} / ${s.b.signals}</td><td>${esc(counts(s.a.rejected))}<br>${esc(counts(s.b.rejected))}</td>
<td>${esc(counts(s.a.ordersByFinalState))}<br>${esc(counts(s.b.ordersByFinalState))}</td>
<td class="num">${s.a.fills} / ${s.b.fills}</td><td class="num">${s.a.trades} / ${s.b.trades}</td>
<td class="num ${pnlClass(s.a.realizedPnl)}">${esc(usd(s.a.realizedPnl))}</td><td class="num ${pnlClass(s.b.realizedPnl)}">${esc(usd(s.b.realizedPnl))}</td>
<td class="num ${pnlClass(s.pnlDelta)}">${esc(usd(s.pnlDelta))}</td></tr>`);
  const note = r.perSymbol.length > HTML_SYMBOLS_MAX ? `<p>${r.perSymbol.length} active symbols; the ${HTML_SYMBOLS_MAX} largest PnL differences are shown.</p>` : '';
  return `${note}<table><tr><th>symbol</th><th class="num">signals A / B</th><th>rejected by gate (A, then B)</th><th>orders by final state (A, then B)</th><th class="num">fills A / B</th><th class="num">trades A / B</th><th class="num a">realized PnL A</th><th class="num b">realized PnL B</th><th class="num">B &minus; A</th></tr>${rows.join('')}</table>`;
}

function divergenceTable(r: DiffReport): string {
  if (r.divergences.count === 0) return '<p>The runs did the same things (signals, orders, fills, exits) in every market group.</p>';
  const rows = r.divergences.shown.map((d) => `<tr><td class="mono">${esc(formatNyTime(d.ts))}</td><td>${esc(d.symbol ?? '-')}</td><td class="num">${d.group}</td>
<td class="mono">${d.onlyA.map(esc).join('<br>') || '-'}</td><td class="mono">${d.onlyB.map(esc).join('<br>') || '-'}</td></tr>`);
  const note = r.divergences.count > r.divergences.shown.length ? ` (the first ${r.divergences.shown.length} are listed)` : '';
  return `<p>Behavior differs in ${r.divergences.count} market group(s)${note}.</p>
<table><tr><th>New York time</th><th>market input symbol</th><th class="num">#</th><th class="a">only in A</th><th class="b">only in B</th></tr>${rows.join('')}</table>`;
}

/** The page's own script: build the three charts from the embedded data, then check they painted. */
const PAGE_SCRIPT = String.raw`(function () {
  var D = JSON.parse(document.getElementById('diff-data').textContent);
  var n = D.fullLabels.length;
  var xs = new Array(n);
  for (var i = 0; i < n; i++) xs[i] = i;
  function usd(v) {
    if (v == null) return '-';
    var a = Math.abs(v), s = v < 0 ? '-$' : '$';
    if (a >= 1e6) return s + (a / 1e6).toFixed(2) + 'M';
    return s + a.toLocaleString('en-US', { maximumFractionDigits: a >= 1000 ? 0 : 2 });
  }
  // Each tick shows New York HH:MM; the first tick and the first tick of each new day also show the date.
  function xLabels(splits) {
    var prevDay = '';
    return splits.map(function (v) {
      var k = Math.round(v);
      if (k < 0 || k >= n) return '';
      var full = D.fullLabels[k], day = full.slice(0, 10), hm = full.slice(11, 16);
      var out = day === prevDay ? hm : full.slice(5, 10) + ' ' + hm;
      prevDay = day;
      return out;
    });
  }
  function width() { return Math.max(600, Math.min(1200, document.body.clientWidth - 40)); }
  function plot(id, series, data) {
    var opts = {
      width: width(), height: 300,
      scales: { x: { time: false } },
      series: [{ label: 'New York', value: function (u, v) { return v == null ? '-' : (D.fullLabels[Math.round(v)] || ''); } }].concat(series),
      axes: [
        { space: 90, values: function (u, splits) { return xLabels(splits); } },
        { size: 100, values: function (u, vals) { return vals.map(usd); } }
      ],
      cursor: { drag: { x: true, y: false } }
    };
    return new uPlot(opts, [xs].concat(data), document.getElementById(id));
  }
  function line(label, color, dash) {
    var s = { label: label, stroke: color, width: 2, spanGaps: true, value: function (u, v) { return usd(v); } };
    if (dash) s.dash = [6, 4];
    return s;
  }
  var charts = [];
  if (n > 0) {
    charts.push({ id: 'chart-equity', colors: { A: D.colors.a, B: D.colors.b }, u: plot('chart-equity', [line('A', D.colors.a), line('B', D.colors.b, true)], [D.a, D.b]) });
    charts.push({ id: 'chart-diff', colors: { diff: D.colors.diff }, u: plot('chart-diff', [line('B - A', D.colors.diff)], [D.diff]) });
    charts.push({ id: 'chart-drawdown', colors: { A: D.colors.a, B: D.colors.b }, u: plot('chart-drawdown', [line('A', D.colors.a), line('B', D.colors.b, true)], [D.ddA, D.ddB]) });
  } else {
    ['chart-equity', 'chart-diff', 'chart-drawdown'].forEach(function (id) { document.getElementById(id).textContent = 'No equity points: neither run had a known equity on any bar minute.'; });
  }
  function rgb(hex) { return [parseInt(hex.slice(1, 3), 16), parseInt(hex.slice(3, 5), 16), parseInt(hex.slice(5, 7), 16)]; }
  function check() {
    var canvases = document.querySelectorAll('canvas'), painted = 0, report = [];
    for (var c = 0; c < charts.length; c++) {
      var cv = document.querySelector('#' + charts[c].id + ' canvas');
      if (!cv) { report.push(charts[c].id + ':nocanvas'); continue; }
      var px = cv.getContext('2d').getImageData(0, 0, cv.width, cv.height).data;
      var opaque = 0, keys = Object.keys(charts[c].colors), hits = {}, targets = {};
      keys.forEach(function (k) { hits[k] = 0; targets[k] = rgb(charts[c].colors[k]); });
      for (var p = 0; p < px.length; p += 4) {
        if (px[p + 3] === 0) continue;
        opaque++;
        if (px[p + 3] < 200) continue;
        for (var k = 0; k < keys.length; k++) {
          var t = targets[keys[k]];
          if (Math.abs(px[p] - t[0]) + Math.abs(px[p + 1] - t[1]) + Math.abs(px[p + 2] - t[2]) < 40) hits[keys[k]]++;
        }
      }
      if (opaque > 0) painted++;
      report.push(charts[c].id + ':' + opaque + ':' + keys.map(function (k) { return k + '=' + hits[k]; }).join(','));
    }
    document.body.setAttribute('data-canvas-count', String(canvases.length));
    document.body.setAttribute('data-canvas-painted', String(painted));
    document.body.setAttribute('data-chart-pixels', report.join(';'));
    document.title = document.title + ' [charts painted ' + painted + '/' + charts.length + ']';
  }
  // uPlot commits its drawing in a microtask; check on the next frame (and once more after a timer, for
  // headless runs where animation frames are throttled).
  var done = false;
  function once() { if (!done) { done = true; check(); } }
  if (typeof requestAnimationFrame === 'function') requestAnimationFrame(function () { setTimeout(once, 0); });
  setTimeout(once, 200);
})();`;
