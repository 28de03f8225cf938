import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import Database from 'better-sqlite3';
import { canonicalJson, chainHash, GENESIS_HASH, sha256Text, type AnyEvent } from '@axiom/events';
import { JournalWriteError, openJournal, PENDING_HASH, type Journal } from './index';
import { barDraft, signalDraft, timerDraft } from './testing/fixtures';

// Write-behind ('batched' durability, writer thread): the same file, rows and chain as the inline writer;
// reads see every queued batch; a failed batch leaves no trace; a writer failure is thrown, never lost.

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'axiom-write-behind-'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

let n = 0;
const fresh = () => path.join(dir, `wb${++n}.journal`);
const opened: Journal[] = [];
afterEach(() => {
  for (const j of opened.splice(0)) {
    try {
      j.close();
    } catch {
      // a test that broke the writer on purpose already checked the error
    }
  }
});
function openBehind(file: string): Journal {
  const j = openJournal(file, { durability: 'batched', writeBehind: true });
  opened.push(j);
  return j;
}

/** Appends `inputs` bars, each with one signal decision, in one batch; returns what append returned. */
function appendBatch(j: Journal, inputs: number, from = 0): AnyEvent[] {
  const out: AnyEvent[] = [];
  j.batch(() => {
    for (let i = from; i < from + inputs; i++) {
      const r = j.append(barDraft(i), [signalDraft(i)]);
      out.push(r.input, ...r.decisions);
    }
  });
  return out;
}

