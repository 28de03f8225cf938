// The `axiom` command. Each capability registers its subcommands from its own module; this file only
// assembles them and maps errors to exit codes: 0 ok, 1 the command's check failed (verification,
// divergence), 2 usage error (bad arguments, missing or unreadable files).
import { Command, CommanderError } from 'commander';
import { registerBacktestCommand } from './commands/backtest';
import { registerDataCommands } from './commands/data';
import { registerDiffCommand } from './commands/diff';
import { registerJournalCommands } from './commands/journal';
import { registerReplayCommand } from './commands/replay';
import { EXIT, UsageError } from './exit';

export function buildProgram(): Command {
  const program = new Command('axiom')
    .description('Axiom: an event-sourced intraday trading engine for US equities')
    .version('0.1.0')
    .showHelpAfterError()
    .exitOverride();
  registerBacktestCommand(program);
  registerDataCommands(program);
  registerJournalCommands(program);
  registerReplayCommand(program);
  registerDiffCommand(program);
  return program;
}

export async function main(argv: readonly string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync([...argv]);
    return typeof process.exitCode === 'number' ? process.exitCode : EXIT.ok;
  } catch (err) {
    if (err instanceof CommanderError) {
      // --help and --version end through exitOverride with code 0.
      return err.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    if (err instanceof UsageError) {
      process.stderr.write(`axiom: ${err.message}\n`);
      return EXIT.usage;
    }
    throw err;
  }
}
