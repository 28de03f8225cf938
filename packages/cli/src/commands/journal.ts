// `axiom journal verify|inspect|tail`: the operator's view of a journal file. Every command opens the file
// read-only. Exit codes: 0 ok, 1 the journal failed verification (or a row failed validation while
// reading), 2 usage error (missing file, not a journal, bad option or argument).
// How a code leaves (matching main.ts): a failed check sets the exit code (process.exitCode) and returns;
// a usage error goes through commander (`cmd.error` with exit code 2: process.exit(2), or a thrown
// CommanderError when the program has exitOverride()).
import { Command, InvalidArgumentError, type ErrorOptions } from 'commander';
import * as cliProgress from 'cli-progress';
import { EVENT_TYPES, isEventType, type AnyEvent, type EventType } from '@axiom/events';
import {
  JournalOpenError, JournalReadError, openJournal, type Journal, type ReadFilter, type VerifyResult,
} from '@axiom/journal';
import { TABLE_HEADER, formatEventJson, formatEventLine } from './journal-format';

export const EXIT_OK = 0;
export const EXIT_VERIFY_FAILED = 1;
export const EXIT_USAGE = 2;

/** Events `tail` shows when -n is not given. */
export const TAIL_DEFAULT_EVENTS = 10;
/** How often `tail -f` looks for new events. */
export const TAIL_POLL_INTERVAL_MS = 500;

export interface OutputStream {
  write(chunk: string): unknown;
  readonly isTTY?: boolean;
}

export interface JournalCommandIo {
  readonly stdout: OutputStream;
  readonly stderr: OutputStream;
  /** Records a failed check's exit code. Default: sets process.exitCode. */
  readonly setExitCode: (code: number) => void;
  /** Ends `tail -f`. Default: the first SIGINT. */
  readonly stop?: AbortSignal;
  readonly tailPollIntervalMs?: number;
}

/**
 * Commander reports its own usage errors (missing argument, unknown option, invalid option value) with exit
 * code 1; ours are 2, so 1 keeps meaning "the journal failed verification". Subcommands inherit this class.
 */
class JournalCommand extends Command {
  override createCommand(name?: string): Command {
    return new JournalCommand(name);
  }

  override error(message: string, errorOptions?: ErrorOptions): never {
    const code = errorOptions?.code ?? 'commander.error';
    // commander.* codes are usage errors (exit 1 in commander, incl. InvalidArgumentError) unless they exit 0.
    const exitCode = code.startsWith('commander.')
      ? (errorOptions?.exitCode === 0 ? EXIT_OK : EXIT_USAGE)
      : (errorOptions?.exitCode ?? EXIT_VERIFY_FAILED);
    return super.error(message, { code, exitCode });
  }
}

/**
 * Add `journal verify|inspect|tail` to `program`. Call it after configuring `program` (exitOverride,
 * configureOutput): the new commands copy those settings. Run the program with `parseAsync` (`tail -f` is
 * asynchronous). Exit 1 is reported through `io.setExitCode` (default process.exitCode); exit 2 through
 * commander (`process.exit(2)`, or a thrown CommanderError with exitCode 2 under exitOverride()).
 */
