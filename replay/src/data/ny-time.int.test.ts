// The New York conversions give the same answers whatever the process time zone is. Jest sandboxes
// process.env, so each zone runs in its own child process (tsx) that prints a snapshot as JSON.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const TSX = resolve(__dirname, '../../../node_modules/.bin/tsx');
const PROBE = `
import { formatNyTime, nyDateOf, nyDayStartUtcMs, nyWallTimeToUtcMs } from ${JSON.stringify(resolve(__dirname, 'ny-time'))};
const H = 3_600_000;
const dates = ['2013-11-03', '2014-03-09', '2013-10-07', '2015-12-24'];
const out = dates.map((d) => [
  nyWallTimeToUtcMs(d, 9.5 * H), nyWallTimeToUtcMs(d, 1.5 * H), nyDayStartUtcMs(d), nyDateOf(nyDayStartUtcMs(d) - 1),
  formatNyTime(nyWallTimeToUtcMs(d, 16 * H)),
]);
process.stdout.write(JSON.stringify({ januaryOffset: new Date(Date.UTC(2014, 0, 1)).getTimezoneOffset(), out }));
`;

let dir: string;
let probeFile: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'axiom-tz-'));
  probeFile = join(dir, 'probe.ts');
  writeFileSync(probeFile, PROBE);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function probe(tz: string): { januaryOffset: number; out: unknown } {
  const run = spawnSync(TSX, [probeFile], { env: { ...process.env, TZ: tz }, encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`probe under TZ=${tz} failed: ${run.stderr}`);
  return JSON.parse(run.stdout) as { januaryOffset: number; out: unknown };
}

test('switch days and a normal day convert identically under TZ=UTC and four other zones', () => {
  const utc = probe('UTC');
  expect(utc.januaryOffset).toBe(0);
  // The January offset proves each child really ran in its zone before the answers are compared.
  for (const [tz, januaryOffset] of [['America/Los_Angeles', 480], ['Asia/Kolkata', -330], ['Australia/Lord_Howe', -660], ['America/New_York', 300]] as const) {
    const other = probe(tz);
    expect(other.januaryOffset).toBe(januaryOffset);
    expect(other.out).toEqual(utc.out);
  }
});
