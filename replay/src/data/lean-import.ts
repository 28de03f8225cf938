// LEAN minute trade bars → day files + corporate-actions.json.
// Input layout (the flattened one in /work/shared/data/lean, or LEAN's own `equity/usa/...`):
//   minute/<sym>/<yyyymmdd>_trade.zip   one CSV inside: `ms since New York midnight,open,high,low,close,volume`,
//                                       prices in 1/10,000 dollar, one row per minute with trades
//   factor_<sym>.csv | factor_files/<sym>.csv   splits (and dividends)          (lean-factors.ts)
//   map_<sym>.csv    | map_files/<sym>.csv      ticker history                   (lean-factors.ts)
//   market-hours-equity-usa.json                holidays and early closes        (lean-calendar.ts)
// Guarantees: prices are kept raw, as traded (no split or dividend adjustment); vwap and trades are null
// (LEAN trade bars do not carry them and none are invented); New York wall time becomes UTC with that date's
// own offset (DST-correct); every row is checked and the first invalid one stops the import naming the zip,
// entry, line, field and value; bars that break the bad-print rule (bad-prints.ts) are dropped and reported;
// splits whose ex-date falls within the imported dates of their symbol go to corporate-actions.json; nothing
// lands in outDir unless the whole import succeeds (DayFileStager).
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { unzipSync } from 'fflate';
import { Bar, barProblem, BarDataError, showValue, SYMBOL_PATTERN } from './bar';
import { findImplausibleBars, IMPLAUSIBLE_RANGE_FACTOR } from './bad-prints';
import { CORPORATE_ACTIONS_FILE, CorporateAction, compareCorporateActions, writeCorporateActions } from './corporate-actions';
import { checkOutputsFree, DayFileStager, DroppedBar, ImportedDay, ImportReport } from './import-report';
import {
  isTradingDay, MARKET_HOURS_FILE, nextTradingDay, readLeanMarketHours, REGULAR_OPEN_MS, regularCloseMs, TradingCalendar,
  WEEKENDS_ONLY_CALENDAR,
} from './lean-calendar';
import { factorEvents, parseFactorFile, parseMapFile, tickerOn } from './lean-factors';
import { compactToIsoDate, formatTimeOfDay, isIsoDate, MS_PER_DAY, nyWallTimeToUtcMs } from './ny-time';
import { barDayFileName } from './parquet-day';

/** LEAN stores equity prices as integers in 1/10,000 dollar. */
export const LEAN_PRICE_SCALE = 10_000;
const MS_PER_MINUTE = 60_000;
/** A day whose last regular-session bar starts this long before the close is reported as looking truncated. */
const TRUNCATED_DAY_GAP_MS = 60 * MS_PER_MINUTE;
/** A LEAN minute CSV holds at most one row per minute of the day. */
const LEAN_ROWS_PER_DAY_MAX = 1440;
const TRADE_ZIP = /^(\d{8})_trade\.zip$/;
const ENTRY_NAME = /^(\d{8})_([a-z0-9.]+)_minute_trade\.csv$/i;

export type LeanImportOptions = {
  /** Symbols to import (any case); default: every directory under minute/. */
  symbols?: string[];
  /** First date to import, YYYY-MM-DD (inclusive). */
  from?: string;
  /** Last date to import, YYYY-MM-DD (inclusive). */
  to?: string;
  /** Replace day files and corporate-actions.json that already exist in outDir (default: refuse). */
  overwrite?: boolean;
  /** The bad-print factor (bad-prints.ts); default 1.5; Infinity keeps every valid bar. */
  implausibleRangeFactor?: number;
  /** LEAN market-hours entry; default `<root>/market-hours-equity-usa.json` when it exists. */
  marketHoursFile?: string;
};

type ZipRef = { symbol: string; date: string; path: string };

type SymbolStats = {
  firstDate: string;
  lastDate: string;
  dates: Set<string>;
  rows: number;
  /** Last regular-session close and first regular-session open per date (for the split cross-check). */
  lastRegularClose: Map<string, number>;
  firstRegularOpen: Map<string, number>;
};

