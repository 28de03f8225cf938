// The hashes `replay --verify` takes of the re-run's state where the journal stored a snapshot, and of its
// final state: exactly `stateHash(state)`, computed in worker threads (hash-worker.ts) while the re-run goes
// on. Encoding a full day's state (megabytes of canonical JSON) costs hundreds of ms; this thread only pays
// for the structured clone that carries the state to a worker (~30-70 ms), which copies every own enumerable
// property of plain data exactly as canonical JSON reads it (-0, NaN, undefined and holes included, so what
// canonical JSON refuses the worker refuses too). No text is reused from an earlier state: every hash
// encodes the whole state as it is, so a reducer that mutated a shared object cannot hide behind a stale
// text. A state the clone cannot carry (a function, a proxy) is hashed on this thread.
//
// Workers take states in turn, so the last snapshot and the final state (the two that are left when the
// re-run ends) are hashed at the same time. Each worker answers in the order it was sent states.
import { stateHash, type EngineState } from '@axiom/projections';
import { SyncWorker } from './sync-worker';

/** Worker threads hashing states: the last snapshot and the final state are hashed side by side. */
export const STATE_HASH_WORKERS = 2;
/**
 * States sent to one worker and not yet answered, at most: each waits in its port as a serialized copy
 * (megabytes), so a run that snapshots faster than a worker hashes waits here instead of piling them up.
 */
export const STATE_HASHES_QUEUED_PER_WORKER_MAX = 2;

export class StateHashes {
  private readonly workers: SyncWorker[] = [];
  /** Per worker, the states sent to it and not yet answered, in order; null once it failed. */
  private readonly sent: Array<Array<{ seq: number; state: EngineState }> | null> = [];
  private readonly hashes = new Map<number, string>();
  /** States to hash on this thread when asked (no worker could take them). */
  private readonly here = new Map<number, EngineState>();
  private turn = 0;

  constructor(workers = STATE_HASH_WORKERS) {
    for (let i = 0; i < workers; i++) {
      this.workers.push(new SyncWorker({ kind: 'state-hash' }));
      this.sent.push([]);
    }
  }

  /** Start hashing the state after `seq` (one state per seq); its hash is `take`n or `await`ed later. */
  submit(seq: number, state: EngineState): void {
    for (let tries = 0; tries < this.workers.length; tries++) {
      const i = this.turn++ % this.workers.length;
      const sent = this.sent[i];
      if (sent === null || sent === undefined) continue;
      while (this.sent[i] && sent.length >= STATE_HASHES_QUEUED_PER_WORKER_MAX) this.accept(i, this.workers[i]!.receive('state hash'));
      if (this.sent[i] === null) continue;
      try {
        this.workers[i]!.post({ seq, state });
      } catch {
        break; // the clone cannot carry it
      }
      sent.push({ seq, state });
      return;
    }
    // No worker, or a state the clone cannot carry: hashed here when asked for (canonical JSON throws its
    // own error then if it cannot carry it either).
    this.here.set(seq, state);
  }

  /** The hash of seq if it has arrived, without waiting (a state left to this thread waits for `await`). */
  take(seq: number): string | undefined {
    for (let i = 0; i < this.workers.length; i++) {
      while (this.sent[i]) {
        const r = this.workers[i]!.poll();
        if (r === null) break;
        this.accept(i, r);
      }
    }
    return this.hashes.get(seq);
  }

  /** The hash of seq, waiting for it. */
  await(seq: number): string {
    const i = this.sent.findIndex((states) => states?.some((s) => s.seq === seq) === true);
    while (i >= 0 && this.sent[i] && !this.hashes.has(seq)) this.accept(i, this.workers[i]!.receive('state hash'));
    const state = this.here.get(seq);
    if (state !== undefined) {
      this.here.delete(seq);
      this.hashes.set(seq, stateHash(state));
    }
    const hash = this.hashes.get(seq);
    if (hash === undefined) throw new Error(`replay --verify: no state hash was asked for seq ${seq}`);
    return hash;
  }

  stop(): void {
    for (const w of this.workers) w.stop();
  }

  private accept(i: number, r: ReturnType<SyncWorker['receive']>): void {
    const sent = this.sent[i]!;
    if (r.kind === 'failed') {
      // The worker could not hash (or could not start): what it was sent is hashed here when asked for,
      // which gives the error of a state canonical JSON cannot carry; nothing more is sent to it.
      this.sent[i] = null;
      this.workers[i]!.stop();
      for (const s of sent) this.here.set(s.seq, s.state);
      return;
    }
    if (r.kind !== 'state-hash' || r.seq !== sent[0]?.seq) {
      throw new Error(`replay --verify: a state-hash worker answered ${JSON.stringify(r).slice(0, 200)}, expected the hash of seq ${String(sent[0]?.seq)}`);
    }
    sent.shift();
    this.hashes.set(r.seq, r.hash);
  }
}
