// A segment's rows checked by the journal's chain rules with a thread's help (check-worker.ts), read here as
// the walk itself would be read (`CheckedEvents`): the same events, in seq order, ending at the first bad row
// with the same `bad`, `lastSeq` and `lastHash`. The checker applies the rules before `schema` (SQLite, the
// hash, type, kind, causedBy) and scans each text for canonical form; this thread parses each payload (it
// needs it anyway) and applies the schema rule to it (checkPayloadColumns) before handing it to `step`, but
// for the pages the checker had time to finish itself (parsed, schema rule applied, flat payloads encoded:
// flat-codec.ts). So only rows that passed every rule reach `step`, as in one walk, and the thread re-running
// the segment does a fraction of the checking.
import type { AnyEvent, EventKind } from '@axiom/events';
import { CATALOG, type EventType } from '@axiom/events';
import { checkPayloadColumns, type CheckedEvents, type RowProblem } from '@axiom/journal';
import type { SyncWorker } from './sync-worker';
import { FlatDecoder } from './flat-codec';
import {
  HASH_CHARS, PAGE_NUMBERS_PER_ROW, ROW_ENCODED, ROW_TEXT_CANONICAL, ROW_TEXT_CHECKED, workerError, type CheckedPage, type CheckPages,
} from './worker-protocol';

export class CheckedAhead implements CheckedEvents {
  private page: CheckedPage | null = null;
  /** The kind of each of the page's types (the checker proved it is the catalog's). */
  private kinds: EventKind[] = [];
  /** The page's encoded payloads. */
  private flat: FlatDecoder | null = null;
  private symbols: Array<string | null> = [];
  private clientOrderIds: Array<string | null> = [];
  private index = 0;
  /** The checker's end of the walk, once its last page came. */
  private checkerEnd: CheckedPage['end'] = null;
  private ownBad: RowProblem | null = null;
  private done = false;
  /** Every row the checker passed on was read (its end, with its bad row, stands). */
  private reachedEnd = false;
  private firstStartHash: string | null = null;
  /** The last row handed out (none yet: -1). */
  private lastSeqOut = -1;
  private lastHashOut = '';
  private readonly parsed = { payload: undefined as unknown };
  /** Payloads that came encoded, parsed and checked by the checker (for tests and figures). */
  encoded = 0;

  /**
   * Start `worker` (a verify worker without a job yet) checking the rows fromSeq..toSeq of `file`; `pages`
   * and `pageRows` as in the check job (worker-protocol.ts: tests choose them).
   */
  constructor(
    private readonly worker: SyncWorker, file: string, private readonly range: { readonly fromSeq: number; readonly toSeq: number },
    pages: CheckPages = 'adaptive', pageRows?: number,
  ) {
    worker.start({ kind: 'check', file, fromSeq: range.fromSeq, toSeq: range.toSeq, pages, pageRows });
  }

  get startHash(): string {
    if (this.firstStartHash === null) {
      if (this.done) throw new Error(`replay --verify: the checked rows ${this.range.fromSeq}..${this.range.toSeq} were stopped before their start hash came`);
      this.nextPage();
    }
    return this.firstStartHash!;
  }

  /** The first bad row, once the walk has met it: this thread's, or the checker's once every row before it was read. */
  get bad(): RowProblem | null {
    return this.ownBad ?? (this.reachedEnd ? this.checkerEnd?.bad ?? null : null);
  }

  get lastSeq(): number {
    return this.lastSeqOut >= 0 ? this.lastSeqOut : this.range.fromSeq - 1;
  }

  get lastHash(): string {
    return this.lastSeqOut >= 0 ? this.lastHashOut : this.startHash;
  }

  nextEvent(): AnyEvent | null {
    while (this.page === null || this.index === this.page.count) {
      if (this.done) return null;
      if (this.checkerEnd !== null) {
        this.done = true;
        this.reachedEnd = true;
        return null;
      }
      this.nextPage();
    }
    const page = this.page;
    const i = this.index++;
    const o = i * PAGE_NUMBERS_PER_ROW;
    const n = page.numbers;
    const seq = n[o]!;
    const t = page.typeAt[i]!;
    const type = page.types[t]!;
    const mode = page.modes[i]!;
    let payload: unknown;
    if (mode === ROW_ENCODED) {
      payload = this.flat!.next();
      this.encoded++;
    } else {
      const text = page.payloads.slice(i === 0 ? 0 : page.payloadEnds[i - 1]!, page.payloadEnds[i]!);
      if (mode === ROW_TEXT_CHECKED) {
        payload = JSON.parse(text);
      } else {
        const bad = checkPayloadColumns(seq, type, text, this.symbols[i]!, this.clientOrderIds[i]!, mode === ROW_TEXT_CANONICAL, this.parsed);
        if (bad !== null) {
          this.ownBad = bad;
          this.return();
          return null;
        }
        payload = this.parsed.payload;
      }
    }
    const causedBy = n[o + 2]!;
    const hash = page.hashes.slice(i * HASH_CHARS, (i + 1) * HASH_CHARS);
    this.lastSeqOut = seq;
    this.lastHashOut = hash;
    return {
      seq, ts: n[o + 1]!, kind: this.kinds[t]!, type, causedBy: Number.isNaN(causedBy) ? null : causedBy,
      payload, hash, recordedAt: n[o + 3]!,
    } as AnyEvent;
  }

  return(): IteratorResult<AnyEvent> {
    this.done = true;
    this.page = null;
    this.worker.stop();
    return { done: true, value: undefined };
  }

  private nextPage(): void {
    const what = `the checker of rows ${this.range.fromSeq}..${this.range.toSeq}`;
    const reply = this.worker.receive(what);
    if (reply.kind === 'failed') throw workerError(what, reply);
    if (reply.kind !== 'rows') throw new Error(`replay --verify: ${what} replied ${reply.kind}`);
    this.worker.tookPage();
    this.firstStartHash ??= reply.startHash;
    this.page = reply;
    this.index = 0;
    this.kinds = reply.types.map((type) => CATALOG[type as EventType].kind);
    this.flat = new FlatDecoder(reply.flat);
    this.symbols = JSON.parse(reply.symbols) as Array<string | null>;
    this.clientOrderIds = JSON.parse(reply.clientOrderIds) as Array<string | null>;
    if (reply.end !== null) this.checkerEnd = reply.end;
  }
}
