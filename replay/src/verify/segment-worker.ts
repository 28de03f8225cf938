// One segment of `replay --verify`, in its worker thread (started through worker.cjs): the journal opened
// read-only on this thread's own connection, the run's strategies rebuilt, the segment re-run (segment.ts),
// its progress and its result replied to the main thread (verify.ts). Every failure is a reply, never a
// silent exit.
import { openJournal } from '@axiom/journal';
import { rebuildDeps, type RunStarted } from './deps';
import { CheckedAhead } from './checked-ahead';
import { runSegment } from './segment';
import { SyncWorker } from './sync-worker';
import { failure, replier, type JobData } from './worker-protocol';

export function run(data: JobData): void {
  const reply = replier(data);
  const job = data.job;
  if (job.kind !== 'segment') throw new Error(`segment-worker started for a ${String(job.kind)} job`);
  let ahead: CheckedAhead | null = null;
  try {
    // The segment's checker starts first, on its rows, while the strategies are rebuilt.
    if (job.checkAhead) ahead = new CheckedAhead(new SyncWorker('check'), job.file, { fromSeq: job.spec.fromSeq + 1, toSeq: job.spec.toSeq });
    const journal = openJournal(job.file, { durability: 'batched', readOnly: true });
    try {
      const found = journal.get(job.runStartedSeq);
      if (found?.type !== 'run.started') throw new Error(`replay --verify: seq ${job.runStartedSeq} of ${job.file} is not the run.started the main thread read`);
      // The main thread proved the chain up to this row before it started the worker.
      const { deps } = rebuildDeps(journal, job.lastSeq, found as RunStarted);
      const checked = ahead;
      const { result } = runSegment(journal, job.spec, deps, {
        rows: checked === null ? undefined : () => checked,
        poll: (events) => {
          if (events > 0) reply({ kind: 'segment-progress', events });
          return false;
        },
      });
      reply({ kind: 'segment-done', result });
    } finally {
      journal.close();
    }
  } catch (e) {
    reply(failure(e));
  } finally {
    ahead?.return();
  }
  data.port.close();
}
