// Validation at the boundary: every payload is checked against the catalog before it is written and when it
// is read back. Errors name the event type, the field, the value and the rule, e.g.
// `market.bar.payload.volume: -5 is not a non-negative integer`.
import type { z } from 'zod';
import { CATALOG, EVENT_TYPES, isEventType, type EventType, type PayloadOf } from './catalog';
import { fastCheckOf, type FastCheck } from './fields';

export class EventValidationError extends Error {
  constructor(
    readonly eventType: string,
    /** One line per problem, each `type.payload.field: value rule`. */
    readonly problems: readonly string[],
  ) {
    super(problems.join('; '));
    this.name = 'EventValidationError';
  }
}

export type Validation<T> = { ok: true; value: T } | { ok: false; error: EventValidationError };

/** Validate a payload for `type`. Unknown types and schema failures are refused, never coerced. */
export function validatePayload<T extends EventType>(type: T, payload: unknown): Validation<PayloadOf<T>>;
export function validatePayload(type: string, payload: unknown): Validation<unknown>;
export function validatePayload(type: string, payload: unknown): Validation<unknown> {
  if (!isEventType(type)) {
    return { ok: false, error: new EventValidationError(type, [`${describe(type)} is not a known event type`]) };
  }
  // Fast path for the hot types: a hand-written check of exactly the schema's rules. It only ever says
  // "valid"; anything it does not accept goes to zod, which decides and words the error.
  const fast = FAST_CHECKS[type];
  if (fast !== undefined && fast(payload)) return { ok: true, value: payload };
  const result = (CATALOG[type].schema as z.ZodType).safeParse(payload);
  if (result.success) return { ok: true, value: result.data };
  const problems = result.error.issues.map((issue) => formatIssue(type, payload, issue));
  return { ok: false, error: new EventValidationError(type, problems) };
}

/** Validate or throw EventValidationError. */
export function parsePayload<T extends EventType>(type: T, payload: unknown): PayloadOf<T> {
  const v = validatePayload(type, payload);
  if (!v.ok) throw v.error;
  return v.value;
}

/** Checks the envelope fields a producer supplies (type and ts) and the payload. */
export function validateDraft(draft: { type: string; ts: unknown; payload: unknown }): Validation<unknown> {
  if (typeof draft.ts !== 'number' || !Number.isInteger(draft.ts) || draft.ts < 0 || draft.ts >= 8.64e15) {
    return {
      ok: false,
      error: new EventValidationError(draft.type, [`${draft.type}.ts: ${describe(draft.ts)} is not an epoch millisecond timestamp`]),
    };
  }
  return validatePayload(draft.type, draft.payload);
}

function formatIssue(type: string, payload: unknown, issue: z.core.$ZodIssue): string {
  const path = issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('');
  const field = `${type}.payload${path}`;
  if (issue.code === 'unrecognized_keys') {
    return `${field}: unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => JSON.stringify(k)).join(', ')}`;
  }
  const value = valueAt(payload, issue.path);
  if (value === MISSING) return `${field}: is missing (${rule(issue)})`;
  return `${field}: ${describe(value)} ${rule(issue)}`;
}

function rule(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'invalid_value':
      return `is not one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
    case 'invalid_type':
      return issue.message.startsWith('is ') ? issue.message : `is not a ${issue.expected}`;
    default:
      return issue.message;
  }
}

// ---------------------------------------------------------------------------------------------------------
// Fast checks. Each mirrors its catalog schema exactly (validate.test.ts proves agreement with zod on random
// payloads); a payload it does not accept is judged by zod, so a fast check can only be too strict, never lax.

const SYMBOL = /^[A-Z][A-Z0-9./-]{0,15}$/;
const isPrice = (v: unknown): boolean => typeof v === 'number' && Number.isFinite(v) && v > 0;
const isNonNegInt = (v: unknown): boolean => typeof v === 'number' && Number.isInteger(v) && v >= 0;
const BAR_KEYS = ['symbol', 'open', 'high', 'low', 'close', 'volume', 'vwap', 'trades'];

function isBarPayload(p: unknown): boolean {
  if (p === null || typeof p !== 'object' || Array.isArray(p)) return false;
  const b = p as Record<string, unknown>;
  let keys = 0;
  for (const k in b) {
    if (!Object.prototype.hasOwnProperty.call(b, k)) continue;
    if (!BAR_KEYS.includes(k)) return false;
    keys++;
  }
  return keys === BAR_KEYS.length
    && typeof b.symbol === 'string' && SYMBOL.test(b.symbol)
    && isPrice(b.open) && isPrice(b.high) && isPrice(b.low) && isPrice(b.close)
    && isNonNegInt(b.volume)
    && (b.vwap === null || isPrice(b.vwap))
    && (b.trades === null || isNonNegInt(b.trades))
    && (b.high as number) >= (b.low as number);
}

/**
 * Per type: the hand-written bar check (its schema has a cross-field refinement, high >= low, that the field
 * checks cannot express), else the check composed from the fields' (fields.ts), for every payload schema
 * whose fields all have one.
 */
const FAST_CHECKS: Partial<Record<EventType, FastCheck>> = { 'market.bar': isBarPayload };
for (const type of EVENT_TYPES) {
  const check = fastCheckOf(CATALOG[type].schema as z.ZodType);
  if (FAST_CHECKS[type] === undefined && check !== undefined) FAST_CHECKS[type] = check;
}

/** For tests: the fast check of a type, if its valid payloads can skip zod. */
export function fastCheckFor(type: EventType): FastCheck | undefined {
  return FAST_CHECKS[type];
}

const MISSING = Symbol('missing');

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let cur: unknown = root;
  for (const key of path) {
    if (cur === null || typeof cur !== 'object') return MISSING;
    const rec = cur as Record<PropertyKey, unknown>;
    if (!(key in rec)) return MISSING;
    cur = rec[key];
  }
  return cur;
}

function describe(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  if (typeof value === 'string') return JSON.stringify(value.length > 80 ? `${value.slice(0, 77)}...` : value);
  try {
    const s = JSON.stringify(value);
    return s.length > 80 ? `${s.slice(0, 77)}...` : s;
  } catch {
    return String(value);
  }
}
