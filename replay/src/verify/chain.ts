// The hash chain under `replay --verify`: a decision re-run over rows that are not what was written proves
// nothing, so every row a segment re-runs is first checked by the journal's chain rules (gap, hash, type,
// kind, causedBy, schema, canonical form: `journal.readChecked`, segment.ts). A bad row makes the journal
// corrupt (exit 2), reported at its seq, unless a mismatch came before it.
//
// `checkChainPrefix` checks rows 1..seq before anything else runs: the run.started that names the strategy
// files must be proven intact before a file it names is loaded.
import type { Journal } from '@axiom/journal';
import { ReplayUsageError } from './errors';
import type { ChainBreak } from './segment';

export function brokenChain(bad: ChainBreak): ReplayUsageError {
  return new ReplayUsageError('corrupt_journal', `the journal's hash chain is broken at seq ${bad.seq} (${bad.problem}); nothing after it can be verified: run \`axiom journal verify\``);
}

/** Check the chain of seqs 1..toSeq on this thread; throws the corrupt-journal error at the first bad row. */
export function checkChainPrefix(journal: Journal, toSeq: number): void {
  const rows = journal.readChecked({ toSeq });
  while (rows.nextEvent() !== null) {
    // each row is checked as it is read
  }
  if (rows.bad !== null) throw brokenChain({ seq: rows.bad.seq, problem: `${rows.bad.problem}: ${rows.bad.detail}` });
}
