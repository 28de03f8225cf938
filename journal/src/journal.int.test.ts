import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import Database from 'better-sqlite3';
import fc from 'fast-check';
import {
  CATALOG_VERSION, EventValidationError, GENESIS_HASH, canonicalJson, chainHash, draft, type AnyEvent,
  type DecisionDraft, type InputDraft,
} from '@axiom/events';
import { JournalOpenError, JournalReadError, JournalWriteError, openJournal, type Journal } from './index';
import {
  barDraft, orderCreatedDraft, orderUpdateDraft, signalDraft, timerDraft, transitionDraft, T0_MS,
} from './testing/fixtures';

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'axiom-journal-'));
});
afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

let n = 0;
function freshPath(): string {
  n++;
  return path.join(dir, `j${n}.journal`);
}

const open: Journal[] = [];
function openNew(durability: 'full' | 'batched' = 'full'): { j: Journal; file: string } {
  const file = freshPath();
  const j = openJournal(file, { durability });
  open.push(j);
  return { j, file };
}
afterEach(() => {
  for (const j of open.splice(0)) j.close();
});

function all(j: Journal): AnyEvent[] {
  return [...j.read()];
}

/** A raw SQLite connection, as a tamperer or a stray script would have. */
function raw(file: string): Database.Database {
  return new Database(file);
}

