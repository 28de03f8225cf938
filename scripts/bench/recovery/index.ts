// Benchmark: recovery, verify and diff on a full 500-symbol day (DESIGN §6-7, issue 5). A backtest over
// generated Parquet bars (a random walk per symbol, 09:30-15:59 New York) writes the journal through the live
// code path; a second backtest with one strategy parameter changed gives the run to diff against. Measured,
// medians of the repetitions, beside the plain read + decode rate of the same journal:
//   * recovery from the latest snapshot (open + restore + fold the tail: the live shell's start-up path)
//   * recovery from zero (every event through the reducers)
//   * `replay --verify` (every row checked by the chain rules, step over every input, decisions compared; each
//     segment with a checker thread beside it, and with 4 cores or more segments side by side, split at
//     snapshots), events/s, in rounds paired with a read + decode each, in a process of their own (--verify-rounds),
//     and the same on one thread, beside the engine's own step rate over the same inputs and the journal's full
//     chain walk
//   * `replay --check-snapshots`
//   * `diff` of the two full days
// Targets: snapshot recovery < 200 ms; from zero < 2 s; verify >= 0.3x the read + decode rate; diff < 5 s.
// The journals are written by a child process (--prepare): the measurements run in a process that ran no
// backtest, as the commands they stand for do.
// Run: pnpm bench:recovery [-- --reps N] [--symbols N] [--keep DIR]   (bundled by scripts/bench/run.cjs)
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, totalmem, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseEngineConfig, sha256Text, type EngineConfigInput } from '@axiom/events';
import { provisionalEnvelope, recoverState, step } from '@axiom/engine';
import { openJournal, type Journal } from '@axiom/journal';
import { decodeSnapshot, initialEngineState, stateHash } from '@axiom/projections';
import { runBacktest, writeBarDay } from '@axiom/replay';
import { diffJournals } from '@axiom/replay/src/diff';
import { checkSnapshots, rebuildDeps, verifyDecisions } from '@axiom/replay/src/verify';
import { mulberry32 } from '@axiom/events';
import { generateDay } from '@axiom/replay/src/testing/generated-days';
import { benchDir } from '../paths';

const args = process.argv.slice(2);
const flag = (name: string): string | undefined => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const reps = Number(flag('--reps') ?? 5) || 5;
const symbolCount = Number(flag('--symbols') ?? 500) || 500;
const keep = flag('--keep');
const DATE = '2025-03-12';

/** Deterministic PRNG (mulberry32) so every run benchmarks the same data. */
const prng = mulberry32;


const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const fmt = (x: number) => Math.round(x).toLocaleString('en-US');
const ms = (x: number) => (x >= 100 ? fmt(x) : x.toFixed(1));

function time<T>(fn: () => T): { ms: number; value: T } {
  const t0 = performance.now();
  const value = fn();
  return { ms: performance.now() - t0, value };
}

function withJournal<T>(file: string, fn: (j: Journal) => T): T {
  const j = openJournal(file, { durability: 'batched', readOnly: true });
  try {
    return fn(j);
  } finally {
    j.close();
  }
}

function repeat(n: number, fn: () => number): number[] {
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push(fn());
  return out;
}

/** What the preparing child process made (it writes this as JSON). */
interface Prepared {
  genMs: number;
  btAMs: number;
  btBMs: number;
  btBLastSeq: number;
}

/**
 * Write the bars and run the two backtests, in a child process of this script (`--prepare DIR`): every
 * measurement then runs in a process that ran no backtest, as `axiom replay` and `axiom diff` do. Run in the
 * measuring process, the two backtests left it ~15-20% slower at verify (and less at the rest): 0.26x against
 * 0.31x of the read + decode baseline in interleaved runs of both (BENCHMARKS.md).
 */
