import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command, CommanderError } from 'commander';
import { draft } from '@axiom/events';
import { backtest, corruptBytes, reappendWithChange, writeBars, writeNthBarStrategy } from '@axiom/replay/src/verify/testing/fixtures';
import { EXIT, UsageError } from '../exit';
import { registerReplayCommand } from './replay';

// `axiom replay` in process, the way main.ts runs it (exitOverride; UsageError -> 2), on backtest journals.

interface Run { code: number; out: string; err: string }

async function replay(...args: string[]): Promise<Run> {
  let out = '';
  let err = '';
  let code: number = EXIT.ok;
  const program = new Command('axiom').exitOverride().configureOutput({ writeOut: (s) => { out += s; }, writeErr: (s) => { err += s; } });
  registerReplayCommand(program, {
    stdout: { write: (s: string) => { out += s; } },
    stderr: { write: (s: string) => { err += s; } },
    setExitCode: (c) => { code = c; },
  });
  try {
    await program.parseAsync(['node', 'axiom', 'replay', ...args]);
  } catch (e) {
    if (e instanceof CommanderError) code = e.exitCode === 0 ? EXIT.ok : EXIT.usage;
    else if (e instanceof UsageError) {
      code = EXIT.usage;
      err += `axiom: ${e.message}\n`;
    } else throw e;
  }
  return { code, out, err };
}