/** Reads LEAN minute trade zips under `<leanDir>/minute` and writes day files (+ corporate-actions.json) to outDir. */
export function importLean(leanDir: string, outDir: string, options: LeanImportOptions = {}): ImportReport {
  const root = resolveLeanRoot(leanDir);
  const factor = options.implausibleRangeFactor ?? IMPLAUSIBLE_RANGE_FACTOR;
  if (!(factor > 1)) throw new BarDataError(`option implausibleRangeFactor = ${factor} must be > 1 (Infinity disables the rule)`);
  for (const [name, value] of [['from', options.from], ['to', options.to]] as const) {
    if (value !== undefined && !isIsoDate(value)) throw new BarDataError(`option ${name} = ${showValue(value)} is not a YYYY-MM-DD date`);
  }
  const warnings: string[] = [];
  const notes: string[] = [];
  const calendar = loadCalendar(root, options.marketHoursFile, warnings);
  const zips = listTradeZips(root, options, notes);
  const zipsByDate = new Map<string, ZipRef[]>();
  for (const zip of zips) {
    const list = zipsByDate.get(zip.date);
    if (list === undefined) zipsByDate.set(zip.date, [zip]);
    else list.push(zip);
  }
  const dates = [...zipsByDate.keys()].sort();
  checkOutputsFree(outDir, [...dates.map(barDayFileName), CORPORATE_ACTIONS_FILE], options.overwrite === true);

  const dropped: DroppedBar[] = [];
  const stats = new Map<string, SymbolStats>();
  let days: ImportedDay[] = [];
  let corporateActions: CorporateAction[] = [];
  if (dates.length === 0) {
    warnings.push(`${join(root, 'minute')}: no *_trade.zip files in the requested symbols and dates; nothing was written`);
  } else {
    const stager = new DayFileStager(outDir);
    try {
      for (const date of dates) {
        const dayBars: Bar[] = [];
        for (const zip of zipsByDate.get(date)!) {
          const { bars, lines, entry } = readTradeZip(zip);
          const drops = new Set<number>();
          for (const { index, reason } of findImplausibleBars(bars, factor)) {
            drops.add(index);
            const bar = bars[index]!;
            dropped.push({ symbol: bar.symbol, date, ts: bar.ts, source: `${zip.path}:${entry} line ${lines[index]}`, bar, reason });
          }
          const kept = bars.filter((_, i) => !drops.has(i));
          checkSession(zip, kept, calendar, warnings, notes);
          recordStats(stats, zip, kept, calendar);
          dayBars.push(...kept);
        }
        stager.stage(date, dayBars);
      }
      corporateActions = collectSplits(root, stats, calendar, warnings, notes);
      checkTickers(root, stats, warnings, notes);
      days = stager.commit();
    } catch (error) {
      stager.abort();
      throw error;
    }
    writeCorporateActions(outDir, corporateActions);
  }
  const symbols = [...stats.keys()].sort();
  return {
    source: leanDir,
    outDir,
    days,
    symbols,
    rows: days.reduce((sum, d) => sum + d.rows, 0),
    dropped,
    warnings,
    notes,
    corporateActions,
  };
}

/** `leanDir` itself (flattened layout) or `leanDir/equity/usa` (LEAN's Data folder), whichever holds minute/. */
function resolveLeanRoot(leanDir: string): string {
  for (const candidate of [leanDir, join(leanDir, 'equity', 'usa')]) {
    if (existsSync(join(candidate, 'minute')) && statSync(join(candidate, 'minute')).isDirectory()) return candidate;
  }
  throw new BarDataError(`${leanDir}: no minute/ directory (expected ${join(leanDir, 'minute')} or ${join(leanDir, 'equity', 'usa', 'minute')})`, 'missing');
}

function loadCalendar(root: string, explicit: string | undefined, warnings: string[]): TradingCalendar {
  const file = explicit ?? join(root, MARKET_HOURS_FILE);
  if (existsSync(file)) return readLeanMarketHours(file);
  if (explicit !== undefined) throw new BarDataError(`${explicit}: no such market-hours file`, 'missing');
  warnings.push(`${file} not found: only weekends are treated as closed (split ex-dates may be off across holidays; early closes unknown)`);
  return WEEKENDS_ONLY_CALENDAR;
}

