import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import Database from 'better-sqlite3';
import { canonicalJson } from '@axiom/events';
import { openJournal, type VerifyProblem } from './index';
import { barDraft, orderCreatedDraft, orderUpdateDraft, rehashFrom, signalDraft, transitionDraft } from './testing/fixtures';

// Tamper evidence: the triggers stop UPDATE and DELETE from any connection; someone who drops them can change
// rows, and verify must then name the first changed seq and what is wrong with it.

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'axiom-tamper-'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

let n = 0;
/** A closed journal of 5 inputs, each with 2 decisions: seqs 1..15 (inputs at 1, 4, 7, 10, 13). */
function makeJournal(): string {
  const file = path.join(dir, `t${++n}.journal`);
  const j = openJournal(file, { durability: 'full' });
  for (let i = 0; i < 5; i++) {
    const id = `ord-${i}`;
    if (i % 2 === 0) j.append(barDraft(i), [signalDraft(i), orderCreatedDraft(i, 'SPY', id)]);
    else j.append(orderUpdateDraft(i, `ord-${i - 1}`), [transitionDraft(i, `ord-${i - 1}`), transitionDraft(i, `ord-${i - 1}`)]);
  }
  expect(j.verify()).toMatchObject({ ok: true, events: 15 });
  j.close();
  return file;
}

function firstBad(file: string): { seq: number; problem: VerifyProblem; detail: string } | null {
  const j = openJournal(file, { durability: 'full', readOnly: true });
  try {
    const r = j.verify();
    return r.ok ? null : r.firstBad;
  } finally {
    j.close();
  }
}

function tamper(file: string, sql: (db: Database.Database) => void, dropTriggers = true): void {
  const db = new Database(file);
  try {
    if (dropTriggers) db.exec('DROP TRIGGER events_no_update; DROP TRIGGER events_no_delete;');
    sql(db);
  } finally {
    db.close();
  }
}

describe('triggers', () => {
  it('refuse UPDATE and DELETE through SQL (better-sqlite3 and the sqlite3 CLI)', () => {
    const file = makeJournal();
    const db = new Database(file);
    expect(() => db.prepare("UPDATE events SET payload = '{}' WHERE seq = 2").run()).toThrow('events are append-only, UPDATE refused');
    expect(() => db.prepare('UPDATE events SET recorded_at = 0').run()).toThrow('UPDATE refused');
    expect(() => db.prepare('DELETE FROM events WHERE seq = 15').run()).toThrow('events are append-only, DELETE refused');
    expect(() => db.prepare('DELETE FROM events').run()).toThrow('DELETE refused');
    db.close();
    expect(() => execFileSync('sqlite3', [file, 'DELETE FROM events WHERE seq = 1;'], { stdio: 'pipe' })).toThrow(/DELETE refused/);
    expect(() => execFileSync('sqlite3', [file, "UPDATE events SET type = 'x' WHERE seq = 1;"], { stdio: 'pipe' })).toThrow(/UPDATE refused/);
    expect(firstBad(file)).toBeNull();
  });
});

