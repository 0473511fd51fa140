/**
 * How fast a bulk run talks to Stripe when the operator does not say. The
 * physical limit is Stripe's, not ours: a run should move just under it.
 */

/** Stripe's documented limits, requests per second; reads and writes are counted separately. */
export const STRIPE_RATE_LIMIT = { live: 100, test: 25 } as const;

/**
 * The share of that limit a run takes by default. The rest is headroom for the
 * billing service's own calls on the same account; when they need more, the
 * 429s they cause slow the run down further (rate-limiter.ts backs off).
 */
export const DEFAULT_RATE_SHARE = 0.95;

export function defaultRate(mode: keyof typeof STRIPE_RATE_LIMIT): number {
  return STRIPE_RATE_LIMIT[mode] * DEFAULT_RATE_SHARE;
}

// A record takes about two Stripe round trips plus two database writes: ~0.4 s
// against Stripe. Fewer workers than rate × that time leave the rate unused
// (8 workers cap a run near 20 records/s whatever --rate says); more only queue.
const SECONDS_PER_RECORD = 0.4;
export const CONCURRENCY_RANGE = { min: 8, max: 64 } as const;

export function defaultConcurrency(rate: number): number {
  return Math.min(CONCURRENCY_RANGE.max, Math.max(CONCURRENCY_RANGE.min, Math.ceil(rate * SECONDS_PER_RECORD)));
}