function listTradeZips(root: string, options: LeanImportOptions, notes: string[]): ZipRef[] {
  const minuteDir = join(root, 'minute');
  const available = readdirSync(minuteDir).filter((name) => statSync(join(minuteDir, name)).isDirectory()).sort();
  let wanted = available;
  if (options.symbols !== undefined) {
    wanted = options.symbols.map((s) => s.toLowerCase());
    const absent = wanted.filter((s) => !available.includes(s));
    if (absent.length > 0) throw new BarDataError(`${minuteDir}: no directory for ${absent.join(', ')} (available: ${available.join(', ')})`, 'missing');
  }
  const zips: ZipRef[] = [];
  for (const dirName of wanted) {
    const symbol = dirName.toUpperCase();
    if (!SYMBOL_PATTERN.test(symbol)) throw new BarDataError(`${join(minuteDir, dirName)}: '${dirName}' does not make a valid ticker`);
    const ignored: string[] = [];
    for (const name of readdirSync(join(minuteDir, dirName)).sort()) {
      const m = TRADE_ZIP.exec(name);
      if (m === null) { ignored.push(name); continue; }
      const date = compactToIsoDate(m[1]!);
      if (date === null) throw new BarDataError(`${join(minuteDir, dirName, name)}: '${m[1]}' is not a yyyymmdd date`);
      if ((options.from !== undefined && date < options.from) || (options.to !== undefined && date > options.to)) continue;
      zips.push({ symbol, date, path: join(minuteDir, dirName, name) });
    }
    if (ignored.length > 0) notes.push(`${symbol}: ignored ${ignored.length} file(s) that are not <yyyymmdd>_trade.zip: ${ignored.slice(0, 5).join(', ')}`);
  }
  return zips;
}

/** One zip → the symbol-day's bars in row order, each with its 1-based CSV line. */
function readTradeZip(zip: ZipRef): { bars: Bar[]; lines: number[]; entry: string } {
  let entries: Record<string, Uint8Array>;
  try {
    entries = unzipSync(readFileSync(zip.path));
  } catch (error) {
    throw new BarDataError(`${zip.path}: not a readable zip archive (${String(error)})`);
  }
  const names = Object.keys(entries).filter((n) => !n.endsWith('/'));
  if (names.length !== 1 || !names[0]!.toLowerCase().endsWith('.csv')) {
    throw new BarDataError(`${zip.path}: expected exactly one .csv entry, found [${names.join(', ')}]`);
  }
  const entry = names[0]!;
  const nameMatch = ENTRY_NAME.exec(entry);
  if (nameMatch !== null && (compactToIsoDate(nameMatch[1]!) !== zip.date || nameMatch[2]!.toUpperCase() !== zip.symbol)) {
    throw new BarDataError(`${zip.path}: entry '${entry}' names another symbol or date than the archive (${zip.symbol} ${zip.date})`);
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(entries[entry]!);
  } catch {
    throw new BarDataError(`${zip.path}:${entry}: not UTF-8 text`);
  }
  const bars: Bar[] = [];
  const lines: number[] = [];
  let previousMs = -1;
  const rawLines = text.split(/\r?\n/);
  for (let i = 0; i < rawLines.length; i += 1) {
    const raw = rawLines[i]!;
    if (raw.trim() === '') continue;
    const line = i + 1;
    const where = `${zip.path}:${entry} line ${line}`;
    if (bars.length >= LEAN_ROWS_PER_DAY_MAX) throw new BarDataError(`${where}: more than ${LEAN_ROWS_PER_DAY_MAX} minute rows in one day`);
    const fields = raw.split(',');
    if (fields.length !== 6) throw new BarDataError(`${where}: expected 6 fields (time,open,high,low,close,volume), found ${fields.length}`);
    const [timeText, openText, highText, lowText, closeText, volumeText] = fields.map((f) => f.trim()) as [string, string, string, string, string, string];
    const ms = parseLeanInteger(timeText, 'time', where);
    if (ms < 0 || ms >= MS_PER_DAY) throw new BarDataError(`${where}: field 'time' = ${ms} ms is outside one day [0, ${MS_PER_DAY})`);
    if (ms % MS_PER_MINUTE !== 0) throw new BarDataError(`${where}: field 'time' = ${ms} ms (${formatTimeOfDay(ms)}) is not on a minute boundary`);
    if (ms <= previousMs) throw new BarDataError(`${where}: field 'time' = ${ms} (${formatTimeOfDay(ms)}) is not after the previous row's ${formatTimeOfDay(previousMs)}`);
    previousMs = ms;
    let ts: number;
    try {
      ts = nyWallTimeToUtcMs(zip.date, ms);
    } catch (error) {
      throw new BarDataError(`${where}: field 'time' = ${ms}: ${(error as Error).message}`);
    }
    const bar: Bar = {
      symbol: zip.symbol,
      ts,
      open: parseLeanInteger(openText, 'open', where) / LEAN_PRICE_SCALE,
      high: parseLeanInteger(highText, 'high', where) / LEAN_PRICE_SCALE,
      low: parseLeanInteger(lowText, 'low', where) / LEAN_PRICE_SCALE,
      close: parseLeanInteger(closeText, 'close', where) / LEAN_PRICE_SCALE,
      volume: parseLeanInteger(volumeText, 'volume', where),
      vwap: null,
      trades: null,
    };
    const problem = barProblem(bar);
    if (problem !== null) throw new BarDataError(`${where}: ${problem}`);
    bars.push(bar);
    lines.push(line);
  }
  return { bars, lines, entry };
}

