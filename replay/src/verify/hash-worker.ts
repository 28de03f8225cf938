// The state hashes of `replay --verify`, in a worker thread (started through worker.cjs): each state it is
// sent (a structured clone), hashed and answered in order until the main thread stops it (state-hash.ts).
// A state hash is the sha256 of the state's canonical JSON (`stateHash`, projections/src/replay.ts); this
// thread loads only the encoder, and takes the UTF-8 bytes from the piecewise encoder the shell writes
// snapshots with (the same bytes, without a string rope to flatten and transcode: ~1.5x faster), with a
// cache of its own per state (the clone's objects are this thread's and never change while it encodes).
// A state canonical JSON refuses is answered as a failure.
import { createHash } from 'node:crypto';
import { canonicalJsonCachedUtf8 } from '@axiom/events';
import { failure, replier, type StateHashRequest, type WorkerData } from './worker-protocol';

export function run(data: WorkerData): void {
  const reply = replier(data);
  if (data.job.kind !== 'state-hash') throw new Error(`hash-worker started for a ${data.job.kind} job`);
  data.port.on('message', (m: StateHashRequest) => {
    try {
      const bytes = canonicalJsonCachedUtf8(m.state, new WeakMap());
      reply({ kind: 'state-hash', seq: m.seq, hash: createHash('sha256').update(bytes).digest('hex') });
    } catch (e) {
      reply(failure(e));
    }
  });
}
