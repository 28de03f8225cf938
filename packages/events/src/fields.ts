// Field schemas shared by every event payload. Each refusal carries a rule in plain words ("is not a
// non-negative integer") so a validation error reads `market.bar.payload.volume: -5 is not a non-negative integer`.
import { z } from 'zod';

// Fast checks. Each field schema below is registered with a plain predicate that accepts a value only if
// the schema accepts it (it may refuse more: zod then decides and words the error). validate.ts composes
// them into a whole-payload check per catalog type, so the hot path of append and of a validated read skips
// zod (~1-3 µs a payload) for the payloads that are valid; validate.test.ts proves the agreement per type.

/** A predicate that accepts a value only if its schema does. */
export type FastCheck = (value: unknown) => boolean;

const FAST_CHECKS = new WeakMap<z.ZodType, FastCheck>();

/** The fast check registered for a schema, if it has one. */
export function fastCheckOf(schema: z.ZodType): FastCheck | undefined {
  return FAST_CHECKS.get(schema);
}

/** Register `check` as the fast check of `schema` (returned as is). */
export function withFastCheck<T extends z.ZodType>(schema: T, check: FastCheck): T {
  FAST_CHECKS.set(schema, check);
  return schema;
}

const isNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const isInteger = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v);

const finite = () => z.number({ error: 'is not a number' }).refine(Number.isFinite, 'is not a finite number');

/** A price in dollars: finite and > 0. Rounded to the cent only where an order is built (engine/routing). */
export const price = () => withFastCheck(finite().refine((v) => v > 0, 'is not a positive price'), (v) => isNumber(v) && v > 0);
/** A dollar amount that may be negative (PnL, cash). */
export const money = () => withFastCheck(finite(), isNumber);
/** Whole shares, > 0. */
export const qty = () => withFastCheck(finite().refine((v) => Number.isInteger(v) && v > 0, 'is not a positive integer'), (v) => isInteger(v) && v > 0);
/** Whole shares, >= 0. */
export const nonNegInt = () =>
  withFastCheck(finite().refine((v) => Number.isInteger(v) && v >= 0, 'is not a non-negative integer'), (v) => isInteger(v) && v >= 0);
/** Signed whole shares (a short position is negative). */
export const signedInt = () => withFastCheck(finite().refine((v) => Number.isInteger(v), 'is not an integer'), isInteger);
/** Positive integer (attempts, counts that cannot be zero). */
export const posInt = () => withFastCheck(finite().refine((v) => Number.isInteger(v) && v > 0, 'is not a positive integer'), (v) => isInteger(v) && v > 0);
/** Integer ms since epoch UTC. */
export const epochMs = () =>
  withFastCheck(
    finite().refine((v) => Number.isInteger(v) && v >= 0 && v < 8.64e15, 'is not an epoch millisecond timestamp'),
    (v) => isInteger(v) && v >= 0 && v < 8.64e15,
  );
/** A journal seq (>= 1). */
export const seqRef = () => withFastCheck(finite().refine((v) => Number.isInteger(v) && v >= 1, 'is not a journal seq'), (v) => isInteger(v) && v >= 1);
/** A ratio / fraction (finite, >= 0). */
export const nonNegNumber = () => withFastCheck(finite().refine((v) => v >= 0, 'is not a non-negative number'), (v) => isNumber(v) && v >= 0);

const SYMBOL = /^[A-Z][A-Z0-9./-]{0,15}$/;
const CLIENT_ORDER_ID = /^[A-Za-z0-9._:-]{1,128}$/;
const TRADING_DAY = /^\d{4}-\d{2}-\d{2}$/;

export const symbol = () =>
  withFastCheck(
    z.string({ error: 'is not a string' }).regex(SYMBOL, 'is not a ticker symbol (A-Z, 0-9, . - /)'),
    (v) => typeof v === 'string' && SYMBOL.test(v),
  );
