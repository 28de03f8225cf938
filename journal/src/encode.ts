// The append and verify hot path's encoders: a canonical-JSON writer and a chain hash that produce exactly
// the bytes of `canonicalJson` and `chainHash` from @axiom/events, about twice as fast (string building
// instead of array joins, no escaping work for plain ASCII strings, and Node's one-shot `crypto.hash`).
// encode.test.ts proves equality against the catalog's reference functions on random values; anything this
// encoder does not handle on its fast path is handed to `canonicalJson` itself, so errors read the same.
import * as crypto from 'node:crypto';
import { CATALOG, canonicalJson, chainHash, isEventType, type EventKind } from '@axiom/events';

/** Strings made only of these characters are emitted by JSON.stringify unchanged between quotes. */
const PLAIN_STRING = /^[\x20\x21\x23-\x5b\x5d-\x7e]*$/;

/** Thrown inside the fast path for a value it does not encode; the caller falls back to canonicalJson. */
const UNSUPPORTED = Symbol('unsupported');

/** Canonical JSON, byte-identical to `canonicalJson(value)` (and throwing the same errors). */
export function encodeCanonical(value: unknown): string {
  try {
    return encode(value);
  } catch (e) {
    // The reference encoder throws its own, path-naming error for the value we refused.
    if (e === UNSUPPORTED) return canonicalJson(value);
    throw e;
  }
}

function encode(value: unknown): string {
  switch (typeof value) {
    case 'string':
      return PLAIN_STRING.test(value) ? `"${value}"` : JSON.stringify(value);
    case 'number':
      // For finite numbers `'' + v` is JSON's number form; -0 becomes "0" in both.
      if (!Number.isFinite(value)) throw UNSUPPORTED;
      return '' + value;
    case 'boolean':
      return value ? 'true' : 'false';
    case 'object': {
      if (value === null) return 'null';
      if (Array.isArray(value)) {
        let out = '[';
        for (let i = 0; i < value.length; i++) {
          if (i > 0) out += ',';
          out += encode(value[i]);
        }
        return out + ']';
      }
      const record = value as Record<string, unknown>;
      // Default sort = UTF-16 code-unit order, the order canonicalJson uses.
      const keys = Object.keys(record).sort();
      let out = '{';
      for (let i = 0; i < keys.length; i++) {
        const key = keys[i] as string;
        const v = record[key];
        if (v === undefined) throw UNSUPPORTED;
        if (i > 0) out += ',';
        out += PLAIN_STRING.test(key) ? `"${key}":` : `${JSON.stringify(key)}:`;
        out += encode(v);
      }
      return out + '}';
    }
    default:
      throw UNSUPPORTED;
  }
}

/**
 * A catalog payload's top level: its schema's keys, sorted once, each with its `{"key":` / `,"key":` prefix.
 * Validated payloads are strict objects with exactly these keys, so the per-event key sort is skipped.
 */
interface ShapeEncoder {
  /** The schema's keys in declaration order: the order of a zod-parsed payload's own keys. */
  readonly declared: readonly string[];
  readonly keys: readonly string[];
  readonly prefixes: readonly string[];
}

const shapeEncoders = new Map<string, ShapeEncoder | null>();

function shapeEncoderFor(type: string): ShapeEncoder | null {
  let enc = shapeEncoders.get(type);
  if (enc !== undefined) return enc;
  enc = null;
  if (isEventType(type)) {
    const shape = (CATALOG[type].schema as { shape?: Record<string, unknown> }).shape;
    if (shape !== undefined && typeof shape === 'object') {
      const declared = Object.keys(shape);
      const keys = [...declared].sort();
      if (keys.length > 0) enc = { declared, keys, prefixes: keys.map((k, i) => `${i === 0 ? '{' : ','}${JSON.stringify(k)}:`) };
    }
  }
  shapeEncoders.set(type, enc);
  return enc;
}

/**
 * Canonical JSON of a payload of catalog type `type`: byte-identical to `canonicalJson(payload)`. Takes the
 * precomputed key order when the payload has exactly its schema's keys, and the general path otherwise.
 */
export function encodePayload(type: string, payload: unknown): string {
  const enc = shapeEncoderFor(type);
  if (enc === null || !hasDeclaredKeys(enc, payload)) return encodeCanonical(payload);
  const record = payload as Record<string, unknown>;
  const { keys, prefixes } = enc;
  let out = '';
  try {
    for (let i = 0; i < keys.length; i++) {
      const v = record[keys[i] as string];
      if (v === undefined) return encodeCanonical(payload);
      out += (prefixes[i] as string) + encode(v);
    }
  } catch (e) {
    if (e === UNSUPPORTED) return canonicalJson(payload);
    throw e;
  }
  return `${out}}`;
}

/** True when the payload's own keys are exactly the schema's, in declaration order (what zod outputs). */
function hasDeclaredKeys(enc: ShapeEncoder, payload: unknown): boolean {
  if (payload === null || typeof payload !== 'object' || Array.isArray(payload)) return false;
  const own = Object.keys(payload);
  const { declared } = enc;
  if (own.length !== declared.length) return false;
  for (let i = 0; i < own.length; i++) if (own[i] !== declared[i]) return false;
  return true;
}

/** For tests: whether `encodePayload` takes the precomputed key order for this payload. */
export function encodePayloadFastPath(type: string, payload: unknown): boolean {
  const enc = shapeEncoderFor(type);
  return enc !== null && hasDeclaredKeys(enc, payload);
}

// `crypto.hash` (Node >= 20.12) hashes a string in one call; older runtimes use the reference function.
const oneShotHash: ((algorithm: string, data: string, encoding: 'hex') => string) | undefined =
  typeof crypto.hash === 'function' ? crypto.hash : undefined;

/** Equal to `chainHash(prevHash, seq, ts, kind, type, canonicalPayload)` from @axiom/events. */
export function chainHashFast(
  prevHash: string, seq: number, ts: number, kind: EventKind, type: string, canonicalPayload: string,
): string {
  if (oneShotHash === undefined) return chainHash(prevHash, seq, ts, kind, type, canonicalPayload);
  // Same bytes as the reference: its two update() calls hash the concatenation of these UTF-8 strings.
  return oneShotHash('sha256', `${prevHash}\n${seq}\n${ts}\n${kind}\n${type}\n${canonicalPayload}`, 'hex');
}
