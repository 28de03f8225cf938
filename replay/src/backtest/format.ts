// The human summary of a run, printed at the end of `axiom backtest`: what a trader reads first.
import type { RunSummary } from './stats';

const usd = (x: number | null) => (x === null ? 'n/a' : `${x < 0 ? '-' : ''}$${Math.abs(x).toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`);
const pct = (x: number | null, digits = 1) => (x === null ? 'n/a' : `${x.toFixed(digits)}%`);
const counts = (r: Partial<Record<string, number>>) => {
  const entries = Object.entries(r).filter(([, n]) => (n ?? 0) > 0).sort((a, b) => (b[1] ?? 0) - (a[1] ?? 0));
  return entries.length === 0 ? 'none' : entries.map(([k, n]) => `${k} ${n}`).join(', ');
};

export function formatSummary(s: RunSummary, extra: { journal?: string; lastHash?: string; elapsedMs?: number; events?: number } = {}): string {
  const lines: string[] = [];
  const row = (k: string, v: string) => lines.push(`  ${k.padEnd(20)} ${v}`);
  lines.push(`Backtest ${s.runId ?? ''}: ${s.days.length} day${s.days.length === 1 ? '' : 's'} (${s.days[0] ?? '-'} .. ${s.days[s.days.length - 1] ?? '-'}), ${s.symbols} symbol${s.symbols === 1 ? '' : 's'}`);
  row('bars', s.bars.toLocaleString('en-US'));
  row('signals', `${s.signals.emitted} emitted, ${s.signals.accepted} accepted, ${s.signals.rejected} rejected`);
  row('  rejected by gate', counts(s.signals.byGate));
  row('orders', `${s.orders.created} created: ${counts(s.orders.byFinalState)}`);
  row('entries given up', String(s.entries.gaveUp));
  row('fills', String(s.fills));
  row('trades', `${s.trades} (${s.wins} won, ${s.losses} lost), win rate ${s.winRate === null ? 'n/a' : pct(s.winRate * 100)}`);
  row('gross PnL', usd(s.grossPnl));
  row('fees', `${usd(s.fees)} (simulated broker: commission-free; slippage is in fill prices)`);
  row('net PnL', usd(s.netPnl));
  row('equity', `${usd(s.startingEquity)} -> ${usd(s.endingEquity)}`);
  row('max drawdown', `${usd(s.maxDrawdown)} (${pct(s.maxDrawdownPct, 2)})`);
  row('exposure', `in the market ${pct(s.exposureTimePct)} of bar minutes, mean gross ${pct(s.avgGrossExposurePct, 2)} of equity`);
  row('risk', `kill-switch trips ${s.killSwitchTrips}, halts ${s.halts}, anomalies ${s.anomalies}, reconciliations ${s.reconciliations} (${s.discrepancies} discrepancies)`);
  if (extra.journal) row('journal', `${extra.journal}${extra.events ? ` (${extra.events.toLocaleString('en-US')} events)` : ''}`);
  if (extra.lastHash) row('last hash', extra.lastHash);
  if (extra.elapsedMs !== undefined) {
    const secs = extra.elapsedMs / 1000;
    row('elapsed', `${secs.toFixed(2)} s (${Math.round(s.bars / Math.max(secs, 1e-9)).toLocaleString('en-US')} bars/s)`);
  }
  const sym = Object.entries(s.perSymbol);
  if (sym.length > 0 && sym.length <= 20) {
    lines.push('', `  ${'symbol'.padEnd(8)} ${'bars'.padStart(7)} ${'signals'.padStart(7)} ${'orders'.padStart(6)} ${'fills'.padStart(5)} ${'trades'.padStart(6)} ${'won'.padStart(4)} ${'realized PnL'.padStart(14)}`);
    for (const [k, v] of sym) {
      lines.push(`  ${k.padEnd(8)} ${String(v.bars).padStart(7)} ${String(v.signals).padStart(7)} ${String(v.orders).padStart(6)} ${String(v.fills).padStart(5)} ${String(v.trades).padStart(6)} ${String(v.wins).padStart(4)} ${usd(v.realizedPnl).padStart(14)}`);
    }
  }
  return lines.join('\n');
}