describe('openJournal', () => {
  it('creates the file with mode 0600 (and its WAL files too), in WAL mode with synchronous read back', () => {
    const { j, file } = openNew('full');
    j.append(barDraft(0), []);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(fs.existsSync(`${file}-wal`)).toBe(true);
    expect(fs.statSync(`${file}-wal`).mode & 0o777).toBe(0o600);
    expect(fs.statSync(`${file}-shm`).mode & 0o777).toBe(0o600);
    const info = j.info();
    expect(info.journalMode).toBe('wal');
    expect(info.synchronous).toBe('FULL');
    expect(info.durability).toBe('full');

    const b = openNew('batched').j;
    expect(b.info().synchronous).toBe('NORMAL');
  });

  it('records catalog version, journal id and created-at in meta, and keeps them across reopen', () => {
    const { j, file } = openNew();
    const info = j.info();
    expect(info.catalogVersion).toBe(CATALOG_VERSION);
    expect(info.journalId).toMatch(/^[0-9a-f-]{36}$/);
    expect(Date.parse(info.createdAt)).toBeGreaterThan(Date.UTC(2024, 0, 1));
    j.close();
    const again = openJournal(file, { durability: 'full', readOnly: true });
    open.push(again);
    expect(again.info().journalId).toBe(info.journalId);
    expect(again.info().createdAt).toBe(info.createdAt);
  });

  it('refuses a journal written by a newer catalog, naming both versions', () => {
    const { j, file } = openNew();
    j.close();
    const db = raw(file);
    db.prepare("UPDATE meta SET value = ? WHERE key = 'catalog_version'").run(String(CATALOG_VERSION + 6));
    db.close();
    for (const readOnly of [false, true]) {
      let err: unknown;
      try {
        openJournal(file, { durability: 'full', readOnly });
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(JournalOpenError);
      expect((err as JournalOpenError).problem).toBe('newer_catalog');
      expect((err as Error).message).toContain(`event catalog version ${CATALOG_VERSION + 6}`);
      expect((err as Error).message).toContain(`catalog version ${CATALOG_VERSION}:`);
    }
  });

  it('refuses a journal with a newer file format', () => {
    const { j, file } = openNew();
    j.close();
    const db = raw(file);
    db.prepare("UPDATE meta SET value = '99' WHERE key = 'format_version'").run();
    db.close();
    expect(() => openJournal(file, { durability: 'full', readOnly: true })).toThrow(/file format version 99, newer than this build's 1/);
  });

  it('raises an older catalog version to this one when a writer opens it', () => {
    const { j, file } = openNew();
    j.close();
    const db = raw(file);
    db.prepare("UPDATE meta SET value = ? WHERE key = 'catalog_version'").run(String(CATALOG_VERSION - 1));
    db.close();
    const ro = openJournal(file, { durability: 'full', readOnly: true });
    expect(ro.info().catalogVersion).toBe(CATALOG_VERSION - 1);
    ro.close();
    const w = openJournal(file, { durability: 'full' });
    open.push(w);
    expect(w.info().catalogVersion).toBe(CATALOG_VERSION);
  });

  it('refuses files that are not Axiom journals, with a clear error', () => {
    const text = freshPath();
    fs.writeFileSync(text, 'seq,ts,type\n1,2,market.bar\n'.repeat(100));
    expect(() => openJournal(text, { durability: 'full' })).toThrow(/is not an Axiom journal: it is not an SQLite database/);
    expect(() => openJournal(text, { durability: 'full', readOnly: true })).toThrow(JournalOpenError);
    expect(fs.readFileSync(text, 'utf8').startsWith('seq,ts,type')).toBe(true);

    const other = freshPath();
    const db = raw(other);
    db.exec('CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT)');
    db.close();
    expect(() => openJournal(other, { durability: 'full' })).toThrow(/is not an Axiom journal: its SQLite application_id is 0/);

    expect(() => openJournal(dir, { durability: 'full' })).toThrow(/is a directory/);
    expect(() => openJournal(path.join(dir, 'missing.journal'), { durability: 'full', readOnly: true })).toThrow(/does not exist/);
    expect(() => openJournal(path.join(dir, 'no-such-dir', 'x.journal'), { durability: 'full' })).toThrow(/directory does not exist/);
    // @ts-expect-error: a JavaScript caller passing a wrong durability
    expect(() => openJournal(freshPath(), { durability: 'sometimes' })).toThrow(/durability must be/);
  });

  it('initializes an empty file (a crash between creating and initializing) but not read-only', () => {
    const file = freshPath();
    fs.writeFileSync(file, '', { mode: 0o600 });
    expect(() => openJournal(file, { durability: 'full', readOnly: true })).toThrow(/not an Axiom journal/);
    const j = openJournal(file, { durability: 'full' });
    open.push(j);
    j.append(barDraft(0), []);
    expect(j.lastSeq()).toBe(1);
  });

  it('reloads lastSeq and lastHash on open and continues the chain', () => {
    const { j, file } = openNew();
    j.append(barDraft(0), [signalDraft(0)]);
    const hash = j.lastHash();
    j.close();
    const again = openJournal(file, { durability: 'full' });
    open.push(again);
    expect(again.lastSeq()).toBe(2);
    expect(again.lastHash()).toBe(hash);
    expect(again.nextSeq()).toBe(3);
    again.append(barDraft(1), []);
    expect(again.verify()).toMatchObject({ ok: true, events: 3, lastSeq: 3 });
  });
});

describe('append', () => {
  it('assigns gapless seqs, kinds, causedBy, recordedAt and the hash chain in one transaction', () => {
    const { j } = openNew();
    expect(j.lastSeq()).toBe(0);
    expect(j.lastHash()).toBe(GENESIS_HASH);
    expect(j.nextSeq()).toBe(1);
    const before = Date.now();
    const a = j.append(barDraft(0), [signalDraft(0), orderCreatedDraft(0)]);
    const after = Date.now();
    expect(a.input).toMatchObject({ seq: 1, kind: 'input', type: 'market.bar', causedBy: null, ts: barDraft(0).ts });
    expect(a.decisions.map((d) => [d.seq, d.kind, d.type, d.causedBy])).toEqual([
      [2, 'decision', 'signal.emitted', 1],
      [3, 'decision', 'order.created', 1],
    ]);
    expect(a.input.recordedAt).toBeGreaterThanOrEqual(before);
    expect(a.input.recordedAt).toBeLessThanOrEqual(after);

    const b = j.append(timerDraft(1), []);
    expect(b.input.seq).toBe(4);
    expect(b.decisions).toEqual([]);
    expect(j.lastSeq()).toBe(4);
    expect(j.nextSeq()).toBe(5);

    // The chain, recomputed with the catalog's reference functions from what was read back.
    let prev = GENESIS_HASH;
    const events = all(j);
    expect(events).toEqual([a.input, ...a.decisions, b.input]);
    for (const e of events) {
      expect(e.hash).toBe(chainHash(prev, e.seq, e.ts, e.kind, e.type, canonicalJson(e.payload)));
      prev = e.hash;
    }
    expect(j.lastHash()).toBe(prev);
  });

  it('stores the canonical payload string that it hashed, and extracts symbol / clientOrderId', () => {
    const { j, file } = openNew();
    j.append(orderUpdateDraft(0, 'ax-1'), [orderCreatedDraft(0, 'QQQ', 'ax-2')]);
    j.close();
    const db = raw(file);
    const rows = db.prepare('SELECT seq, payload, symbol, client_order_id, hash FROM events ORDER BY seq').all() as Array<Record<string, unknown>>;
    db.close();
    expect(rows[0]).toMatchObject({ symbol: 'SPY', client_order_id: 'ax-1', payload: canonicalJson(orderUpdateDraft(0, 'ax-1').payload) });
    expect(rows[1]).toMatchObject({ symbol: 'QQQ', client_order_id: 'ax-2' });
  });

  it('refuses an invalid input with the EventValidationError and writes nothing', () => {
    const { j } = openNew();
    j.append(barDraft(0), []);
    const bad = { ...barDraft(1), payload: { ...barDraft(1).payload, volume: -5 } } as InputDraft;
    let err: unknown;
    try {
      j.append(bad, [signalDraft(1)]);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(EventValidationError);
    expect((err as Error).message).toBe('market.bar.payload.volume: -5 is not a non-negative integer');
    expect(j.lastSeq()).toBe(1);
    expect(j.count()).toBe(1);
  });

  it('writes nothing when a decision in the middle is invalid (lastSeq unchanged), then appends normally', () => {
    const { j } = openNew();
    j.append(barDraft(0), [signalDraft(0)]);
    const hash = j.lastHash();
    const badDecision = { ...orderCreatedDraft(1), payload: { ...orderCreatedDraft(1).payload, qty: 0 } } as DecisionDraft;
    expect(() => j.append(barDraft(1), [signalDraft(1), badDecision, orderCreatedDraft(1)]))
      .toThrow('order.created.payload.qty: 0 is not a positive integer');
    expect(j.lastSeq()).toBe(2);
    expect(j.lastHash()).toBe(hash);
    expect(j.count()).toBe(2);
    expect(j.get(3)).toBeNull();
    const ok = j.append(barDraft(1), [signalDraft(1)]);
    expect(ok.input.seq).toBe(3);
    expect(j.verify()).toMatchObject({ ok: true, events: 4 });
  });

  it('refuses a decision type as input and an input type as decision', () => {
    const { j } = openNew();
    expect(() => j.append(signalDraft(0) as unknown as InputDraft, []))
      .toThrow('signal.emitted: is a decision type, passed as the input of an append');
    expect(() => j.append(barDraft(0), [barDraft(1) as unknown as DecisionDraft]))
      .toThrow('market.bar: is an input type, passed as a decision of an append');
    expect(() => j.append({ type: 'market.tick', ts: 1, payload: {} } as unknown as InputDraft, []))
      .toThrow('"market.tick" is not a known event type');
    expect(() => j.append({ ...barDraft(0), ts: 1.5 } as InputDraft, [])).toThrow('market.bar.ts: 1.5 is not an epoch millisecond timestamp');
    expect(j.count()).toBe(0);
  });

  it('detects another writer (stale tail) and writes nothing', () => {
    const { j, file } = openNew();
    j.append(barDraft(0), []);
    const other = openJournal(file, { durability: 'full' });
    other.append(barDraft(1), []);
    other.close();
    expect(() => j.append(barDraft(2), [signalDraft(2)])).toThrow(JournalWriteError);
    expect(() => j.append(barDraft(2), [signalDraft(2)])).not.toThrow(); // the tail was re-read
    expect(j.lastSeq()).toBe(4);
    expect(j.verify()).toMatchObject({ ok: true, events: 4 });
  });
});

describe('batch', () => {
  it('commits many appends in one transaction', () => {
    const { j } = openNew('batched');
    const seqs = j.batch(() => {
      const out: number[] = [];
      for (let i = 0; i < 300; i++) out.push(j.append(barDraft(i), [signalDraft(i), orderCreatedDraft(i)]).input.seq);
      return out;
    });
    expect(seqs[0]).toBe(1);
    expect(seqs[299]).toBe(898);
    expect(j.lastSeq()).toBe(900);
    expect(j.count()).toBe(900);
    expect(j.verify()).toMatchObject({ ok: true, events: 900 });
  });

  it('rolls back everything (and the cached tail) when fn throws', () => {
    const { j } = openNew('batched');
    j.append(barDraft(0), []);
    const hash = j.lastHash();
    expect(() => j.batch(() => {
      j.append(barDraft(1), [signalDraft(1)]);
      j.append(barDraft(2), []);
      throw new Error('strategy bug');
    })).toThrow('strategy bug');
    expect(j.lastSeq()).toBe(1);
    expect(j.lastHash()).toBe(hash);
    expect(j.count()).toBe(1);
    j.append(barDraft(1), []);
    expect(j.verify()).toMatchObject({ ok: true, events: 2 });
  });

  it('keeps the other appends of a batch when a refused (invalid) append is caught', () => {
    const { j } = openNew('batched');
    j.batch(() => {
      j.append(barDraft(0), []);
      expect(() => j.append({ ...barDraft(1), ts: -1 } as InputDraft, [])).toThrow(EventValidationError);
      j.append(barDraft(2), []);
    });
    expect(all(j).map((e) => e.seq)).toEqual([1, 2]);
    expect(j.verify().ok).toBe(true);
  });

  it('validates a whole append before writing any of it (an invalid decision caught inside a batch leaves no half append)', () => {
    const { j } = openNew('batched');
    const badDecision = { ...signalDraft(1), payload: { ...signalDraft(1).payload, side: 'short' } } as unknown as DecisionDraft;
    j.batch(() => {
      j.append(barDraft(0), [signalDraft(0)]);
      expect(() => j.append(barDraft(1), [signalDraft(1), orderCreatedDraft(1), badDecision])).toThrow('signal.emitted.payload.side: "short"');
      j.append(barDraft(2), [signalDraft(2)]);
    });
    expect(all(j).map((e) => [e.seq, e.type, e.ts])).toEqual([
      [1, 'market.bar', barDraft(0).ts], [2, 'signal.emitted', signalDraft(0).ts],
      [3, 'market.bar', barDraft(2).ts], [4, 'signal.emitted', signalDraft(2).ts],
    ]);
    expect(j.verify()).toMatchObject({ ok: true, events: 4 });
  });

  it('rolls back the whole batch after a write failure even if fn catches it', () => {
    const { j, file } = openNew('batched');
    j.append(barDraft(0), []);
    const other = openJournal(file, { durability: 'batched' });
    other.append(barDraft(1), []);
    other.close();
    expect(() => j.batch(() => {
      expect(() => j.append(barDraft(2), [])).toThrow(JournalWriteError);
      expect(() => j.append(barDraft(3), [])).toThrow(/an earlier append in this batch failed/);
    })).toThrow(JournalWriteError);
    expect(j.lastSeq()).toBe(2);
    j.append(barDraft(3), []);
    expect(j.verify()).toMatchObject({ ok: true, events: 3 });
  });

  it('does not nest, and refuses async functions', () => {
    const { j } = openNew('batched');
    expect(() => j.batch(() => j.batch(() => 1))).toThrow('batches do not nest');
    expect(() => j.batch(async () => 1)).toThrow('cannot return a promise');
    expect(j.count()).toBe(0);
  });

  it('works in full durability too (one durable commit for the batch)', () => {
    const { j } = openNew('full');
    j.batch(() => {
      for (let i = 0; i < 10; i++) j.append(barDraft(i), [signalDraft(i)]);
    });
    expect(j.count()).toBe(20);
  });
});

describe('read', () => {
  function fill(j: Journal): void {
    j.append(barDraft(0, 'SPY'), [signalDraft(0, 'SPY'), orderCreatedDraft(0, 'SPY', 'ord-a')]); // 1..3
    j.append(barDraft(1, 'QQQ'), []); // 4
    j.append(orderUpdateDraft(2, 'ord-a', 'new'), [transitionDraft(2, 'ord-a')]); // 5, 6
    j.append(orderUpdateDraft(3, 'ord-b', 'fill', 'QQQ'), []); // 7
    j.append(draft('broker.snapshot', T0_MS + 9_000, {
      account: { equity: 1e5, cash: 9e4, buyingPower: 2e5 },
      positions: [],
      openOrders: [{
        clientOrderId: 'ord-a', brokerOrderId: 'b-1', symbol: 'SPY', side: 'buy', qty: 10, filledQty: 0,
        orderType: 'limit', limitPrice: 500, stopPrice: null, status: 'accepted',
      }],
    }), []); // 8
    j.append(timerDraft(9), []); // 9
  }

  it('streams in seq order with filters', () => {
    const { j } = openNew();
    fill(j);
    const seqs = (f: Parameters<Journal['read']>[0]) => [...j.read(f)].map((e) => e.seq);
    expect(seqs(undefined)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(seqs({ fromSeq: 3, toSeq: 6 })).toEqual([3, 4, 5, 6]);
    expect(seqs({ types: ['market.bar', 'timer.fired'] })).toEqual([1, 4, 9]);
    expect(seqs({ types: [] })).toEqual([]);
    expect(seqs({ symbol: 'QQQ' })).toEqual([4, 7]);
    expect(seqs({ symbol: 'SPY', fromSeq: 2 })).toEqual([2, 3, 5]);
    expect(seqs({ clientOrderId: 'ord-a' })).toEqual([3, 5, 6]);
    expect(seqs({ clientOrderId: 'ord-a', includeNestedOrderRefs: true })).toEqual([3, 5, 6, 8]);
    expect(seqs({ clientOrderId: 'ord-b' })).toEqual([7]);
    expect(seqs({ clientOrderId: 'ord' , includeNestedOrderRefs: true })).toEqual([]);
    expect(() => j.read({ types: ['nope' as 'market.bar'] })).toThrow('unknown event type "nope"');
    expect(() => j.read({ fromSeq: 0 })).toThrow('fromSeq must be an integer >= 1');
    expect(j.count()).toBe(9);
    expect(j.get(4)?.type).toBe('market.bar');
    expect(j.get(10)).toBeNull();
  });

  it('is lazy and can be abandoned, re-run and nested', () => {
    const { j } = openNew();
    fill(j);
    const it1 = j.read();
    expect(it1.next().value?.seq).toBe(1);
    const inner = [...j.read({ fromSeq: 8 })].map((e) => e.seq); // same shape as it1 is busy: a fresh statement
    expect(inner).toEqual([8, 9]);
    for (const e of it1) if (e.seq === 3) break;
    expect([...j.read()].length).toBe(9);
  });

  it('validates each row against the catalog and names the seq of a bad row', () => {
    const { j, file } = openNew();
    fill(j);
    j.close();
    const db = raw(file);
    db.exec('DROP TRIGGER events_no_update');
    db.prepare('UPDATE events SET payload = ? WHERE seq = 4').run(canonicalJson({ ...barDraft(1, 'QQQ').payload, volume: -5 }));
    db.close();
    const r = openJournal(file, { durability: 'full', readOnly: true });
    open.push(r);
    const seen: number[] = [];
    let err: unknown;
    try {
      for (const e of r.read()) seen.push(e.seq);
    } catch (e) {
      err = e;
    }
    expect(seen).toEqual([1, 2, 3]);
    expect(err).toBeInstanceOf(JournalReadError);
    expect((err as JournalReadError).seq).toBe(4);
    expect((err as Error).message).toBe('journal row seq 4 failed validation: market.bar.payload.volume: -5 is not a non-negative integer');
    expect(() => r.get(4)).toThrow(JournalReadError);
    // validate: false is for trusted paths after verify; it does not check the schema.
    expect([...r.read({ validate: false })].map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('lets a read-only reader follow a writer in another connection', () => {
    const { j, file } = openNew();
    j.append(barDraft(0), []);
    const r = openJournal(file, { durability: 'full', readOnly: true });
    open.push(r);
    expect(r.lastSeq()).toBe(1);
    j.append(barDraft(1), [signalDraft(1)]);
    expect(r.lastSeq()).toBe(3);
    expect(r.lastHash()).toBe(j.lastHash());
    expect([...r.read({ fromSeq: 2 })].map((e) => e.type)).toEqual(['market.bar', 'signal.emitted']);
    expect(() => r.append(barDraft(2), [])).toThrow('read-only');
    expect(() => r.saveSnapshot(1, 'a'.repeat(64), {})).toThrow('read-only');
  });

  it('opens read-only a closed journal whose -wal and -shm files are gone', () => {
    const { j, file } = openNew();
    j.append(barDraft(0), []);
    j.close();
    expect(fs.existsSync(`${file}-wal`)).toBe(false);
    const r = openJournal(file, { durability: 'full', readOnly: true });
    open.push(r);
    expect(r.count()).toBe(1);
    expect(r.verify().ok).toBe(true);
  });
});

describe('snapshots', () => {
  it('saves, lists and loads the latest at or below a seq', () => {
    const { j } = openNew();
    for (let i = 0; i < 5; i++) j.append(barDraft(i), []);
    expect(j.loadSnapshot()).toBeNull();
    j.saveSnapshot(2, 'a'.repeat(64), { positions: { SPY: { qty: 10 } }, bars: 2 });
    j.saveSnapshot(4, 'b'.repeat(64), { positions: {}, bars: 4 });
    j.saveSnapshot(2, 'a'.repeat(64), { positions: { SPY: { qty: 10 } }, bars: 2 }); // idempotent
    expect(j.listSnapshots()).toEqual([{ seq: 2, stateHash: 'a'.repeat(64) }, { seq: 4, stateHash: 'b'.repeat(64) }]);
    expect(j.loadSnapshot()).toEqual({ seq: 4, stateHash: 'b'.repeat(64), state: { positions: {}, bars: 4 } });
    expect(j.loadSnapshot(3)).toEqual({ seq: 2, stateHash: 'a'.repeat(64), state: { positions: { SPY: { qty: 10 } }, bars: 2 } });
    expect(j.loadSnapshot(1)).toBeNull();
    // Snapshots are outside the chain.
    expect(j.verify()).toMatchObject({ ok: true, events: 5 });
  });

  it('refuses a snapshot beyond the last event, a bad hash, a conflicting hash and a state JSON cannot carry', () => {
    const { j } = openNew();
    j.append(barDraft(0), []);
    expect(() => j.saveSnapshot(2, 'a'.repeat(64), {})).toThrow('beyond the last event');
    expect(() => j.saveSnapshot(1, 'xyz', {})).toThrow('not a sha256 hex digest');
    j.saveSnapshot(1, 'a'.repeat(64), { x: 1 });
    expect(() => j.saveSnapshot(1, 'c'.repeat(64), { x: 2 })).toThrow(/already exists with state hash a+, not c+/);
    expect(() => j.saveSnapshot(0, 'd'.repeat(64), { x: undefined })).toThrow('$.x is undefined');
    expect(j.listSnapshots()).toHaveLength(1);
  });
});

describe('verify and lifecycle', () => {
  it('reports progress and the final position', () => {
    const { j } = openNew('batched');
    j.batch(() => {
      for (let i = 0; i < 12_000; i++) j.append(barDraft(i), []);
    });
    const calls: Array<[number, number]> = [];
    const r = j.verify({ onProgress: (done, total) => calls.push([done, total]) });
    expect(r).toEqual({ ok: true, events: 12_000, lastSeq: 12_000, lastHash: j.lastHash() });
    expect(calls).toEqual([[10_000, 12_000], [12_000, 12_000]]);
    expect(openNew().j.verify()).toEqual({ ok: true, events: 0, lastSeq: 0, lastHash: GENESIS_HASH });
  });

  it('closes idempotently and refuses use after close', () => {
    const { j } = openNew();
    j.close();
    j.close();
    expect(() => j.lastSeq()).toThrow('is closed');
    expect(() => j.append(barDraft(0), [])).toThrow('is closed');
  });
});

describe('readChecked', () => {
  /** A journal of bars, each input with one decision every third bar. */
  function filled(n: number): Journal {
    const { j } = openNew('batched');
    j.batch(() => {
      for (let i = 0; i < n; i++) j.append(barDraft(i), i % 3 === 0 ? [signalDraft(i)] : []);
    });
    return j;
  }

  it('yields exactly what read() does, from the start or continuing the chain from any seq', () => {
    const j = filled(30);
    const last = j.lastSeq();
    expect([...j.readChecked()]).toEqual([...j.read()]);
    for (const fromSeq of [2, 5, last]) {
      const rows = j.readChecked({ fromSeq, toSeq: last });
      expect([...rows]).toEqual([...j.read({ fromSeq })]);
      expect(rows.bad).toBeNull();
      expect(rows.startHash).toBe(j.get(fromSeq - 1)!.hash);
      expect([rows.lastSeq, rows.lastHash]).toEqual([last, j.lastHash()]);
    }
    const part = j.readChecked({ fromSeq: 4, toSeq: 9 });
    expect([...part].map((e) => e.seq)).toEqual([4, 5, 6, 7, 8, 9]);
    expect(part.checked).toBe(6);
  });

  it('stops at the first bad row without yielding it, and names it as verify does', () => {
    const { j, file } = openNew('batched');
    j.batch(() => {
      for (let i = 0; i < 10; i++) j.append(barDraft(i), []);
    });
    j.close();
    const db = raw(file);
    db.exec('DROP TRIGGER events_no_update');
    db.prepare('UPDATE events SET hash = ? WHERE seq = 7').run('0'.repeat(64));
    db.close();
    const r = openJournal(file, { durability: 'batched', readOnly: true });
    open.push(r);
    const rows = r.readChecked({ fromSeq: 3 });
    expect([...rows].map((e) => e.seq)).toEqual([3, 4, 5, 6]);
    const whole = r.verify();
    if (whole.ok) throw new Error('verify passed a journal with an altered hash');
    expect(rows.bad).toEqual(whole.firstBad);
    expect(rows.bad).toMatchObject({ seq: 7, problem: 'hash_mismatch' });
    // A walk from seq 8 continues from row 7's stored (altered) hash, which row 8 was not chained to.
    const after = r.readChecked({ fromSeq: 8 });
    expect([...after]).toEqual([]);
    expect(after.startHash).toBe('0'.repeat(64));
    expect(after.bad).toMatchObject({ seq: 8, problem: 'hash_mismatch' });
  });

  it('cannot continue a chain from a row that is not there', () => {
    const j = filled(3);
    const rows = j.readChecked({ fromSeq: j.lastSeq() + 5 });
    expect([...rows]).toEqual([]);
    expect(rows.bad).toMatchObject({ seq: j.lastSeq() + 4, problem: 'gap' });
  });
});

describe('append / read / verify against a model (property)', () => {
  // A random stream of appends, some with an invalid event planted among valid ones. The journal must equal
  // a model that keeps only the fully valid appends; fast-check prints the seed on failure (FC_SEED).
  it('matches the model', () => {
    const step = fc.record({
      kind: fc.constantFrom('bar', 'update', 'timer'),
      decisions: fc.array(fc.constantFrom('signal', 'order', 'transition'), { maxLength: 4 }),
      badAt: fc.option(fc.nat({ max: 4 }), { freq: 4 }),
      symbol: fc.constantFrom('SPY', 'QQQ', 'AAPL'),
    });
    fc.assert(fc.property(fc.array(step, { minLength: 1, maxLength: 25 }), fc.boolean(), (steps, batched) => {
      const file = freshPath();
      const j = openJournal(file, { durability: batched ? 'batched' : 'full' });
      try {
        const model: AnyEvent[] = [];
        const run = () => {
          steps.forEach((s, i) => {
            const input: InputDraft = s.kind === 'bar' ? barDraft(i, s.symbol)
              : s.kind === 'update' ? orderUpdateDraft(i, `o-${i}`, 'new', s.symbol) : timerDraft(i);
            const decisions: DecisionDraft[] = s.decisions.map((d) =>
              d === 'signal' ? signalDraft(i, s.symbol) : d === 'order' ? orderCreatedDraft(i, s.symbol) : transitionDraft(i, `o-${i}`));
            const bad = s.badAt !== null;
            if (bad) {
              const at = (s.badAt as number) % (decisions.length + 1);
              if (at === 0) {
                (input as { ts: number }).ts = -1;
              } else {
                decisions[at - 1] = { ...signalDraft(i), payload: { ...signalDraft(i).payload, refPrice: -1 } } as DecisionDraft;
              }
            }
            const before = j.lastSeq();
            try {
              const r = j.append(input, decisions);
              expect(bad).toBe(false);
              model.push(r.input, ...r.decisions);
            } catch (e) {
              expect(bad).toBe(true);
              expect(e).toBeInstanceOf(EventValidationError);
              expect(j.lastSeq()).toBe(before);
            }
          });
        };
        if (batched) j.batch(run);
        else run();
        expect(j.lastSeq()).toBe(model.length);
        expect(all(j)).toEqual(model);
        expect(model.map((e) => e.seq)).toEqual(model.map((_e, i) => i + 1));
        const v = j.verify();
        expect(v).toEqual({ ok: true, events: model.length, lastSeq: model.length, lastHash: model.at(-1)?.hash ?? GENESIS_HASH });
      } finally {
        j.close();
      }
    }), { numRuns: 40 });
  });
});
