// How `axiom journal inspect/tail` print events: one readable line per event (seq, New York time, kind,
// type, causedBy, the payload's key fields) or one JSON object per line. Text that came from outside (broker
// reasons, rejected raw input) is escaped so a line stays one line and cannot drive the terminal.
import type { AnyEvent } from '@axiom/events';

export const TABLE_HEADER = `${'SEQ'.padStart(8)}  ${'TIME (America/New_York)'.padEnd(27)}  ${'KIND'.padEnd(8)}  ${'TYPE'.padEnd(24)}  ${'CAUSE'.padStart(8)}  DETAILS`;

/** Longest free text (reasons, raw input) shown in a table line; --json shows everything. */
const TEXT_SHOWN_MAX_CHARS = 80;

const NEW_YORK = new Intl.DateTimeFormat('en-US', {
  timeZone: 'America/New_York', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit',
  second: '2-digit', fractionalSecondDigits: 3, hourCycle: 'h23', timeZoneName: 'short',
});

/** `2024-03-15 09:30:00.000 EDT`: the event time as a New York trader reads it (EST/EDT named). */
export function formatNewYorkTime(tsMs: number): string {
  const parts: Record<string, string> = {};
  for (const p of NEW_YORK.formatToParts(new Date(tsMs))) parts[p.type] = p.value;
  return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}:${parts.second}.${parts.fractionalSecond} ${parts.timeZoneName}`;
}

export function formatEventLine(e: AnyEvent): string {
  return `${String(e.seq).padStart(8)}  ${formatNewYorkTime(e.ts).padEnd(27)}  ${e.kind.padEnd(8)}  ${e.type.padEnd(24)}  ${(e.causedBy === null ? '-' : String(e.causedBy)).padStart(8)}  ${summarize(e)}`;
}

/** The full envelope as one JSON line (fields in envelope order). */
export function formatEventJson(e: AnyEvent): string {
  return JSON.stringify({
    seq: e.seq, ts: e.ts, kind: e.kind, type: e.type, causedBy: e.causedBy, payload: e.payload, hash: e.hash,
    recordedAt: e.recordedAt,
  });
}

/** Quote free text: control characters (newlines, ESC) are escaped and long text is cut. */
export function text(s: string, maxChars = TEXT_SHOWN_MAX_CHARS): string {
  const cut = s.length > maxChars ? `${s.slice(0, maxChars - 1)}…` : s;
  // JSON escapes C0 controls, quotes and lone surrogates; DEL, C1 controls and the bidi/line-separator
  // characters (which can reorder what a terminal shows) are escaped here.
  return JSON.stringify(cut).replace(/[\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** An identifier-like value from a payload (ids, symbols): shown bare unless it holds odd characters. */
function id(s: string | null): string {
  if (s === null) return '-';
  return /^[\w.:/@-]{1,128}$/.test(s) ? s : text(s);
}

function num(v: number | null): string {
  return v === null ? '-' : String(v);
}

/** The key fields of each payload. The switch is exhaustive: a new event type fails to compile here. */
export function summarize(e: AnyEvent): string {
  switch (e.type) {
    case 'run.started': {
      const p = e.payload;
      return `run=${id(p.runId)} mode=${p.mode} strategies=${p.strategies.map((s) => `${id(s.name)}@${id(s.version)}`).join(',') || '-'} config=${p.configHash.slice(0, 12)} catalog=v${p.catalogVersion} code=${id(p.codeVersion)}`;
    }
    case 'market.bar': {
      const p = e.payload;
      return `${id(p.symbol)} o=${p.open} h=${p.high} l=${p.low} c=${p.close} v=${p.volume}${p.vwap === null ? '' : ` vwap=${p.vwap}`}`;
    }
    case 'market.bar_correction': {
      const p = e.payload;
      return `${id(p.symbol)} bar=${formatNewYorkTime(p.barTs)} o=${p.open} h=${p.high} l=${p.low} c=${p.close} v=${p.volume}`;
    }
    case 'market.corporate_action':
      return `${id(e.payload.symbol)} ${e.payload.action} ratio=${e.payload.ratio} ex=${e.payload.exDate}`;
    case 'broker.order_update': {
      const p = e.payload;
      const fill = p.fillQty === null ? '' : ` fill=${p.fillQty}@${num(p.fillPrice)}`;
      return `${p.event} order=${id(p.clientOrderId)} ${id(p.symbol)} ${p.side} qty=${p.orderQty}${fill} cum=${p.cumFilledQty}${p.reason === null ? '' : ` reason=${text(p.reason)}`}`;
    }
    case 'broker.snapshot': {
      const p = e.payload;
      return `equity=${p.account.equity} cash=${p.account.cash} bp=${p.account.buyingPower} positions=${p.positions.map((x) => `${id(x.symbol)}:${x.qty}`).join(',') || '-'} openOrders=${p.openOrders.length}`;
    }
    case 'broker.request_result': {
      const p = e.payload;
      return `${p.request} ${p.ok ? 'ok' : 'FAILED'} order=${id(p.clientOrderId)} for=#${p.forSeq} http=${num(p.httpStatus)}${p.error === null ? '' : ` error=${text(p.error)}`}`;
    }
    case 'broker.calendar': {
      const days = e.payload.days;
      return `days=${days.length}${days.length > 0 ? ` ${days[0]?.date}..${days.at(-1)?.date}` : ''}`;
    }
    case 'timer.fired':
      return `purpose=${text(e.payload.purpose)}`;
    case 'connection.status':
      return `${e.payload.feed} ${e.payload.status}${e.payload.detail === null ? '' : ` ${text(e.payload.detail)}`}`;
    case 'operator.command': {
      const p = e.payload;
      return `${p.command}${p.symbol === null ? '' : ` ${id(p.symbol)}`} by=${id(p.operator)} reason=${text(p.reason)}`;
    }
    case 'input.rejected':
      return `source=${id(e.payload.source)} error=${text(e.payload.error)} raw=${text(e.payload.raw, 40)}`;
    case 'signal.emitted': {
      const p = e.payload;
      return `${id(p.symbol)} ${p.side} strategy=${id(p.strategy)}@${id(p.strategyVersion)} ref=${p.refPrice} tp=${p.takeProfitPrice} sl=${p.stopLossPrice} reason=${text(p.reason)}`;
    }
    case 'signal.rejected': {
      const p = e.payload;
      return `${id(p.symbol)} ${p.side} strategy=${id(p.strategy)} gate=${p.gate} reason=${text(p.reason)}`;
    }
    case 'order.created': {
      const p = e.payload;
      const price = p.orderType === 'market' ? 'market' : `${p.orderType}@${num(p.limitPrice ?? p.stopPrice)}`;
      return `order=${id(p.clientOrderId)} ${id(p.symbol)} ${p.side} ${p.qty} ${price} ${p.timeInForce} ${p.purpose} attempt=${p.attempt} entry=${id(p.entryId)}${p.ocoGroup === null ? '' : ` oco=${id(p.ocoGroup)}`} reason=${text(p.reason)}`;
    }
    case 'order.transition':
      return `order=${id(e.payload.clientOrderId)} ${e.payload.from}->${e.payload.to} reason=${text(e.payload.reason)}`;
    case 'cancel.requested':
    case 'order.abandoned':
      return `order=${id(e.payload.clientOrderId)} reason=${text(e.payload.reason)}`;
    case 'entry.gave_up': {
      const p = e.payload;
      return `entry=${id(p.entryId)} ${id(p.symbol)} attempts=${p.attempts} filled=${p.filledQty} reason=${text(p.reason)}`;
    }
    case 'position.exit_requested':
      return `${id(e.payload.symbol)} reason=${e.payload.reason} detail=${text(e.payload.detail)}`;
    case 'session.phase_changed':
      return `${e.payload.tradingDay} ${e.payload.from}->${e.payload.to} reason=${text(e.payload.reason)}`;
    case 'risk.kill_switch_tripped': {
      const p = e.payload;
      return `${p.scope} loss=${p.realizedLoss} limit=${p.limit} since=${p.periodStart} reason=${text(p.reason)}`;
    }
    case 'risk.cooldown_started':
      return `${id(e.payload.symbol)} bars=${e.payload.bars} reason=${text(e.payload.reason)}`;
    case 'risk.symbol_blocked':
      return `${id(e.payload.symbol)} reason=${text(e.payload.reason)}`;
    case 'engine.halted':
      return `reason=${text(e.payload.reason)}${e.payload.error === null ? '' : ` error=${text(e.payload.error)}`}`;
    case 'engine.resumed':
    case 'reconciliation.requested':
      return `reason=${text(e.payload.reason)}`;
    case 'reconciliation.applied': {
      const p = e.payload;
      const kinds = p.discrepancies.map((d) => `${d.kind}:${id(d.symbol)}${d.clientOrderId === null ? '' : `/${id(d.clientOrderId)}`}->${d.action}`);
      return `snapshot=#${p.snapshotSeq} discrepancies=${p.discrepancies.length}${kinds.length > 0 ? ` ${kinds.join(',')}` : ''} reason=${text(p.reason)}`;
    }
    case 'checkpoint.taken':
      return `bars=${e.payload.barsSinceStart} reason=${text(e.payload.reason)}`;
    default: {
      const never: never = e;
      return JSON.stringify((never as AnyEvent).payload);
    }
  }
}
