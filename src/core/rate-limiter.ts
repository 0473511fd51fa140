/**
 * Evenly spaced request slots, at most `perSecond` starts in any one second.
 * Spacing (rather than a bursty bucket) keeps us under Stripe's sliding-window
 * limits when many workers wait at once. Waiters are released one at a time
 * by a single timer that checks the real clock at each release, so a stalled
 * event loop (GC, a busy core) that fires late cannot release a burst: the
 * last `perSecond` start times are kept and the oldest must be a second old.
 */
import { abortError } from './retry.js';

export interface RateLimiter {
  take(signal?: AbortSignal): Promise<void>;
}

interface Waiter {
  resolve(): void;
  signal: AbortSignal | undefined;
}

export function createRateLimiter(perSecond: number, now: () => number = () => performance.now()): RateLimiter {
  if (!Number.isFinite(perSecond) || perSecond <= 0) throw new RangeError(`rate must be > 0, got ${perSecond}`);
  const interval = 1000 / perSecond;
  const window = Math.max(1, Math.floor(perSecond));
  const starts: number[] = [];
  const queue: Waiter[] = [];
  let next = -Infinity;
  let timer: ReturnType<typeof setTimeout> | null = null;

  const pump = () => {
    timer = null;
    while (queue.length > 0) {
      const t = now();
      const windowOpens = starts.length === window ? (starts[0] ?? -Infinity) + 1000 : -Infinity;
      const at = Math.max(next, windowOpens);
      if (at > t) {
        timer = setTimeout(pump, at - t);
        return;
      }
      const waiter = queue.shift();
      if (!waiter || waiter.signal?.aborted) continue;
      starts.push(t);
      if (starts.length > window) starts.shift();
      // A slightly late timer catches up; a long stall restarts the spacing instead of bursting.
      next = (next === -Infinity ? t : Math.max(next, t - interval / 2)) + interval;
      waiter.resolve();
    }
  };

  return {
    take(signal) {
      if (signal?.aborted) return Promise.reject(abortError(signal));
      return new Promise<void>((resolve, reject) => {
        const waiter: Waiter = {
          resolve: () => {
            signal?.removeEventListener('abort', onAbort);
            resolve();
          },
          signal,
        };
        const onAbort = () => {
          const i = queue.indexOf(waiter);
          if (i >= 0) queue.splice(i, 1);
          reject(abortError(signal));
        };
        signal?.addEventListener('abort', onAbort, { once: true });
        queue.push(waiter);
        if (timer === null) pump();
      });
    },
  };
}
