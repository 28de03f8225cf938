// Rebuild what `step` needs (its DecideDeps: the strategies, bound to their params) from the journal's latest
// `run.started`, so `replay --verify` runs the decisions with the strategies that made them. A user strategy
// file is hashed BEFORE it is loaded: a file that is gone, or whose sha256 is not the one the run recorded,
// is refused (exit 2) without running a line of it, because its decisions would prove nothing.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { EngineConfigSchema, type EngineConfig, type Envelope } from '@axiom/events';
import type { DecideDeps } from '@axiom/engine';
import type { Journal } from '@axiom/journal';
import { BUILTIN_STRATEGIES } from '@axiom/strategies';
import { resolveStrategies } from '../backtest';
import { ReplayUsageError } from './errors';

export type RunStarted = Envelope<'run.started'>;

export interface RebuiltDeps {
  readonly deps: DecideDeps;
  readonly runStarted: RunStarted;
  readonly config: EngineConfig;
  /** Differences that do not make verification meaningless but an auditor should see (a built-in's version). */
  readonly warnings: readonly string[];
}

/** The latest `run.started` of a journal (null when it has none). Scans the type column only. */
export function latestRunStarted(journal: Journal, toSeq?: number): RunStarted | null {
  let last: RunStarted | null = null;
  for (const e of journal.read({ types: ['run.started'], toSeq })) {
    if (e.type === 'run.started') last = e;
  }
  return last;
}

/** Every `run.started` of a journal, in seq order (a live journal has one per start). */
export function allRunStarted(journal: Journal): RunStarted[] {
  const out: RunStarted[] = [];
  for (const e of journal.read({ types: ['run.started'] })) if (e.type === 'run.started') out.push(e);
  return out;
}

export function rebuildDeps(journal: Journal, toSeq?: number, found?: RunStarted | null): RebuiltDeps {
  const runStarted = found === undefined ? latestRunStarted(journal, toSeq) : found;
  if (runStarted === null) {
    throw new ReplayUsageError('no_run_started', 'the journal has no run.started event: the strategies and config that made its decisions are unknown, so they cannot be re-run');
  }
  const parsed = EngineConfigSchema.safeParse(runStarted.payload.config);
  if (!parsed.success) {
    const why = parsed.error.issues.map((i) => `config.${i.path.join('.')}: ${i.message}`).join('; ');
    throw new ReplayUsageError('invalid_config', `run.started at seq ${runStarted.seq} carries a config this build cannot parse (${why})`);
  }
  const config = parsed.data;
  const recorded = runStarted.payload.strategies;
  const wanted = config.strategies.length > 0 ? config.strategies.map((s) => s.name) : null;
  if (wanted !== null && wanted.length !== recorded.length) {
    throw new ReplayUsageError('invalid_config', `run.started at seq ${runStarted.seq} lists ${wanted.length} strategies in its config but records ${recorded.length}`);
  }

  // Hash every user file against the run's record before anything is loaded.
  if (wanted !== null) {
    wanted.forEach((name, i) => {
      if (Object.prototype.hasOwnProperty.call(BUILTIN_STRATEGIES, name)) return;
      const file = resolve(name);
      const recordedSha = shaOf(recorded[i]?.params);
      if (!existsSync(file)) {
        throw new ReplayUsageError('strategy_missing', `strategy file ${file} (strategy ${i + 1}, recorded as ${recorded[i]?.name ?? '?'} in run.started seq ${runStarted.seq}) no longer exists: its decisions cannot be re-run`);
      }
      const actual = createHash('sha256').update(readFileSync(file)).digest('hex');
      if (recordedSha === null) {
        throw new ReplayUsageError('strategy_changed', `strategy file ${file}: run.started seq ${runStarted.seq} recorded no sourceSha256 for it, so the file that made the decisions cannot be identified`);
      }
      if (actual !== recordedSha) {
        throw new ReplayUsageError('strategy_changed', `strategy file ${file} changed since the run: its sha256 is ${actual}, run.started seq ${runStarted.seq} recorded ${recordedSha}`);
      }
    });
  }

  let resolved: ReturnType<typeof resolveStrategies>;
  try {
    resolved = resolveStrategies(config);
  } catch (e) {
    throw new ReplayUsageError('strategy_missing', `cannot rebuild the run's strategies: ${(e as Error).message}`, { cause: e });
  }
  const warnings: string[] = [];
  resolved.refs.forEach((ref, i) => {
    const rec = recorded[i];
    if (rec === undefined) {
      warnings.push(`strategy ${ref.name}: not recorded in run.started`);
      return;
    }
    if (rec.name !== ref.name || rec.version !== ref.version) {
      warnings.push(`strategy ${i + 1}: the run recorded ${rec.name}@${rec.version}, this build has ${ref.name}@${ref.version}`);
    }
  });
  return { deps: { strategies: resolved.strategies }, runStarted, config, warnings };
}

function shaOf(params: unknown): string | null {
  if (params === null || typeof params !== 'object' || Array.isArray(params)) return null;
  const sha = (params as Record<string, unknown>).sourceSha256;
  return typeof sha === 'string' ? sha : null;
}
