// `verify`: walk the whole journal in seq order, in constant memory, and report the first row that breaks
// the chain and why. It only reads: it never repairs, truncates or rewrites anything.
//
// The checks form a decision table, applied in this order to each row; the first that fails names the row:
//   gap            seq is not the previous seq + 1 (a row was deleted, or the first row is not seq 1)
//   hash_mismatch  sha256(prev hash, seq, ts, kind, type, payload) is not the stored hash: the row is not
//                  what the writer wrote (edited payload/ts/type/kind, edited hash, or a row removed earlier)
//   unknown_type   the type is not in this build's catalog
//   bad_kind       kind is not the catalog's kind for the type
//   bad_caused_by  an input with a causedBy, or a decision whose causedBy is not the input of its transaction
//                  (the nearest input before it: an input and its decisions are appended contiguously)
//   schema         the payload is not JSON, fails its catalog schema, is not in canonical form, or the derived
//                  symbol / client_order_id columns do not match the payload
// The hash comes first: it says whether a row is what was written; the checks after it say whether what was
// written is valid. Not covered by the chain (DESIGN §2): recordedAt (audit only) and caused_by, which the
// bad_caused_by rule pins down instead. Removing rows from the end is not detectable from the file alone:
// compare lastSeq/lastHash with a hash recorded elsewhere (the EOD seal).
import type Database from 'better-sqlite3';
import { CATALOG, GENESIS_HASH, isEventType, validatePayload, type EventKind } from '@axiom/events';
import { chainHashFast, encodeCanonical } from './encode';
import { VERIFY_PROGRESS_EVERY_EVENTS } from './limits';

export type VerifyProblem = 'gap' | 'hash_mismatch' | 'schema' | 'unknown_type' | 'bad_kind' | 'bad_caused_by';

export interface VerifyOptions {
  /** Called every VERIFY_PROGRESS_EVERY_EVENTS events and at the end; total is the last seq when the walk began. */
  readonly onProgress?: (checked: number, total: number) => void;
}

export type VerifyResult =
  | { readonly ok: true; readonly events: number; readonly lastSeq: number; readonly lastHash: string }
  | {
    readonly ok: false;
    /** Events verified good before the first bad one. */
    readonly events: number;
    readonly firstBad: { readonly seq: number; readonly problem: VerifyProblem; readonly detail: string };
  };

/** A stored row, columns as in the table. */
export interface StoredRow {
  readonly seq: number;
  readonly ts: number;
  readonly kind: string;
  readonly type: string;
  readonly causedBy: number | null;
  readonly payload: string;
  readonly hash: string;
  readonly symbol: string | null;
  readonly clientOrderId: string | null;
}

/** What the walk knows when it reaches a row. */
export interface ChainPosition {
  readonly expectedSeq: number;
  readonly prevHash: string;
  /** Seq of the latest input before this row, null before the first input. */
  readonly lastInputSeq: number | null;
}

export interface RowProblem {
  readonly seq: number;
  readonly problem: VerifyProblem;
  readonly detail: string;
}

