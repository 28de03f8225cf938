import { execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Command, CommanderError } from 'commander';
import { draft, type DecisionDraft, type InputDraft } from '@axiom/events';
import { openJournal } from '@axiom/journal';
import { EXIT_OK, EXIT_USAGE, EXIT_VERIFY_FAILED, registerJournalCommands } from './journal';

// The journal commands on real journal files: in process (commander with exitOverride, output captured) for
// output and exit codes, and as child processes for the process-level exit codes and `tail -f` + SIGINT.

const T0 = Date.UTC(2024, 2, 15, 13, 30);

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'axiom-cli-journal-'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const bar = (i: number, symbol = 'SPY'): InputDraft => draft('market.bar', T0 + i * 60_000, {
  symbol, open: 500, high: 501, low: 499, close: 500.5, volume: 1000 + i, vwap: 500.1, trades: 12,
});
const created = (i: number, clientOrderId: string): DecisionDraft => draft('order.created', T0 + i * 60_000, {
  clientOrderId, entryId: `e${i}`, symbol: 'SPY', side: 'buy', qty: 10, orderType: 'limit', limitPrice: 500.1,
  stopPrice: null, timeInForce: 'day', purpose: 'entry', attempt: 1, ocoGroup: null, timeoutAt: null,
  takeProfitPrice: 505, stopLossPrice: 497.5, exitReason: null, reason: 'entry at VWAP',
});
const update = (i: number, clientOrderId: string, event: 'new' | 'fill'): InputDraft => draft('broker.order_update', T0 + i * 60_000 + 500, {
  event, eventId: `x-${i}-${event}`, clientOrderId, brokerOrderId: 'b-1', symbol: 'SPY', side: 'buy', orderQty: 10,
  fillQty: event === 'fill' ? 10 : null, fillPrice: event === 'fill' ? 500.05 : null, cumFilledQty: event === 'fill' ? 10 : 0,
  avgFillPrice: event === 'fill' ? 500.05 : null, reason: null,
});

let n = 0;
/** seq 1 bar SPY, 2 bar QQQ, 3 bar SPY -> 4 order.created ord-1, 5 update new, 6 transition, 7 snapshot naming ord-1, 8 fill, 9 bar. */
function makeJournal(): string {
  const file = path.join(dir, `c${++n}.journal`);
  const j = openJournal(file, { durability: 'full' });
  j.append(bar(0), []);
  j.append(bar(0, 'QQQ'), []);
  j.append(bar(1), [created(1, 'ord-1')]);
  j.append(update(1, 'ord-1', 'new'), [draft('order.transition', T0 + 60_500, { clientOrderId: 'ord-1', from: 'SUBMITTED', to: 'ACCEPTED', reason: 'broker ack' })]);
  j.append(draft('broker.snapshot', T0 + 61_000, {
    account: { equity: 1e5, cash: 1e5, buyingPower: 2e5 }, positions: [],
    openOrders: [{ clientOrderId: 'ord-1', brokerOrderId: 'b-1', symbol: 'SPY', side: 'buy', qty: 10, filledQty: 0, orderType: 'limit', limitPrice: 500.1, stopPrice: null, status: 'accepted' }],
  }), []);
  j.append(update(2, 'ord-1', 'fill'), []);
  j.append(bar(3), []);
  j.close();
  return file;
}

interface Run {
  code: number;
  out: string;
  err: string;
}

/** Run `axiom journal ...` in process the way main.ts does (exitOverride), capturing output and the exit code. */
async function run(...args: string[]): Promise<Run> {
  let out = '';
  let err = '';
  let code = EXIT_OK;
  const program = new Command('axiom').exitOverride().configureOutput({
    writeOut: (s) => { out += s; },
    writeErr: (s) => { err += s; },
  });
  registerJournalCommands(program, {
    stdout: { write: (s: string) => { out += s; } },
    stderr: { write: (s: string) => { err += s; } },
    setExitCode: (c) => { code = c; },
  });
  try {
    await program.parseAsync(['node', 'axiom', 'journal', ...args]);
  } catch (e) {
    if (!(e instanceof CommanderError)) throw e;
    code = e.exitCode;
  }
  return { code, out, err };
}

function lines(s: string): string[] {
  return s.split('\n').filter((l) => l.length > 0);
}

