import type { EmulatorStats, RequestLogEntry } from './contract.js';

/**
 * The /v1 request log, bounded so a long benchmark cannot exhaust memory: past `capacity` entries
 * the oldest are overwritten. The counters behind stats() are never truncated.
 */
export class RequestLog {
  private entries: RequestLogEntry[] = [];
  private oldest = 0;
  private counters: EmulatorStats = freshCounters();

  constructor(private readonly capacity = 500_000) {}

  record(entry: RequestLogEntry, outcome: { rateLimited: boolean }): void {
    if (entry.method === 'GET') this.counters.reads++;
    else this.counters.writes++;
    const status = String(entry.status);
    this.counters.byStatus[status] = (this.counters.byStatus[status] ?? 0) + 1;
    if (outcome.rateLimited) this.counters.rateLimited++;
    if (this.entries.length < this.capacity) {
      this.entries.push(entry);
    } else {
      this.entries[this.oldest] = entry;
      this.oldest = (this.oldest + 1) % this.capacity;
    }
  }

  /** Entries in the order their responses were decided. */
  list(): RequestLogEntry[] {
    return this.entries.slice(this.oldest).concat(this.entries.slice(0, this.oldest));
  }

  stats(): EmulatorStats {
    return { ...this.counters, byStatus: { ...this.counters.byStatus } };
  }

  clear(): void {
    this.entries = [];
    this.oldest = 0;
    this.counters = freshCounters();
  }
}

function freshCounters(): EmulatorStats {
  return { reads: 0, writes: 0, byStatus: {}, rateLimited: 0 };
}
