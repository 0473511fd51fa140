import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { retryWithBackoff, sleep } from './retry.js';

function failing(times: number, error: unknown = new Error('boom')) {
  let calls = 0;
  const fn = vi.fn(async () => {
    calls++;
    if (calls <= times) throw error;
    return 'ok';
  });
  return fn;
}

describe('retryWithBackoff', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('waits baseMs * 2**i between attempts (200 ms, 400 ms) and succeeds on the third', async () => {
    const fn = failing(2);
    const delays: number[] = [];
    const p = retryWithBackoff(fn, { attempts: 3, baseMs: 200, onRetry: ({ delayMs }) => delays.push(delayMs) });
    await vi.advanceTimersByTimeAsync(199);
    expect(fn).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(fn).toHaveBeenCalledTimes(2);
    await vi.advanceTimersByTimeAsync(399);
    expect(fn).toHaveBeenCalledTimes(2);
    await vi.advanceTimersByTimeAsync(1);
    await expect(p).resolves.toBe('ok');
    expect(fn).toHaveBeenCalledTimes(3);
    expect(delays).toEqual([200, 400]);
  });

  it('rethrows the last error unchanged after the last attempt, with no delay after it', async () => {
    const errors = [new Error('first'), new Error('second'), new Error('third')];
    let i = 0;
    const fn = vi.fn(async () => {
      throw errors[i++];
    });
    const p = retryWithBackoff(fn, { attempts: 3, baseMs: 100 });
    const assertion = expect(p).rejects.toBe(errors[2]);
    await vi.advanceTimersByTimeAsync(300);
    await assertion;
    expect(fn).toHaveBeenCalledTimes(3);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('does not retry or wait when shouldRetry says no', async () => {
    const permanent = Object.assign(new Error('bad request'), { type: 'StripeInvalidRequestError' });
    const fn = failing(5, permanent);
    const shouldRetry = vi.fn(() => false);
    await expect(retryWithBackoff(fn, { attempts: 3, baseMs: 200, shouldRetry })).rejects.toBe(permanent);
    expect(fn).toHaveBeenCalledTimes(1);
    expect(shouldRetry).toHaveBeenCalledWith(permanent, 1);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('honours a longer server-requested delay (Retry-After) and caps a single delay', async () => {
    const fn = failing(2);
    const delays: number[] = [];
    const p = retryWithBackoff(fn, {
      attempts: 3,
      baseMs: 10,
      maxDelayMs: 5_000,
      retryAfterMs: () => 60_000,
      onRetry: ({ delayMs }) => delays.push(delayMs),
    });
    await vi.advanceTimersByTimeAsync(10_000);
    await expect(p).resolves.toBe('ok');
    expect(delays).toEqual([5_000, 5_000]);
  });

  it('uses the backoff when the server asks for less than it', async () => {
    const fn = failing(1);
    const delays: number[] = [];
    const p = retryWithBackoff(fn, { baseMs: 200, retryAfterMs: () => 50, onRetry: ({ delayMs }) => delays.push(delayMs) });
    await vi.advanceTimersByTimeAsync(200);
    await expect(p).resolves.toBe('ok');
    expect(delays).toEqual([200]);
  });

  it('stops waiting out a backoff as soon as the signal aborts', async () => {
    const controller = new AbortController();
    const fn = failing(5);
    const p = retryWithBackoff(fn, { attempts: 5, baseMs: 10_000, signal: controller.signal });
    const assertion = expect(p).rejects.toMatchObject({ name: 'AbortError' });
    await vi.advanceTimersByTimeAsync(50);
    controller.abort();
    await assertion;
    expect(fn).toHaveBeenCalledTimes(1);
  });

  it.each([
    [{ attempts: 0 }, /attempts/],
    [{ attempts: 1.5 }, /attempts/],
    [{ attempts: Number.NaN }, /attempts/],
    [{ baseMs: -1 }, /baseMs/],
    [{ baseMs: Number.POSITIVE_INFINITY }, /baseMs/],
    [{ shouldRetry: 'yes' }, /shouldRetry/],
  ])('rejects invalid options %o with a TypeError before calling fn', async (options, message) => {
    const fn = vi.fn(async () => 'ok');
    await expect(retryWithBackoff(fn, options as never)).rejects.toThrow(TypeError);
    await expect(retryWithBackoff(fn, options as never)).rejects.toThrow(message);
    expect(fn).not.toHaveBeenCalled();
  });

  it('sleep rejects at once on an already-aborted signal', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(sleep(1000, controller.signal)).rejects.toMatchObject({ name: 'AbortError' });
  });
});