function prepare(work: string): void {
  const symbols = Array.from({ length: symbolCount }, (_, i) => `S${String(i).padStart(3, '0')}`);
  const bars = join(work, 'bars');
  mkdirSync(bars, { recursive: true });
  const gen = time(() => writeBarDay(join(bars, `${DATE}.parquet`), generateDay(DATE, symbols, prng(20261125), new Map())));
  const strategies = (deviationPct: number): EngineConfigInput => ({
    strategies: [{ name: 'vwap-reversion', params: { deviationPct } }, { name: 'opening-range-breakout', params: {} }, { name: 'slope-momentum', params: {} }],
  });
  const btA = runBacktest({ bars: { kind: 'parquet', path: bars }, out: join(work, 'a.journal'), config: parseEngineConfig(strategies(0.2)), overwrite: true });
  const btB = runBacktest({ bars: { kind: 'parquet', path: bars }, out: join(work, 'b.journal'), config: parseEngineConfig(strategies(0.3)), overwrite: true });
  const out: Prepared = { genMs: gen.ms, btAMs: btA.elapsedMs, btBMs: btB.elapsedMs, btBLastSeq: btB.lastSeq };
  writeFileSync(join(work, 'prepared.json'), JSON.stringify(out));
}

/** What a verify child process measured (it prints this as JSON). */
interface VerifyRounds {
  rounds: Array<{ baseMs: number; verifyMs: number }>;
  segments: number;
  checkAhead: boolean;
}

/**
 * `--verify-rounds FILE`: in this process, `reps` rounds of a plain read + decode of the journal and then
 * `replay --verify` of it (`--threads N`: that many threads; default, as the command: every core), and print
 * the times. Each verify is paired with a read of its own, so the machine's drift does not enter the ratio, and
 * the process ran nothing else before: run after the other measurements of this bench, verify took ~20% longer
 * and the reads after it ~40% longer (a heap grown by the recoveries and diffs). The first round is cold, as
 * `axiom replay --verify` runs once in its process. The final state is checked against `--expect` (a state
 * hash), after the timing.
 */
function measureVerify(file: string, threads: number | undefined, expectHash: string): void {
  const out: VerifyRounds = { rounds: [], segments: 0, checkAhead: false };
  for (let i = 0; i < reps; i++) {
    const baseMs = withJournal(file, (j) => time(() => {
      let n = 0;
      for (const e of j.read({ validate: false })) if (e.seq > 0) n++;
      return n;
    }).ms);
    const r = withJournal(file, (j) => time(() => verifyDecisions(j, { threads })));
    if (!r.value.ok) throw new Error(`verify failed: ${JSON.stringify(r.value.mismatch).slice(0, 500)}`);
    out.rounds.push({ baseMs, verifyMs: r.ms });
    out.segments = r.value.stats.segments;
    out.checkAhead = r.value.stats.checkAhead;
    if (i === reps - 1) {
      const finalHash = stateHash(r.value.finalState);
      if (finalHash !== expectHash) throw new Error(`verify's final state ${finalHash} is not the recovered one ${expectHash}`);
    }
  }
  process.stdout.write(JSON.stringify(out));
}

