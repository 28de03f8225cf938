// Regenerates the bundled sample `data/sample/` from the LEAN minute files, so the committed Parquet is
// reproducible: `npx tsx replay/src/data/build-sample.ts [leanDir]` (default $AXIOM_LEAN_DIR, then
// /work/shared/data/lean). sample.int.test.ts checks that the committed files equal a fresh import.
import { formatImportReport } from './import-report';
import { buildSample, leanDirFromEnv, SAMPLE_DIR } from './sample';

const leanDir = process.argv[2] ?? leanDirFromEnv();
const { report } = buildSample(leanDir, SAMPLE_DIR);
process.stdout.write(formatImportReport(report));
process.stdout.write(`Sample written to ${SAMPLE_DIR} (day files, corporate-actions.json, manifest.json, licence).\n`);