export const text = (maxLength = 4096) =>
  withFastCheck(
    z.string({ error: 'is not a string' }).max(maxLength, `is longer than ${maxLength} characters`),
    (v) => typeof v === 'string' && v.length <= maxLength,
  );
export const id = () =>
  withFastCheck(
    z.string({ error: 'is not a string' }).min(1, 'is empty').max(128, 'is longer than 128 characters'),
    (v) => typeof v === 'string' && v.length >= 1 && v.length <= 128,
  );
/** Client order id: what the broker sees; deterministic, <= 128 chars (Alpaca's limit). */
export const clientOrderId = () =>
  withFastCheck(
    z.string({ error: 'is not a string' }).regex(CLIENT_ORDER_ID, 'is not a client order id ([A-Za-z0-9._:-], 1-128 chars)'),
    (v) => typeof v === 'string' && CLIENT_ORDER_ID.test(v),
  );
export const tradingDay = () =>
  withFastCheck(
    z.string({ error: 'is not a string' }).regex(TRADING_DAY, 'is not a YYYY-MM-DD date'),
    (v) => typeof v === 'string' && TRADING_DAY.test(v),
  );

/** One of a fixed list of strings. */
export const oneOf = <const T extends readonly [string, ...string[]]>(values: T, params?: { error: string }) => {
  const allowed = new Set<unknown>(values);
  return withFastCheck(z.enum(values, params), (v) => typeof v === 'string' && allowed.has(v));
};
export const boolean = () => withFastCheck(z.boolean(), (v) => typeof v === 'boolean');

export const side = () => oneOf(['buy', 'sell'], { error: 'is not buy or sell' });
export const nullable = <T extends z.ZodType>(schema: T) => {
  const inner = fastCheckOf(schema);
  const out = schema.nullable();
  return inner === undefined ? out : withFastCheck(out, (v) => v === null || inner(v));
};

/** An array of `schema`; a fast check when its elements have one. */
export const arrayOf = <T extends z.ZodType>(schema: T) => {
  const inner = fastCheckOf(schema);
  const out = z.array(schema);
  if (inner === undefined) return out;
  return withFastCheck(out, (v) => {
    if (!Array.isArray(v)) return false;
    // An index loop, not every(): a hole is an undefined element, which the schema refuses.
    for (let i = 0; i < v.length; i++) if (!inner(v[i])) return false;
    return true;
  });
};

/**
 * A strict object of `shape` (unknown keys refused), with a fast check when every field has one: a plain
 * object (prototype Object.prototype or null) whose own keys are exactly the shape's, each passing its check.
 */
export const strictObject = <T extends z.ZodRawShape>(shape: T) => {
  const out = z.strictObject(shape, { error: 'is not an object' });
  const keys = Object.keys(shape);
  const checks: FastCheck[] = [];
  for (const k of keys) {
    const c = fastCheckOf(shape[k] as z.ZodType);
    if (c === undefined) return out;
    checks.push(c);
  }
  const n = keys.length;
  const hasOwn = Object.prototype.hasOwnProperty;
  return withFastCheck(out, (v) => {
    if (v === null || typeof v !== 'object' || Array.isArray(v)) return false;
    const proto = Object.getPrototypeOf(v) as unknown;
    if (proto !== Object.prototype && proto !== null) return false;
    const rec = v as Record<string, unknown>;
    let own = 0;
    for (const k in rec) {
      if (!hasOwn.call(rec, k)) return false; // an inherited enumerable key: let zod judge
      own++;
    }
    if (own !== n) return false;
    for (let i = 0; i < n; i++) {
      const k = keys[i] as string;
      if (!hasOwn.call(rec, k) || !(checks[i] as FastCheck)(rec[k])) return false;
    }
    return true;
  });
};

/** Any JSON value (used for configs and state summaries carried verbatim). */
export const jsonValue: z.ZodType<unknown> = z.lazy(() =>
  z.union([
    z.string(),
    finite(),
    z.boolean(),
    z.null(),
    z.array(jsonValue),
    z.record(z.string(), jsonValue),
  ]),
);