function parseLeanInteger(text: string, field: string, where: string): number {
  if (!/^-?\d+$/.test(text)) throw new BarDataError(`${where}: field '${field}' = ${showValue(text)} is not an integer`);
  const value = Number(text);
  if (!Number.isSafeInteger(value)) throw new BarDataError(`${where}: field '${field}' = ${showValue(text)} is too large`);
  return value;
}

/** Warnings for days that should not trade or look cut short; a note for bars past an early close. */
function checkSession(zip: ZipRef, bars: readonly Bar[], calendar: TradingCalendar, warnings: string[], notes: string[]): void {
  const label = `${zip.symbol} ${zip.date}`;
  if (!isTradingDay(calendar, zip.date)) warnings.push(`${label}: the exchange is closed on this date per ${calendar.source ?? 'the weekday'}, yet there is data`);
  const openMs = nyWallTimeToUtcMs(zip.date, REGULAR_OPEN_MS);
  const closeWallMs = regularCloseMs(calendar, zip.date);
  const closeMs = nyWallTimeToUtcMs(zip.date, closeWallMs);
  const regular = bars.filter((b) => b.ts >= openMs && b.ts < closeMs);
  const last = regular[regular.length - 1];
  if (last === undefined) {
    warnings.push(`${label}: no regular-session bars (09:30–${formatTimeOfDay(closeWallMs)}); ${bars.length} bar(s) outside it`);
  } else if (closeMs - last.ts > TRUNCATED_DAY_GAP_MS) {
    const lastWall = formatTimeOfDay(last.ts - openMs + REGULAR_OPEN_MS);
    warnings.push(
      `${label}: the last regular-session bar starts at ${lastWall} New York but the session closes at ${formatTimeOfDay(closeWallMs)} ` +
      `(${regular.length} regular bar(s), ${bars.length} in all): the file looks truncated; kept as is`,
    );
  }
  if (calendar.earlyCloseMs.has(zip.date)) {
    const after = bars.filter((b) => b.ts >= closeMs);
    notes.push(
      `${label}: early close at ${formatTimeOfDay(closeWallMs)} New York; ${regular.length} regular-session bar(s), ` +
      `${after.length} bar(s) at or after the close (post-market prints, kept)`,
    );
  }
}

function recordStats(stats: Map<string, SymbolStats>, zip: ZipRef, bars: readonly Bar[], calendar: TradingCalendar): void {
  let s = stats.get(zip.symbol);
  if (s === undefined) {
    s = { firstDate: zip.date, lastDate: zip.date, dates: new Set(), rows: 0, lastRegularClose: new Map(), firstRegularOpen: new Map() };
    stats.set(zip.symbol, s);
  }
  if (zip.date < s.firstDate) s.firstDate = zip.date;
  if (zip.date > s.lastDate) s.lastDate = zip.date;
  s.dates.add(zip.date);
  s.rows += bars.length;
  const openMs = nyWallTimeToUtcMs(zip.date, REGULAR_OPEN_MS);
  const closeMs = nyWallTimeToUtcMs(zip.date, regularCloseMs(calendar, zip.date));
  const regular = bars.filter((b) => b.ts >= openMs && b.ts < closeMs);
  const first = regular[0];
  const last = regular[regular.length - 1];
  if (first !== undefined) s.firstRegularOpen.set(zip.date, first.open);
  if (last !== undefined) s.lastRegularClose.set(zip.date, last.close);
}

