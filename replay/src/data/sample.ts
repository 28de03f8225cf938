// The bundled sample (`data/sample/` at the repository root): where it lives, how it is built from the LEAN
// files, and its manifest — the per-day row counts and content hashes that the sample test holds the
// committed files and a fresh import to. build-sample.ts is the command that runs `buildSample`.
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { BarDataError } from './bar';
import { barsContentSha256 } from './content-hash';
import { CORPORATE_ACTIONS_FILE, CorporateAction, readCorporateActions } from './corporate-actions';
import { ImportReport } from './import-report';
import { importLean } from './lean-import';
import { formatNyTime } from './ny-time';
import { BAR_DAY_FILE_PATTERN, readBarDay } from './parquet-day';

/**
 * `data/sample` at the repository root: beside the replay package, found through its package.json so the
 * path holds from the sources and from a bundle (packages/cli/dist) alike.
 */
export const SAMPLE_DIR = resolve(dirname(require.resolve('@axiom/replay/package.json')), '../data/sample');
/** Where the LEAN files live on the project machines; AXIOM_LEAN_DIR overrides it. */
export const DEFAULT_LEAN_DIR = '/work/shared/data/lean';
export const SAMPLE_MANIFEST_FILE = 'manifest.json';
export const SAMPLE_LICENCE_FILE = 'LICENSE-Apache-2.0.txt';

export type SampleDay = { date: string; rows: number; symbols: string[]; contentSha256: string };

export type SampleManifest = {
  source: string;
  licence: string;
  generator: string;
  days: SampleDay[];
  corporateActions: CorporateAction[];
  /** What the importer dropped (bad-prints.ts), with the LEAN row it came from. */
  dropped: Array<{ symbol: string; newYorkTime: string; ts: number; source: string; reason: string }>;
  warnings: string[];
};

export function leanDirFromEnv(): string {
  return process.env['AXIOM_LEAN_DIR'] ?? DEFAULT_LEAN_DIR;
}

/** Rows, symbols and content hash of every day file in a directory, by date. */
export function describeDays(dir: string): SampleDay[] {
  return readdirSync(dir)
    .filter((name) => BAR_DAY_FILE_PATTERN.test(name))
    .sort()
    .map((name) => {
      const bars = readBarDay(join(dir, name));
      return {
        date: name.slice(0, 10),
        rows: bars.length,
        symbols: [...new Set(bars.map((b) => b.symbol))].sort(),
        contentSha256: barsContentSha256(bars),
      };
    });
}

/** The manifest of an import into `dir`; LEAN paths are written relative to the LEAN directory. */
export function sampleManifest(report: ImportReport, dir: string, leanDir: string): SampleManifest {
  const relative = (text: string) => text.split(resolve(leanDir)).join('lean').split(leanDir).join('lean');
  return {
    source: 'QuantConnect LEAN repository (github.com/QuantConnect/Lean), Data/equity/usa; data originally from AlgoSeek',
    licence: `Apache-2.0 (${SAMPLE_LICENCE_FILE})`,
    generator: 'npx tsx replay/src/data/build-sample.ts [leanDir]',
    days: describeDays(dir),
    corporateActions: readCorporateActions(dir),
    dropped: report.dropped.map((d) => ({
      symbol: d.symbol,
      newYorkTime: formatNyTime(d.ts),
      ts: d.ts,
      source: relative(d.source),
      reason: d.reason,
    })),
    warnings: report.warnings.map(relative),
  };
}

/**
 * Rebuilds `sampleDir` from the LEAN files: removes the day files, corporate-actions.json and manifest it
 * wrote before (README.md and other files are left alone), imports every symbol, copies the licence and
 * writes the manifest.
 */
export function buildSample(leanDir: string, sampleDir: string = SAMPLE_DIR): { report: ImportReport; manifest: SampleManifest } {
  const licence = join(leanDir, SAMPLE_LICENCE_FILE);
  if (!existsSync(licence)) throw new BarDataError(`${licence}: the LEAN licence text is missing; the sample cannot ship without it`, 'missing');
  mkdirSync(sampleDir, { recursive: true });
  for (const name of readdirSync(sampleDir)) {
    if (BAR_DAY_FILE_PATTERN.test(name) || name === CORPORATE_ACTIONS_FILE || name === SAMPLE_MANIFEST_FILE) rmSync(join(sampleDir, name));
  }
  const report = importLean(leanDir, sampleDir);
  // Copy the text, not the file: the source may be read-only and its mode should not follow it.
  writeFileSync(join(sampleDir, SAMPLE_LICENCE_FILE), readFileSync(licence));
  const manifest = sampleManifest(report, sampleDir, leanDir);
  writeFileSync(join(sampleDir, SAMPLE_MANIFEST_FILE), `${JSON.stringify(manifest, null, 2)}\n`);
  return { report, manifest };
}

export function readSampleManifest(sampleDir: string = SAMPLE_DIR): SampleManifest {
  return JSON.parse(readFileSync(join(sampleDir, SAMPLE_MANIFEST_FILE), 'utf8')) as SampleManifest;
}
