import { createHash } from 'node:crypto';
import type { Metadata } from './ports.js';

/**
 * One key per PaymentIntent and intended patch: reruns, overlapping cron hosts
 * and duplicate dead letters for one PaymentIntent all send the same key, so
 * Stripe applies the write at most once (for its ~24 h replay window).
 * `round` > 0 derives the next key when that write must happen again within
 * the window (see backfill.ts); it stays deterministic so concurrent runs agree.
 */
export function idempotencyKey(paymentIntentId: string, patch: Metadata, round = 0): string {
  const canonical = JSON.stringify(Object.keys(patch).sort().map((key) => [key, patch[key]]));
  const digest = createHash('sha256')
    .update(`${paymentIntentId}\n${canonical}${round > 0 ? `\n${round}` : ''}`)
    .digest('hex');
  return `billing-backfill-${digest.slice(0, 40)}`;
}