describe('axiom journal verify', () => {
  it('exits 0 and prints a summary for a good journal', async () => {
    const file = makeJournal();
    const r = await run('verify', file);
    expect(r.code).toBe(EXIT_OK);
    expect(r.out).toMatch(/^OK .*: 9 events verified, last seq 9, last hash [0-9a-f]{64}\n/);
    expect(r.err).toBe(''); // not a TTY: no progress bar
  });

  it('draws a progress bar on stderr only when stderr is a TTY', async () => {
    const file = makeJournal();
    let out = '';
    let err = '';
    const program = new Command('axiom').exitOverride();
    registerJournalCommands(program, {
      stdout: { write: (s: string) => { out += s; } },
      stderr: { write: (s: string) => { err += s; }, isTTY: true },
      setExitCode: () => undefined,
    });
    await program.parseAsync(['node', 'axiom', 'journal', 'verify', file]);
    expect(err).toContain('verifying [');
    expect(err).toContain('9/9 events');
    expect(out).toMatch(/^OK /);
    expect(out).not.toContain('verifying');
  });

  it('exits 1 naming the first bad seq and problem for a tampered journal (edited with the sqlite3 CLI)', async () => {
    const file = makeJournal();
    execFileSync('sqlite3', [file, `DROP TRIGGER events_no_update; UPDATE events SET payload = replace(payload, '"volume":1003', '"volume":999') WHERE seq = 9;`]);
    const r = await run('verify', file);
    expect(r.code).toBe(EXIT_VERIFY_FAILED);
    expect(r.out).toContain('FAILED');
    expect(r.out).toContain('first bad event at seq 9: hash_mismatch');
    expect(r.out).toContain('8 events before it verified ok');
    expect(r.err).toContain('verification failed at seq 9 (hash_mismatch)');
  });

  it('exits 2 for a missing file, a file that is not a journal, and a missing argument', async () => {
    const missing = await run('verify', path.join(dir, 'nope.journal'));
    expect(missing.code).toBe(EXIT_USAGE);
    expect(missing.err).toContain('does not exist');
    const notJournal = path.join(dir, 'notes.txt');
    fs.writeFileSync(notJournal, 'hello, this is not SQLite\n'.repeat(200));
    const nj = await run('verify', notJournal);
    expect(nj.code).toBe(EXIT_USAGE);
    expect(nj.err).toContain('is not an Axiom journal');
    const noArg = await run('verify');
    expect(noArg.code).toBe(EXIT_USAGE);
    expect(noArg.err).toContain("missing required argument 'file'");
    const noSub = await run();
    expect(noSub.code).toBe(EXIT_USAGE);
    expect(noSub.err).toContain('missing subcommand');
    expect((await run('frob')).code).toBe(EXIT_USAGE);
  });
});

describe('axiom journal inspect', () => {
  it('prints a table, one line per event, with New York times', async () => {
    const file = makeJournal();
    const r = await run('inspect', file);
    expect(r.code).toBe(EXIT_OK);
    const ls = lines(r.out);
    expect(ls[0]).toMatch(/^\s+SEQ\s+TIME \(America\/New_York\)\s+KIND\s+TYPE\s+CAUSE\s+DETAILS$/);
    expect(ls).toHaveLength(10);
    expect(ls[1]).toMatch(/^\s+1 {2}2024-03-15 09:30:00\.000 EDT {2}input {5}market\.bar\s+- {2}SPY o=500 h=501 l=499 c=500\.5 v=1000/);
    expect(ls[4]).toMatch(/^\s+4 {2}2024-03-15 09:31:00\.000 EDT {2}decision {2}order\.created\s+3 {2}order=ord-1 SPY buy 10 limit@500\.1/);
  });

  it('filters by type, symbol, seq and limit, and prints JSON lines', async () => {
    const file = makeJournal();
    const seqsOf = (r: Run) => lines(r.out).map((l) => (JSON.parse(l) as { seq: number }).seq);
    expect(seqsOf(await run('inspect', file, '--json'))).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(seqsOf(await run('inspect', file, '--type', 'market.bar', '--json'))).toEqual([1, 2, 3, 9]);
    expect(seqsOf(await run('inspect', file, '--type', 'order.created,order.transition', '--type', 'broker.snapshot', '--json'))).toEqual([4, 6, 7]);
    expect(seqsOf(await run('inspect', file, '--symbol', 'QQQ', '--json'))).toEqual([2]);
    expect(seqsOf(await run('inspect', file, '--from', '5', '--limit', '2', '--json'))).toEqual([5, 6]);
    const one = JSON.parse(lines((await run('inspect', file, '--from', '4', '--limit', '1', '--json')).out)[0] as string) as Record<string, unknown>;
    expect(one).toMatchObject({ seq: 4, kind: 'decision', type: 'order.created', causedBy: 3, payload: { clientOrderId: 'ord-1' } });
    expect(Object.keys(one)).toEqual(['seq', 'ts', 'kind', 'type', 'causedBy', 'payload', 'hash', 'recordedAt']);
  });

  it("--order shows one order's full life, including events that mention it in nested fields", async () => {
    const file = makeJournal();
    const r = await run('inspect', file, '--order', 'ord-1');
    expect(r.code).toBe(EXIT_OK);
    const types = lines(r.out).slice(1).map((l) => l.trim().split(/\s+/)[5]);
    expect(types).toEqual(['order.created', 'broker.order_update', 'order.transition', 'broker.snapshot', 'broker.order_update']);
    const none = await run('inspect', file, '--order', 'ord-2');
    expect(none.out).toBe('');
    expect(none.err).toContain('no matching events');
  });

  it('exits 2 on bad options and 1 when a stored row fails validation', async () => {
    const file = makeJournal();
    for (const args of [['--type', 'market.tick'], ['--from', '0'], ['--from', 'x'], ['--limit', '-3'], ['--bogus']]) {
      const r = await run('inspect', file, ...args);
      expect({ args, code: r.code }).toEqual({ args, code: EXIT_USAGE });
    }
    expect((await run('inspect', file, '--type', 'market.tick')).err).toContain('unknown event type "market.tick"');
    execFileSync('sqlite3', [file, `DROP TRIGGER events_no_update; UPDATE events SET payload = replace(payload, '"volume":1000', '"volume":-1') WHERE seq = 1;`]);
    const bad = await run('inspect', file, '--json');
    expect(bad.code).toBe(EXIT_VERIFY_FAILED);
    expect(bad.out).toBe('');
    expect(bad.err).toContain('journal row seq 1 failed validation: market.bar.payload.volume: -1 is not a non-negative integer');
  });
});

