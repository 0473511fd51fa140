import type { RateLimiter } from './rate-limiter.js';
import type { StripeGateway } from './ports.js';

/**
 * Every Stripe request, reads included, waits for a slot. Reads and writes
 * have separate limiters because Stripe counts them separately.
 */
export function throttleGateway(gateway: StripeGateway, limits: { reads: RateLimiter; writes: RateLimiter }): StripeGateway {
  return {
    async retrievePaymentIntent(id, opts) {
      await limits.reads.take(opts?.signal);
      return gateway.retrievePaymentIntent(id, opts);
    },
    async retrieveCheckoutSession(id, opts) {
      await limits.reads.take(opts?.signal);
      return gateway.retrieveCheckoutSession(id, opts);
    },
    async listRefunds(id, opts) {
      await limits.reads.take(opts?.signal);
      return gateway.listRefunds(id, opts);
    },
    async updatePaymentIntentMetadata(id, metadata, opts) {
      await limits.writes.take(opts.signal);
      return gateway.updatePaymentIntentMetadata(id, metadata, opts);
    },
  };
}
