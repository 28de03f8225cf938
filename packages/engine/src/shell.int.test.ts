// The shell on a real, durable journal: effects happen only for decisions already committed (write-ahead),
// a bug in step still journals the raw input (with the halt), and restart recovers the same state.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CATALOG_VERSION, configHash, parseEngineConfig, type InputDraft } from '@axiom/events';
import { openJournal } from '@axiom/journal';
import { stateHash } from '@axiom/projections';
import type { Broker, OrderRequest } from './broker';
import { Engine } from './shell';
import { bar, buyAt, ny, scriptedStrategy } from './testing/harness';

const dir = mkdtempSync(join(tmpdir(), 'axiom-shell-'));

function runStarted(): InputDraft {
  const config = parseEngineConfig({});
  return {
    type: 'run.started', ts: ny('04:00'),
    payload: { runId: 'shell0001', mode: 'paper', config, configHash: configHash(config), strategies: [], codeVersion: 'test', catalogVersion: CATALOG_VERSION, dataSource: 'test' },
  };
}

/** A broker at the boundary that, at the moment it is called, reads the journal through a second connection. */
class CheckingBroker implements Broker {
  readonly seen: { kind: string; forSeq: number; committed: boolean }[] = [];
  constructor(private readonly path: string) {}
  private committed(seq: number): boolean {
    const reader = openJournal(this.path, { durability: 'full', readOnly: true });
    try {
      return reader.get(seq) !== null;
    } finally {
      reader.close();
    }
  }
  submit(_order: OrderRequest, forSeq: number): void {
    this.seen.push({ kind: 'submit', forSeq, committed: this.committed(forSeq) });
  }
  cancel(_id: string, forSeq: number): void {
    this.seen.push({ kind: 'cancel', forSeq, committed: this.committed(forSeq) });
  }
  requestSnapshot(forSeq: number): void {
    this.seen.push({ kind: 'snapshot', forSeq, committed: this.committed(forSeq) });
  }
}

describe('Engine shell', () => {
  it('performs an effect only after the decision asking for it is durable in the journal', () => {
    const path = join(dir, 'wal.journal');
    const journal = openJournal(path, { durability: 'full' });
    const broker = new CheckingBroker(path);
    const engine = new Engine({ journal, broker, deps: { strategies: [buyAt('SPY', ny('09:50'))] } });
    engine.handle(runStarted());
    engine.handle({ type: 'broker.snapshot', ts: ny('04:00') + 100, payload: { account: { equity: 100_000, cash: 100_000, buyingPower: 100_000 }, positions: [], openOrders: [] } });
    for (let i = 59; i >= 0; i--) engine.handle(bar('SPY', ny('09:50') - i * 60_000, 100));
    journal.close();
    expect(broker.seen.map((s) => s.kind)).toEqual(expect.arrayContaining(['snapshot', 'submit']));
    expect(broker.seen.every((s) => s.committed)).toBe(true);
  });

  it('journals the raw input with engine.halted when step throws, stops entries, and recovers the same state', () => {
    const path = join(dir, 'halt.journal');
    const journal = openJournal(path, { durability: 'full' });
    const boom = scriptedStrategy((ctx) => {
      if (ctx.ts === ny('09:50')) throw new Error('strategy bug');
      return null;
    }, 'boom');
    const engine = new Engine({ journal, broker: null, deps: { strategies: [boom] } });
    engine.handle(runStarted());
    engine.handle({ type: 'broker.snapshot', ts: ny('04:00') + 100, payload: { account: { equity: 100_000, cash: 100_000, buyingPower: 100_000 }, positions: [], openOrders: [] } });
    let handled;
    for (let i = 59; i >= 0; i--) handled = engine.handle(bar('SPY', ny('09:50') - i * 60_000, 100));
    expect(handled!.input.type).toBe('market.bar');
    expect(handled!.decisions.map((d) => d.type)).toEqual(['engine.halted']);
    const halt = handled!.decisions[0]!;
    if (halt.type !== 'engine.halted') throw new Error('unreachable');
    expect(halt.payload.error).toMatch(/^Error: strategy bug/);
    expect(engine.state.risk.halted).not.toBeNull();
    const before = stateHash(engine.state);
    journal.close();

    // Restart: crash recovery is start-up; the recovered state is the one the engine had.
    const reopened = openJournal(path, { durability: 'full' });
    try {
      const again = new Engine({ journal: reopened, broker: null, deps: { strategies: [boom] } });
      expect(stateHash(again.state)).toBe(before);
      expect(reopened.verify().ok).toBe(true);
    } finally {
      reopened.close();
    }
  });
});
