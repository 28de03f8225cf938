// The terminal view of a diff: header, inputs verdict, first divergence, totals A vs B, per-symbol table, the
// divergence list and the config differences. Plain text, fixed-width columns, times in New York.
import { canonicalJson } from '@axiom/events';
import { formatNyTime } from '../data';
import type { EventLine, SideAtDivergence } from './compare';
import type { DiffReport, Totals } from './diff';

/** Rows of the per-symbol table and the divergence list printed to a terminal (the JSON and HTML keep more). */
export const TEXT_SYMBOLS_MAX = 40;
export const TEXT_DIVERGENCES_MAX = 20;

export const usd = (x: number | null): string =>
  x === null ? 'n/a' : `${x < 0 ? '-' : ''}$${Math.abs(x).toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
const signedUsd = (x: number) => `${x > 0 ? '+' : ''}${usd(x)}`;
const pct = (x: number | null, d = 1) => (x === null ? 'n/a' : `${x.toFixed(d)}%`);
const ny = (ts: number) => (ts > 0 ? formatNyTime(ts) : '-');
const json = (v: unknown) => {
  try {
    return canonicalJson(v);
  } catch {
    return String(v);
  }
};

export function eventText(e: EventLine): string {
  return `seq ${e.seq} ${e.type} ${json(e.payload)}`;
}

function sideText(name: string, s: SideAtDivergence): string[] {
  const lines = [`  ${name}: ${s.event === null ? '(nothing: the run ended)' : eventText(s.event)}`];
  if (s.input !== null) {
    lines.push(`     in the transaction of input seq ${s.input.seq} ${s.input.type} (${ny(s.input.ts)}):`);
    if (s.decisions.length === 0) lines.push('       no decisions');
    for (const d of s.decisions) lines.push(`       ${eventText(d)}`);
  }
  return lines;
}

export function totalsRows(a: Totals, b: Totals): Array<[string, string, string, string]> {
  const num = (x: number) => x.toLocaleString('en-US');
  const d = (x: number, y: number) => (y - x === 0 ? '' : `${y - x > 0 ? '+' : ''}${num(y - x)}`);
  /** One row per key present in either run (a gate, a final order state), in a fixed order. */
  const breakdown = (label: string, x: Partial<Record<string, number>>, y: Partial<Record<string, number>>): Array<[string, string, string, string]> =>
    [...new Set([...Object.keys(x), ...Object.keys(y)])].sort().map((k) => [`${label} ${k}`, num(x[k] ?? 0), num(y[k] ?? 0), d(x[k] ?? 0, y[k] ?? 0)]);
  const dUsd = (x: number | null, y: number | null) => (x === null || y === null || y - x === 0 ? '' : signedUsd(y - x));
  return [
    ['net PnL', usd(a.netPnl), usd(b.netPnl), dUsd(a.netPnl, b.netPnl)],
    ['ending equity', usd(a.endingEquity), usd(b.endingEquity), dUsd(a.endingEquity, b.endingEquity)],
    ['trades (won/lost)', `${a.trades} (${a.wins}/${a.losses})`, `${b.trades} (${b.wins}/${b.losses})`, d(a.trades, b.trades)],
    ['win rate', pct(a.winRate === null ? null : a.winRate * 100), pct(b.winRate === null ? null : b.winRate * 100), ''],
    ['max drawdown', `${usd(a.maxDrawdown)} (${pct(a.maxDrawdownPct, 2)})`, `${usd(b.maxDrawdown)} (${pct(b.maxDrawdownPct, 2)})`, dUsd(a.maxDrawdown, b.maxDrawdown)],
    ['exposure (time)', pct(a.exposureTimePct), pct(b.exposureTimePct), ''],
    ['exposure (mean gross)', pct(a.avgGrossExposurePct, 2), pct(b.avgGrossExposurePct, 2), ''],
    ['signals', num(a.signals), num(b.signals), d(a.signals, b.signals)],
    ['rejected signals', num(a.rejected), num(b.rejected), d(a.rejected, b.rejected)],
    ...breakdown('  rejected by', a.rejectedByGate, b.rejectedByGate),
    ['orders', num(a.orders), num(b.orders), d(a.orders, b.orders)],
    ...breakdown('  orders ended', a.ordersByFinalState, b.ordersByFinalState),
    ['fills', num(a.fills), num(b.fills), d(a.fills, b.fills)],
    ['entries given up', num(a.entriesGaveUp), num(b.entriesGaveUp), d(a.entriesGaveUp, b.entriesGaveUp)],
    ['kill-switch / halts', `${a.killSwitchTrips} / ${a.halts}`, `${b.killSwitchTrips} / ${b.halts}`, ''],
    ['anomalies', num(a.anomalies), num(b.anomalies), d(a.anomalies, b.anomalies)],
  ];
}

export function formatDiff(r: DiffReport): string {
  const out: string[] = [];
  out.push(`A ${r.a.path}: run ${r.a.runId ?? '-'} (${r.a.mode ?? '-'}), ${r.a.events.toLocaleString('en-US')} events, last seq ${r.a.lastSeq}, head ${r.a.lastHash}`);
  out.push(`B ${r.b.path}: run ${r.b.runId ?? '-'} (${r.b.mode ?? '-'}), ${r.b.events.toLocaleString('en-US')} events, last seq ${r.b.lastSeq}, head ${r.b.lastHash}`);
  if (r.inputs.same) {
    out.push(`inputs: the same ${r.inputs.aCount.toLocaleString('en-US')} market inputs (sha256 ${r.inputs.aHash})`);
  } else {
    const d = r.inputs.firstDifference;
    out.push(`WARNING: the runs saw DIFFERENT market inputs (A ${r.inputs.aCount} sha256 ${r.inputs.aHash.slice(0, 16)}…, B ${r.inputs.bCount} sha256 ${r.inputs.bHash.slice(0, 16)}…)` +
      (d === null ? '' : `; first at market input #${d.index + 1}: A ${d.a ?? '(none)'} / B ${d.b ?? '(none)'}`));
  }

  out.push('');
  if (r.configDifferences.length === 0) {
    out.push('config: the same (run.started config and strategies)');
  } else {
    out.push(`config differences (${r.configDifferences.length}):`);
    for (const c of r.configDifferences) out.push(`  ${c.path}: A ${c.a ?? '(absent)'}  B ${c.b ?? '(absent)'}`);
  }

  out.push('');
  const f = r.firstDivergence;
  if (f === null) {
    out.push('IDENTICAL: every event after run.started is the same in both runs');
  } else {
    out.push(`FIRST DIVERGENCE at seq ${f.seq}, ${ny(f.ts)} New York (ts ${f.ts}), symbol ${f.symbol ?? '-'}` +
      (f.market === null ? ' (before the first market input)' : `, after market input #${f.group}: ${f.market}`));
    out.push(...sideText('A did', f.a), ...sideText('B did', f.b));
  }

  const rows = totalsRows(r.totals.a, r.totals.b);
  const kw = Math.max(...rows.map((x) => x[0].length));
  const vw = Math.max(16, ...rows.map((x) => Math.max(x[1].length, x[2].length)));
  out.push('', `${'totals'.padEnd(kw + 2)} ${'A'.padStart(vw)} ${'B'.padStart(vw)} ${'B - A'.padStart(14)}`);
  for (const [k, a, b, d] of rows) out.push(`  ${k.padEnd(kw)} ${a.padStart(vw)} ${b.padStart(vw)} ${d.padStart(14)}`);

  out.push('', `per symbol (${r.perSymbol.length} active${r.perSymbol.length > TEXT_SYMBOLS_MAX ? `, largest ${TEXT_SYMBOLS_MAX} PnL differences shown` : ''}):`);
  if (r.perSymbol.length > 0) {
    out.push(`  ${'symbol'.padEnd(8)} ${'signals A/B'.padStart(11)} ${'rej A/B'.padStart(9)} ${'orders A/B'.padStart(11)} ${'fills A/B'.padStart(10)} ${'trades A/B'.padStart(11)} ${'PnL A'.padStart(12)} ${'PnL B'.padStart(12)} ${'B - A'.padStart(12)}`);
    for (const s of r.perSymbol.slice(0, TEXT_SYMBOLS_MAX)) {
      const rej = (x: typeof s.a) => Object.values(x.rejected).reduce<number>((n, v) => n + (v ?? 0), 0);
      out.push(`  ${s.symbol.padEnd(8)} ${`${s.a.signals}/${s.b.signals}`.padStart(11)} ${`${rej(s.a)}/${rej(s.b)}`.padStart(9)} ${`${s.a.orders}/${s.b.orders}`.padStart(11)} ${`${s.a.fills}/${s.b.fills}`.padStart(10)} ${`${s.a.trades}/${s.b.trades}`.padStart(11)} ${usd(s.a.realizedPnl).padStart(12)} ${usd(s.b.realizedPnl).padStart(12)} ${(s.pnlDelta === 0 ? '' : signedUsd(s.pnlDelta)).padStart(12)}`);
    }
  }

  out.push('', `behavior differs in ${r.divergences.count} market group(s)${r.divergences.count > TEXT_DIVERGENCES_MAX ? ` (first ${TEXT_DIVERGENCES_MAX} shown)` : ''}:`);
  for (const d of r.divergences.shown.slice(0, TEXT_DIVERGENCES_MAX)) {
    out.push(`  ${ny(d.ts)} ${d.symbol ?? '-'} (market input #${d.group}):`);
    for (const l of d.onlyA) out.push(`    A only: ${l}`);
    for (const l of d.onlyB) out.push(`    B only: ${l}`);
  }
  out.push('', `compared in ${Math.round(r.elapsedMs)} ms (fold A ${Math.round(r.a.foldMs)} ms, fold B ${Math.round(r.b.foldMs)} ms)`);
  return out.join('\n');
}
