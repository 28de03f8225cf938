import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import Database from 'better-sqlite3';
import { JournalReadError, openJournal, type Journal, type ReadFilter } from './index';
import { READ_AHEAD_PAGE_ROWS } from './read-ahead';
import { barDraft, orderCreatedDraft, signalDraft, timerDraft } from './testing/fixtures';

// Read-ahead (a reader thread steps SQLite in pages) must return exactly what the inline read returns, for
// every filter, across page boundaries; stop its thread when the caller stops; and fail like a read fails.

let dir: string;
let file: string;
let j: Journal;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'axiom-read-ahead-'));
  file = path.join(dir, 'ra.journal');
  const w = openJournal(file, { durability: 'batched' });
  // 2.5 pages of events, two symbols, and orders with client order ids.
  const inputs = Math.ceil((READ_AHEAD_PAGE_ROWS * 2.5) / 2);
  w.batch(() => {
    for (let i = 0; i < inputs; i++) {
      const symbol = i % 3 === 0 ? 'QQQ' : 'SPY';
      if (i % 10 === 0) w.append(timerDraft(i), [orderCreatedDraft(i)]);
      else w.append(barDraft(i, symbol), [signalDraft(i, symbol)]);
    }
  });
  w.close();
  j = openJournal(file, { durability: 'batched', readOnly: true });
});
afterAll(() => {
  j.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('read-ahead', () => {
  const filters: ReadFilter[] = [
    {},
    { validate: false },
    { fromSeq: 4_000, toSeq: 9_001 },
    { types: ['market.bar', 'order.created'] },
    { symbol: 'QQQ' },
    { clientOrderId: 'ax-20-e1-a1' },
    { fromSeq: 1_000_000 },
  ];
  it.each(filters.map((f) => [JSON.stringify(f), f] as const))('returns what the inline read returns for %s', (_name, filter) => {
    const inline = [...j.read(filter)];
    const ahead = [...j.read({ ...filter, readAhead: true })];
    expect(ahead).toEqual(inline);
    if (Object.keys(filter).length === 0) expect(ahead.length).toBeGreaterThan(2 * READ_AHEAD_PAGE_ROWS);
    if (filter.clientOrderId !== undefined) expect(ahead.map((e) => e.type)).toEqual(['order.created']);
  });

  it('stops its thread when the caller stops early, and can be read again', () => {
    let n = 0;
    for (const e of j.read({ readAhead: true })) {
      if (++n === 10) {
        expect(e.seq).toBe(10);
        break;
      }
    }
    expect([...j.read({ readAhead: true, toSeq: 5 })].map((e) => e.seq)).toEqual([1, 2, 3, 4, 5]);
  });

  it('fails on a corrupt row like the inline read', () => {
    const bad = path.join(dir, 'bad.journal');
    fs.copyFileSync(file, bad);
    const db = new Database(bad);
    db.exec('DROP TRIGGER events_no_update');
    db.prepare("UPDATE events SET payload = '{not json' WHERE seq = ?").run(READ_AHEAD_PAGE_ROWS + 7);
    db.close();
    const r = openJournal(bad, { durability: 'batched', readOnly: true });
    try {
      expect(() => [...r.read({ readAhead: true })]).toThrow(JournalReadError);
      expect(() => [...r.read({ readAhead: true })]).toThrow(`seq ${READ_AHEAD_PAGE_ROWS + 7}`);
    } finally {
      r.close();
    }
  });

  it('reports a reader thread that cannot run its query', () => {
    const gone = path.join(dir, 'gone.journal');
    fs.copyFileSync(file, gone);
    const r = openJournal(gone, { durability: 'batched', readOnly: true });
    try {
      fs.rmSync(gone);
      expect(() => [...r.read({ readAhead: true })]).toThrow(/read-ahead thread failed/);
    } finally {
      r.close();
    }
  });
});
