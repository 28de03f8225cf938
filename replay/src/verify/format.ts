// Text for `axiom replay`: the state summary, the snapshot check and a --verify mismatch, written for an
// operator reading a terminal (times in New York, money in dollars, one line per thing).
import { canonicalJson } from '@axiom/events';
import { formatNyTime } from '../data';
import type { CheckSnapshotsResult } from './snapshots';
import type { StateSummary, SymbolState } from './summary';
import type { DecisionLine, DecisionMismatch, VerifyStats } from './verify';

export const usd = (x: number | null): string =>
  x === null ? 'n/a' : `${x < 0 ? '-' : ''}$${Math.abs(x).toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
export const nyTime = (ts: number): string => (ts > 0 ? `${formatNyTime(ts)} New York` : '-');
const short = (hash: string) => hash.slice(0, 16);
const rate = (x: number) => Math.round(x).toLocaleString('en-US');

export function formatStateSummary(s: StateSummary): string {
  const lines: string[] = [];
  const row = (k: string, v: string) => lines.push(`  ${k.padEnd(15)} ${v}`);
  lines.push(`State at seq ${s.seq} (${nyTime(s.lastTs)}), state hash ${s.stateHash}`);
  row('run', s.run === null ? 'none (no run.started)' : `${s.run.runId} (${s.run.mode}), config ${short(s.run.configHash)}`);
  row('session', `${s.session.tradingDay ?? '-'} ${s.session.phase}${s.session.phaseSinceTs === null ? '' : ` since ${nyTime(s.session.phaseSinceTs)}`}`);
  row('bars', `${s.counters.bars.toLocaleString('en-US')} (${s.counters.barTicks} bar minutes)`);
  row('equity', `${usd(s.account.equity)}; realized PnL ${usd(s.pnl.realized)}, unrealized ${usd(s.pnl.unrealized)}`);
  row('kill-switch', s.killSwitch === null ? 'not tripped' : `TRIPPED (${s.killSwitch.scope}) at seq ${s.killSwitch.seq}: ${s.killSwitch.reason}`);
  row('halted', s.halted === null ? 'no' : `HALTED at seq ${s.halted.seq}: ${s.halted.reason}`);
  row('blocked', s.blockedSymbols.length === 0 ? 'none' : s.blockedSymbols.join(', '));
  row('positions', `${s.positions.length} open`);
  for (const p of s.positions) {
    lines.push(`    ${p.symbol.padEnd(8)} ${String(p.qty).padStart(7)} @ ${p.avgEntryPrice.toFixed(2).padStart(9)}  mark ${p.markPrice === null ? '-' : p.markPrice.toFixed(2)}  unrealized ${usd(p.unrealizedPnl)}  legs ${p.legs}${p.exitPending === null ? '' : `  exit pending: ${p.exitPending}`}`);
  }
  row('working orders', `${s.workingOrders.count}${s.workingOrders.count > s.workingOrders.shown.length ? ` (first ${s.workingOrders.shown.length} shown)` : ''}`);
  for (const o of s.workingOrders.shown) {
    const px = o.limitPrice !== null ? ` ${o.limitPrice}` : o.stopPrice !== null ? ` ${o.stopPrice}` : '';
    lines.push(`    ${o.clientOrderId.padEnd(28)} ${o.symbol.padEnd(8)} ${o.side.padEnd(4)} ${o.purpose.padEnd(11)} ${o.orderType}${px} ${o.filledQty}/${o.qty} ${o.status} (attempt ${o.attempt})`);
  }
  const bySlice = Object.entries(s.anomalies.bySlice).map(([k, n]) => `${k} ${n}`).join(', ');
  row('anomalies', `${s.anomalies.count}${bySlice === '' ? '' : ` (${bySlice})`}`);
  for (const a of s.anomalies.latest.slice(0, 10)) {
    lines.push(`    seq ${a.seq} ${a.slice}/${a.type}${a.symbol === null ? '' : ` ${a.symbol}`}: ${a.detail}`);
  }
  return lines.join('\n');
}

/** Good snapshots listed in the text output: the first and the last few; failures are always all listed. */
export const SNAPSHOTS_OK_SHOWN_HEAD = 3;
export const SNAPSHOTS_OK_SHOWN_TAIL = 3;

export function formatSnapshotCheck(r: CheckSnapshotsResult): string {
  const lines = [`Snapshots: ${r.snapshots.length} checked against a fold from zero of ${r.events.toLocaleString('en-US')} events in ${Math.round(r.elapsedMs)} ms`];
  // Every failure is listed; of the good ones only the first and the last few (a long run has thousands).
  const shownOk = new Set(r.snapshots.filter((c) => c.ok).map((c) => c.seq).filter((_seq, i, all) => i < SNAPSHOTS_OK_SHOWN_HEAD || i >= all.length - SNAPSHOTS_OK_SHOWN_TAIL));
  let elided = 0;
  for (const c of r.snapshots) {
    if (c.ok && !shownOk.has(c.seq)) {
      elided++;
      continue;
    }
    if (elided > 0) lines.push(`  … ${elided} more ok`);
    elided = 0;
    lines.push(`  seq ${String(c.seq).padStart(9)}  ${short(c.recordedHash)}  ${c.ok ? 'ok' : `MISMATCH: ${c.problem}`}`);
  }
  if (elided > 0) lines.push(`  … ${elided} more ok`);
  const same = r.finalRecoveredHash === r.finalFromZeroHash;
  lines.push(`  recovery (snapshot at seq ${r.recoveredFromSeq} + tail) ${same ? '==' : '!='} from zero: ${short(r.finalRecoveredHash)} ${same ? '==' : '!='} ${short(r.finalFromZeroHash)}`);
  if (r.snapshotRefused !== null) lines.push(`  recovery REFUSED the latest snapshot: ${r.snapshotRefused}`);
  lines.push(r.ok ? '  every snapshot equals the state rebuilt from zero' : '  SNAPSHOT CHECK FAILED');
  return lines.join('\n');
}

export function formatVerifyStats(s: VerifyStats): string {
  return `${s.events.toLocaleString('en-US')} events (${s.inputs.toLocaleString('en-US')} inputs, ${s.decisions.toLocaleString('en-US')} decisions) in ${Math.round(s.elapsedMs)} ms = ${rate(s.eventsPerSec)} events/s` +
    `, every row's hash chain checked on the way${s.checkAhead ? (s.segments > 1 ? ' (by a thread beside each segment)' : ' (by a thread beside the re-run)') : ''}, ${s.segments > 1 ? `in ${s.segments} segments side by side; ${s.snapshotsChecked} snapshot(s) matched where they meet` : `in one segment${s.snapshotsChecked > 0 ? `; the snapshot at the last seq matched` : ''}`}`;
}

