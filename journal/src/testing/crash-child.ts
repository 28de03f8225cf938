// Child process of crash.int.test.ts: opens a journal and appends until it is killed.
// * mode 'full' (default): after each append returns (committed, synchronous=FULL) it prints
//   `committed <inputSeq> <lastSeq>` on stdout.
// * mode 'behind' ('batched' durability with write-behind): appends in batches of a few inputs, and after
//   every third batch calls flush() and prints `committed <firstSeq> <lastSeq>` for everything flushed.
// Each input carries the number of decisions appended with it (`decisions=<k>` in payload.error), so the
// parent can check that no transaction is half present after a SIGKILL.
// Usage: node --import tsx journal/src/testing/crash-child.ts <journal path> <seed> [full|behind]
import { draft, type DecisionDraft } from '@axiom/events';
import { openJournal } from '../index';
import { mulberry32, randInt } from './prng';

const [file, seedArg, modeArg = 'full'] = process.argv.slice(2);
if (file === undefined || seedArg === undefined) {
  process.stderr.write('usage: crash-child.ts <journal path> <seed>\n');
  process.exit(2);
}
const rand = mulberry32(Number(seedArg));
const behind = modeArg === 'behind';
const journal = openJournal(file, behind ? { durability: 'batched', writeBehind: true } : { durability: 'full' });
process.stdout.write(`ready ${journal.lastSeq()}\n`);

const T0_MS = Date.UTC(2024, 2, 15, 13, 30);

function appendOne(): { first: number; last: number } {
  const i = journal.nextSeq();
  // Mostly 2 decisions, sometimes 1 or 3; payloads from a few bytes to ~20 KB (several WAL pages).
  const decisionsCount = [2, 2, 2, 1, 3][randInt(rand, 0, 4)] as number;
  const rawBytes = rand() < 0.2 ? randInt(rand, 4_000, 20_000) : randInt(rand, 0, 400);
  const input = draft('input.rejected', T0_MS + i, {
    source: 'crash-test', raw: 'x'.repeat(rawBytes), error: `decisions=${decisionsCount}`,
  });
  const decisions: DecisionDraft[] = [];
  for (let d = 0; d < decisionsCount; d++) {
    decisions.push(d % 2 === 0
      ? draft('engine.resumed', T0_MS + i, { reason: `crash-test ${i}.${d} ${'y'.repeat(randInt(rand, 0, 3_000))}` })
      : draft('checkpoint.taken', T0_MS + i, { barsSinceStart: i, reason: `crash-test ${i}.${d}` }));
  }
  const r = journal.append(input, decisions);
  return { first: r.input.seq, last: r.decisions.at(-1)?.seq ?? r.input.seq };
}

for (let batches = 1; ; batches++) {
  if (!behind) {
    const r = appendOne();
    // Written only after the commit returned: the parent treats these seqs as durable.
    process.stdout.write(`committed ${r.first} ${r.last}\n`);
    continue;
  }
  const first = journal.nextSeq();
  journal.batch(() => {
    for (let k = randInt(rand, 1, 8); k > 0; k--) appendOne();
  });
  if (batches % 3 === 0) {
    journal.flush();
    // Reported only once flush() returned: every batch queued so far is committed.
    process.stdout.write(`committed ${first} ${journal.lastSeq()}\n`);
  }
}
