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

describe('createRateLimiter backing off on 429s', () => {
  /** Starts of `count` back-to-back waiters on a fake clock that only moves with the timers. */
  async function startsOf(limiter: ReturnType<typeof createRateLimiter>, count: number, clock: { t: number }): Promise<number[]> {
    const starts: number[] = [];
    const all = Promise.all(Array.from({ length: count }, () => limiter.take().then(() => starts.push(clock.t))));
    for (let i = 0; i < 100_000 && starts.length < count; i++) {
      clock.t += 10;
      await vi.advanceTimersByTimeAsync(10);
    }
    await all;
    return starts;
  }

  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('halves the pace at once and climbs back to the ceiling, 5% of it a second', async () => {
    const clock = { t: 0 };
    const limiter = createRateLimiter(40, () => clock.t);
    expect(limiter.currentRate()).toBe(40);
    expect(limiter.backOff()).toBe(true);
    expect(limiter.currentRate()).toBe(20);
    clock.t += 4000;
    expect(limiter.currentRate()).toBeCloseTo(28, 5);
    clock.t += 6000;
    expect(limiter.currentRate()).toBe(40);
    clock.t += 60_000;
    expect(limiter.currentRate()).toBe(40);
  });

  it('takes the 429s of one overshoot as one: a second back-off within a second does nothing', () => {
    const clock = { t: 0 };
    const limiter = createRateLimiter(40, () => clock.t);
    expect(limiter.backOff()).toBe(true);
    clock.t += 500;
    expect(limiter.backOff()).toBe(false);
    expect(limiter.currentRate()).toBeCloseTo(21, 5);
    clock.t += 600;
    expect(limiter.backOff()).toBe(true);
    // 20/s regained 2/s for 1.1 s: 22.2, halved.
    expect(limiter.currentRate()).toBeCloseTo(11.1, 5);
  });

  it('never drops below one request a second, however many 429s', () => {
    const clock = { t: 0 };
    const limiter = createRateLimiter(4, () => clock.t);
    for (let i = 0; i < 20; i++) {
      clock.t += 1000;
      expect(limiter.backOff()).toBe(true);
      expect(limiter.currentRate()).toBeGreaterThanOrEqual(1);
    }
    expect(limiter.currentRate()).toBe(1);
  });

  it('releases requests at the slowed pace, then at the ceiling again', async () => {
    const clock = { t: 0 };
    const limiter = createRateLimiter(20, () => clock.t);
    limiter.backOff();
    const slowed = await startsOf(limiter, 10, clock);
    // 10 requests at ~10/s span about 0.9 s; at the ceiling they would span 0.45 s.
    expect(slowed.at(-1)! - slowed[0]!).toBeGreaterThanOrEqual(800);
    for (const s of slowed) expect(slowed.filter((x) => x >= s && x < s + 1000).length).toBeLessThanOrEqual(11);
    clock.t += 20_000;
    await vi.advanceTimersByTimeAsync(20_000);
    const recovered = await startsOf(limiter, 20, clock);
    expect(recovered.at(-1)! - recovered[0]!).toBeLessThanOrEqual(1000);
    for (const s of recovered) expect(recovered.filter((x) => x >= s && x < s + 1000).length).toBeLessThanOrEqual(20);
  });
});
