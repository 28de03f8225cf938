// The committed sample (data/sample) is exactly what the importer produces from the LEAN files: same days, same
// row counts, same content hash per day, same corporate actions, same dropped bar. Without the LEAN files only
// the committed files are checked against their manifest.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readCorporateActions } from './corporate-actions';
import { importLean } from './lean-import';
import { describeDays, leanDirFromEnv, readSampleManifest, SAMPLE_DIR, SAMPLE_LICENCE_FILE, sampleManifest } from './sample';

const LEAN = leanDirFromEnv();
const testWithLean = existsSync(join(LEAN, 'minute')) ? test : test.skip;

test('the committed day files match the committed manifest (rows and content hash per day)', () => {
  const manifest = readSampleManifest();
  expect(describeDays(SAMPLE_DIR)).toEqual(manifest.days);
  expect(readCorporateActions(SAMPLE_DIR)).toEqual(manifest.corporateActions);
  expect(manifest.corporateActions).toEqual([{ symbol: 'AAPL', exDate: '2014-06-09', kind: 'split', ratio: 7 }]);
});

test('the sample is well under 1 MB, carries its licence, and its README names every day', () => {
  const total = readdirSync(SAMPLE_DIR).reduce((sum, name) => sum + statSync(join(SAMPLE_DIR, name)).size, 0);
  expect(total).toBeLessThan(400 * 1024);
  expect(readFileSync(join(SAMPLE_DIR, SAMPLE_LICENCE_FILE), 'utf8')).toMatch(/Apache License\s+Version 2\.0/);
  const readme = readFileSync(join(SAMPLE_DIR, 'README.md'), 'utf8');
  for (const day of readSampleManifest().days) expect(readme).toContain(day.date);
});

testWithLean('a fresh import of the LEAN files equals the committed sample', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'axiom-sample-'));
  try {
    const report = importLean(LEAN, tmp);
    const fresh = sampleManifest(report, tmp, LEAN);
    const committed = readSampleManifest();
    expect(fresh.days).toEqual(committed.days);
    expect(fresh.corporateActions).toEqual(committed.corporateActions);
    expect(fresh.dropped).toEqual(committed.dropped);
    expect(fresh.warnings).toEqual(committed.warnings);
    expect(readFileSync(join(LEAN, SAMPLE_LICENCE_FILE))).toEqual(readFileSync(join(SAMPLE_DIR, SAMPLE_LICENCE_FILE)));
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
});
