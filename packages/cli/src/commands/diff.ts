// `axiom diff A.journal B.journal`: compare two runs over the same market inputs — whether the inputs are
// the same (refused when not, unless --allow-different-inputs), the first divergence, per-symbol and total
// figures A vs B, the divergence list and the config differences recorded in each run.started. Text by
// default, --json for machines, --html <file> for one self-contained offline report with the charts.
// Exit codes: 0 identical, 1 the runs diverge, 2 usage error (missing file, not a journal, different inputs
// without --allow-different-inputs, an unreadable row).
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { Command, InvalidArgumentError, Option } from 'commander';
import { SingleBar } from 'cli-progress';
import { diffJournals, formatDiff, renderDiffHtml, type DiffReport } from '@axiom/replay/src/diff';
import { EXIT, UsageError } from '../exit';
import { asUsageError, defaultIo, type ReplayCommandIo } from './replay';

interface DiffFlags {
  allowDifferentInputs?: boolean;
  json?: boolean;
  html?: string;
  maxDivergences?: number;
  progress?: boolean;
}

export function registerDiffCommand(program: Command, io: ReplayCommandIo = defaultIo()): Command {
  return program
    .command('diff')
    .description('compare two runs over the same market inputs: first divergence, per-symbol and total figures, equity curves (exit 0 identical, 1 divergent, 2 usage)')
    .argument('<a>', 'journal A (the reference run)')
    .argument('<b>', 'journal B (the changed run)')
    .option('--allow-different-inputs', 'compare runs whose market inputs differ (a warning instead of a refusal)')
    .option('--json', 'print the report as JSON')
    .option('--html <file>', 'also write a self-contained offline HTML report with the charts')
    .option('--max-divergences <n>', 'divergences kept in the JSON and HTML list (default 200; the count is always complete)', parseCount)
    .addOption(new Option('--no-progress', 'no progress bar'))
    .action((a: string, b: string, flags: DiffFlags) => {
      io.setExitCode(diffAction(a, b, flags, io));
    });
}

function parseCount(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(n) || n < 1 || n > 100_000) throw new InvalidArgumentError('must be an integer from 1 to 100000');
  return n;
}

function diffAction(a: string, b: string, flags: DiffFlags, io: ReplayCommandIo): number {
  for (const f of [a, b]) if (!existsSync(f)) throw new UsageError(`journal ${f} does not exist`);
  if (flags.html !== undefined) mkdirSync(dirname(resolve(flags.html)), { recursive: true });
  const tty = io.stderr.isTTY === true && flags.progress !== false && flags.json !== true;
  const bar = tty ? new SingleBar({ stream: io.stderr as NodeJS.WritableStream, format: 'diff {side} [{bar}] {percentage}% | seq {value}/{total}', hideCursor: true, clearOnComplete: true }, undefined) : null;
  let barSide = '';
  let report: DiffReport;
  try {
    report = diffJournals(a, b, {
      allowDifferentInputs: flags.allowDifferentInputs === true,
      maxDivergences: flags.maxDivergences,
      onProgress: (side, seq, last) => {
        if (bar === null) return;
        if (side !== barSide) {
          if (barSide !== '') bar.stop();
          bar.start(last, seq, { side });
          barSide = side;
        } else {
          bar.update(seq);
        }
      },
    });
  } catch (e) {
    throw asUsageError(e);
  } finally {
    if (bar !== null && barSide !== '') bar.stop();
  }

  if (!report.inputs.same) io.stderr.write('warning: the runs saw different market inputs (compared anyway: --allow-different-inputs)\n');
  if (flags.html !== undefined) writeFileSync(flags.html, renderDiffHtml(report));
  if (flags.json === true) {
    io.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  } else {
    io.stdout.write(`${formatDiff(report)}\n`);
    if (flags.html !== undefined) io.stdout.write(`HTML report: ${resolve(flags.html)}\n`);
  }
  return report.identical ? EXIT.ok : EXIT.failed;
}
