/**
 * The issue's record counts are too slow for every `npm test` on two cores
 * (the embedded FerretDB stamps some 25–40 records a second): CI runs scaled
 * counts with the same proportions, and RELIABILITY_FULL=1 runs the issue's.
 */
export const FULL = process.env.RELIABILITY_FULL === '1';

export function scaled(issue: number, ci: number): number {
  return FULL ? issue : ci;
}

/** A test timeout that grows with the full-size run. */
export function timeoutFor(ciMs: number, factor = 6): number {
  return FULL ? ciMs * factor : ciMs;
}
