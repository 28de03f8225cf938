// A backtest is the live engine fed by a scheduler instead of sockets: bars from Parquet day files (or the
// bars recorded in a journal), the simulated broker behind the one broker interface, the same Engine shell
// and the same `step`. The journal is written with batched durability (one commit per ~1,000 inputs).
// Write-ahead in a backtest: each input and its decisions are appended before the simulated broker sees the
// effects, as live; the batch is committed every ~1,000 inputs, by the journal's writer thread while the
// engine goes on (write-behind), so a crash loses the uncommitted tail of the journal and, with it, the
// in-process simulated broker: nothing outside the process ever acted on it.
// Determinism: the run id, the config hash and the data hash are derived from the inputs, so the same
// inputs and config give a byte-identical hash chain.
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { createHash } from 'node:crypto';
import {
  CATALOG_VERSION, configHash as hashConfig, sha256Canonical, type EngineConfig, type InputDraft,
} from '@axiom/events';
import { Engine, type DecideDeps } from '@axiom/engine';
import { calendarDayFor } from '@axiom/projections';
import { openJournal, type Journal } from '@axiom/journal';
import { instantiate, loadStrategy, type Strategy } from '@axiom/strategies';
import { openBarSource, type Bar } from '../data';
import { Scheduler, type SimBar, type SimCorporateAction } from '../sim/scheduler';
import { SimBroker } from '../sim/sim-broker';
import { RunStats, type RunSummary } from './stats';

export const DEFAULT_STRATEGIES = ['vwap-reversion', 'opening-range-breakout', 'slope-momentum'] as const;

/** Where the market inputs come from: Parquet day files, or the bars recorded in another journal. */
export type BarInput =
  | { kind: 'parquet'; path: string; from?: string; to?: string }
  | { kind: 'journal'; path: string };

export interface BacktestOptions {
  readonly bars: BarInput;
  readonly out: string;
  readonly config: EngineConfig;
  /** Replace an existing output journal (default: refuse). */
  readonly overwrite?: boolean;
  /** Inputs per journal transaction. */
  readonly batchSize?: number;
  readonly codeVersion?: string;
  readonly onProgress?: (p: { daysDone: number; daysTotal: number; bars: number; events: number }) => void;
}

export interface BacktestResult {
  readonly journalPath: string;
  readonly runId: string;
  readonly lastSeq: number;
  readonly lastHash: string;
  readonly summary: RunSummary;
  readonly elapsedMs: number;
  readonly events: number;
  /** Positions the simulated broker still held at a day's close: must be empty (EOD liquidation). */
  readonly heldOvernight: readonly { symbol: string; qty: number; date: string }[];
}

/** Bind the configured strategies (built-in names or file paths) to their params. Defaults: the three built-ins. */
export function resolveStrategies(config: EngineConfig): { strategies: Strategy[]; refs: { name: string; version: string; params: unknown; source: string; sourceHash: string | null }[] } {
  const wanted = config.strategies.length > 0 ? config.strategies : DEFAULT_STRATEGIES.map((name) => ({ name, params: {} }));
  const strategies: Strategy[] = [];
  const refs = [];
  for (const ref of wanted) {
    const loaded = loadStrategy(ref.name);
    const s = instantiate(loaded.definition, ref.params);
    strategies.push(s);
    refs.push({ name: s.name, version: s.version, params: s.params, source: loaded.source, sourceHash: loaded.sourceHash });
  }
  return { strategies, refs };
}

export function runBacktest(opts: BacktestOptions): BacktestResult {
  const started = performance.now();
  if (existsSync(opts.out) && !opts.overwrite) throw new Error(`${opts.out} already exists (pass --force to replace it)`);
  const source = openMarketInputs(opts.bars);
  const config = opts.config;
  const { strategies, refs } = resolveStrategies(config);
  const cfgHash = hashConfig(config);
  const dataHash = source.hash();
  const runId = createHash('sha256').update(`${cfgHash}:${dataHash}:${sha256Canonical(refs)}`).digest('hex').slice(0, 16);

  const journal = openFresh(opts.out, opts.overwrite === true);
  try {
    // The broker's sink is only called after both exist (the closure reads `scheduler` at call time).
    const broker = new SimBroker({ sink: (input) => scheduler.push(input), config: config.sim, closeMsOf: (date) => calendarDayFor(date)?.closeTs ?? null });
    const scheduler = new Scheduler({ bars: source.bars(), corporateActions: source.corporateActions(), broker });
    const stats = new RunStats();
    const deps: DecideDeps = { strategies };
    let events = 0;
    let bars = 0;
    const engine = new Engine({
      journal, broker, deps,
      onDeadline: (at) => scheduler.setTimer(at),
      onEvents: (input, decisions) => {
        events += 1 + decisions.length;
        if (input.type === 'market.bar') bars++;
      },
    });
    const observe = (h: ReturnType<Engine['handle']>) => stats.observe([h.input, ...h.decisions], engine.state);

    const firstTs = source.firstTs();
    const runStarted: InputDraft = {
      type: 'run.started', ts: firstTs,
      payload: {
        runId, mode: 'backtest', config, configHash: cfgHash,
        strategies: refs.map((r) => ({ name: r.name, version: r.version, params: { ...(r.params as object), ...(r.sourceHash ? { sourceSha256: r.sourceHash } : {}) } })),
        codeVersion: opts.codeVersion ?? 'axiom@0.1.0', catalogVersion: CATALOG_VERSION,
        dataSource: `${source.describe()} sha256:${dataHash}`,
      },
    };
    journal.batch(() => observe(engine.handle(runStarted)));

    const batchSize = opts.batchSize ?? 1000;
    const daysTotal = source.dayCount();
    let daysDone = 0;
    let lastDay = '';
    for (let done = false; !done;) {
      journal.batch(() => {
        for (let i = 0; i < batchSize; i++) {
          const next = scheduler.next();
          if (next === null) {
            done = true;
            return;
          }
          observe(engine.handle(next.input));
        }
      });
      const day = engine.state.session.tradingDay ?? '';
      if (day !== lastDay) {
        lastDay = day;
        daysDone = Math.min(daysTotal, daysDone + 1);
      }
      opts.onProgress?.({ daysDone, daysTotal, bars, events });
    }
    // Every batch is committed before the run reports its result, and the journal is closed (its writer's
    // last commits and checkpoint are part of the run's time).
    journal.flush();
    opts.onProgress?.({ daysDone: daysTotal, daysTotal, bars, events });
    const lastSeq = journal.lastSeq();
    const lastHash = journal.lastHash();
    journal.close();
    return {
      journalPath: opts.out, runId, lastSeq, lastHash,
      summary: stats.summary(engine.state), elapsedMs: performance.now() - started, events,
      heldOvernight: broker.heldOvernight().map((h) => ({ symbol: h.symbol, qty: h.qty, date: h.date })),
    };
  } finally {
    source.close();
    journal.close();
  }
}

