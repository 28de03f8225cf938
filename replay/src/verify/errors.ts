// The operating errors of replay, verify and diff that are not a failed check: the journal cannot be used
// as asked (it is corrupt, it lacks a run.started, a strategy file changed since the run, two runs do not
// share their inputs). The CLI maps every one of them to exit code 2; a failed check is a result, not an error.

export type ReplayProblem =
  | 'corrupt_journal'
  | 'no_run_started'
  | 'invalid_config'
  | 'strategy_missing'
  | 'strategy_changed'
  | 'different_inputs';

export class ReplayUsageError extends Error {
  constructor(readonly problem: ReplayProblem, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ReplayUsageError';
  }
}
