import type { SeedCounts, SeedKind } from '../../sandbox/seed.js';

/** [one, many] */
const LABELS: Record<SeedKind, [string, string]> = {
  fixable: ['fixable', 'fixable'],
  'fixable-needs-session': ['fixable once the Checkout Session is read', 'fixable once the Checkout Session is read'],
  'already-correct': ['already patched by hand', 'already patched by hand'],
  conflict: ['conflicting session', 'conflicting sessions'],
  missing: ['PaymentIntent that no longer exists', 'PaymentIntents that no longer exist'],
  refunded: ['refunded while the metadata was missing', 'refunded while the metadata was missing'],
};

/** e.g. "14 fixable, 2 conflicting sessions, …", skipping kinds with none. */
export function describeSeedCounts(counts: SeedCounts): string {
  return (Object.keys(LABELS) as SeedKind[])
    .filter((kind) => (counts[kind] ?? 0) > 0)
    .map((kind) => {
      const n = counts[kind] ?? 0;
      return `${n} ${LABELS[kind][n === 1 ? 0 : 1]}`;
    })
    .join(', ');
}
