import { createHash } from 'node:crypto';
import type { Metadata } from './ports.js';

/**
 * One key per PaymentIntent and intended patch: reruns, overlapping cron hosts
 * and duplicate dead letters for one PaymentIntent all send the same key, so
 * Stripe applies the write at most once (for its ~24 h replay window).
 */
export function idempotencyKey(paymentIntentId: string, patch: Metadata): string {
  const canonical = JSON.stringify(Object.keys(patch).sort().map((key) => [key, patch[key]]));
  const digest = createHash('sha256').update(`${paymentIntentId}\n${canonical}`).digest('hex');
  return `billing-backfill-${digest.slice(0, 40)}`;
}
