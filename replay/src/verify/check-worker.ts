// The checker of a `replay --verify` segment, in its worker thread (started through worker.cjs): it walks
// the segment's rows by the journal's chain rules before `schema` (gap, hash, type, kind, causedBy:
// `readChecked(...).nextChained`) on its own read-only connection, scans each payload text for canonical form
// (isCanonicalTextByScan), and passes the rows on, a page at a time, to the thread re-running the segment
// (checked-ahead.ts), which parses each payload (it needs it anyway) and applies the schema rule to it before
// stepping. When the checker is well ahead of that thread (CHECK_PAGES_AHEAD / 2 pages or more), it takes
// over the parse and the schema rule for the next page and sends each flat payload already parsed
// (flat-codec.ts), which is cheaper to rebuild than to parse: so the two threads share the work whichever is
// faster. Every rule is applied to every row, in the table's order, once. The checker stops at the first row
// that breaks a rule, as the walk does, and says so in its last page; it stays at most CHECK_PAGES_AHEAD pages
// ahead of the reader. Every failure is a reply, never a silent exit.
import { isCanonicalTextByScan } from '@axiom/events';
import { checkPayloadColumns, openJournal, type CheckedRowColumns, type CheckedRows, type RowProblem } from '@axiom/journal';
import { FlatEncoder } from './flat-codec';
import {
  failure, HASH_CHARS, PAGE_NUMBERS_PER_ROW, PAGES_TAKEN, replier, ROW_ENCODED, ROW_TEXT_CANONICAL, ROW_TEXT_CHECKED,
  ROW_TEXT_UNSURE, type CheckedPage, type CheckPages, type JobData,
} from './worker-protocol';

/** Rows per page. The first pages are smaller (CHECK_FIRST_PAGE_ROWS, doubling): the reader starts sooner. */
export const CHECK_PAGE_ROWS = 4_096;
export const CHECK_FIRST_PAGE_ROWS = 256;
/** Pages a checker may have posted and the reader not yet taken. */
export const CHECK_PAGES_AHEAD = 8;
/** One wait for the reader to take a page; a reader that stopped ends the thread instead. */
const WAIT_SLICE_MS = 1_000;

export function run(data: JobData): void {
  const reply = replier(data);
  const job = data.job;
  try {
    if (job.kind !== 'check') throw new Error(`check-worker started for a ${String(job.kind)} job`);
    const journal = openJournal(job.file, { durability: 'batched', readOnly: true });
    try {
      const rows = journal.readChecked({ fromSeq: job.fromSeq, toSeq: job.toSeq });
      try {
        walk(rows, job.pages, job.pageRows ?? null, (sent) => sent - Atomics.load(data.posted, PAGES_TAKEN), (page, sent) => {
          waitForRoom(data.posted, sent);
          const { numbers, typeAt, modes, payloadEnds, flat } = page;
          reply(page, [numbers, typeAt, modes, payloadEnds, flat.shapeAt, flat.tags, flat.values].map((a) => a.buffer as ArrayBuffer));
        });
      } finally {
        rows.return();
      }
    } finally {
      journal.close();
    }
  } catch (e) {
    reply(failure(e));
  }
  data.port.close();
}

/**
 * Walk the rows and hand each full page (and the last, with the walk's end) to `post`, with the pages posted
 * before it; `ahead` tells how many of those the reader has not taken yet. `pages`: which pages this thread
 * finishes itself (CheckPages); `pageRows`: every page's size (tests), else CHECK_FIRST_PAGE_ROWS doubling
 * up to CHECK_PAGE_ROWS. When reading a row throws (SQLite), the rows checked before it are posted first,
 * as a walk on the reader's thread would have handed them on before it threw.
 */
function walk(
  rows: CheckedRows, pages: CheckPages, pageRows: number | null, ahead: (sent: number) => number, post: (page: CheckedPage, sent: number) => void,
): void {
  let sent = 0;
  let size = pageRows ?? CHECK_FIRST_PAGE_ROWS;
  let page = new PageBuilder(rows.startHash, size, pages === 'full');
  for (;;) {
    let r: CheckedRowColumns | null;
    try {
      r = rows.nextChained();
    } catch (e) {
      if (page.count > 0) post(page.build(null), sent);
      throw e;
    }
    if (r === null) break;
    const bad = page.add(r);
    if (bad !== null) {
      post(page.build({ bad }), sent);
      return;
    }
    if (page.count === size) {
      post(page.build(null), sent++);
      size = pageRows ?? Math.min(size * 2, CHECK_PAGE_ROWS);
      page = new PageBuilder(rows.startHash, size, pages === 'full' || (pages === 'adaptive' && ahead(sent) >= CHECK_PAGES_AHEAD / 2));
    }
  }
  post(page.build({ bad: rows.bad }), sent);
}