const payloadText = (p: unknown) => {
  try {
    return canonicalJson(p);
  } catch {
    return String(p);
  }
};

function decisionLines(ds: readonly DecisionLine[]): string[] {
  if (ds.length === 0) return ['    (none)'];
  return ds.map((d) => `    seq ${d.seq} ts ${d.ts} ${d.type} causedBy ${d.causedBy} ${payloadText(d.payload)}`);
}

export function formatMismatch(m: DecisionMismatch): string {
  const lines: string[] = [];
  lines.push(`DIVERGENCE at seq ${m.seq} (${m.kind}): ${m.detail}`);
  lines.push(`  input seq ${m.input.seq} ${m.input.type} at ${nyTime(m.input.ts)} (ts ${m.input.ts}): ${payloadText(m.input.payload)}`);
  lines.push('  expected (journaled) decisions:', ...decisionLines(m.expected));
  lines.push('  actual (re-run) decisions:', ...decisionLines(m.actual));
  if (m.symbolState !== null) lines.push(...formatSymbolState(m.symbolState).map((l) => `  ${l}`));
  return lines.join('\n');
}

export function formatSymbolState(s: SymbolState): string[] {
  const lines = [`state of ${s.symbol} as decide saw it (after the input, before its decisions):`];
  const p = s.position;
  lines.push(`  position       ${p === null ? 'flat' : `${p.qty} @ ${p.avgEntryPrice} (mark ${p.markPrice ?? '-'}, unrealized ${usd(p.unrealizedPnl)}), legs ${p.legs}${p.exitPending === null ? '' : `, exit pending ${p.exitPending}`}`}`);
  lines.push(`  working orders ${s.workingOrders.length === 0 ? 'none' : ''}`);
  for (const o of s.workingOrders) lines.push(`    ${o.clientOrderId} ${o.side} ${o.purpose} ${o.orderType} ${o.filledQty}/${o.qty} ${o.status} limit ${o.limitPrice ?? '-'}`);
  if (s.market === null) {
    lines.push('  market         no bars yet');
  } else {
    lines.push(`  market         ${s.market.barsToday} bars today, last price ${s.market.lastPrice ?? '-'}`);
    lines.push(`  indicators     ${payloadText(s.market.indicators)}`);
  }
  lines.push(`  risk           cooldown ${s.cooldownBarsLeft} bars, ${s.blocked === null ? 'not blocked' : `blocked: ${s.blocked}`}`);
  return lines;
}
