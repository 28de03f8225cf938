// The bar data layer's public face: the Bar type, Parquet day files, bar sources (day-by-day replay with
// corporate actions), the CSV and LEAN importers, and the New York time helpers they rest on.
export type { Bar, BarField, BarDataErrorReason } from './bar';
export { BarDataError, barProblem, validateBar, compareBars, canonicalBarLine, SYMBOL_PATTERN, BAR_TS_MS_MIN, BAR_TS_MS_MAX_EXCLUSIVE, BAR_TRADES_MAX } from './bar';

export type { BarColumns } from './parquet-day';
export { writeBarDay, readBarDay, readBarDayColumns, barDayFileName, barDayFileDate, BAR_DAY_FILE_PATTERN, BAR_COLUMNS } from './parquet-day';

export type { CorporateAction } from './corporate-actions';
export { CORPORATE_ACTIONS_FILE, readCorporateActions, writeCorporateActions, parseCorporateActions, formatCorporateActions } from './corporate-actions';

export type { BarSource, BarDay, BarSourceOptions } from './bar-source';
export { openBarSource } from './bar-source';

export type { ImportReport, ImportedDay, DroppedBar } from './import-report';
export { formatImportReport } from './import-report';

export type { CsvImportOptions, ParsedCsvBars } from './csv-import';
export { importCsv, parseBarsCsv } from './csv-import';

export type { LeanImportOptions } from './lean-import';
export { importLean, LEAN_PRICE_SCALE } from './lean-import';
export { findImplausibleBars, IMPLAUSIBLE_RANGE_FACTOR } from './bad-prints';

export { barsContentSha256 } from './content-hash';
export { SAMPLE_DIR } from './sample';

export { nyWallTimeToUtcMs, nyDateOf, nyDayStartUtcMs, nyUtcOffsetMinutes, nyMsSinceMidnight, formatNyTime } from './ny-time';