/** Verify rounds in a child process of this script (measureVerify): the medians, the ratio of the rounds' rates, and the first (cold) round's. */
function verifyRounds(file: string, threads: number | undefined, expectHash: string) {
  const args = [...process.execArgv, __filename, '--verify-rounds', file, '--expect', expectHash, '--reps', String(reps)];
  if (threads !== undefined) args.push('--threads', String(threads));
  const child = spawnSync(process.execPath, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  if (child.status !== 0) throw new Error(`the verify rounds failed (exit ${String(child.status ?? child.signal)})`);
  const r = JSON.parse(child.stdout) as VerifyRounds;
  const first = r.rounds[0]!;
  return {
    ms: r.rounds.map((x) => x.verifyMs), ratio: median(r.rounds.map((x) => x.baseMs / x.verifyMs)),
    coldMs: first.verifyMs, coldRatio: first.baseMs / first.verifyMs, segments: r.segments, checkAhead: r.checkAhead,
  };
}

/** How a verify was laid out on threads, in words. */
function verifyLayout(v: { segments: number; checkAhead: boolean }): string {
  if (v.segments === 1) return v.checkAhead ? 'one segment with a checker thread beside it' : 'one segment';
  return `${v.segments} segments side by side${v.checkAhead ? ', each with a checker thread beside it' : ''}`;
}

function main(): void {
  const prepareDir = flag('--prepare');
  if (prepareDir !== undefined) {
    prepare(prepareDir);
    return;
  }
  const verifyFile = flag('--verify-rounds');
  if (verifyFile !== undefined) {
    const threads = flag('--threads');
    measureVerify(verifyFile, threads === undefined ? undefined : Number(threads), flag('--expect') ?? '');
    return;
  }
  const work = keep ?? mkdtempSync(join(tmpdir(), 'axiom-bench-recovery-'));
  mkdirSync(work, { recursive: true });
  try {
    // The same script (this bundle), the same Node flags, another process.
    const child = spawnSync(process.execPath, [...process.execArgv, __filename, '--prepare', work, '--symbols', String(symbolCount)], { stdio: 'inherit' });
    if (child.status !== 0) throw new Error(`preparing the journals failed (exit ${String(child.status ?? child.signal)})`);
    const prepared = JSON.parse(readFileSync(join(work, 'prepared.json'), 'utf8')) as Prepared;
    const gen = { ms: prepared.genMs };
    const btA = { elapsedMs: prepared.btAMs };
    const btB = { elapsedMs: prepared.btBMs, lastSeq: prepared.btBLastSeq };
    const a = join(work, 'a.journal');
    const b = join(work, 'b.journal');
    const info = withJournal(a, (j) => ({ lastSeq: j.lastSeq(), snapshots: j.listSnapshots() }));
    const latest = info.snapshots.at(-1);
    const snapshotBytes = latest === undefined ? 0 : withJournal(a, (j) => j.loadSnapshotText()!.text.length);
    console.error(`journal A: ${fmt(info.lastSeq)} events, ${info.snapshots.length} snapshots (latest at seq ${latest?.seq ?? '-'}, ${(snapshotBytes / 1e6).toFixed(1)} MB JSON), ${(statSync(a).size / 1e6).toFixed(1)} MB; backtests ${fmt(btA.elapsedMs)} / ${fmt(btB.elapsedMs)} ms`);

    // Baselines: plain read + decode of the same journal (no validation), and with catalog validation.
    const readDecodeOnce = () => withJournal(a, (j) => time(() => {
      let n = 0;
      for (const e of j.read({ validate: false })) if (e.seq > 0) n++;
      return n;
    }).ms);
    const readDecode = repeat(reps, readDecodeOnce);
    const readValidate = repeat(reps, () => withJournal(a, (j) => time(() => {
      let n = 0;
      for (const e of j.read()) if (e.seq > 0) n++;
      return n;
    }).ms));

    // Recovery from the latest snapshot: open + restore (decode, hash check) + fold the tail, as Engine does.
    // Only recoverState is timed; the state hash that proves the result is taken after.
    let tail = 0;
    let snapHash = '';
    const fromSnapshot = repeat(reps, () => {
      // Open + recover, as the engine starts.
      const r = time(() => {
        const j = openJournal(a, { durability: 'batched', readOnly: true });
        return { j, rec: recoverState(j) };
      });
      try {
        tail = r.value.rec.eventsReplayed;
        snapHash = stateHash(r.value.rec.state);
        if (r.value.rec.snapshotRefused !== null) throw new Error(`snapshot refused: ${r.value.rec.snapshotRefused}`);
      } finally {
        r.value.j.close();
      }
      return r.ms;
    });
    // Its parts, to show where the time goes.
    const restoreOnly = repeat(reps, () => withJournal(a, (j) => time(() => {
      // What recoverState does: hash the stored canonical text, then parse it.
      const s = j.loadSnapshotText()!;
      if (sha256Text(s.text) !== s.stateHash) throw new Error('snapshot hash');
      decodeSnapshot(s.text);
    }).ms));
    // A crash mid-session at the worst moment: just before the snapshot that ends the longest gap between
    // two snapshots (from the first event), so recovery folds the longest tail this journal has.
    let eod = info.lastSeq + 1;
    let longest = -1;
    info.snapshots.forEach((sn, i) => {
      const gap = sn.seq - (i === 0 ? 0 : info.snapshots[i - 1]!.seq);
      if (gap > longest) {
        longest = gap;
        eod = sn.seq;
      }
    });
    let midTail = 0;
    let midFrom = 0;
    const midSession = repeat(reps, () => withJournal(a, (j) => {
      const r = time(() => recoverState(j, { toSeq: eod - 1 }));
      midTail = r.value.eventsReplayed;
      midFrom = r.value.fromSeq;
      if (r.value.snapshotRefused !== null) throw new Error(`snapshot refused: ${r.value.snapshotRefused}`);
      return r.ms;
    }));
    let zeroHash = '';
    const fromZero = repeat(reps, () => withJournal(a, (j) => {
      const r = time(() => recoverState(j, { fromZero: true }));
      zeroHash = stateHash(r.value.state);
      return r.ms;
    }));
    const fromZeroTrusted = repeat(reps, () => time(() => withJournal(a, (j) => recoverState(j, { fromZero: true, trusted: true }))).ms);
    if (snapHash !== zeroHash) throw new Error(`recovery from the snapshot (${snapHash}) != from zero (${zeroHash})`);

    const verify = verifyRounds(a, undefined, snapHash);
    const verifyOneThread = verifyRounds(a, 1, snapHash);
    // What verify cannot go below: the engine's own step over every input (no chain check, no compare).
    const stepOnly = repeat(reps, () => withJournal(a, (j) => {
      const { deps } = rebuildDeps(j);
      return time(() => {
        let s = initialEngineState();
        for (const e of j.read({ validate: false })) if (e.kind === 'input') s = step(s, provisionalEnvelope(e, e.seq, null), deps).state;
        return s;
      }).ms;
    }));
    // The journal's own full chain walk (`axiom journal verify`: every schema check), for reference.
    const chainWalk = repeat(reps, () => withJournal(a, (j) => {
      const r = time(() => j.verify());
      if (!r.value.ok) throw new Error('journal verify failed');
      return r.ms;
    }));
    const checkSnaps = repeat(reps, () => withJournal(a, (j) => {
      const r = time(() => checkSnapshots(j));
      if (!r.value.ok) throw new Error('check-snapshots failed');
      return r.ms;
    }));
    let divergence = '';
    const diff = repeat(reps, () => {
      const r = time(() => diffJournals(a, b));
      const f = r.value.firstDivergence;
      divergence = f === null ? 'identical' : `first divergence at seq ${f.seq} (${f.symbol}), ${r.value.divergences.count} divergent market groups`;
      return r.ms;
    });

    const events = info.lastSeq;
    const rate = (t: number) => events / (t / 1000);
    const readRate = rate(median(readDecode));
    const readValRate = rate(median(readValidate));
    const rows: Array<[string, string, string, string, string]> = [
      ['plain read + decode (journal.read, validate: false)', `${ms(median(readDecode))} ms`, `${fmt(readRate)} /s`, '(baseline)', ''],
      ['read + decode + catalog validation (journal.read)', `${ms(median(readValidate))} ms`, `${fmt(readValRate)} /s`, '', ''],
      [`recovery from the latest snapshot (open + restore + ${fmt(tail)}-event tail)`, `${ms(median(fromSnapshot))} ms`, '', '< 200 ms', median(fromSnapshot) < 200 ? 'met' : 'NOT MET'],
      ['  of which: load + hash-check + decode the snapshot', `${ms(median(restoreOnly))} ms`, '', '', ''],
      [`recovery mid-session, worst moment (just before a checkpoint: snapshot at seq ${fmt(midFrom)} + ${fmt(midTail)}-event tail)`, `${ms(median(midSession))} ms`, '', '(< 200 ms)', median(midSession) < 200 ? 'met' : 'NOT MET'],
      ['recovery from zero (validated read + evolve)', `${ms(median(fromZero))} ms`, `${fmt(rate(median(fromZero)))} /s`, '< 2 s', median(fromZero) < 2000 ? 'met' : 'NOT MET'],
      ['recovery from zero, trusted read (validate: false)', `${ms(median(fromZeroTrusted))} ms`, `${fmt(rate(median(fromZeroTrusted)))} /s`, '', ''],
      ['engine step over every input from zero on one thread (read + decode + step; no chain check, no compare)', `${ms(median(stepOnly))} ms`, `${fmt(rate(median(stepOnly)))} /s`, '', `${(rate(median(stepOnly)) / readRate).toFixed(2)}x`],
      [`replay --verify (chain rules + step + compare: ${verifyLayout(verify)}; rounds in a process of their own)`, `${ms(median(verify.ms))} ms`, `${fmt(rate(median(verify.ms)))} /s`, '>= 0.3x the read + decode rate of its round', `${verify.ratio >= 0.3 ? 'met' : 'NOT MET'} (${verify.ratio.toFixed(3)}x, median of ${reps} rounds; ${(rate(median(verify.ms)) / readRate).toFixed(3)}x the baseline row)`],
      ['  its first round (cold, as `axiom replay --verify` runs once in its process)', `${ms(verify.coldMs)} ms`, `${fmt(rate(verify.coldMs))} /s`, '', `${verify.coldRatio.toFixed(3)}x of its round`],
      ['replay --verify on one thread (--threads 1), for reference', `${ms(median(verifyOneThread.ms))} ms`, `${fmt(rate(median(verifyOneThread.ms)))} /s`, '', `${verifyOneThread.ratio.toFixed(3)}x of its rounds`],
      ['journal verify (full chain walk with schema checks), for reference', `${ms(median(chainWalk))} ms`, `${fmt(rate(median(chainWalk)))} /s`, '', ''],
      ['replay --check-snapshots (fold from zero + every snapshot)', `${ms(median(checkSnaps))} ms`, `${fmt(rate(median(checkSnaps)))} /s`, '', ''],
      [`diff of two full days (${fmt(events)} + ${fmt(btB.lastSeq)} events)`, `${ms(median(diff))} ms`, '', '< 5 s', median(diff) < 5000 ? 'met' : 'NOT MET'],
    ];
    const cpu = cpus()[0]?.model ?? 'unknown CPU';
    const machine = `${cpu}, ${cpus().length} cores, ${(totalmem() / 2 ** 30).toFixed(1)} GiB RAM, Node ${process.version}, ${process.platform}/${process.arch}`;
    const lines = [
      '# Recovery, verify and diff benchmark',
      '',
      'Written by `pnpm bench:recovery` (scripts/bench/recovery, run bundled; this file is overwritten on every run).',
      '',
      `* machine: ${machine}`,
      `* data: ${symbolCount} symbols x 390 one-minute bars on ${DATE} (generated random walk, ${ms(gen.ms)} ms to write the Parquet day)`,
      `* journal A: ${fmt(events)} events, ${(statSync(a).size / 1e6).toFixed(1)} MB, ${info.snapshots.length} snapshots (latest at seq ${latest?.seq ?? '-'}, ${(snapshotBytes / 1e6).toFixed(1)} MB of state JSON); backtest ${fmt(btA.elapsedMs)} ms`,
      `* journal B: vwap-reversion deviationPct 0.2 -> 0.3, ${fmt(btB.lastSeq)} events; ${divergence}`,
      `* medians of ${reps} repetitions; every recovery checked (snapshot + tail == from zero: ${snapHash.slice(0, 16)}…), verify and check-snapshots passed`,
      '',
      '| measurement | median time | rate (events) | target | result |',
      '|---|---:|---:|---|---|',
      ...rows.map((r) => `| ${r.join(' | ')} |`),
      '',
    ];
    const text = lines.join('\n');
    process.stdout.write(`${text}\n`);
    writeFileSync(join(benchDir('recovery'), 'RESULTS.md'), text);
  } finally {
    if (keep === undefined) rmSync(work, { recursive: true, force: true });
  }
}

main();