/** Apply the decision table above to one row. Pure. */
export function checkRow(row: StoredRow, at: ChainPosition): RowProblem | null {
  if (row.seq !== at.expectedSeq) {
    return {
      seq: at.expectedSeq,
      problem: 'gap',
      detail: row.seq > at.expectedSeq
        ? `seq ${at.expectedSeq} is missing: the next row is seq ${row.seq}`
        : `seq ${row.seq} appears where seq ${at.expectedSeq} was expected`,
    };
  }
  const computed = chainHashFast(at.prevHash, row.seq, row.ts, row.kind as EventKind, row.type, row.payload);
  if (computed !== row.hash) {
    return {
      seq: row.seq,
      problem: 'hash_mismatch',
      detail: `stored hash ${short(row.hash)} is not the chain hash ${short(computed)} of this row: the row or the previous hash was altered`,
    };
  }
  if (!isEventType(row.type)) {
    return { seq: row.seq, problem: 'unknown_type', detail: `${JSON.stringify(row.type)} is not a known event type` };
  }
  const kind = CATALOG[row.type].kind;
  if (row.kind !== kind) {
    return { seq: row.seq, problem: 'bad_kind', detail: `${row.type} is stored as kind ${JSON.stringify(row.kind)}; the catalog says ${kind}` };
  }
  if (kind === 'input' && row.causedBy !== null) {
    return { seq: row.seq, problem: 'bad_caused_by', detail: `input ${row.type} has causedBy ${row.causedBy}; inputs have none` };
  }
  if (kind === 'decision' && row.causedBy !== at.lastInputSeq) {
    return {
      seq: row.seq,
      problem: 'bad_caused_by',
      detail: at.lastInputSeq === null
        ? `decision ${row.type} comes before any input`
        : `decision ${row.type} has causedBy ${String(row.causedBy)}, but the input of its transaction is seq ${at.lastInputSeq}`,
    };
  }
  let payload: unknown;
  try {
    payload = JSON.parse(row.payload);
  } catch (e) {
    return { seq: row.seq, problem: 'schema', detail: `payload is not JSON (${(e as Error).message})` };
  }
  const v = validatePayload(row.type, payload);
  if (!v.ok) return { seq: row.seq, problem: 'schema', detail: v.error.message };
  if (encodeCanonical(payload) !== row.payload) {
    return { seq: row.seq, problem: 'schema', detail: 'payload is not in canonical JSON form' };
  }
  const p = payload as Record<string, unknown>;
  const symbol = typeof p.symbol === 'string' ? p.symbol : null;
  if (row.symbol !== symbol) {
    return { seq: row.seq, problem: 'schema', detail: `symbol column ${JSON.stringify(row.symbol)} does not match payload.symbol ${JSON.stringify(symbol)}` };
  }
  const clientOrderId = typeof p.clientOrderId === 'string' ? p.clientOrderId : null;
  if (row.clientOrderId !== clientOrderId) {
    return {
      seq: row.seq,
      problem: 'schema',
      detail: `client_order_id column ${JSON.stringify(row.clientOrderId)} does not match payload.clientOrderId ${JSON.stringify(clientOrderId)}`,
    };
  }
  return null;
}

type Row = [number, number, string, string, number | null, string, string, string | null, string | null];

export function verifyJournal(db: Database.Database, options: VerifyOptions = {}): VerifyResult {
  const { onProgress } = options;
  const total = (db.prepare('SELECT coalesce(max(seq), 0) FROM events').pluck().get() as number);
  // One statement = one read transaction: the walk sees one consistent journal even while a writer appends.
  const rows = db
    .prepare('SELECT seq, ts, kind, type, caused_by, payload, hash, symbol, client_order_id FROM events ORDER BY seq')
    .raw()
    .iterate() as IterableIterator<Row>;
  let at: ChainPosition = { expectedSeq: 1, prevHash: GENESIS_HASH, lastInputSeq: null };
  let checked = 0;
  for (const r of rows) {
    const row: StoredRow = {
      seq: r[0], ts: r[1], kind: r[2], type: r[3], causedBy: r[4], payload: r[5], hash: r[6], symbol: r[7], clientOrderId: r[8],
    };
    const bad = checkRow(row, at);
    if (bad !== null) {
      rows.return?.();
      onProgress?.(checked, total);
      return { ok: false, events: checked, firstBad: bad };
    }
    checked++;
    at = {
      expectedSeq: row.seq + 1,
      prevHash: row.hash,
      lastInputSeq: row.kind === 'input' ? row.seq : at.lastInputSeq,
    };
    if (onProgress !== undefined && checked % VERIFY_PROGRESS_EVERY_EVENTS === 0) onProgress(checked, Math.max(total, checked));
  }
  onProgress?.(checked, Math.max(total, checked));
  return { ok: true, events: checked, lastSeq: at.expectedSeq - 1, lastHash: at.prevHash };
}

function short(hash: string): string {
  return hash.length > 16 ? `${hash.slice(0, 16)}…` : hash;
}
