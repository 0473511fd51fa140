import { describe, expect, it } from 'vitest';
import type { StripeGateway } from './ports.js';
import type { RateLimiter } from './rate-limiter.js';
import { throttleGateway, type Budget } from './throttled-gateway.js';

/** A limiter that lets everything through and counts what the gateway tells it. */
function countingLimiter() {
  const seen = { takes: 0, backOffs: 0 };
  const limiter: RateLimiter = {
    take: async () => {
      seen.takes++;
    },
    backOff: () => {
      seen.backOffs++;
      // Only the first 429 of an overshoot slows the pace.
      return seen.backOffs === 1;
    },
    currentRate: () => 12.5,
  };
  return { limiter, seen };
}

function failingGateway(err: unknown): StripeGateway {
  const fail = () => Promise.reject(err);
  return { retrievePaymentIntent: fail, retrieveCheckoutSession: fail, listRefunds: fail, updatePaymentIntentMetadata: fail };
}

const rateLimited = Object.assign(new Error('Request rate limit exceeded'), { statusCode: 429, code: 'rate_limit' });

describe('throttleGateway', () => {
  it('takes a read slot for reads and a write slot for writes', async () => {
    const reads = countingLimiter();
    const writes = countingLimiter();
    const ok: StripeGateway = {
      retrievePaymentIntent: async (id) => ({ id, metadata: {}, latestChargeId: null, status: 'succeeded' }) as never,
      retrieveCheckoutSession: async (id) => ({ id }) as never,
      listRefunds: async () => [],
      updatePaymentIntentMetadata: async (id) => ({ id, metadata: {} }) as never,
    };
    const gateway = throttleGateway(ok, { reads: reads.limiter, writes: writes.limiter });
    await gateway.retrievePaymentIntent('pi_1');
    await gateway.retrieveCheckoutSession('cs_1');
    await gateway.listRefunds('pi_1');
    await gateway.updatePaymentIntentMetadata('pi_1', { a: 'b' }, { idempotencyKey: 'k' });
    expect(reads.seen.takes).toBe(3);
    expect(writes.seen.takes).toBe(1);
  });

  it('backs off the budget a 429 was answered for, reports a slowdown once, and rethrows', async () => {
    const reads = countingLimiter();
    const writes = countingLimiter();
    const reported: Array<[Budget, number]> = [];
    const gateway = throttleGateway(failingGateway(rateLimited), { reads: reads.limiter, writes: writes.limiter, onBackOff: (b, r) => reported.push([b, r]) });
    await expect(gateway.updatePaymentIntentMetadata('pi_1', {}, { idempotencyKey: 'k' })).rejects.toBe(rateLimited);
    await expect(gateway.updatePaymentIntentMetadata('pi_2', {}, { idempotencyKey: 'k2' })).rejects.toBe(rateLimited);
    expect(writes.seen.backOffs).toBe(2);
    expect(reads.seen.backOffs).toBe(0);
    expect(reported).toEqual([['writes', 12.5]]);
  });

  it('does not slow down for errors that are not about the request rate', async () => {
    const reads = countingLimiter();
    const lockTimeout = Object.assign(new Error('lock'), { statusCode: 429, code: 'lock_timeout' });
    const serverError = Object.assign(new Error('boom'), { statusCode: 500 });
    for (const err of [lockTimeout, serverError]) {
      const gateway = throttleGateway(failingGateway(err), { reads: reads.limiter, writes: countingLimiter().limiter });
      await expect(gateway.retrievePaymentIntent('pi_1')).rejects.toBe(err);
    }
    expect(reads.seen.backOffs).toBe(0);
  });
});
