import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { draft, type AnyEvent, type PayloadOf } from '@axiom/events';
import { openJournal, type CheckedEvents } from '@axiom/journal';
import { barDraft, orderCreatedDraft, orderUpdateDraft, rehashFrom, signalDraft, transitionDraft } from '@axiom/journal/src/testing/fixtures';
import { CheckedAhead } from './checked-ahead';
import { CHECK_FIRST_PAGE_ROWS, CHECK_PAGES_AHEAD } from './check-worker';
import { ReplayUsageError } from './errors';
import { SyncWorker } from './sync-worker';
import type { CheckPages } from './worker-protocol';

// The rows of a segment read with a checker thread (check-worker.ts: the rules before `schema`, on its own
// connection; the schema rule applied here, or by the checker on the pages it finishes, whose flat payloads it
// sends encoded) must be exactly the journal's own checked walk (CheckedRows): the same events, and the same first bad row, last seq and last hash, whichever rule the
// bad row breaks, wherever it lies in the checker's pages and wherever the range starts. Real files, a real
// thread; each tampered journal has its hash chain recomputed past the change, so only the later rules can tell.

let dir: string;
let base: string;
let lastSeq: number;
/** A bar whose prices have 17 significant digits: canonical, but the scan cannot tell (the encoder decides). */
let longNumberSeq: number;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'axiom-checked-ahead-'));
  base = join(dir, 'base.journal');
  const j = openJournal(base, { durability: 'batched' });
  try {
    for (let i = 0; i < 500; i++) {
      const symbol = ['SPY', 'QQQ', 'IWM'][i % 3]!;
      const id = `ax-${i}-e1-a1`;
      if (i % 100 === 50) {
        // A payload that is not flat (nested config, a list): sent as text even on the pages the checker finishes.
        j.append(draft('run.started', barDraft(i).ts, {
          runId: `run${i}`, mode: 'backtest', config: { risk: { maxPositions: i } }, configHash: 'a'.repeat(64),
          strategies: [{ name: 'nth', version: '1', params: { n: i } }], codeVersion: 'axiom@test', catalogVersion: 1, dataSource: 'test',
        }), []);
      } else if (i === 251) {
        longNumberSeq = j.lastSeq() + 1;
        const bar = barDraft(i, symbol);
        j.append(draft('market.bar', bar.ts, { ...(bar.payload as PayloadOf<'market.bar'>), open: 0.1 + 0.2, low: 0.1 }), []);
      } else if (i % 4 === 3) {
        j.append(orderUpdateDraft(i, `ax-${i - 1}-e1-a1`, 'new', symbol), [transitionDraft(i, `ax-${i - 1}-e1-a1`)]);
      } else {
        j.append(barDraft(i, symbol), i % 2 === 0 ? [signalDraft(i, symbol), orderCreatedDraft(i, symbol, id)] : []);
      }
    }
    lastSeq = j.lastSeq();
    expect(j.verify()).toMatchObject({ ok: true });
  } finally {
    j.close();
  }
  // More rows than the first pages hold, so that a walk crosses pages of every size.
  expect(lastSeq).toBeGreaterThan(4 * CHECK_FIRST_PAGE_ROWS);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Walked {
  events: AnyEvent[];
  startHash: string;
  bad: CheckedEvents['bad'];
  lastSeq: number;
  lastHash: string;
}

function walk(rows: CheckedEvents): Walked {
  const events: AnyEvent[] = [];
  try {
    for (let e = rows.nextEvent(); e !== null; e = rows.nextEvent()) events.push(e);
  } finally {
    rows.return();
  }
  return { events, startHash: rows.startHash, bad: rows.bad, lastSeq: rows.lastSeq, lastHash: rows.lastHash };
}

const reference = (file: string, range: { fromSeq: number; toSeq: number }): Walked => {
  const j = openJournal(file, { durability: 'batched', readOnly: true });
  try {
    return walk(j.readChecked(range));
  } finally {
    j.close();
  }
};
/** Which pages the checker finishes itself: none (this thread applies the schema rule), or all (it sends flat payloads encoded). */
let pages: CheckPages = 'light';
const ahead = (file: string, range: { fromSeq: number; toSeq: number }): Walked => walk(new CheckedAhead(new SyncWorker('check'), file, range, pages));

/** Block this thread for `ms` (the checker runs on). */
const pause = (ms: number): void => {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
};

/** Block this thread until the checker has posted `replies` replies (it runs on), then a little longer to see it stop there. */
function pauseUntilPosted(worker: SyncWorker, replies: number): void {
  const deadline = performance.now() + 20_000;
  while (worker.repliesPosted() < replies) {
    if (performance.now() > deadline) throw new Error(`the checker posted ${worker.repliesPosted()} replies, not ${replies}`);
    pause(10);
  }
  pause(100);
}

