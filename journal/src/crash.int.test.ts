import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { openJournal } from './index';
import { mulberry32, randInt } from './testing/prng';

// Crash safety: a child appends to a journal in a loop and is SIGKILLed at a random moment, many times over
// the same file: a 'full' journal (each append durable on return) and a write-behind one (batches committed
// by the writer thread, durable once flush() returned; a kill may drop queued batches, never half of one). After every kill the journal must open, verify, hold every seq the child
// reported as committed, and hold each input with exactly the decisions appended with it (no half
// transaction). The seed is printed; CRASH_SEED=<seed> reproduces the kill schedule.

const REPO_ROOT = path.resolve(__dirname, '..', '..');
const CHILD = path.join(__dirname, 'testing', 'crash-child.ts');
/** 'full': every append durable on return. 'behind': batched durability with write-behind, durable at flush(). */
type Mode = 'full' | 'behind';
const KILLS: Record<Mode, number> = { full: 20, behind: 10 };

interface ChildRun {
  committedMax: number;
  committed: number[];
  readyAt: number | null;
}

function runAndKill(file: string, childSeed: number, delayMs: number, waitForReady: boolean, mode: Mode): Promise<ChildRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD, file, String(childSeed), mode], {
      cwd: REPO_ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const run: ChildRun = { committedMax: 0, committed: [], readyAt: null };
    let buffered = '';
    let stderr = '';
    let timer: NodeJS.Timeout | undefined;
    const kill = () => child.kill('SIGKILL');
    if (!waitForReady) timer = setTimeout(kill, delayMs);
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      buffered += chunk;
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? ''; // a partial last line was cut by the kill: not a report
      for (const line of lines) {
        const [word, a, b] = line.split(' ');
        if (word === 'ready') {
          run.readyAt = Number(a);
          if (waitForReady) timer = setTimeout(kill, delayMs);
        } else if (word === 'committed') {
          run.committed.push(Number(a), Number(b));
          run.committedMax = Math.max(run.committedMax, Number(b));
        }
      }
    });
    child.stderr.on('data', (c: Buffer) => {
      stderr += c.toString();
    });
    const safety = setTimeout(kill, 15_000);
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      clearTimeout(safety);
      if (timer !== undefined) clearTimeout(timer);
      if (signal !== 'SIGKILL') reject(new Error(`child exited with ${String(code)}/${String(signal)} instead of being killed:\n${stderr}`));
      else resolve(run);
    });
  });
}

describe.each(['full', 'behind'] as const)('crash safety (SIGKILL during appends, %s)', (mode) => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'axiom-crash-'));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it(`survives ${KILLS[mode]} kills with every reported commit present and no half transaction`, async () => {
    const seed = process.env.CRASH_SEED !== undefined ? Number(process.env.CRASH_SEED) : (Date.now() % 2 ** 31);
    console.log(`crash.int.test: CRASH_SEED=${seed}`);
    const rand = mulberry32(seed);
    const file = path.join(dir, 'crash.journal');
    const started = Date.now();
    let lastSeqBefore = 0;
    let everCommitted = 0;
    let totalReported = 0;

    for (let k = 0; k < KILLS[mode]; k++) {
      // Most kills land during the append loop; one in five lands at a random moment from spawn, which can
      // be during startup or during the open itself (WAL recovery of the previous crash).
      const waitForReady = rand() >= 0.2;
      const delayMs = waitForReady ? randInt(rand, 5, 300) : randInt(rand, 100, 900);
      const run = await runAndKill(file, randInt(rand, 1, 2 ** 30), delayMs, waitForReady, mode);
      const context = `CRASH_SEED=${seed} ${mode} kill #${k} (delay ${delayMs} ms, ${waitForReady ? 'after ready' : 'from spawn'})`;
      totalReported += run.committed.length / 2;
      everCommitted = Math.max(everCommitted, run.committedMax);
      if (!fs.existsSync(file)) continue; // killed before the child created the file

      const j = openJournal(file, { durability: 'full' });
      try {
        const v = j.verify();
        expect({ context, v }).toMatchObject({ context, v: { ok: true } });
        const lastSeq = j.lastSeq();
        // Every commit the child reported, in this run or any earlier one, is still there.
        expect({ context, lastSeq: lastSeq >= everCommitted }).toEqual({ context, lastSeq: true });
        for (const seq of run.committed) expect({ context, seq, present: j.get(seq) !== null }).toEqual({ context, seq, present: true });
        expect({ context, monotonic: lastSeq >= lastSeqBefore }).toEqual({ context, monotonic: true });
        if (run.readyAt !== null) expect({ context, readyAt: run.readyAt }).toEqual({ context, readyAt: lastSeqBefore });
        lastSeqBefore = lastSeq;

        // No half transaction: each input is followed by exactly the decisions it announced.
        let current: { seq: number; expected: number; seen: number } | null = null;
        const incomplete: string[] = [];
        const close = () => {
          if (current !== null && current.seen !== current.expected) incomplete.push(`input ${current.seq}: ${current.seen}/${current.expected}`);
        };
        for (const e of j.read({ validate: false })) {
          if (e.kind === 'input') {
            close();
            const m = /^decisions=(\d+)$/.exec(e.type === 'input.rejected' ? e.payload.error : '');
            current = { seq: e.seq, expected: Number(m?.[1] ?? -1), seen: 0 };
          } else if (current !== null) {
            current.seen++;
          }
        }
        close();
        expect({ context, incomplete }).toEqual({ context, incomplete: [] });
      } finally {
        j.close();
      }
    }
    const elapsedMs = Date.now() - started;
    console.log(`crash.int.test (${mode}): ${KILLS[mode]} kills, ${totalReported} commits reported, journal at seq ${lastSeqBefore}, ${elapsedMs} ms`);
    // The kills must have landed while appends were happening, or the test proves nothing.
    expect(totalReported).toBeGreaterThan(KILLS[mode]);
    expect(lastSeqBefore).toBeGreaterThan(0);
  }, 120_000);
});