export function registerJournalCommands(program: Command, ioOverrides: Partial<JournalCommandIo> = {}): Command {
  const io: JournalCommandIo = {
    stdout: process.stdout,
    stderr: process.stderr,
    setExitCode: (code) => {
      process.exitCode = code;
    },
    ...ioOverrides,
  };
  const journal = new JournalCommand('journal');
  journal.copyInheritedSettings(program);
  journal.description('verify, inspect and follow an Axiom journal (exit 0 ok, 1 verification failed, 2 usage error)');
  // Without a subcommand commander would print help and exit 1; a missing subcommand is a usage error (2).
  journal.action(() => {
    journal.outputHelp({ error: true });
    journal.error('error: missing subcommand: verify, inspect or tail', { exitCode: EXIT_USAGE, code: 'axiom.usage' });
  });

  journal
    .command('verify')
    .description('walk the whole hash chain and check every event against the catalog')
    .argument('<file>', 'journal file')
    .action((file: string, _options: unknown, cmd: Command) => {
      verifyCommand(file, cmd, io);
    });

  journal
    .command('inspect')
    .description('print events, one line each (or JSON lines); filters combine')
    .argument('<file>', 'journal file')
    .option('--type <type>', 'only events of this type (repeatable, or comma-separated)', collectTypes, [] as string[])
    .option('--symbol <symbol>', 'only events about this symbol')
    .option('--order <clientOrderId>', "one order's full life: every event that names this client order id")
    .option('--from <seq>', 'start at this seq', parseSeq)
    .option('--limit <n>', 'print at most n events', parseCount)
    .option('--json', 'print JSON lines (the full envelope) instead of the table')
    .action((file: string, options: InspectOptions, cmd: Command) => {
      inspectCommand(file, options, cmd, io);
    });

  journal
    .command('tail')
    .description('print the last events; with -f keep printing new ones until interrupted')
    .argument('<file>', 'journal file')
    .option('-n, --lines <n>', `how many of the last events to print (default ${TAIL_DEFAULT_EVENTS})`, parseCount)
    .option('-f, --follow', 'poll for new events until SIGINT')
    .option('--json', 'print JSON lines instead of the table')
    .action(async (file: string, options: TailOptions, cmd: Command) => {
      await tailCommand(file, options, cmd, io);
    });

  program.addCommand(journal);
  return journal;
}

// ----------------------------------------------------------------------------------------------------------

interface InspectOptions {
  type: string[];
  symbol?: string;
  order?: string;
  from?: number;
  limit?: number;
  json?: boolean;
}

interface TailOptions {
  lines?: number;
  follow?: boolean;
  json?: boolean;
}

function verifyCommand(file: string, cmd: Command, io: JournalCommandIo): void {
  const j = openOrUsageError(file, cmd);
  try {
    const bar = io.stderr.isTTY === true
      ? new cliProgress.SingleBar(
        { stream: io.stderr as NodeJS.WritableStream, format: 'verifying [{bar}] {percentage}% | {value}/{total} events | {eta}s left', hideCursor: true },
        cliProgress.Presets.shades_classic,
      )
      : null;
    let started = false;
    let result: VerifyResult;
    try {
      result = j.verify({
        onProgress: (checked, total) => {
          if (bar === null) return;
          if (!started) {
            bar.start(total, checked);
            started = true;
          } else {
            bar.setTotal(total);
            bar.update(checked);
          }
        },
      });
    } finally {
      // The bar redraws on a timer: stop it even if verify threw, or the process would not exit.
      if (bar !== null && started) bar.stop();
    }
    const info = j.info();
    if (result.ok) {
      io.stdout.write(
        `OK ${file}: ${result.events} events verified, last seq ${result.lastSeq}, last hash ${result.lastHash}\n` +
        `   journal ${info.journalId}, catalog v${info.catalogVersion}, created ${info.createdAt}, ${j.listSnapshots().length} snapshots\n`,
      );
      return;
    }
    const bad = result.firstBad;
    io.stdout.write(
      `FAILED ${file}: first bad event at seq ${bad.seq}: ${bad.problem}\n` +
      `   ${bad.detail}\n` +
      `   ${result.events} events before it verified ok; nothing was changed\n`,
    );
    io.stderr.write(`error: journal verification failed at seq ${bad.seq} (${bad.problem})\n`);
    io.setExitCode(EXIT_VERIFY_FAILED);
  } finally {
    j.close();
  }
}

function inspectCommand(file: string, options: InspectOptions, cmd: Command, io: JournalCommandIo): void {
  const types: EventType[] = [];
  for (const t of options.type) {
    if (!isEventType(t)) {
      cmd.error(`error: unknown event type ${JSON.stringify(t)}; known types: ${EVENT_TYPES.join(', ')}`, { exitCode: EXIT_USAGE, code: 'axiom.usage' });
    }
    types.push(t);
  }
  const filter: ReadFilter = {
    ...(options.from !== undefined ? { fromSeq: options.from } : {}),
    ...(types.length > 0 ? { types } : {}),
    ...(options.symbol !== undefined ? { symbol: options.symbol } : {}),
    ...(options.order !== undefined ? { clientOrderId: options.order, includeNestedOrderRefs: true } : {}),
  };
  const j = openOrUsageError(file, cmd);
  try {
    const print = printer(options.json === true, io);
    let printed = 0;
    readOrFail(io, () => {
      for (const e of j.read(filter)) {
        if (options.limit !== undefined && printed >= options.limit) break;
        print(e);
        printed++;
      }
    });
    if (printed === 0 && options.json !== true) io.stderr.write('no matching events\n');
  } finally {
    j.close();
  }
}

