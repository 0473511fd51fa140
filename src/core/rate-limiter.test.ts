import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createRateLimiter } from './rate-limiter.js';

describe('createRateLimiter', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('spaces concurrent callers evenly: never more than `perSecond` starts in any second', async () => {
    const limiter = createRateLimiter(10, () => Date.now());
    const starts: number[] = [];
    const t0 = Date.now();
    const all = Promise.all(Array.from({ length: 25 }, () => limiter.take().then(() => starts.push(Date.now() - t0))));
    await vi.advanceTimersByTimeAsync(3000);
    await all;
    expect(starts).toHaveLength(25);
    for (let i = 0; i < starts.length; i++) {
      const inWindow = starts.filter((s) => s >= starts[i]! && s < starts[i]! + 1000).length;
      expect(inWindow).toBeLessThanOrEqual(10);
    }
    expect(Math.max(...starts)).toBe(2400);
  });

  it('does not make an idle caller wait', async () => {
    const limiter = createRateLimiter(2, () => Date.now());
    await limiter.take();
    await vi.advanceTimersByTimeAsync(5000);
    const before = Date.now();
    await limiter.take();
    expect(Date.now() - before).toBe(0);
  });

  it('rejects a non-positive rate', () => {
    expect(() => createRateLimiter(0)).toThrow(RangeError);
    expect(() => createRateLimiter(Number.NaN)).toThrow(RangeError);
  });
});

describe('createRateLimiter under a stalled event loop', () => {
  it('does not release a burst when its timer fires late', async () => {
    let clock = 0;
    const limiter = createRateLimiter(20, () => clock);
    const starts: number[] = [];
    vi.useFakeTimers();
    try {
      const all = Promise.all(Array.from({ length: 60 }, () => limiter.take().then(() => starts.push(clock))));
      // Advance in coarse 300 ms jumps: every timer fires up to 300 ms late, as under a stall.
      for (let i = 0; i < 400 && starts.length < 60; i++) {
        clock += 300;
        await vi.advanceTimersByTimeAsync(300);
      }
      await all;
    } finally {
      vi.useRealTimers();
    }
    expect(starts).toHaveLength(60);
    for (const s of starts) expect(starts.filter((x) => x >= s && x < s + 1000).length).toBeLessThanOrEqual(20);
  });

  it('an aborted waiter leaves the queue and rejects', async () => {
    const limiter = createRateLimiter(1);
    await limiter.take();
    const controller = new AbortController();
    const waiting = limiter.take(controller.signal);
    controller.abort();
    await expect(waiting).rejects.toMatchObject({ name: 'AbortError' });
  });
});