describe('verify names the first tampered seq', () => {
  it('an updated payload (still schema-valid): hash_mismatch at that seq', () => {
    const file = makeJournal();
    tamper(file, (db) => {
      const payload = db.prepare('SELECT payload FROM events WHERE seq = 7').pluck().get() as string;
      const edited = JSON.parse(payload) as { volume: number };
      edited.volume += 1_000;
      db.prepare('UPDATE events SET payload = ? WHERE seq = 7').run(canonicalJson(edited));
    });
    expect(firstBad(file)).toMatchObject({ seq: 7, problem: 'hash_mismatch' });
  });

  it('the same edit made with the sqlite3 CLI', () => {
    const file = makeJournal();
    execFileSync('sqlite3', [file, `DROP TRIGGER events_no_update; UPDATE events SET payload = replace(payload, '"qty":', '"qty":9') WHERE seq = 3;`]);
    expect(firstBad(file)).toMatchObject({ seq: 3, problem: 'hash_mismatch' });
  });

  it('a deleted row: gap naming the missing seq', () => {
    const file = makeJournal();
    tamper(file, (db) => db.prepare('DELETE FROM events WHERE seq = 5').run());
    expect(firstBad(file)).toEqual({ seq: 5, problem: 'gap', detail: 'seq 5 is missing: the next row is seq 6' });
    const file1 = makeJournal();
    tamper(file1, (db) => db.prepare('DELETE FROM events WHERE seq = 1').run());
    expect(firstBad(file1)).toMatchObject({ seq: 1, problem: 'gap' });
  });

  it('a changed hash: hash_mismatch at that seq', () => {
    const file = makeJournal();
    tamper(file, (db) => db.prepare("UPDATE events SET hash = ? WHERE seq = 11").run('0'.repeat(64)));
    expect(firstBad(file)).toMatchObject({ seq: 11, problem: 'hash_mismatch' });
  });

  it('a changed ts or type: hash_mismatch', () => {
    const file = makeJournal();
    tamper(file, (db) => db.prepare('UPDATE events SET ts = ts + 60000 WHERE seq = 13').run());
    expect(firstBad(file)).toMatchObject({ seq: 13, problem: 'hash_mismatch' });
    const file2 = makeJournal();
    tamper(file2, (db) => db.prepare("UPDATE events SET type = 'signal.rejected' WHERE seq = 2").run());
    expect(firstBad(file2)).toMatchObject({ seq: 2, problem: 'hash_mismatch' });
  });

  it('a whole re-hashed chain still fails the semantic checks', () => {
    const cases: Array<[string, VerifyProblem, number]> = [
      ["UPDATE events SET type = 'market.tick' WHERE seq = 4", 'unknown_type', 4],
      ["UPDATE events SET kind = 'input' WHERE seq = 6", 'bad_kind', 6],
      ['UPDATE events SET caused_by = 1 WHERE seq = 9', 'bad_caused_by', 9],
      ["UPDATE events SET payload = replace(payload, '\"volume\":', '\"volume\":-') WHERE seq = 13", 'schema', 13],
      ["UPDATE events SET symbol = 'QQQ' WHERE seq = 1", 'schema', 1],
    ];
    for (const [sql, problem, seq] of cases) {
      const file = makeJournal();
      tamper(file, (db) => {
        db.exec(sql);
        rehashFrom(db, seq);
      });
      expect({ sql, bad: firstBad(file) }).toMatchObject({ sql, bad: { seq, problem } });
    }
  });

  it('INSERT OR REPLACE (which bypasses the delete trigger) and an inserted gap are caught by verify', () => {
    const file = makeJournal();
    const db = new Database(file);
    const row = db.prepare('SELECT * FROM events WHERE seq = 5').get() as Record<string, unknown>;
    const edited = String(row.payload).replace('"to":"ACCEPTED"', '"to":"REJECTED"');
    expect(edited).not.toBe(row.payload);
    db.prepare('INSERT OR REPLACE INTO events (seq, ts, kind, type, caused_by, payload, hash, recorded_at, symbol, client_order_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)')
      .run(5, row.ts, row.kind, row.type, row.caused_by, edited, row.hash, row.recorded_at, row.symbol, row.client_order_id);
    expect(db.prepare('SELECT payload FROM events WHERE seq = 5').pluck().get()).toBe(edited);
    db.close();
    expect(firstBad(file)).toMatchObject({ seq: 5, problem: 'hash_mismatch' });

    const file2 = makeJournal();
    const db2 = new Database(file2);
    db2.prepare("INSERT INTO events (seq, ts, kind, type, payload, hash, recorded_at) VALUES (17, 0, 'input', 'timer.fired', '{\"purpose\":\"x\"}', 'h', 0)").run();
    db2.close();
    expect(firstBad(file2)).toEqual({ seq: 16, problem: 'gap', detail: 'seq 16 is missing: the next row is seq 17' });
  });

  it('never repairs: the tampered file is unchanged by verify', () => {
    const file = makeJournal();
    tamper(file, (db) => db.prepare('DELETE FROM events WHERE seq = 8').run());
    const before = fs.readFileSync(file);
    expect(firstBad(file)?.problem).toBe('gap');
    expect(fs.readFileSync(file).equals(before)).toBe(true);
    const db = new Database(file, { readonly: true });
    expect(db.prepare('SELECT count(*) FROM events').pluck().get()).toBe(14);
    db.close();
  });
});
