// Corporate actions beside the day files: `corporate-actions.json` in a bar directory.
// Guarantee: the file is parsed strictly (unknown fields, bad dates, non-finite or unit ratios are refused
// naming the entry and field) and written canonically (sorted by exDate then symbol, 2-space JSON), so the
// same actions always produce the same bytes.
//
// Day files keep raw prices as traded. A split is a fact the backtest emits before the first bar of its
// ex-date; the market reducer then divides every earlier price reference (previous close, …) by `ratio`.
// `ratio` is new shares per old share: 7 for AAPL's 7-for-1 split, 0.1 for a 1-for-10 reverse split.
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BarDataError, showValue, SYMBOL_PATTERN } from './bar';
import { isIsoDate } from './ny-time';

export const CORPORATE_ACTIONS_FILE = 'corporate-actions.json';

export type CorporateAction = {
  symbol: string;
  /** New York date on which the symbol first trades on the new basis, `YYYY-MM-DD`. */
  exDate: string;
  kind: 'split';
  /** New shares per old share (prices divide by it). */
  ratio: number;
};

const ACTION_FIELDS = ['symbol', 'exDate', 'kind', 'ratio'] as const;

export function compareCorporateActions(a: CorporateAction, b: CorporateAction): number {
  if (a.exDate !== b.exDate) return a.exDate < b.exDate ? -1 : 1;
  if (a.symbol !== b.symbol) return a.symbol < b.symbol ? -1 : 1;
  return 0;
}

/** Parses the JSON text of a corporate-actions file; `file` is only used in messages. */
export function parseCorporateActions(text: string, file: string): CorporateAction[] {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new BarDataError(`${file}: not valid JSON (${String(error)})`);
  }
  if (!Array.isArray(json)) throw new BarDataError(`${file}: expected a JSON array of corporate actions`);
  const actions = json.map((entry: unknown, i) => parseAction(entry, `${file} entry ${i}`));
  checkUnique(actions, file);
  return actions.sort(compareCorporateActions);
}

function parseAction(entry: unknown, where: string): CorporateAction {
  if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
    throw new BarDataError(`${where}: expected an object, got ${showValue(entry)}`);
  }
  const record = entry as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    if (!(ACTION_FIELDS as readonly string[]).includes(key)) {
      throw new BarDataError(`${where}: unknown field '${key}' = ${showValue(record[key])}`);
    }
  }
  const { symbol, exDate, kind, ratio } = record;
  if (typeof symbol !== 'string' || !SYMBOL_PATTERN.test(symbol)) {
    throw new BarDataError(`${where}: field 'symbol' = ${showValue(symbol)} is not an upper-case ticker`);
  }
  if (typeof exDate !== 'string' || !isIsoDate(exDate)) {
    throw new BarDataError(`${where}: field 'exDate' = ${showValue(exDate)} is not a YYYY-MM-DD date`);
  }
  if (kind !== 'split') {
    throw new BarDataError(`${where}: field 'kind' = ${showValue(kind)} is not a known kind ('split')`);
  }
  if (typeof ratio !== 'number' || !Number.isFinite(ratio) || ratio <= 0 || ratio === 1) {
    throw new BarDataError(`${where}: field 'ratio' = ${showValue(ratio)} is not a finite number > 0 and ≠ 1`);
  }
  return { symbol, exDate, kind, ratio };
}

function checkUnique(actions: readonly CorporateAction[], file: string): void {
  const seen = new Set<string>();
  for (const a of actions) {
    const key = `${a.symbol} ${a.exDate} ${a.kind}`;
    if (seen.has(key)) throw new BarDataError(`${file}: two '${a.kind}' actions for ${a.symbol} on ${a.exDate}`);
    seen.add(key);
  }
}

/** The actions of a bar directory, or [] when it has no corporate-actions.json. */
export function readCorporateActions(dir: string): CorporateAction[] {
  const file = join(dir, CORPORATE_ACTIONS_FILE);
  if (!existsSync(file)) return [];
  return parseCorporateActions(readFileSync(file, 'utf8'), file);
}

export function formatCorporateActions(actions: readonly CorporateAction[]): string {
  const sorted = [...actions].sort(compareCorporateActions);
  const canonical = sorted.map((a) => ({ symbol: a.symbol, exDate: a.exDate, kind: a.kind, ratio: a.ratio }));
  return `${JSON.stringify(canonical, null, 2)}\n`;
}

/** Writes `corporate-actions.json` into `dir` (validated first, written atomically). Returns its path. */
export function writeCorporateActions(dir: string, actions: readonly CorporateAction[]): string {
  const file = join(dir, CORPORATE_ACTIONS_FILE);
  const text = formatCorporateActions(actions);
  parseCorporateActions(text, file); // the same rules as reading: never write what could not be read back
  const tmp = `${file}.tmp-${process.pid}`;
  writeFileSync(tmp, text);
  renameSync(tmp, file);
  return file;
}
