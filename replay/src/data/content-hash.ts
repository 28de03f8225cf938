// Content hash of a list of bars: sha256 over one canonical text line per bar (bar.ts canonicalBarLine).
// It identifies what a day file holds independently of Parquet bytes, which change with the writer version.
import { createHash } from 'node:crypto';
import { Bar, canonicalBarLine } from './bar';

export function barsContentSha256(bars: Iterable<Bar>): string {
  const hash = createHash('sha256');
  for (const bar of bars) hash.update(canonicalBarLine(bar));
  return hash.digest('hex');
}
