// Journal reads take an inclusive toSeq >= 1; an empty journal (last seq 0) is read without a bound.

export function seqBound(lastSeq: number): number | undefined {
  return lastSeq > 0 ? lastSeq : undefined;
}
