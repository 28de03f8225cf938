// Headless Chromium for the HTML report's checks (the Debian package `chromium`, /usr/bin/chromium): dump the
// DOM after the page's scripts ran (virtual time, so timers and frames fire without waiting), or take a
// screenshot. The flags are the ones that work offline in a container (TOOLCHAIN.md). A fresh profile
// directory per run, removed afterwards.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

export const CHROMIUM_PATH = '/usr/bin/chromium';
/** Virtual time the page gets to run its scripts before the DOM is dumped. */
export const CHROMIUM_VIRTUAL_TIME_BUDGET_MS = 5_000;
/** Wall-clock limit on one Chromium run. */
export const CHROMIUM_TIMEOUT_MS = 60_000;

function chromiumArgs(profile: string): string[] {
  return [
    '--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
    '--disable-sync', '--no-first-run', '--disable-dev-shm-usage', `--user-data-dir=${profile}`,
  ];
}

function run(extra: string[]): string {
  const profile = mkdtempSync(join(tmpdir(), 'axiom-chromium-'));
  try {
    return execFileSync(CHROMIUM_PATH, [...chromiumArgs(profile), ...extra], {
      encoding: 'utf8', timeout: CHROMIUM_TIMEOUT_MS, maxBuffer: 64 * 1024 * 1024, stdio: ['ignore', 'pipe', 'pipe'],
    });
  } finally {
    rmSync(profile, { recursive: true, force: true });
  }
}

/** The DOM of a local HTML file after its scripts ran. */
export function dumpDom(htmlFile: string, windowSize = '1400,1000'): string {
  return run([`--window-size=${windowSize}`, `--virtual-time-budget=${CHROMIUM_VIRTUAL_TIME_BUDGET_MS}`, '--dump-dom', pathToFileURL(resolve(htmlFile)).href]);
}

/** A PNG screenshot of a local HTML file (the first window-size of it). */
export function screenshot(htmlFile: string, pngFile: string, windowSize = '1400,2400'): void {
  run([`--window-size=${windowSize}`, `--virtual-time-budget=${CHROMIUM_VIRTUAL_TIME_BUDGET_MS}`, '--hide-scrollbars', `--screenshot=${resolve(pngFile)}`, pathToFileURL(resolve(htmlFile)).href]);
}