let dir: string;
let bars: string;
let journal: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'axiom-cli-replay-'));
  bars = writeBars(join(dir, 'bars'), ['2025-03-11', '2025-03-12'], ['AAA', 'BBB', 'CCC', 'DDD'], 20261125);
  journal = join(dir, 'run.journal');
  backtest(bars, journal);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('axiom replay', () => {
  it('recovers from the latest snapshot and prints the state summary (exit 0)', async () => {
    const r = await replay(journal);
    expect(r.code).toBe(EXIT.ok);
    expect(r.out).toMatch(/^Recovered .* from the snapshot at seq \d+ \+ \d+ events in [\d.]+ ms/);
    expect(r.out).toMatch(/State at seq \d+ \(2025-03-12 \d\d:\d\d[\d:.]* New York\), state hash [0-9a-f]{64}/);
    expect(r.out).toMatch(/session\s+2025-03-12 /);
    expect(r.out).toMatch(/positions\s+0 open/);
    expect(r.out).toMatch(/kill-switch\s+not tripped/);
    expect(r.out).toMatch(/anomalies\s+\d+/);
  });

  it('--json: snapshot + tail and --from-zero reach the same state hash', async () => {
    const snap = JSON.parse((await replay(journal, '--json')).out);
    const zero = JSON.parse((await replay(journal, '--json', '--from-zero')).out);
    expect(snap.recovery.from).toBe('snapshot');
    expect(zero.recovery).toMatchObject({ from: 'zero', fromSeq: 0 });
    expect(zero.recovery.eventsReplayed).toBeGreaterThan(snap.recovery.eventsReplayed);
    expect(snap.state.stateHash).toBe(zero.state.stateHash);
    expect(snap.state.seq).toBe(zero.state.seq);
    expect(Array.isArray(snap.state.positions)).toBe(true);
    expect(snap.state.workingOrders.count).toBe(0);
  });

  it('--to-seq rebuilds the state as it was at that seq', async () => {
    const r = JSON.parse((await replay(journal, '--json', '--to-seq', '500')).out);
    expect(r.state.seq).toBe(500);
  });

  it('--check-snapshots passes (exit 0)', async () => {
    const r = await replay(journal, '--check-snapshots');
    expect(r.code).toBe(EXIT.ok);
    expect(r.out).toMatch(/Snapshots: \d+ checked/);
    expect(r.out).toMatch(/recovery \(snapshot at seq \d+ \+ tail\) == from zero/);
    expect(r.out).toContain('every snapshot equals the state rebuilt from zero');
  });

  it('--verify passes on a backtest journal and reports events/s (exit 0)', async () => {
    const r = await replay(journal, '--verify');
    expect(r.code).toBe(EXIT.ok);
    expect(r.out).toMatch(/VERIFIED: every journaled decision is reproduced exactly by step; [\d,]+ events .* = [\d,]+ events\/s/);
    const j = JSON.parse((await replay(journal, '--verify', '--check-snapshots', '--json')).out);
    expect(j.verify.ok).toBe(true);
    expect(j.verify.stats.eventsPerSec).toBeGreaterThan(0);
    expect(j.snapshots.ok).toBe(true);
  });

  it('--verify fails (exit 1) at the seq of a decision changed behind a valid hash chain', async () => {
    const tampered = join(dir, 'tampered.journal');
    const { changedSeq } = reappendWithChange(journal, tampered, (d) =>
      d.type === 'order.created' ? [draft('order.created', d.ts, { ...d.payload, qty: d.payload.qty + 1 })] : null);
    const r = await replay(tampered, '--verify');
    expect(r.code).toBe(EXIT.failed);
    expect(r.out).toContain(`DIVERGENCE at seq ${changedSeq} (payload)`);
    expect(r.out).toMatch(/input seq \d+ market\.bar at 2025-03-1\d \d\d:\d\d New York/);
    expect(r.out).toContain('expected (journaled) decisions:');
    expect(r.out).toContain('actual (re-run) decisions:');
    expect(r.out).toMatch(/state of [A-D]{3} as decide saw it/);
    expect(r.out).toMatch(/market\s+\d+ bars today/);
    const j = JSON.parse((await replay(tampered, '--verify', '--json')).out);
    expect(j.verify).toMatchObject({ ok: false, mismatch: { seq: changedSeq, kind: 'payload' } });
  });

  it('exit 2: a missing file, a broken hash chain, a changed strategy file, conflicting flags', async () => {
    expect((await replay(join(dir, 'nope.journal'))).code).toBe(EXIT.usage);

    const corrupt = join(dir, 'corrupt.journal');
    copyFileSync(journal, corrupt);
    corruptBytes(corrupt, '"codeVersion":"axiom@0.1.0"', '"codeVersion":"axiom@0.1.1"');
    const c = await replay(corrupt, '--verify');
    expect(c.code).toBe(EXIT.usage);
    expect(c.err).toMatch(/hash chain is broken at seq 1/);

    const strategy = writeNthBarStrategy(join(dir, 'nth.js'));
    const user = join(dir, 'user.journal');
    backtest(bars, user, { strategies: [{ name: strategy, params: { symbol: 'BBB', bar: 80 } }] });
    expect((await replay(user, '--verify')).code).toBe(EXIT.ok);
    writeNthBarStrategy(strategy, '// changed\n');
    const s = await replay(user, '--verify');
    expect(s.code).toBe(EXIT.usage);
    expect(s.err).toMatch(/strategy file .*nth\.js changed since the run/);
    rmSync(strategy);
    expect((await replay(user, '--verify')).err).toMatch(/no longer exists/);

    expect((await replay(journal, '--verify', '--to-seq', '10')).code).toBe(EXIT.usage);
    expect((await replay(journal, '--to-seq', 'x')).code).toBe(EXIT.usage);
    const noVerify = await replay(journal, '--threads', '2');
    expect(noVerify.code).toBe(EXIT.usage);
    expect(noVerify.err).toMatch(/--threads is for --verify/);
    expect((await replay(journal, '--verify', '--threads', '0')).code).toBe(EXIT.usage);
  });

  it('--verify --threads 1 runs the journal as one segment and says so', async () => {
    const r = await replay(journal, '--verify', '--threads', '1');
    expect(r.code).toBe(EXIT.ok);
    expect(r.out).toMatch(/every row's hash chain checked on the way, in one segment/);
  });

  it('--verify --threads 2 checks the rows on a thread beside the re-run from AXIOM_VERIFY_CHECK_AHEAD_EVENTS_MIN events, and says so', async () => {
    // This journal is shorter than VERIFY_CHECK_AHEAD_EVENTS_MIN: by default one thread does it all.
    const small = await replay(journal, '--verify', '--threads', '2', '--json');
    expect(small.code).toBe(EXIT.ok);
    expect(JSON.parse(small.out).verify).toMatchObject({ ok: true, stats: { segments: 1, checkAhead: false } });
    process.env.AXIOM_VERIFY_CHECK_AHEAD_EVENTS_MIN = '1';
    try {
      const r = await replay(journal, '--verify', '--threads', '2', '--json');
      expect(r.code).toBe(EXIT.ok);
      expect(JSON.parse(r.out).verify).toMatchObject({ ok: true, stats: { segments: 1, checkAhead: true } });
      expect((await replay(journal, '--verify', '--threads', '2')).out).toMatch(/every row's hash chain checked on the way \(by a thread beside the re-run\), in one segment/);
      process.env.AXIOM_VERIFY_CHECK_AHEAD_EVENTS_MIN = '0';
      expect((await replay(journal, '--verify')).err).toMatch(/AXIOM_VERIFY_CHECK_AHEAD_EVENTS_MIN must be an integer >= 1/);
    } finally {
      delete process.env.AXIOM_VERIFY_CHECK_AHEAD_EVENTS_MIN;
    }
  });
});
