/** The JSON shape of a record in every command's --json output (a contract: add, never rename). */
import type { DeadLetter, ErrorDetails, HistoryEntry } from '../../core/record.js';
import { isoOrNull } from '../../io/format.js';

export interface RecordJson {
  id: string;
  paymentIntentId: string;
  stripeSessionId: string;
  failedAt: string | null;
  resolved: boolean;
  resolvedAt: string | null;
  resolvedBy: string | null;
  attempts: number;
  error: string | null;
  lastError: ErrorDetails | null;
  lastAttemptAt: string | null;
  resolution: string | null;
  resolutionNote: string | null;
  problems: string[];
}

export function recordJson(record: DeadLetter): RecordJson {
  return {
    id: record.id,
    paymentIntentId: record.paymentIntentId,
    stripeSessionId: record.stripeSessionId,
    failedAt: isoOrNull(record.failedAt),
    resolved: record.resolved,
    resolvedAt: isoOrNull(record.resolvedAt),
    resolvedBy: record.resolvedBy,
    attempts: record.attempts,
    error: record.error,
    lastError: record.lastError,
    lastAttemptAt: isoOrNull(record.lastAttemptAt),
    resolution: record.resolution,
    resolutionNote: record.resolutionNote,
    problems: record.problems,
  };
}

export function historyJson(entry: HistoryEntry): Record<string, unknown> {
  return { ...entry, at: entry.at.toISOString() };
}

export function stateOf(record: DeadLetter): string {
  if (record.resolved) return record.resolution ? `resolved (${record.resolution})` : 'resolved';
  return record.problems.length > 0 ? 'unresolved (invalid)' : 'unresolved';
}

/** The message to show for a record's failure: ours when we have one, else upstream's. */
export function lastErrorText(record: DeadLetter): string {
  return record.lastError?.message ?? record.error ?? '';
}
