/**
 * Evenly spaced request slots, at most `perSecond` starts in any one second.
 * Spacing (rather than a bursty bucket) keeps us under Stripe's sliding-window
 * limits when many workers wait at once. Waiters are released one at a time
 * by a single timer that checks the real clock at each release, so a stalled
 * event loop (GC, a busy core) that fires late cannot release a burst: the
 * last `perSecond` start times are kept and the oldest must be a second old.
 *
 * The limit is a ceiling, not a promise: Stripe's budget is shared with the
 * billing service's own traffic, so a 429 means someone else needs the room.
 * `backOff()` halves the pace (once per second at most: the 429s of one
 * overshoot arrive together) and the pace climbs back linearly to the
 * ceiling, as TCP does, so a contended run settles just under what is left
 * instead of storming.
 */
import { abortError } from './retry.js';

export interface RateLimiter {
  take(signal?: AbortSignal): Promise<void>;
  /** Stripe answered 429 to a request this limiter let through; true when that slowed the pace. */
  backOff(): boolean;
  /** Requests per second allowed now: the ceiling, or less after a back-off. */
  currentRate(): number;
}

interface Waiter {
  resolve(): void;
  signal: AbortSignal | undefined;
}

/** What a back-off keeps of the pace. */
const BACK_OFF_FACTOR = 0.5;
/** Share of the ceiling regained each second without a 429: half to full in 10 s. */
const RECOVERY_PER_SECOND = 0.05;
/** The 429s answered to requests already in flight belong to the same overshoot. */
const BACK_OFF_QUIET_MS = 1000;

export function createRateLimiter(perSecond: number, now: () => number = () => performance.now()): RateLimiter {
  if (!Number.isFinite(perSecond) || perSecond <= 0) throw new RangeError(`rate must be > 0, got ${perSecond}`);
  const floorRate = Math.min(perSecond, 1);
  const starts: number[] = [];
  const queue: Waiter[] = [];
  let next = -Infinity;
  let timer: ReturnType<typeof setTimeout> | null = null;
  let reduced: { rate: number; at: number } | null = null;

  const rateAt = (t: number): number =>
    reduced ? Math.min(perSecond, reduced.rate + perSecond * RECOVERY_PER_SECOND * ((t - reduced.at) / 1000)) : perSecond;

  const pump = () => {
    timer = null;
    while (queue.length > 0) {
      const t = now();
      const rate = rateAt(t);
      const interval = 1000 / rate;
      const window = Math.max(1, Math.floor(rate));
      const windowOpens = starts.length >= window ? (starts[starts.length - window] ?? -Infinity) + 1000 : -Infinity;
      const at = Math.max(next, windowOpens);
      if (at > t) {
        timer = setTimeout(pump, at - t);
        return;
      }
      const waiter = queue.shift();
      if (!waiter || waiter.signal?.aborted) continue;
      starts.push(t);
      if (starts.length > Math.max(1, Math.floor(perSecond))) starts.shift();
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
    backOff() {
      const t = now();
      if (reduced && t - reduced.at < BACK_OFF_QUIET_MS) return false;
      reduced = { rate: Math.max(floorRate, rateAt(t) * BACK_OFF_FACTOR), at: t };
      return true;
    },
    currentRate: () => rateAt(now()),
  };
}
