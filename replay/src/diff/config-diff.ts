// The configuration and strategy differences between two runs, as recorded in their run.started events:
// every leaf of the config and of the resolved strategies (name, version, params with defaults filled), by
// path, where the two runs disagree. Read from the journals alone, never from files that may have changed.
import { canonicalJson } from '@axiom/events';
import type { RunStarted } from '../verify';

export interface ConfigDifference {
  /** e.g. `config.risk.maxPositionPctEquity`, `strategies[0].params.deviationPct`. */
  path: string;
  /** Canonical JSON of the value, or null when the path does not exist in that run. */
  a: string | null;
  b: string | null;
}

/** The part of a run.started that describes how the run was made (what diff compares). */
export function runDescription(r: RunStarted | undefined): Record<string, unknown> {
  if (r === undefined) return {};
  const p = r.payload;
  return {
    mode: p.mode,
    config: p.config,
    strategies: p.strategies,
    codeVersion: p.codeVersion,
    catalogVersion: p.catalogVersion,
  };
}

export function flatten(value: unknown, path: string, out: Map<string, string>): void {
  if (value !== null && typeof value === 'object') {
    const entries = Array.isArray(value) ? value.map((v, i) => [`[${i}]`, v] as const) : Object.entries(value).map(([k, v]) => [`.${k}`, v] as const);
    if (entries.length === 0) {
      out.set(path, Array.isArray(value) ? '[]' : '{}');
      return;
    }
    for (const [k, v] of entries) flatten(v, `${path}${k}`, out);
    return;
  }
  out.set(path, canonicalJson(value ?? null));
}

/** Leaf-by-leaf differences of the latest run.started of each run. */
export function configDifferences(a: RunStarted | undefined, b: RunStarted | undefined): ConfigDifference[] {
  const fa = new Map<string, string>();
  const fb = new Map<string, string>();
  for (const [k, v] of Object.entries(runDescription(a))) flatten(v, k, fa);
  for (const [k, v] of Object.entries(runDescription(b))) flatten(v, k, fb);
  const keys = [...new Set([...fa.keys(), ...fb.keys()])].sort();
  const out: ConfigDifference[] = [];
  for (const k of keys) {
    const x = fa.get(k) ?? null;
    const y = fb.get(k) ?? null;
    if (x !== y) out.push({ path: k, a: x, b: y });
  }
  return out;
}
