// The hash-chain walk of `replay --verify`, in its worker thread (started through worker.cjs): the
// journal's own `verify()` on a second read-only connection, its progress and its result replied to the
// main thread (chain.ts). Every failure is a reply, never a silent exit.
import { openJournal } from '@axiom/journal';
import { failure, replier, type WorkerData } from './worker-protocol';

export function run(data: WorkerData): void {
  const reply = replier(data);
  if (data.job.kind !== 'chain') throw new Error(`chain-worker started for a ${data.job.kind} job`);
  try {
    const t0 = performance.now();
    const journal = openJournal(data.job.file, { durability: 'batched', readOnly: true });
    try {
      const result = journal.verify({ onProgress: (checked) => reply({ kind: 'chain-progress', checked }) });
      reply({ kind: 'chain-done', result, ms: performance.now() - t0 });
    } finally {
      journal.close();
    }
  } catch (e) {
    reply(failure(e));
  }
  data.port.close();
}
