import type { RateLimiter } from './rate-limiter.js';
import type { StripeGateway } from './ports.js';
import { isRateLimitError } from './stripe-errors.js';

export type Budget = 'reads' | 'writes';

export interface ThrottleLimits {
  reads: RateLimiter;
  writes: RateLimiter;
  /** A 429 slowed a budget down (once per overshoot, not once per 429). */
  onBackOff?: (budget: Budget, rate: number) => void;
}

/**
 * Every Stripe request, reads included, waits for a slot. Reads and writes
 * have separate limiters because Stripe counts them separately, and a 429
 * slows only the budget it was answered for.
 */
export function throttleGateway(gateway: StripeGateway, limits: ThrottleLimits): StripeGateway {
  const throttled = async <T>(budget: Budget, signal: AbortSignal | undefined, call: () => Promise<T>): Promise<T> => {
    const limiter = limits[budget];
    await limiter.take(signal);
    try {
      return await call();
    } catch (err) {
      if (isRateLimitError(err) && limiter.backOff()) limits.onBackOff?.(budget, limiter.currentRate());
      throw err;
    }
  };
  return {
    retrievePaymentIntent: (id, opts) => throttled('reads', opts?.signal, () => gateway.retrievePaymentIntent(id, opts)),
    retrieveCheckoutSession: (id, opts) => throttled('reads', opts?.signal, () => gateway.retrieveCheckoutSession(id, opts)),
    listRefunds: (id, opts) => throttled('reads', opts?.signal, () => gateway.listRefunds(id, opts)),
    updatePaymentIntentMetadata: (id, metadata, opts) => throttled('writes', opts.signal, () => gateway.updatePaymentIntentMetadata(id, metadata, opts)),
  };
}
