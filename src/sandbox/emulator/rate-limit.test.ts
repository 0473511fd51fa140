import { describe, expect, it } from 'vitest';
import { SlidingWindowLimiter } from './rate-limit.js';

describe('SlidingWindowLimiter', () => {
  it('admits `limit` requests per rolling second', () => {
    const limiter = new SlidingWindowLimiter(3);
    expect([0, 100, 200, 300].map((t) => limiter.tryAcquire(t))).toEqual([true, true, true, false]);
    expect(limiter.tryAcquire(999)).toBe(false);
    expect(limiter.tryAcquire(1000)).toBe(true); // the request at 0 left the window
    expect(limiter.tryAcquire(1050)).toBe(false);
    expect(limiter.tryAcquire(1100)).toBe(true);
  });

  it('does not let rejected requests occupy the window', () => {
    const limiter = new SlidingWindowLimiter(1);
    expect(limiter.tryAcquire(0)).toBe(true);
    for (let t = 10; t < 1000; t += 10) expect(limiter.tryAcquire(t)).toBe(false);
    expect(limiter.tryAcquire(1000)).toBe(true);
  });

  it('treats null and 0 as unlimited and can be reconfigured', () => {
    const limiter = new SlidingWindowLimiter(null);
    for (let i = 0; i < 1000; i++) expect(limiter.tryAcquire(0)).toBe(true);
    limiter.setLimit(0);
    expect(limiter.tryAcquire(0)).toBe(true);
    limiter.setLimit(2);
    expect([limiter.tryAcquire(1), limiter.tryAcquire(2), limiter.tryAcquire(3)]).toEqual([true, true, false]);
  });

  it('stays correct across many windows (compaction)', () => {
    const limiter = new SlidingWindowLimiter(10);
    let admitted = 0;
    for (let t = 0; t < 100_000; t += 5) if (limiter.tryAcquire(t)) admitted++;
    expect(admitted).toBe(1000);
  });
});