describe('write-behind journal', () => {
  it('writes the same events, chain and snapshots as the inline writer', () => {
    const behindFile = fresh();
    const inlineFile = fresh();
    const behind = openBehind(behindFile);
    const inline = openJournal(inlineFile, { durability: 'batched' });
    opened.push(inline);
    const state = { version: 1, note: 'é', values: [1, 2.5, -3] };
    for (const j of [behind, inline]) {
      appendBatch(j, 300);
      j.batch(() => {
        j.append(timerDraft(1), []);
        j.saveSnapshotCanonical(j.lastSeq(), canonicalJson(state));
      });
      appendBatch(j, 200, 300);
    }
    expect(behind.lastHash()).toBe(inline.lastHash());
    behind.close();
    inline.close();

    const a = openJournal(behindFile, { durability: 'batched', readOnly: true });
    const b = openJournal(inlineFile, { durability: 'batched', readOnly: true });
    opened.push(a, b);
    expect(a.verify()).toMatchObject({ ok: true, events: 1001 });
    const strip = (e: AnyEvent) => ({ ...e, recordedAt: 0 });
    expect([...a.read()].map(strip)).toEqual([...b.read()].map(strip));
    const snap = a.loadSnapshotText();
    expect(snap).toEqual({ seq: 601, stateHash: sha256Text(canonicalJson(state)), text: canonicalJson(state) });
    expect(b.loadSnapshotText()).toEqual(snap);
  });

  it('lets its own reads see every queued batch, with the hashes its writer chained', () => {
    const j = openBehind(fresh());
    const written = appendBatch(j, 50);
    // append returns the events before the writer hashed them.
    expect(written.every((e) => e.hash === PENDING_HASH)).toBe(true);
    expect(j.count()).toBe(100);
    const read = [...j.read()];
    expect(read.map((e) => e.seq)).toEqual(written.map((e) => e.seq));
    let prev = GENESIS_HASH;
    for (const e of read) {
      expect(e.hash).toBe(chainHash(prev, e.seq, e.ts, e.kind, e.type, canonicalJson(e.payload)));
      prev = e.hash;
    }
    expect(j.get(100)?.hash).toBe(j.lastHash());
  });

  it('builds the indexes of a fresh journal once, when its writer closes; filtered reads agree either way', () => {
    const file = fresh();
    const indexes = () => {
      const raw = new Database(file, { readonly: true });
      try {
        return (raw.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'events' ORDER BY name").pluck().all() as string[]);
      } finally {
        raw.close();
      }
    };
    const j = openBehind(file);
    appendBatch(j, 40);
    j.flush();
    expect(indexes()).toEqual([]); // deferred while the backtest writes
    const bySymbolBefore = [...j.read({ symbol: 'SPY' })].map((e) => e.seq);
    j.close();
    expect(indexes()).toEqual(['events_by_client_order_id', 'events_by_symbol']);
    const r = openJournal(file, { durability: 'batched', readOnly: true });
    opened.push(r);
    expect(bySymbolBefore.length).toBeGreaterThan(0);
    expect([...r.read({ symbol: 'SPY' })].map((e) => e.seq)).toEqual(bySymbolBefore);
  });

  it('gives a journal a crash left without its indexes them back at the next writable open', () => {
    const file = fresh();
    const j = openJournal(file, { durability: 'batched' });
    appendBatch(j, 5);
    j.close();
    const raw = new Database(file);
    raw.exec('DROP INDEX events_by_symbol; DROP INDEX events_by_client_order_id;'); // what a killed backtest leaves
    raw.close();
    openJournal(file, { durability: 'batched' }).close();
    const check = new Database(file, { readonly: true });
    const names = check.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'events' ORDER BY name").pluck().all();
    check.close();
    expect(names).toEqual(['events_by_client_order_id', 'events_by_symbol']);
  });

  it('chains on from the tail of a journal written before it was opened', () => {
    const file = fresh();
    const inline = openJournal(file, { durability: 'batched' });
    appendBatch(inline, 5);
    const tail = inline.lastHash();
    inline.close();
    const j = openBehind(file);
    expect(j.lastHash()).toBe(tail);
    appendBatch(j, 5, 5);
    j.close();
    const r = openJournal(file, { durability: 'batched', readOnly: true });
    opened.push(r);
    expect(r.verify()).toMatchObject({ ok: true, events: 20 });
  });

  it('drops a batch that throws whole, and goes on from where the last good batch ended', () => {
    const file = fresh();
    const j = openBehind(file);
    appendBatch(j, 10);
    const tail = { seq: j.lastSeq(), hash: j.lastHash() };
    expect(() => j.batch(() => {
      j.append(barDraft(100), []);
      j.saveSnapshotCanonical(j.lastSeq(), '{"version":1}');
      throw new Error('strategy bug');
    })).toThrow('strategy bug');
    expect({ seq: j.lastSeq(), hash: j.lastHash() }).toEqual(tail);
    appendBatch(j, 5, 10);
    j.close();
    const r = openJournal(file, { durability: 'batched', readOnly: true });
    opened.push(r);
    expect(r.verify()).toMatchObject({ ok: true, events: 30 });
    expect(r.listSnapshots()).toEqual([]);
  });

  it('throws the writer thread\'s failure at the next flush, and refuses to go on', () => {
    const file = fresh();
    const j = openBehind(file);
    appendBatch(j, 10);
    j.flush();
    // Another writer takes the next seq behind the journal's back: the writer thread's insert must fail.
    const other = new Database(file);
    other.prepare("INSERT INTO events (seq, ts, kind, type, caused_by, payload, hash, recorded_at) VALUES (21, 0, 'input', 'timer.fired', NULL, '{}', 'x', 0)").run();
    other.close();
    appendBatch(j, 10, 10);
    expect(() => j.flush()).toThrow(JournalWriteError);
    expect(() => j.flush()).toThrow(/writer thread failed writing seqs 21\.\.40: UNIQUE constraint failed: events\.seq/);
    expect(() => appendBatch(j, 1, 20)).toThrow(/writer thread failed/);
    expect(() => j.close()).toThrow(/writer thread failed/);
    const r = openJournal(file, { durability: 'batched', readOnly: true });
    opened.push(r);
    // The failed batch left nothing: the file ends with the intruder's row after the last good commit.
    expect(r.lastSeq()).toBe(21);
    expect(r.count()).toBe(21);
  });

  it('refuses a second, different snapshot at a seq (the reducers would not be deterministic)', () => {
    const j = openBehind(fresh());
    appendBatch(j, 3);
    j.saveSnapshotCanonical(6, '{"a":1}');
    j.saveSnapshotCanonical(6, '{"a":1}'); // the same state again is fine
    j.flush();
    j.saveSnapshotCanonical(6, '{"a":2}');
    expect(() => j.flush()).toThrow(/a snapshot at seq 6 already exists with state hash/);
  });

  it('is only for writable, batched journals', () => {
    expect(() => openJournal(fresh(), { durability: 'full', writeBehind: true })).toThrow(/writeBehind needs a writable journal with durability 'batched'/);
  });
});
