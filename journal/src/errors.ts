// The journal's operating errors. Each says what the caller can do about it: an open error is a usage
// problem (wrong file, newer catalog), a read error names the row that failed, a write error means nothing
// of that append was written.

export type JournalOpenProblem = 'not_found' | 'not_a_journal' | 'newer_catalog' | 'newer_format' | 'pragma';

/** The file cannot be opened as an Axiom journal. Nothing was changed. */
export class JournalOpenError extends Error {
  constructor(readonly path: string, readonly problem: JournalOpenProblem, message: string) {
    super(message);
    this.name = 'JournalOpenError';
  }
}

/** A stored row failed its checks on read (catalog validation, JSON). Run `axiom journal verify`. */
export class JournalReadError extends Error {
  constructor(readonly seq: number, readonly detail: string, options?: { cause?: unknown }) {
    super(`journal row seq ${seq} failed validation: ${detail}`, options);
    this.name = 'JournalReadError';
  }
}

/** An append could not be written (SQLite refused it, or another writer appended first). Nothing of it was written. */
export class JournalWriteError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'JournalWriteError';
  }
}
