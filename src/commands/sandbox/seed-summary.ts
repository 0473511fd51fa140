import type { SeedCounts, SeedKind } from '../../sandbox/seed.js';

const LABELS: Record<SeedKind, string> = {
  fixable: 'fixable',
  'fixable-needs-session': 'fixable once the Checkout Session is read',
  'already-correct': 'already patched by hand',
  conflict: 'conflicting sessions',
  missing: 'PaymentIntents that no longer exist',
  refunded: 'refunded while the metadata was missing',
};

/** e.g. "14 fixable, 2 conflicting sessions, …", skipping kinds with none. */
export function describeSeedCounts(counts: SeedCounts): string {
  return (Object.keys(LABELS) as SeedKind[])
    .filter((kind) => (counts[kind] ?? 0) > 0)
    .map((kind) => `${counts[kind]} ${LABELS[kind]}`)
    .join(', ');
}

export function totalOf(counts: SeedCounts): number {
  return Object.values(counts).reduce((sum, n) => sum + (n ?? 0), 0);
}