async function tailCommand(file: string, options: TailOptions, cmd: Command, io: JournalCommandIo): Promise<void> {
  const j = openOrUsageError(file, cmd);
  try {
    const print = printer(options.json === true, io);
    const lines = options.lines ?? TAIL_DEFAULT_EVENTS;
    let lastPrinted = Math.max(0, j.lastSeq() - lines);
    /** False once a row failed validation (exit code 1 set): stop printing. */
    const printNew = (): boolean => readOrFail(io, () => {
      for (const e of j.read({ fromSeq: lastPrinted + 1 })) {
        print(e);
        lastPrinted = e.seq;
      }
    });
    if (!printNew() || options.follow !== true) return;
    await untilStopped(io, printNew);
  } finally {
    j.close();
  }
}

/**
 * Poll until the stop signal (default: SIGINT), or until a poll returns false. A poll that throws ends the
 * wait with that error.
 */
function untilStopped(io: JournalCommandIo, poll: () => boolean): Promise<void> {
  const intervalMs = io.tailPollIntervalMs ?? TAIL_POLL_INTERVAL_MS;
  return new Promise<void>((resolve, reject) => {
    let timer: NodeJS.Timeout | undefined;
    const cleanup = () => {
      if (timer !== undefined) clearTimeout(timer);
      process.removeListener('SIGINT', onStop);
      io.stop?.removeEventListener('abort', onStop);
    };
    function onStop(): void {
      cleanup();
      resolve();
    }
    const tick = () => {
      let more: boolean;
      try {
        more = poll();
      } catch (e) {
        cleanup();
        reject(e);
        return;
      }
      if (!more) {
        cleanup();
        resolve();
        return;
      }
      timer = setTimeout(tick, intervalMs);
    };
    if (io.stop !== undefined) {
      if (io.stop.aborted) {
        resolve();
        return;
      }
      io.stop.addEventListener('abort', onStop, { once: true });
    } else {
      process.once('SIGINT', onStop);
    }
    timer = setTimeout(tick, intervalMs);
  });
}

// ----------------------------------------------------------------------------------------------------------

function openOrUsageError(file: string, cmd: Command): Journal {
  try {
    return openJournal(file, { durability: 'batched', readOnly: true });
  } catch (e) {
    if (e instanceof JournalOpenError) cmd.error(`error: ${e.message}`, { exitCode: EXIT_USAGE, code: 'axiom.usage' });
    throw e;
  }
}

/**
 * A stored row that fails validation while printing is a verification failure (exit 1), not a crash: the
 * events before it were printed. Returns false after such a failure.
 */
function readOrFail(io: JournalCommandIo, body: () => void): boolean {
  try {
    body();
    return true;
  } catch (e) {
    if (!(e instanceof JournalReadError)) throw e;
    io.stderr.write(`error: ${e.message}; run \`axiom journal verify\`\n`);
    io.setExitCode(EXIT_VERIFY_FAILED);
    return false;
  }
}

function printer(json: boolean, io: JournalCommandIo): (e: AnyEvent) => void {
  if (json) return (e) => io.stdout.write(`${formatEventJson(e)}\n`);
  let headerShown = false;
  return (e) => {
    if (!headerShown) {
      io.stdout.write(`${TABLE_HEADER}\n`);
      headerShown = true;
    }
    io.stdout.write(`${formatEventLine(e)}\n`);
  };
}

function collectTypes(value: string, previous: string[]): string[] {
  return [...previous, ...value.split(',').map((s) => s.trim()).filter((s) => s.length > 0)];
}

function parseSeq(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(n) || n < 1) throw new InvalidArgumentError(`${JSON.stringify(value)} is not a seq (an integer >= 1).`);
  return n;
}

function parseCount(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(n) || n < 1) throw new InvalidArgumentError(`${JSON.stringify(value)} is not a positive integer.`);
  return n;
}
