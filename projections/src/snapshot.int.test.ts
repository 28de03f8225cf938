// Integration (real SQLite file in a tmp dir): a generated day is appended to the journal, read back
// (validated), replayed; the state at a cut is stored through the journal's real snapshot store, loaded,
// restored, and the rest of the journal replayed from it reaches the state hash of the full replay.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { configHash, defaultEngineConfig } from '@axiom/events';
// Relative: @axiom/journal is not a dependency of projections (only this integration test uses it).
import { openJournal, type Journal } from '../../journal/src';
import { generateDayTxns, toEnvelopes } from './testing';
import { decodeSnapshot, encodeSnapshot, replay, stateHash } from '.';


let dir: string;
let journal: Journal;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'axiom-proj-'));
  journal = openJournal(join(dir, 'day.journal'), { durability: 'batched' });
  const cfg = defaultEngineConfig();
  const txns = generateDayTxns({ seed: 11, symbols: 8, barsPerSymbol: 90, roundTrips: 15, duplicateRate: 0.1, config: cfg, configHash: configHash(cfg) });
  journal.batch(() => {
    for (const t of txns) journal.append(t.input, t.decisions);
  });
  // The generator's in-memory envelopes equal what the journal stored (seqs, causedBy, hash chain).
  expect(journal.lastHash()).toBe(toEnvelopes(txns).at(-1)!.hash);
});

afterAll(() => {
  journal.close();
  rmSync(dir, { recursive: true, force: true });
});

test('snapshot through the journal store restores and resumes to the full replay', () => {
  const full = replay(journal.read());
  expect(full.seq).toBe(journal.lastSeq());
  expect(full.orders.anomalyCount).toBe(0);
  for (const cut of [1, Math.floor(full.seq / 3), Math.floor((2 * full.seq) / 3), full.seq]) {
    const head = replay(journal.read({ toSeq: cut }));
    // Stored as the state object (canonical JSON in the journal) ...
    journal.saveSnapshot(cut, stateHash(head), head);
    const loaded = journal.loadSnapshot(cut)!;
    expect(loaded.seq).toBe(cut);
    const restored = decodeSnapshot(loaded.state);
    expect(stateHash(restored)).toBe(loaded.stateHash);
    const resumed = replay(journal.read({ fromSeq: cut + 1 }), restored);
    expect(stateHash(resumed)).toBe(stateHash(full));
  }
  // ... or as encodeSnapshot text: both restore.
  const text = encodeSnapshot(full);
  expect(stateHash(decodeSnapshot(JSON.parse(JSON.stringify(text)) as unknown))).toBe(stateHash(full));
});
