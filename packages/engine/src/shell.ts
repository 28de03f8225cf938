// The shell: the only impure part of the engine (DESIGN §1). For each input it runs the pure `step`, appends
// the input with its decisions in ONE journal transaction, and only then performs the effects those durable
// decisions ask for (submit, cancel, snapshot, checkpoint). If `step` throws (a bug), the raw input is still
// journaled, alone, with an `engine.halted` decision carrying the error, and trading stops.
import type { AnyEvent, DecisionDraft, DecisionEvent, InputDraft, InputEvent, PayloadOf } from '@axiom/events';
import type { Journal } from '@axiom/journal';
import { canonicalJson, canonicalJsonCachedUtf8, type CanonicalPieceCache } from '@axiom/events';
import { evolve, type EngineState } from '@axiom/projections';
import type { Broker } from './broker';
import { provisionalEnvelope, type DecideDeps } from './decide/context';
import { step } from './decide/pipeline';
import { nextDeadline } from './decide/view';
import { nowOf } from './time';
import { recoverState, type Recovery } from './recovery';

/** Tests (jest sets NODE_ENV=test) prove every cached snapshot encoding equal to a fresh one. */
const CROSS_CHECK_SNAPSHOTS = process.env.NODE_ENV !== 'production';

export interface EngineLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export interface EngineOptions {
  readonly journal: Journal;
  /** Where effects go. Null in a pure replay: nothing reaches any broker. */
  readonly broker: Broker | null;
  readonly deps: DecideDeps;
  readonly logger?: EngineLogger;
  /** Told the engine's next deadline (order timeouts, phase boundaries) after every step; null = none. */
  readonly onDeadline?: (at: number | null) => void;
  /** Called with every journaled event (progress bars, live monitors). */
  readonly onEvents?: (input: InputEvent, decisions: readonly DecisionEvent[]) => void;
}

export interface Handled {
  readonly input: InputEvent;
  readonly decisions: readonly DecisionEvent[];
}

/**
 * The error text journaled with a halt: the message and the stack frames inside the engine (above the
 * shell), so the same bug on the same input journals the same text wherever the shell was called from.
 */
function describeError(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const frames = (err.stack ?? '').split('\n').slice(1);
  const inside: string[] = [];
  for (const f of frames) {
    if (f.includes('Engine.handle')) break;
    inside.push(f.trim().replace(/\(.*[/\\](packages|projections|journal|replay)[/\\]/, '($1/'));
  }
  return `${err.name}: ${err.message}\n${inside.join('\n')}`;
}

export class Engine {
  private stateNow: EngineState;
  private deadline: number | null = null;
  private readonly snapshotCache: CanonicalPieceCache = new WeakMap();
  readonly recovery: Recovery;

  /** Open the engine on a journal: state is rebuilt from the latest snapshot + the tail (crash recovery). */
  constructor(private readonly opts: EngineOptions) {
    this.recovery = recoverState(opts.journal);
    this.stateNow = this.recovery.state;
    this.publishDeadline();
  }

  get state(): EngineState {
    return this.stateNow;
  }

  /** Step, append (durable before anything else happens), then perform the effects. */
  handle(input: InputDraft): Handled {
    const { journal } = this.opts;
    const seq = journal.nextSeq();
    const envelope = provisionalEnvelope(input, seq, null);
    let next: EngineState;
    let decisions: DecisionDraft[];
    try {
      const r = step(this.stateNow, envelope, this.opts.deps);
      next = r.state;
      decisions = r.decisions;
    } catch (err) {
      // A bug in what reads the input must not lose the input: journal it with the halt, then stop trading.
      const error = describeError(err);
      const halted = { type: 'engine.halted', ts: nowOf(input), payload: { reason: `step failed on ${input.type} (seq ${seq})`, error: error.slice(0, 65536) } } as const;
      decisions = [halted];
      next = this.foldAfterFailure(envelope, halted, seq);
      this.opts.logger?.error({ seq, type: input.type, err: error }, 'engine halted: step threw');
    }
    const written = journal.append(input, decisions);
    if (written.input.seq !== seq) {
      throw new Error(`journal assigned seq ${written.input.seq}, the engine expected ${seq}: another writer?`);
    }
    this.stateNow = next;
    this.opts.onEvents?.(written.input, written.decisions);
    this.performEffects(written.decisions);
    this.publishDeadline();
    return written;
  }

  private foldAfterFailure(envelope: AnyEvent, halted: { type: 'engine.halted'; ts: number; payload: PayloadOf<'engine.halted'> }, seq: number): EngineState {
    const haltEnvelope = provisionalEnvelope(halted, seq + 1, seq);
    try {
      return evolve(evolve(this.stateNow, envelope), haltEnvelope);
    } catch {
      // evolve itself failed on the input: keep the state before it, halted.
      return evolve(this.stateNow, haltEnvelope);
    }
  }

  private performEffects(decisions: readonly DecisionEvent[]): void {
    const broker = this.opts.broker;
    for (const d of decisions) {
      switch (d.type) {
        case 'order.created':
          broker?.submit(d.payload, d.seq, d.ts);
          break;
        case 'cancel.requested':
          broker?.cancel(d.payload.clientOrderId, d.seq, d.ts);
          break;
        case 'reconciliation.requested':
          broker?.requestSnapshot(d.seq, d.ts);
          break;
        case 'checkpoint.taken': {
          // Encode once: the canonical text is both what is hashed (by the journal, on its writer thread when
          // it writes behind) and what is stored.
          const last = decisions[decisions.length - 1]!;
          this.opts.journal.saveSnapshotCanonical(last.seq, this.snapshotUtf8());
          break;
        }
        case 'engine.halted':
          this.opts.logger?.error({ seq: d.seq, reason: d.payload.reason }, 'engine halted');
          break;
        case 'risk.kill_switch_tripped':
          this.opts.logger?.warn({ seq: d.seq, ...d.payload }, 'kill-switch tripped');
          break;
        default:
          break;
      }
    }
  }

  /**
   * The state's canonical JSON as UTF-8, re-encoding only what changed since the last checkpoint: states
   * share every unchanged subtree (a symbol's full leaves of bars, untouched records), whose bytes are cached
   * by identity. Outside production every snapshot is also encoded from scratch and compared, so a reducer
   * that mutated a shared object (a purity bug the cache would hide) fails the tests instead of storing a
   * stale snapshot.
   */
  private snapshotUtf8(): Buffer {
    const bytes = canonicalJsonCachedUtf8(this.stateNow, this.snapshotCache);
    if (CROSS_CHECK_SNAPSHOTS && bytes.toString('utf8') !== canonicalJson(this.stateNow)) {
      throw new Error('snapshot encoding: the cached bytes differ from a fresh encoding (a reducer mutated shared state)');
    }
    return bytes;
  }

  private publishDeadline(): void {
    const at = nextDeadline(this.stateNow);
    if (at !== this.deadline) {
      this.deadline = at;
      this.opts.onDeadline?.(at);
    }
  }
}