function openFresh(path: string, overwrite: boolean): Journal {
  if (overwrite) {
    for (const suffix of ['', '-wal', '-shm']) if (existsSync(path + suffix)) rmSync(path + suffix);
  }
  return openJournal(path, { durability: 'batched', writeBehind: true });
}

// ---------------------------------------------------------------------------------------------------------
// Market inputs.

interface MarketInputs {
  bars(): Iterable<SimBar>;
  corporateActions(): SimCorporateAction[];
  hash(): string;
  describe(): string;
  firstTs(): number;
  dayCount(): number;
  /** Stop reading (the day reader thread, when the run ends early: an error mid-run). Idempotent. */
  close(): void;
}

function openMarketInputs(input: BarInput): MarketInputs {
  if (input.kind === 'parquet') return parquetInputs(input.path, input.from, input.to);
  return journalInputs(input.path);
}

function parquetInputs(path: string, from?: string, to?: string): MarketInputs {
  const src = openBarSource(path, { from, to });
  const days = src.days();
  if (days.length === 0) throw new Error(`${path}: no bar day files (YYYY-MM-DD.parquet) in range`);
  // One pass over the files: the first bar (run.started's ts) is peeked from the same iterator the scheduler
  // then drains, instead of decoding the first day file twice (~150 ms for a 500-symbol day).
  // Many days: their files are read on a thread ahead of the engine (~2 ms a small day file off its thread).
  const stream = src.bars({ readAhead: true });
  let first: IteratorResult<Bar> | null = null;
  let held = false; // `first` was peeked and not yet handed out
  const bars: Iterator<Bar> = {
    next: () => {
      if (held) {
        held = false;
        return first as IteratorResult<Bar>;
      }
      const r = stream.next();
      first ??= r;
      return r;
    },
  };
  const peek = (): IteratorResult<Bar> => {
    if (first === null) {
      first = stream.next();
      held = true;
    }
    return first;
  };
  let taken = false;
  return {
    bars: () => {
      if (taken) throw new Error(`${path}: the bar stream was already taken (one pass per backtest)`);
      taken = true;
      return { [Symbol.iterator]: () => bars };
    },
    corporateActions: () => src.corporateActions(),
    hash: () => {
      // The data set's identity (it seeds the run id): the day files' bytes, which cost a read and a sha256
      // (~2 ms a day file); hashing their decoded contents read every file twice (~0.9 s of a one-symbol
      // year). Re-encoding the same bars into new files therefore makes a new run id.
      const h = createHash('sha256');
      for (const day of days) {
        const bytes = readFileSync(src.dayFile(day));
        h.update(`${day}:${bytes.length}:`);
        h.update(bytes);
      }
      h.update(JSON.stringify(src.corporateActions()));
      return h.digest('hex');
    },
    describe: () => `parquet:${days[0]}..${days[days.length - 1]} (${days.length} days)`,
    firstTs: () => {
      const r = peek();
      return r.done === true ? 0 : r.value.ts;
    },
    dayCount: () => days.length,
    close: () => {
      stream.return();
    },
  };
}

function journalInputs(path: string): MarketInputs {
  const j = openJournal(path, { durability: 'batched', readOnly: true });
  const bars: Bar[] = [];
  const actions: SimCorporateAction[] = [];
  const days = new Set<string>();
  const h = createHash('sha256');
  try {
    for (const e of j.read({ types: ['market.bar', 'market.corporate_action'] })) {
      if (e.type === 'market.bar') {
        const p = e.payload;
        bars.push({ symbol: p.symbol, ts: e.ts, open: p.open, high: p.high, low: p.low, close: p.close, volume: p.volume, vwap: p.vwap, trades: p.trades });
        days.add(new Date(e.ts).toISOString().slice(0, 10));
        h.update(`${p.symbol},${e.ts},${p.open},${p.high},${p.low},${p.close},${p.volume},${p.vwap},${p.trades}\n`);
      } else if (e.type === 'market.corporate_action') {
        actions.push({ symbol: e.payload.symbol, exDate: e.payload.exDate, kind: 'split', ratio: e.payload.ratio });
      }
    }
  } finally {
    j.close();
  }
  if (bars.length === 0) throw new Error(`${path}: the journal holds no market.bar events`);
  const digest = h.digest('hex');
  return {
    bars: () => bars,
    corporateActions: () => actions,
    hash: () => digest,
    describe: () => `journal:${path}`,
    firstTs: () => bars[0]!.ts,
    dayCount: () => days.size,
    close: () => undefined,
  };
}