let copies = 0;
/** A copy of base changed by `sql` (triggers dropped), its chain recomputed from `rehashFromSeq` (null: left as it is). */
function tampered(sql: string, rehashFromSeq: number | null): string {
  const file = join(dir, `t${++copies}.journal`);
  copyFileSync(base, file);
  const db = new Database(file);
  try {
    db.exec('DROP TRIGGER events_no_update; DROP TRIGGER events_no_delete;');
    db.exec(sql);
    if (rehashFromSeq !== null) rehashFrom(db, rehashFromSeq);
  } finally {
    db.close();
  }
  return file;
}

/** The seq of the first row at or after `from` whose type is `type`. */
function seqOf(type: string, from: number): number {
  const j = openJournal(base, { durability: 'batched', readOnly: true });
  try {
    for (let seq = from; seq <= lastSeq; seq++) if (j.get(seq)!.type === type) return seq;
  } finally {
    j.close();
  }
  throw new Error(`no ${type} at or after seq ${from}`);
}

describe.each(['light', 'full'] as const)('CheckedAhead, the checker finishing %s pages', (p) => {
  beforeAll(() => {
    pages = p;
  });

  it('reads a good journal as the walk does, over the whole of it and over ranges that start and end anywhere', () => {
    const whole = { fromSeq: 1, toSeq: lastSeq };
    const rows = new CheckedAhead(new SyncWorker('check'), base, whole, pages);
    const all = walk(rows);
    const ref = reference(base, whole);
    expect(all).toEqual(ref);
    // Every payload's keys in the same order too.
    expect(JSON.stringify(all.events)).toBe(JSON.stringify(ref.events));
    expect(all.events).toHaveLength(lastSeq);
    // On full pages every flat payload came encoded (all but the run.started rows); on light pages none.
    const notFlat = all.events.filter((e) => e.type === 'run.started').length;
    expect(notFlat).toBeGreaterThan(0);
    expect(rows.encoded).toBe(pages === 'full' ? lastSeq - notFlat : 0);
    expect(all.bad).toBeNull();
    // The row the scan could not judge was judged by the encoder, here, and passed.
    expect(all.events[longNumberSeq - 1]!.payload).toMatchObject({ open: 0.30000000000000004 });
    for (const range of [{ fromSeq: 300, toSeq: lastSeq }, { fromSeq: 2, toSeq: 900 }, { fromSeq: 700, toSeq: 700 }, { fromSeq: lastSeq + 1, toSeq: lastSeq }]) {
      expect({ range, walked: ahead(base, range) }).toEqual({ range, walked: reference(base, range) });
    }
  });

  it.each([
    ['not JSON', (seq: number) => `UPDATE events SET payload = substr(payload, 1, length(payload) - 1) || '!' WHERE seq = ${seq}`, 'market.bar', 5],
    ['not canonical (a space)', (seq: number) => `UPDATE events SET payload = replace(payload, '{"', '{ "') WHERE seq = ${seq}`, 'signal.emitted', 600],
    ['against its schema', (seq: number) => `UPDATE events SET payload = replace(payload, '"volume":', '"volume":-') WHERE seq = ${seq}`, 'market.bar', 900],
    ['a symbol column that is not the payload\'s', (seq: number) => `UPDATE events SET symbol = 'DIA' WHERE seq = ${seq}`, 'market.bar', 257],
    ['a client_order_id column that is not the payload\'s', (seq: number) => `UPDATE events SET client_order_id = 'other' WHERE seq = ${seq}`, 'order.created', 770],
    ['an unknown type', (seq: number) => `UPDATE events SET type = 'market.tick' WHERE seq = ${seq}`, 'market.bar', 1000],
    ['another kind than its type\'s', (seq: number) => `UPDATE events SET kind = 'input' WHERE seq = ${seq}`, 'order.transition', 400],
    ['a causedBy that is not its input', (seq: number) => `UPDATE events SET caused_by = 1 WHERE seq = ${seq}`, 'signal.emitted', 800],
  ])('stops at a row %s, as the walk does, naming the same problem', (_what, sql, type, near) => {
    const seq = seqOf(type, near);
    const file = tampered(sql(seq), seq);
    const whole = { fromSeq: 1, toSeq: lastSeq };
    const got = ahead(file, whole);
    const ref = reference(file, whole);
    expect(got).toEqual(ref);
    expect(JSON.stringify(got.events)).toBe(JSON.stringify(ref.events));
    expect(got.bad).toMatchObject({ seq });
    expect(got.lastSeq).toBe(seq - 1);
    // From inside the range, and a range that ends just before it.
    const from = { fromSeq: Math.max(1, seq - 100), toSeq: lastSeq };
    expect(ahead(file, from)).toEqual(reference(file, from));
    const before = { fromSeq: 1, toSeq: seq - 1 };
    expect(ahead(file, before)).toEqual({ ...reference(file, before), bad: null });
  });

  it('stops at a row whose stored hash is not its chain hash, and at a missing row', () => {
    const seq = seqOf('market.bar', 650);
    const whole = { fromSeq: 1, toSeq: lastSeq };
    const badHash = tampered(`UPDATE events SET hash = '${'0'.repeat(64)}' WHERE seq = ${seq}`, null);
    expect(ahead(badHash, whole)).toEqual(reference(badHash, whole));
    expect(ahead(badHash, whole).bad).toMatchObject({ seq, problem: 'hash_mismatch' });
    const gap = tampered(`DELETE FROM events WHERE seq = ${seq}`, null);
    expect(ahead(gap, whole)).toEqual(reference(gap, whole));
    expect(ahead(gap, whole).bad).toMatchObject({ seq, problem: 'gap' });
  });

  it('ends its thread when the reader stops early, even one waiting for room, and then reads nothing more', async () => {
    const worker = new SyncWorker('check');
    const rows = new CheckedAhead(worker, base, { fromSeq: 1, toSeq: lastSeq }, pages, 16);
    const first: number[] = [];
    for (let i = 0; i < 20; i++) first.push(rows.nextEvent()!.seq);
    // Two pages taken; the checker fills the room it has and waits.
    pauseUntilPosted(worker, 2 + CHECK_PAGES_AHEAD);
    expect(worker.repliesPosted()).toBe(2 + CHECK_PAGES_AHEAD);
    rows.return();
    await worker.exited;
    expect(first).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    expect(rows.nextEvent()).toBeNull();
    expect(rows.lastSeq).toBe(20);
    expect(rows.bad).toBeNull();
  });

  it('throws what the checker thread failed with: a journal it cannot open is a corrupt journal (exit 2)', () => {
    const rows = new CheckedAhead(new SyncWorker('check'), join(dir, 'no-such.journal'), { fromSeq: 1, toSeq: 10 }, pages);
    try {
      expect(() => rows.nextEvent()).toThrow(ReplayUsageError);
    } finally {
      rows.return();
    }
  });
});