/** Sleep while CHECK_PAGES_AHEAD pages posted before this one are still untaken. */
function waitForRoom(posted: Int32Array, sent: number): void {
  for (;;) {
    const taken = Atomics.load(posted, PAGES_TAKEN);
    if (sent - taken < CHECK_PAGES_AHEAD) return;
    Atomics.wait(posted, PAGES_TAKEN, taken, WAIT_SLICE_MS);
  }
}

class PageBuilder {
  count = 0;
  private readonly numbers: Float64Array;
  private readonly types: string[] = [];
  private readonly typeAt: Uint16Array;
  private readonly modes: Uint8Array;
  private readonly payloads: string[] = [];
  private readonly payloadEnds: Uint32Array;
  private payloadChars = 0;
  private readonly flat: FlatEncoder;
  private readonly symbols: Array<string | null> = [];
  private readonly clientOrderIds: Array<string | null> = [];
  private readonly hashes: string[] = [];
  private readonly parsed = { payload: undefined as unknown };
  private lastType = '';
  private lastTypeAt = -1;

  /** A page of at most `rows` rows; `full`: this thread applies the schema rule and encodes what it can. */
  constructor(private readonly startHash: string, rows: number, private readonly full: boolean) {
    this.numbers = new Float64Array(rows * PAGE_NUMBERS_PER_ROW);
    this.typeAt = new Uint16Array(rows);
    this.modes = new Uint8Array(rows);
    this.payloadEnds = new Uint32Array(rows);
    this.flat = new FlatEncoder(full ? rows : 0);
  }

  /** Add a row that passed the rules before `schema`; on a full page, the schema rule's problem with it instead. */
  add(r: CheckedRowColumns): RowProblem | null {
    const [seq, ts, , type, causedBy, payload, hash, symbol, clientOrderId, recordedAt] = r;
    const canonical = isCanonicalTextByScan(payload);
    let mode = canonical ? ROW_TEXT_CANONICAL : ROW_TEXT_UNSURE;
    if (this.full) {
      const bad = checkPayloadColumns(seq, type, payload, symbol, clientOrderId, canonical, this.parsed);
      if (bad !== null) return bad;
      mode = this.flat.add(this.parsed.payload) ? ROW_ENCODED : ROW_TEXT_CHECKED;
    }
    const i = this.count++;
    const o = i * PAGE_NUMBERS_PER_ROW;
    this.numbers[o] = seq;
    this.numbers[o + 1] = ts;
    this.numbers[o + 2] = causedBy ?? Number.NaN;
    this.numbers[o + 3] = recordedAt;
    if (type !== this.lastType) {
      this.lastType = type;
      this.lastTypeAt = this.types.indexOf(type);
      if (this.lastTypeAt < 0) this.lastTypeAt = this.types.push(type) - 1;
    }
    this.typeAt[i] = this.lastTypeAt;
    this.modes[i] = mode;
    if (mode !== ROW_ENCODED) {
      this.payloads.push(payload);
      this.payloadChars += payload.length;
    }
    this.payloadEnds[i] = this.payloadChars;
    this.symbols.push(symbol);
    this.clientOrderIds.push(clientOrderId);
    // The hash rule passed: the stored hash is the computed one, hex of HASH_CHARS characters.
    if (hash.length !== HASH_CHARS) throw new Error(`replay --verify: the hash of seq ${seq} has ${hash.length} characters after passing the chain rules`);
    this.hashes.push(hash);
    return null;
  }

  build(end: CheckedPage['end']): CheckedPage {
    return {
      kind: 'rows', startHash: this.startHash, count: this.count, numbers: this.numbers, types: this.types, typeAt: this.typeAt,
      modes: this.modes, payloads: this.payloads.join(''), payloadEnds: this.payloadEnds, flat: this.flat.build(),
      symbols: JSON.stringify(this.symbols), clientOrderIds: JSON.stringify(this.clientOrderIds), hashes: this.hashes.join(''), end,
    };
  }
}
