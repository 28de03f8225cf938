// The checker of a `replay --verify` segment, in its worker thread (started through worker.cjs): it walks
// the segment's rows by the journal's chain rules before `schema` (gap, hash, type, kind, causedBy:
// `readChecked(...).nextChained`) on its own read-only connection, scans each payload text for canonical form
// (isCanonicalTextByScan), and passes the rows on, a page at a time, to the thread re-running the segment
// (checked-ahead.ts). That thread parses each payload, which it needs anyway, and applies the schema rule to
// it before stepping, so every rule is applied to every row, in the table's order, exactly once. The checker
// stops at the first row that breaks a rule, as the walk does, and says where in its last page; it stays at
// most CHECK_PAGES_AHEAD pages ahead of the reader. Every failure is a reply, never a silent exit.
import { isCanonicalTextByScan } from '@axiom/events';
import { openJournal, type CheckedRows } from '@axiom/journal';
import {
  failure, HASH_CHARS, PAGE_NUMBERS_PER_ROW, PAGES_TAKEN, replier, type CheckedPage, type JobData,
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
        walk(rows, (page, sent) => {
          waitForRoom(data.posted, sent);
          reply(page, [page.numbers.buffer as ArrayBuffer, page.payloadEnds.buffer as ArrayBuffer, page.canonical.buffer as ArrayBuffer]);
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

/** Walk the rows and hand each full page (and the last, with the walk's end) to `post`, with the pages posted before it. */
function walk(rows: CheckedRows, post: (page: CheckedPage, sent: number) => void): void {
  let sent = 0;
  let size = CHECK_FIRST_PAGE_ROWS;
  let page = new PageBuilder(rows.startHash, size);
  for (let r = rows.nextChained(); r !== null; r = rows.nextChained()) {
    page.add(r);
    if (page.count === size) {
      post(page.build(null), sent++);
      size = Math.min(size * 2, CHECK_PAGE_ROWS);
      page = new PageBuilder(rows.startHash, size);
    }
  }
  post(page.build({ bad: rows.bad, lastSeq: rows.lastSeq, lastHash: rows.lastHash }), sent);
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
  private readonly payloads: string[] = [];
  private readonly payloadEnds: Uint32Array;
  private payloadChars = 0;
  private readonly canonical: Uint8Array;
  private readonly symbols: Array<string | null> = [];
  private readonly clientOrderIds: Array<string | null> = [];
  private readonly hashes: string[] = [];
  private lastType = '';
  private lastTypeAt = -1;

  constructor(private readonly startHash: string, rows: number) {
    this.numbers = new Float64Array(rows * PAGE_NUMBERS_PER_ROW);
    this.typeAt = new Uint16Array(rows);
    this.payloadEnds = new Uint32Array(rows);
    this.canonical = new Uint8Array(rows);
  }

  add(r: NonNullable<ReturnType<CheckedRows['nextChained']>>): void {
    const [seq, ts, , type, causedBy, payload, hash, symbol, clientOrderId, recordedAt] = r;
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
    this.payloads.push(payload);
    this.payloadChars += payload.length;
    this.payloadEnds[i] = this.payloadChars;
    this.canonical[i] = isCanonicalTextByScan(payload) ? 1 : 0;
    this.symbols.push(symbol);
    this.clientOrderIds.push(clientOrderId);
    // The hash rule passed: the stored hash is the computed one, hex of HASH_CHARS characters.
    if (hash.length !== HASH_CHARS) throw new Error(`replay --verify: the hash of seq ${seq} has ${hash.length} characters after passing the chain rules`);
    this.hashes.push(hash);
  }

  build(end: CheckedPage['end']): CheckedPage {
    return {
      kind: 'rows', startHash: this.startHash, count: this.count, numbers: this.numbers, types: this.types, typeAt: this.typeAt,
      payloads: this.payloads.join(''), payloadEnds: this.payloadEnds, canonical: this.canonical,
      symbols: JSON.stringify(this.symbols), clientOrderIds: JSON.stringify(this.clientOrderIds), hashes: this.hashes.join(''), end,
    };
  }
}