describe('axiom journal tail', () => {
  it('prints the last N events (default 10)', async () => {
    const file = makeJournal();
    const r = await run('tail', file, '-n', '3', '--json');
    expect(r.code).toBe(EXIT_OK);
    expect(lines(r.out).map((l) => (JSON.parse(l) as { seq: number }).seq)).toEqual([7, 8, 9]);
    expect(lines((await run('tail', file)).out)).toHaveLength(10); // header + 9 events
  });

  it('-f follows new events until stopped', async () => {
    const file = makeJournal();
    let out = '';
    const stop = new AbortController();
    const program = new Command('axiom').exitOverride();
    registerJournalCommands(program, {
      stdout: { write: (s: string) => { out += s; } },
      stderr: { write: () => undefined },
      setExitCode: () => undefined,
      stop: stop.signal,
      tailPollIntervalMs: 20,
    });
    const done = program.parseAsync(['node', 'axiom', 'journal', 'tail', file, '-f', '-n', '1', '--json']);
    const w = openJournal(file, { durability: 'full' });
    try {
      await waitFor(() => out.includes('"seq":9'));
      w.append(bar(10), []);
      w.append(bar(11, 'QQQ'), []);
      await waitFor(() => out.includes('"seq":11'));
    } finally {
      w.close();
    }
    stop.abort();
    await done;
    expect(lines(out).map((l) => (JSON.parse(l) as { seq: number }).seq)).toEqual([9, 10, 11]);
  });
});

describe('as a process', () => {
  // A minimal `axiom` without exitOverride: exit codes come from process.exit / process.exitCode.
  const script = `
    require('tsx/cjs');
    const { Command } = require('commander');
    const { registerJournalCommands } = require(${JSON.stringify(path.join(__dirname, 'journal.ts'))});
    const program = new Command('axiom');
    registerJournalCommands(program, { tailPollIntervalMs: 20 });
    program.parseAsync(process.argv).catch((e) => { console.error(e); process.exit(70); });
  `;
  const cliDir = path.resolve(__dirname, '..', '..'); // resolves commander and tsx from packages/cli
  const axiom = (...args: string[]) => spawn(process.execPath, ['-e', script, 'axiom', 'journal', ...args], { cwd: cliDir, stdio: ['ignore', 'pipe', 'pipe'] });

  function finish(child: ReturnType<typeof axiom>): Promise<Run> {
    return new Promise((resolve, reject) => {
      let out = '';
      let err = '';
      child.stdout?.on('data', (c: Buffer) => { out += c.toString(); });
      child.stderr?.on('data', (c: Buffer) => { err += c.toString(); });
      child.on('error', reject);
      child.on('exit', (code) => resolve({ code: code ?? -1, out, err }));
    });
  }

  it('exits 0, 1 and 2', async () => {
    const file = makeJournal();
    expect((await finish(axiom('verify', file))).code).toBe(0);
    expect((await finish(axiom('verify', path.join(dir, 'missing.journal')))).code).toBe(2);
    expect((await finish(axiom('inspect'))).code).toBe(2);
    expect((await finish(axiom('inspect', file, '--limit', 'lots'))).code).toBe(2);
    execFileSync('sqlite3', [file, 'DROP TRIGGER events_no_delete; DELETE FROM events WHERE seq = 4;']);
    const failed = await finish(axiom('verify', file));
    expect(failed.code).toBe(1);
    expect(failed.out).toContain('first bad event at seq 4: gap');
  }, 30_000);

  it('tail -f stops on SIGINT with exit 0', async () => {
    const file = makeJournal();
    const child = axiom('tail', file, '-f', '-n', '2');
    const result = finish(child);
    let seen = '';
    child.stdout?.on('data', (c: Buffer) => { seen += c.toString(); });
    await waitFor(() => /\n\s+9 /.test(seen), 15_000);
    const w = openJournal(file, { durability: 'full' });
    w.append(bar(12), []);
    w.close();
    await waitFor(() => /\n\s+10 /.test(seen), 15_000);
    child.kill('SIGINT');
    const r = await result;
    expect(r.code).toBe(0);
    expect(lines(r.out).map((l) => l.trim().split(/\s+/)[0])).toEqual(['SEQ', '8', '9', '10']);
  }, 30_000);
});

async function waitFor(cond: () => boolean, timeoutMs = 5_000): Promise<void> {
  const start = Date.now();
  while (!cond()) {
    if (Date.now() - start > timeoutMs) throw new Error('waitFor: timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
}
