/**
 * retryWithBackoff with the upstream billing service's semantics (validation
 * TypeErrors, delays baseMs * 2**i, the last error rethrown unchanged, no
 * delay after a non-retryable error), plus what an operator tool needs: a
 * server-requested delay (Retry-After) is honoured, a single delay is capped,
 * and an AbortSignal cuts a backoff short.
 */

export interface RetryOptions {
  attempts?: number;
  baseMs?: number;
  /** Upper bound for a single delay, including one asked for by the server. */
  maxDelayMs?: number;
  shouldRetry?: (err: unknown, attempt: number) => boolean;
  /** Delay the failed call asked for (e.g. Retry-After), or null. */
  retryAfterMs?: (err: unknown) => number | null;
  signal?: AbortSignal;
  onRetry?: (info: { attempt: number; delayMs: number; error: unknown }) => void;
}

export const DEFAULT_RETRY = { attempts: 3, baseMs: 200, maxDelayMs: 10_000 } as const;

export function abortError(signal?: AbortSignal): Error {
  const reason: unknown = signal?.reason;
  if (reason instanceof Error && reason.name === 'AbortError') return reason;
  const err = new Error('the operation was aborted');
  err.name = 'AbortError';
  return err;
}

/** setTimeout-based (fake timers drive it in tests); rejects with an AbortError on abort. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return Promise.reject(abortError(signal));
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(abortError(signal));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

function validate(attempts: unknown, baseMs: unknown, maxDelayMs: unknown, shouldRetry: unknown): void {
  if (typeof attempts !== 'number' || !Number.isInteger(attempts) || attempts < 1) {
    throw new TypeError(`retryWithBackoff: attempts must be an integer >= 1, got ${String(attempts)}`);
  }
  if (typeof baseMs !== 'number' || !Number.isFinite(baseMs) || baseMs < 0) {
    throw new TypeError(`retryWithBackoff: baseMs must be a finite number >= 0, got ${String(baseMs)}`);
  }
  if (typeof maxDelayMs !== 'number' || Number.isNaN(maxDelayMs) || maxDelayMs < 0) {
    throw new TypeError(`retryWithBackoff: maxDelayMs must be a number >= 0, got ${String(maxDelayMs)}`);
  }
  if (typeof shouldRetry !== 'function') {
    throw new TypeError('retryWithBackoff: shouldRetry must be a function');
  }
}

export async function retryWithBackoff<T>(fn: (attempt: number) => Promise<T>, options: RetryOptions = {}): Promise<T> {
  const {
    attempts = DEFAULT_RETRY.attempts,
    baseMs = DEFAULT_RETRY.baseMs,
    maxDelayMs = DEFAULT_RETRY.maxDelayMs,
    shouldRetry = () => true,
    retryAfterMs,
    signal,
    onRetry,
  } = options;
  validate(attempts, baseMs, maxDelayMs, shouldRetry);

  for (let i = 0; ; i++) {
    if (signal?.aborted) throw abortError(signal);
    try {
      return await fn(i + 1);
    } catch (err) {
      const last = i + 1 >= attempts;
      if (last || !shouldRetry(err, i + 1)) throw err;
      const asked = retryAfterMs?.(err) ?? null;
      const delayMs = Math.min(maxDelayMs, Math.max(baseMs * 2 ** i, asked ?? 0));
      onRetry?.({ attempt: i + 1, delayMs, error: err });
      await sleep(delayMs, signal);
    }
  }
}
