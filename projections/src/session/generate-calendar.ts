/* eslint-disable no-restricted-imports, no-restricted-globals -- a build-time script, not reducer code: it
   reads the LEAN source file and writes calendar-data.ts. Nothing in the engine imports it. */
// Generates the bundled NYSE calendar (calendar-data.ts) from QuantConnect LEAN's market-hours entry for US
// equities (Apache-2.0, copied to projections/data/lean with its licence). Run from the workspace root:
//   node --import tsx projections/src/session/generate-calendar.ts [source.json] [out.ts]
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseLeanMarketHours, renderCalendarModule } from './calendar-source';

const projectionsDir = resolve(__dirname, '..', '..');
const sourcePath = resolve(process.argv[2] ?? resolve(projectionsDir, 'data/lean/market-hours-equity-usa.json'));
const outPath = resolve(process.argv[3] ?? resolve(projectionsDir, 'src/session/calendar-data.ts'));

const json = JSON.parse(readFileSync(sourcePath, 'utf8')) as { source?: unknown };
const description = typeof json.source === 'string' ? json.source : 'QuantConnect LEAN market-hours database';
const data = parseLeanMarketHours(json);
writeFileSync(outPath, renderCalendarModule(data, description));
console.log(
  `wrote ${outPath}: ${data.holidays.length} holidays, ` +
    `${Object.values(data.earlyCloses).reduce((n, l) => n + l.length, 0)} early closes, ${data.firstYear}-${data.lastYear}`,
);
