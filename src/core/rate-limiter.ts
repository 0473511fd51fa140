/**
 * Evenly spaced request slots: at most `perSecond` calls start in any one
 * second. Spacing (rather than a bursty bucket) keeps us under Stripe's
 * sliding-window limits even when many workers wait at once.
 */
import { sleep } from './retry.js';

export interface RateLimiter {
  take(signal?: AbortSignal): Promise<void>;
}

export const unlimited: RateLimiter = { take: async () => {} };

export function createRateLimiter(perSecond: number, now: () => number = () => performance.now()): RateLimiter {
  if (!Number.isFinite(perSecond) || perSecond <= 0) throw new RangeError(`rate must be > 0, got ${perSecond}`);
  const interval = 1000 / perSecond;
  let next = -Infinity;
  return {
    async take(signal) {
      const t = now();
      const slot = Math.max(t, next);
      next = slot + interval;
      if (slot > t) await sleep(slot - t, signal);
    },
  };
}