describe('CheckedAhead, the checker finishing pages when it is well ahead', () => {
  // Pages of 16 rows. The reader takes the first page and pauses: the checker posts pages 1 to 8 (then it has no
  // room), deciding each page by how far ahead it is when it starts it: pages 1-4 light (0-3 ahead), 5-8 full.
  const PAGE = 16;
  /** Read all of `file` that way (pausing until the checker has posted `replies` pages): the events, and how many came encoded. */
  function pausedWalk(file: string, replies = 1 + CHECK_PAGES_AHEAD): Walked & { encoded: number } {
    const worker = new SyncWorker('check');
    const rows = new CheckedAhead(worker, file, { fromSeq: 1, toSeq: lastSeq }, 'adaptive', PAGE);
    const events: AnyEvent[] = [];
    try {
      const e = rows.nextEvent();
      if (e !== null) events.push(e);
      pauseUntilPosted(worker, replies);
      for (let e2 = rows.nextEvent(); e2 !== null; e2 = rows.nextEvent()) events.push(e2);
    } finally {
      rows.return();
    }
    return { events, startHash: rows.startHash, bad: rows.bad, lastSeq: rows.lastSeq, lastHash: rows.lastHash, encoded: rows.encoded };
  }
  /** The seq of the first row of page `page` (0-based). */
  const pageStart = (page: number) => page * PAGE + 1;

  it('reads the same as the walk while the checker takes over pages, and takes some over', () => {
    const { encoded, ...walked } = pausedWalk(base);
    expect(walked).toEqual(reference(base, { fromSeq: 1, toSeq: lastSeq }));
    expect(encoded).toBeGreaterThanOrEqual(4 * PAGE - 1);
  });

  it('reports a bad row on a page this thread checks before a later one the checker found on a page it finished', () => {
    // A schema-bad bar on light page 3 and another on full page 6 (a bar: its payload is flat and encodable).
    const early = seqOf('market.bar', pageStart(3));
    const late = seqOf('market.bar', pageStart(6));
    expect(early).toBeLessThan(pageStart(4));
    expect(late).toBeLessThan(pageStart(7));
    const both = tampered(`UPDATE events SET payload = replace(payload, '"volume":', '"volume":-') WHERE seq IN (${early}, ${late})`, early);
    // The checker stops at the later one: it posts pages 0 to 6.
    const got = pausedWalk(both, 7);
    expect(got.bad).toMatchObject({ seq: early, problem: 'schema' });
    expect({ ...got, encoded: undefined }).toEqual({ ...reference(both, { fromSeq: 1, toSeq: lastSeq }), encoded: undefined });
    // The later one alone: the checker finds it, after this thread has read every row before it.
    const lateOnly = tampered(`UPDATE events SET payload = replace(payload, '"volume":', '"volume":-') WHERE seq = ${late}`, late);
    const got2 = pausedWalk(lateOnly, 7);
    expect(got2.bad).toMatchObject({ seq: late, problem: 'schema' });
    expect(got2.lastSeq).toBe(late - 1);
    expect(got2.encoded).toBeGreaterThan(0);
    expect({ ...got2, encoded: undefined }).toEqual({ ...reference(lateOnly, { fromSeq: 1, toSeq: lastSeq }), encoded: undefined });
  });
});
