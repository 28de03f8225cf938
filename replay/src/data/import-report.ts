// What an import did, and the one place where imported days are written to an output directory.
// Guarantee: an import refuses to start when its outputs already exist (unless overwriting was asked for),
// stages its day files and moves them into place only once every input row has been read and checked, and
// reports every bar it dropped, and why, with where the row came from.
import { existsSync, mkdirSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { Bar, BarDataError, compareBars } from './bar';
import { CorporateAction } from './corporate-actions';
import { formatNyTime } from './ny-time';
import { barDayFileName, writeBarDay } from './parquet-day';

export type ImportedDay = {
  date: string;
  file: string;
  rows: number;
  symbols: string[];
};

export type DroppedBar = {
  symbol: string;
  /** New York date of the bar. */
  date: string;
  ts: number;
  /** Where the row came from: file (and zip entry) and line. */
  source: string;
  /** The bar as read, before it was dropped. */
  bar: Bar;
  reason: string;
};

export type ImportReport = {
  source: string;
  outDir: string;
  days: ImportedDay[];
  symbols: string[];
  rows: number;
  dropped: DroppedBar[];
  /** Things that may be wrong with the input (kept, but worth a look). */
  warnings: string[];
  /** Facts about the input worth knowing (early closes, ignored dividend adjustments, …). */
  notes: string[];
  /** Corporate actions written to the output directory (LEAN import), or [] (CSV import). */
  corporateActions: CorporateAction[];
};

/**
 * Refuses before anything is written when an output file exists and `overwrite` is false, listing them all.
 */
export function checkOutputsFree(outDir: string, fileNames: readonly string[], overwrite: boolean): void {
  if (overwrite) return;
  const taken = fileNames.filter((name) => existsSync(join(outDir, name)));
  if (taken.length > 0) {
    throw new BarDataError(
      `${outDir}: ${taken.length} output file(s) already exist (${taken.slice(0, 5).join(', ')}${taken.length > 5 ? ', …' : ''}); ` +
      'nothing was written (overwriting was not requested)',
      'exists',
    );
  }
}

/**
 * Writes day files into a staging directory inside outDir, then moves them into place on commit, so a data
 * error found on the last day leaves outDir as it was. Staged days are written one at a time (an import never
 * holds more than the day it is working on in WASM).
 */
export class DayFileStager {
  readonly outDir: string;
  private readonly stagingDir: string;
  private readonly staged: ImportedDay[] = [];
  private open = true;

  constructor(outDir: string) {
    this.outDir = outDir;
    mkdirSync(outDir, { recursive: true });
    this.stagingDir = mkdtempSync(join(outDir, '.import-staging-'));
  }

  /** Writes one New York date's bars (any order; stored sorted by (ts, symbol)). */
  stage(date: string, bars: readonly Bar[]): ImportedDay {
    if (!this.open) throw new Error('assertion: stage() after commit() or abort()');
    if (this.staged.some((d) => d.date === date)) throw new Error(`assertion: ${date} staged twice`);
    const sorted = [...bars].sort(compareBars);
    const name = barDayFileName(date);
    writeBarDay(join(this.stagingDir, name), sorted);
    const day: ImportedDay = { date, file: join(this.outDir, name), rows: sorted.length, symbols: [...new Set(sorted.map((b) => b.symbol))].sort() };
    this.staged.push(day);
    return day;
  }

  /** Moves every staged file into outDir (replacing same-named files) and removes the staging directory. */
  commit(): ImportedDay[] {
    if (!this.open) throw new Error('assertion: commit() twice');
    for (const day of this.staged) renameSync(join(this.stagingDir, barDayFileName(day.date)), day.file);
    this.abort();
    return [...this.staged].sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
  }

  /** Removes the staging directory and whatever is still in it. */
  abort(): void {
    this.open = false;
    rmSync(this.stagingDir, { recursive: true, force: true });
  }
}

/** A human summary of an import, as the CLI and the sample builder print it. */
export function formatImportReport(report: ImportReport): string {
  const lines: string[] = [];
  lines.push(
    `Imported ${report.rows} bars of ${report.symbols.length} symbol(s) (${report.symbols.join(', ')}) ` +
    `into ${report.days.length} day file(s) in ${report.outDir}`,
  );
  lines.push(`  source: ${report.source}`);
  for (const day of report.days) {
    lines.push(`  ${day.date}  ${String(day.rows).padStart(7)} bars  ${day.symbols.join(' ')}`);
  }
  if (report.corporateActions.length > 0) {
    lines.push('Corporate actions (corporate-actions.json):');
    for (const a of report.corporateActions) lines.push(`  ${a.symbol} ${a.kind} ratio ${a.ratio} ex-date ${a.exDate}`);
  }
  lines.push(report.dropped.length === 0 ? 'Dropped: none' : `Dropped ${report.dropped.length} bar(s):`);
  for (const d of report.dropped) {
    const b = d.bar;
    lines.push(
      `  ${d.symbol} ${formatNyTime(d.ts)} New York [${d.source}] ` +
      `o=${b.open} h=${b.high} l=${b.low} c=${b.close} v=${b.volume}: ${d.reason}`,
    );
  }
  if (report.warnings.length > 0) {
    lines.push(`Warnings (${report.warnings.length}):`);
    for (const w of report.warnings) lines.push(`  ${w}`);
  }
  if (report.notes.length > 0) {
    lines.push('Notes:');
    for (const n of report.notes) lines.push(`  ${n}`);
  }
  return `${lines.join('\n')}\n`;
}
