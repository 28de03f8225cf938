// Reconciliation (layer 3, DESIGN §5): compare a broker snapshot with the engine's state. "The broker is the
// source of truth", but the engine never guesses: every difference is a discrepancy with an action, chosen
// by a decision table (POSITION_RULES) that tests prove total and unambiguous. Pure.
import type { EngineConfig, Envelope, PayloadOf } from '@axiom/events';
import { openPositions, workingOrders, type EngineState } from '@axiom/projections';

type Discrepancy = PayloadOf<'reconciliation.applied'>['discrepancies'][number];

export interface PositionCase {
  engineFlat: boolean;
  brokerFlat: boolean;
  /** Engine and broker quantities are equal (only meaningful when neither is flat). */
  equal: boolean;
}

export interface PositionRule {
  readonly name: string;
  readonly when: (c: PositionCase) => boolean;
  readonly kind: Discrepancy['kind'] | null;
  readonly action: (cfg: EngineConfig) => Discrepancy['action'];
}

/** Exactly one rule matches every case (reconcile.test.ts walks all of them). */
export const POSITION_RULES: readonly PositionRule[] = [
  { name: 'both flat', when: (c) => c.engineFlat && c.brokerFlat, kind: null, action: () => 'none' },
  { name: 'agree', when: (c) => !c.engineFlat && !c.brokerFlat && c.equal, kind: null, action: () => 'none' },
  // The broker closed it (a leg filled while we were down, or a manual close): close locally, cancel stale legs.
  { name: 'broker flat, engine holds', when: (c) => !c.engineFlat && c.brokerFlat, kind: 'broker_flat_engine_holds', action: () => 'close_local' },
  // Shares the engine never bought: adopt with fresh legs, or halt, as configured. Either way the symbol is blocked.
  { name: 'broker holds, engine flat', when: (c) => c.engineFlat && !c.brokerFlat, kind: 'broker_holds_engine_flat', action: (cfg) => (cfg.risk.unknownBrokerPosition === 'adopt' ? 'adopt' : 'halt') },
  // Both hold different amounts: no guessing which is right. Block the symbol and tell the operator.
  { name: 'quantities differ', when: (c) => !c.engineFlat && !c.brokerFlat && !c.equal, kind: 'quantity_mismatch', action: () => 'block_symbol' },
];

export function positionRule(c: PositionCase): PositionRule {
  const matches = POSITION_RULES.filter((r) => r.when(c));
  if (matches.length !== 1) throw new Error(`reconciliation table: ${matches.length} rules match ${JSON.stringify(c)}`);
  return matches[0]!;
}

export interface ReconcileResult {
  discrepancies: Discrepancy[];
  abandon: { clientOrderId: string; reason: string }[];
  transitions: PayloadOf<'order.transition'>[];
  /** Symbols to block for entries. */
  block: string[];
  /** A reason to halt the engine, or null. */
  halt: string | null;
  /** Symbols whose exits/legs need another look after the reconciliation is applied. */
  touched: string[];
  summary: string;
}

export function reconcile(s: EngineState, snapshot: Envelope<'broker.snapshot'>): ReconcileResult {
  const cfg = s.config;
  const out: ReconcileResult = { discrepancies: [], abandon: [], transitions: [], block: [], halt: null, touched: [], summary: '' };
  const broker = new Map(snapshot.payload.positions.map((p) => [p.symbol, p]));
  const engine = new Map(openPositions(s.positions).map((p) => [p.symbol, p]));
  const symbols = [...new Set([...broker.keys(), ...engine.keys()])].sort();

  for (const symbol of symbols) {
    const e = engine.get(symbol);
    const b = broker.get(symbol);
    const engineQty = e?.qty ?? 0;
    const brokerQty = b?.qty ?? 0;
    const rule = positionRule({ engineFlat: engineQty === 0, brokerFlat: brokerQty === 0, equal: engineQty === brokerQty });
    if (rule.kind === null) continue;
    const action = rule.action(cfg);
    out.discrepancies.push({
      kind: rule.kind, symbol, clientOrderId: null, engineQty, brokerQty, brokerAvgPrice: b?.avgEntryPrice ?? null, action,
      detail: `${rule.name}: engine ${engineQty}, broker ${brokerQty}`,
    });
    out.touched.push(symbol);
    if (action === 'halt') {
      out.block.push(symbol);
      out.halt ??= `reconciliation: broker holds ${brokerQty} ${symbol} the engine does not know (config.risk.unknownBrokerPosition = halt)`;
    } else if (action === 'block_symbol' || action === 'adopt') {
      out.block.push(symbol);
    }
  }

  // Orders: the broker's open orders against the engine's working ones.
  const brokerOrders = new Map(snapshot.payload.openOrders.map((o) => [o.clientOrderId, o]));
  const runStartedSeq = s.run?.startedSeq ?? 0;
  const engineIds = new Set<string>();
  for (const o of workingOrders(s.orders)) {
    engineIds.add(o.clientOrderId);
    if (brokerOrders.has(o.clientOrderId)) continue;
    if (o.status === 'PENDING' && o.createdSeq < runStartedSeq) {
      // Decided by an earlier process that died before sending it (DESIGN §5): it never existed at the broker.
      out.discrepancies.push({ kind: 'order_missing_at_broker', symbol: o.symbol, clientOrderId: o.clientOrderId, engineQty: null, brokerQty: null, brokerAvgPrice: null, action: 'abandon_order', detail: `created at seq ${o.createdSeq} before this run started (seq ${runStartedSeq}), never sent` });
      out.abandon.push({ clientOrderId: o.clientOrderId, reason: 'reconciliation: decided before a restart and never reached the broker' });
      out.touched.push(o.symbol);
    } else if (o.status !== 'PENDING') {
      // Not open at the broker: its final update may still be on the way. Recorded, not guessed.
      out.discrepancies.push({ kind: 'order_status_mismatch', symbol: o.symbol, clientOrderId: o.clientOrderId, engineQty: null, brokerQty: null, brokerAvgPrice: null, action: 'none', detail: `engine ${o.status}, not open at the broker (final update may be in flight)` });
    }
  }
  for (const o of snapshot.payload.openOrders) {
    if (engineIds.has(o.clientOrderId)) continue;
    out.discrepancies.push({ kind: 'order_unknown_to_engine', symbol: o.symbol, clientOrderId: o.clientOrderId, engineQty: null, brokerQty: null, brokerAvgPrice: null, action: 'block_symbol', detail: `broker has open ${o.side} ${o.qty} ${o.symbol} (${o.status}) the engine does not know` });
    out.block.push(o.symbol);
  }

  out.block = [...new Set(out.block)].sort();
  out.touched = [...new Set(out.touched)].sort();
  const n = out.discrepancies.length;
  out.summary = n === 0 ? 'broker and engine agree' : `${n} discrepanc${n === 1 ? 'y' : 'ies'}: ${[...new Set(out.discrepancies.map((d) => d.kind))].join(', ')}`;
  return out;
}
