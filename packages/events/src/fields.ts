// Field schemas shared by every event payload. Each refusal carries a rule in plain words ("is not a
// non-negative integer") so a validation error reads `market.bar.payload.volume: -5 is not a non-negative integer`.
import { z } from 'zod';

const finite = () => z.number({ error: 'is not a number' }).refine(Number.isFinite, 'is not a finite number');

/** A price in dollars: finite and > 0. Rounded to the cent only where an order is built (engine/routing). */
export const price = () => finite().refine((v) => v > 0, 'is not a positive price');
/** A dollar amount that may be negative (PnL, cash). */
export const money = () => finite();
/** Whole shares, > 0. */
export const qty = () => finite().refine((v) => Number.isInteger(v) && v > 0, 'is not a positive integer');
/** Whole shares, >= 0. */
export const nonNegInt = () => finite().refine((v) => Number.isInteger(v) && v >= 0, 'is not a non-negative integer');
/** Signed whole shares (a short position is negative). */
export const signedInt = () => finite().refine((v) => Number.isInteger(v), 'is not an integer');
/** Positive integer (attempts, counts that cannot be zero). */
export const posInt = () => finite().refine((v) => Number.isInteger(v) && v > 0, 'is not a positive integer');
/** Integer ms since epoch UTC. */
export const epochMs = () =>
  finite().refine((v) => Number.isInteger(v) && v >= 0 && v < 8.64e15, 'is not an epoch millisecond timestamp');
/** A journal seq (>= 1). */
export const seqRef = () => finite().refine((v) => Number.isInteger(v) && v >= 1, 'is not a journal seq');
/** A ratio / fraction (finite, >= 0). */
export const nonNegNumber = () => finite().refine((v) => v >= 0, 'is not a non-negative number');

export const symbol = () =>
  z.string({ error: 'is not a string' }).regex(/^[A-Z][A-Z0-9./-]{0,15}$/, 'is not a ticker symbol (A-Z, 0-9, . - /)');
export const text = (maxLength = 4096) =>
  z.string({ error: 'is not a string' }).max(maxLength, `is longer than ${maxLength} characters`);
export const id = () =>
  z.string({ error: 'is not a string' }).min(1, 'is empty').max(128, 'is longer than 128 characters');
/** Client order id: what the broker sees; deterministic, <= 128 chars (Alpaca's limit). */
export const clientOrderId = () =>
  z.string({ error: 'is not a string' }).regex(/^[A-Za-z0-9._:-]{1,128}$/, 'is not a client order id ([A-Za-z0-9._:-], 1-128 chars)');
export const tradingDay = () =>
  z.string({ error: 'is not a string' }).regex(/^\d{4}-\d{2}-\d{2}$/, 'is not a YYYY-MM-DD date');

export const side = () => z.enum(['buy', 'sell'], { error: 'is not buy or sell' });
export const nullable = <T extends z.ZodType>(schema: T) => schema.nullable();

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
