// `axiom data …`: turn outside bar data (a CSV, LEAN minute zips) into Parquet day files.
// Exit codes: 0 done, 1 the input data is wrong (the message names file, line, field and value), 2 the
// command was used wrongly (unknown option, missing argument, a path that does not exist, an output that
// already exists without --overwrite).
import { Command, CommanderError } from 'commander';
import { BarDataError, formatImportReport, importCsv, importLean } from '@axiom/replay/src/data';
import type { ImportReport, LeanImportOptions } from '@axiom/replay/src/data';

export const EXIT_OK = 0;
export const EXIT_DATA_ERROR = 1;
export const EXIT_USAGE_ERROR = 2;

/** Where the commands write and how they end; a caller (or a test harness) can pass its own. */
export type DataCommandIo = {
  out: (text: string) => void;
  err: (text: string) => void;
  /** Must not return (commander continues otherwise). */
  exit: (code: number) => never;
};

const processIo: DataCommandIo = {
  out: (text) => { process.stdout.write(text); },
  err: (text) => { process.stderr.write(text); },
  exit: (code) => process.exit(code),
};

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

class UsageError extends Error {}

function isCalendarDate(text: string): boolean {
  if (!ISO_DATE.test(text)) return false;
  const parsed = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(parsed.getTime()) && parsed.toISOString().slice(0, 10) === text;
}

/** Adds `data import` and `data import-lean` to `program`; returns the `data` command. */
export function registerDataCommands(program: Command, io: DataCommandIo = processIo): Command {
  // Commander reports usage errors with exit code 1; this CLI reserves 1 for bad data and uses 2 for usage.
  const onCommanderExit = (error: CommanderError): never => io.exit(error.exitCode === 0 ? EXIT_OK : EXIT_USAGE_ERROR);
  const output = { writeOut: io.out, writeErr: io.err };

  const data = program
    .command('data')
    .description('import bar data into Parquet day files (YYYY-MM-DD.parquet, one per New York trading date)')
    .configureOutput(output)
    .exitOverride(onCommanderExit);

  data
    .command('import')
    .description('import a CSV with header symbol,ts,open,high,low,close,volume[,vwap][,trades]; ts is epoch ms or ISO-8601 with Z/±HH:MM')
    .argument('<file.csv>', 'CSV file of bars')
    .requiredOption('--out <dir>', 'directory for the day files')
    .option('--overwrite', 'replace day files that already exist in --out', false)
    .configureOutput(output)
    .exitOverride(onCommanderExit)
    .action((file: string, options: { out: string; overwrite: boolean }) => {
      run(io, () => importCsv(file, options.out, { overwrite: options.overwrite }));
    });

  data
    .command('import-lean')
    .description('import LEAN minute trade zips (<leanDir>/minute/<sym>/<yyyymmdd>_trade.zip) with their splits (factor files)')
    .argument('<leanDir>', 'LEAN data directory (holding minute/, factor_<sym>.csv, map_<sym>.csv, market-hours-equity-usa.json)')
    .requiredOption('--out <dir>', 'directory for the day files and corporate-actions.json')
    .option('--symbols <list>', 'comma-separated symbols to import (default: all)')
    .option('--from <date>', 'first date to import, YYYY-MM-DD')
    .option('--to <date>', 'last date to import, YYYY-MM-DD')
    .option('--overwrite', 'replace day files and corporate-actions.json that already exist in --out', false)
    .configureOutput(output)
    .exitOverride(onCommanderExit)
    .action((leanDir: string, options: { out: string; symbols?: string; from?: string; to?: string; overwrite: boolean }) => {
      run(io, () => importLean(leanDir, options.out, leanOptions(options)));
    });

  return data;
}

function leanOptions(options: { symbols?: string; from?: string; to?: string; overwrite: boolean }): LeanImportOptions {
  const out: LeanImportOptions = { overwrite: options.overwrite };
  if (options.symbols !== undefined) {
    const symbols = options.symbols.split(',').map((s) => s.trim());
    const bad = symbols.filter((s) => !/^[A-Za-z0-9.]+$/.test(s));
    if (bad.length > 0 || symbols.length === 0) throw new UsageError(`--symbols '${options.symbols}': expected a comma-separated list of tickers`);
    out.symbols = symbols;
  }
  for (const key of ['from', 'to'] as const) {
    const value = options[key];
    if (value === undefined) continue;
    if (!isCalendarDate(value)) throw new UsageError(`--${key} '${value}': expected a date YYYY-MM-DD`);
    out[key] = value;
  }
  return out;
}

function run(io: DataCommandIo, doImport: () => ImportReport): void {
  let report: ImportReport;
  try {
    report = doImport();
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(`error: ${error.message}\n`);
      io.exit(EXIT_USAGE_ERROR);
    }
    if (error instanceof BarDataError) {
      switch (error.reason) {
        case 'invalid':
          io.err(`data error: ${error.message}\n`);
          return io.exit(EXIT_DATA_ERROR);
        case 'missing':
          io.err(`error: ${error.message}\n`);
          return io.exit(EXIT_USAGE_ERROR);
        case 'exists':
          io.err(`error: ${error.message} (pass --overwrite to replace them)\n`);
          return io.exit(EXIT_USAGE_ERROR);
        default: {
          const unreachable: never = error.reason;
          throw new Error(`assertion: unknown BarDataError reason ${String(unreachable)}`, { cause: error });
        }
      }
    }
    throw error; // a bug, not a data problem: let it crash with its stack
  }
  io.out(formatImportReport(report));
}
