// `axiom backtest`: run the engine over bar files (or the bars recorded in a journal) against the simulated
// broker, write a new journal, and print the summary. Progress goes to stderr only when it is a terminal.
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { Command, Option } from 'commander';
import { SingleBar } from 'cli-progress';
import { parseEngineConfig, type EngineConfig } from '@axiom/events';
import { BarDataError, formatSummary, resolveStrategies, runBacktest, SAMPLE_DIR, type BarInput } from '@axiom/replay';
import { EXIT, UsageError } from '../exit';

/** The bundled real sample (LEAN minute bars, converted to Parquet day files). */
export const SAMPLE_BARS_DIR = SAMPLE_DIR;

interface BacktestFlags {
  bars?: string;
  inputsFrom?: string;
  strategy?: string[];
  config?: string;
  out: string;
  force?: boolean;
  from?: string;
  to?: string;
  json?: boolean;
  progress?: boolean;
}

export function registerBacktestCommand(program: Command): void {
  program
    .command('backtest')
    .description('backtest strategies through the live engine path against the simulated broker')
    .option('--bars <dir|file>', 'Parquet day files (YYYY-MM-DD.parquet) or one day file', SAMPLE_BARS_DIR)
    .option('--inputs-from <journal>', 're-drive the bars recorded in a journal instead of --bars')
    .option('--strategy <name|path...>', 'built-in strategy name or a .ts/.js file (repeatable); default: all built-ins')
    .option('--config <file>', 'engine config (JSON); defaults fill what it omits')
    .option('--out <file>', 'journal to write', 'runs/backtest.journal')
    .option('--force', 'replace --out if it exists')
    .option('--from <YYYY-MM-DD>', 'first day of --bars to use')
    .option('--to <YYYY-MM-DD>', 'last day of --bars to use')
    .option('--json', 'print the summary as JSON')
    .addOption(new Option('--no-progress', 'no progress bar'))
    .action((flags: BacktestFlags) => {
      process.exitCode = backtestAction(flags);
    });
}

export function loadConfig(file: string | undefined, strategies: string[] | undefined): EngineConfig {
  let raw: Record<string, unknown> = {};
  if (file !== undefined) {
    if (!existsSync(file)) throw new UsageError(`config file ${file} does not exist`);
    try {
      raw = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    } catch (e) {
      throw new UsageError(`config file ${file} is not valid JSON: ${(e as Error).message}`);
    }
  }
  if (strategies !== undefined && strategies.length > 0) {
    // A path is recorded absolute so the run says exactly which file it ran.
    raw = { ...raw, strategies: strategies.map((s) => ({ name: /[/\\]|\.(c|m)?[tj]s$/.test(s) ? resolve(s) : s, params: {} })) };
  }
  try {
    return parseEngineConfig(raw);
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
}

function backtestAction(flags: BacktestFlags): number {
  const config = loadConfig(flags.config, flags.strategy);
  try {
    resolveStrategies(config); // fail fast, as a usage error, on an unknown strategy or bad params
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  let bars: BarInput;
  if (flags.inputsFrom !== undefined) {
    if (!existsSync(flags.inputsFrom)) throw new UsageError(`journal ${flags.inputsFrom} does not exist`);
    bars = { kind: 'journal', path: flags.inputsFrom };
  } else {
    const path = flags.bars ?? SAMPLE_BARS_DIR;
    if (!existsSync(path)) throw new UsageError(`bars ${path} do not exist`);
    bars = { kind: 'parquet', path, from: flags.from, to: flags.to };
  }
  mkdirSync(dirname(resolve(flags.out)), { recursive: true });
  if (existsSync(flags.out) && !flags.force) throw new UsageError(`${flags.out} already exists (pass --force to replace it)`);

  const tty = process.stderr.isTTY === true && flags.progress !== false && flags.json !== true;
  const bar = tty ? new SingleBar({ format: 'backtest [{bar}] {value}/{total} days | {bars} bars | {events} events', hideCursor: true, clearOnComplete: true }, undefined) : null;
  let started = false;
  let result: ReturnType<typeof runBacktest>;
  try {
    result = runBacktest({
    bars, out: flags.out, config, overwrite: flags.force === true,
    onProgress: (p) => {
      if (bar === null) return;
      if (!started) {
        bar.start(p.daysTotal, 0, { bars: 0, events: 0 });
        started = true;
      }
      bar.update(p.daysDone, { bars: p.bars.toLocaleString('en-US'), events: p.events.toLocaleString('en-US') });
    },
    });
  } catch (e) {
    bar?.stop();
    if (e instanceof BarDataError) {
      process.stderr.write(`axiom backtest: bad bar data: ${e.message}\n`);
      return EXIT.failed;
    }
    throw e;
  }
  bar?.stop();

  if (flags.json) {
    const { equityCurve, tradeList, ...rest } = result.summary;
    process.stdout.write(`${JSON.stringify({ journal: result.journalPath, runId: result.runId, lastSeq: result.lastSeq, lastHash: result.lastHash, events: result.events, elapsedMs: Math.round(result.elapsedMs), heldOvernight: result.heldOvernight, summary: rest, equityPoints: equityCurve.length, trades: tradeList.length }, null, 2)}\n`);
  } else {
    process.stdout.write(`${formatSummary(result.summary, { journal: result.journalPath, lastHash: result.lastHash, elapsedMs: result.elapsedMs, events: result.events })}\n`);
    if (result.heldOvernight.length > 0) {
      process.stdout.write(`  WARNING: the simulated broker held positions overnight: ${result.heldOvernight.map((h) => `${h.symbol} ${h.qty} on ${h.date}`).join(', ')}\n`);
    }
  }
  return result.heldOvernight.length > 0 || result.summary.halts > 0 ? EXIT.failed : EXIT.ok;
}
