/**
 * Admits at most `limit` requests in any rolling window (one second by default). Only admitted
 * requests occupy the window, so a client that keeps pushing still gets `limit` requests per second
 * through, like a token bucket, rather than being locked out for as long as it retries.
 */
export class SlidingWindowLimiter {
  private admitted: number[] = [];
  private head = 0;

  constructor(
    private limit: number | null,
    private readonly windowMs = 1000,
  ) {}

  /** null or 0 means unlimited. */
  setLimit(limit: number | null): void {
    this.limit = limit;
  }

  tryAcquire(now: number): boolean {
    if (!this.limit) return true;
    while (this.head < this.admitted.length && (this.admitted[this.head] as number) <= now - this.windowMs) this.head++;
    if (this.admitted.length - this.head >= this.limit) return false;
    this.admitted.push(now);
    // Compact now and then instead of shifting on every request.
    if (this.head > 1024 && this.head * 2 > this.admitted.length) {
      this.admitted = this.admitted.slice(this.head);
      this.head = 0;
    }
    return true;
  }

  clear(): void {
    this.admitted = [];
    this.head = 0;
  }
}

/** Stripe counts reads (GET) and writes separately; so does the emulator. */
export class RateLimiters {
  private readonly reads: SlidingWindowLimiter;
  private readonly writes: SlidingWindowLimiter;

  constructor(limits: { readsPerSecond: number | null; writesPerSecond: number | null }) {
    this.reads = new SlidingWindowLimiter(limits.readsPerSecond);
    this.writes = new SlidingWindowLimiter(limits.writesPerSecond);
  }

  configure(limits: { readsPerSecond: number | null; writesPerSecond: number | null }): void {
    this.reads.setLimit(limits.readsPerSecond);
    this.writes.setLimit(limits.writesPerSecond);
  }

  tryAcquire(method: string, now: number): boolean {
    return (method === 'GET' ? this.reads : this.writes).tryAcquire(now);
  }

  clear(): void {
    this.reads.clear();
    this.writes.clear();
  }
}