function findSideFile(root: string, flatName: string, folder: string, symbolLower: string): string | null {
  for (const candidate of [join(root, flatName), join(root, folder, `${symbolLower}.csv`)]) if (existsSync(candidate)) return candidate;
  return null;
}

/** Splits with an ex-date inside each symbol's imported dates; dividends in range are noted, not emitted. */
function collectSplits(root: string, stats: ReadonlyMap<string, SymbolStats>, calendar: TradingCalendar, warnings: string[], notes: string[]): CorporateAction[] {
  const actions: CorporateAction[] = [];
  for (const [symbol, s] of stats) {
    const lower = symbol.toLowerCase();
    const file = findSideFile(root, `factor_${lower}.csv`, 'factor_files', lower);
    if (file === null) {
      warnings.push(`${symbol}: no factor file (factor_${lower}.csv): splits in ${s.firstDate}..${s.lastDate} are unknown; none emitted`);
      continue;
    }
    const rows = parseFactorFile(readFileSync(file, 'utf8'), file);
    let dividends = 0;
    for (const event of factorEvents(rows, file)) {
      const exDate = nextTradingDay(calendar, event.rowDate);
      if (exDate < s.firstDate || exDate > s.lastDate) continue;
      if (event.kind === 'dividend') { dividends += 1; continue; }
      actions.push({ symbol, exDate, kind: 'split', ratio: event.ratio });
      const before = [...s.lastRegularClose.entries()].filter(([d]) => d < exDate).sort(([a], [b]) => (a < b ? -1 : 1)).pop();
      const openOnEx = s.firstRegularOpen.get(exDate);
      if (before !== undefined && openOnEx !== undefined) {
        const adjusted = before[1] / event.ratio;
        const gapPct = ((openOnEx / adjusted) - 1) * 100;
        notes.push(
          `${symbol} split ${event.ratio} ex ${exDate} (from ${file}): ${before[0]} last regular close ${before[1]} / ${event.ratio} = ` +
          `${adjusted.toFixed(4)} vs ${exDate} first regular open ${openOnEx} (${gapPct >= 0 ? '+' : ''}${gapPct.toFixed(2)}%)`,
        );
      } else {
        notes.push(`${symbol} split ${event.ratio} ex ${exDate} (from ${file})`);
      }
    }
    if (dividends > 0) notes.push(`${symbol}: ${dividends} dividend adjustment(s) in range per ${file}; prices are kept raw and dividends are not emitted`);
  }
  return actions.sort(compareCorporateActions);
}

/** Confirms each symbol's ticker over its imported dates with its map file; warns on a change or a mismatch. */
function checkTickers(root: string, stats: ReadonlyMap<string, SymbolStats>, warnings: string[], notes: string[]): void {
  for (const [symbol, s] of stats) {
    const lower = symbol.toLowerCase();
    const file = findSideFile(root, `map_${lower}.csv`, 'map_files', lower);
    if (file === null) {
      notes.push(`${symbol}: no map file (map_${lower}.csv): ticker history not checked`);
      continue;
    }
    const rows = parseMapFile(readFileSync(file, 'utf8'), file);
    const tickers = [...new Set([...s.dates].sort().map((d) => tickerOn(rows, d)))];
    if (tickers.includes(null)) {
      warnings.push(`${symbol}: ${file} ends before ${s.lastDate} (delisted?); some data is dated after the last mapped date`);
    } else if (tickers.length > 1) {
      warnings.push(`${symbol}: ticker changed within ${s.firstDate}..${s.lastDate} per ${file} (${tickers.join(' → ')}); bars are all written as ${symbol}`);
    } else if (tickers[0] !== symbol) {
      warnings.push(`${symbol}: ${file} says the ticker was ${tickers[0]} in ${s.firstDate}..${s.lastDate}, not ${symbol}`);
    } else {
      notes.push(`${symbol}: ticker confirmed by ${file} for ${s.firstDate}..${s.lastDate}`);
    }
  }
}
