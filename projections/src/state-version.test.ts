// A guard for STATE_VERSION: snapshots are refused only when their version differs, so any change to the
// shape of EngineState must bump it. This test records the shape (every key path of a state that has been
// through a realistic day, with the type of each leaf) for the current version; changing the shape without
// bumping STATE_VERSION fails here. To update: bump STATE_VERSION, run the test, record the new fingerprint.
import { createHash } from 'node:crypto';
import { configHash, defaultEngineConfig } from '@axiom/events';
import { STATE_VERSION, initialEngineState, replay } from '.';
import { generateDayTxns, toEnvelopes } from './testing';

const SHAPES: Record<number, string> = {
  1: 'e310d2c66c09a3af',
  2: 'ead3ee20d92ecc83', // counters.checkpointSeq, counters.checkpointTick
  3: 'a27beb5fbb253182', // config.checkpointMaxEvents
};

function shapeOf(value: unknown, path: string, out: Set<string>): void {
  if (Array.isArray(value)) {
    out.add(`${path}:array`);
    for (const v of value) shapeOf(v, `${path}[]`, out);
  } else if (value !== null && typeof value === 'object') {
    out.add(`${path}:object`);
    // Keys that are ids, symbols or dates are data, not shape: collapse them.
    for (const [k, v] of Object.entries(value)) shapeOf(v, `${path}.${/^[A-Z0-9]|^\d{4}-|^ax-|^E\d|^sim-|^oco-/.test(k) ? '*' : k}`, out);
  } else {
    out.add(`${path}:${value === null ? 'null' : typeof value}`);
  }
}

it('STATE_VERSION matches the recorded shape of EngineState', () => {
  const cfg = defaultEngineConfig();
  const events = toEnvelopes(generateDayTxns({ symbols: 20, barsPerSymbol: 60, roundTrips: 40, seed: 11, config: cfg, configHash: configHash(cfg) } as never));
  const state = replay(events, initialEngineState());
  const paths = new Set<string>();
  shapeOf(state, '$', paths);
  shapeOf(initialEngineState(), '$', paths);
  const fingerprint = createHash('sha256').update([...paths].sort().join('\n')).digest('hex').slice(0, 16);
  expect({ version: STATE_VERSION, fingerprint }).toEqual({ version: STATE_VERSION, fingerprint: SHAPES[STATE_VERSION] });
});
