/**
 * Retrying dead letters, one or a million: records are pulled from a stream
 * by a fixed pool of workers (memory stays flat), each goes through the
 * shared `backfill`, and the outcome is stamped on the record. Nothing here
 * knows about terminals or flags.
 */
import { backfill, type BackfillOutcome } from './backfill.js';
import type { Clock, DeadLetterRepository, StripeGateway } from './ports.js';
import { blockingProblems, type DeadLetter, type ErrorDetails } from './record.js';
import type { RetryOptions } from './retry.js';
import { isConnectionError, isCredentialError } from './stripe-errors.js';

export type RetryOutcome =
  | 'patched'
  | 'already-correct'
  | 'would-patch'
  | 'conflict'
  | 'failed-transient'
  | 'failed-permanent'
  | 'skipped';

export interface RecordResult {
  record: DeadLetter;
  outcome: RetryOutcome;
  /** Why it was skipped, conflicted or failed. */
  reason: string | null;
  error: ErrorDetails | null;
  backfill: BackfillOutcome | null;
  /** The record is resolved now (by this run or, for a skip, by someone else). */
  resolved: boolean;
}

export interface RetrySummary {
  targeted: number;
  patched: number;
  alreadyCorrect: number;
  wouldPatch: number;
  conflict: number;
  failedTransient: number;
  failedPermanent: number;
  skipped: number;
}

export interface BulkRetryOptions {
  records: AsyncIterable<DeadLetter>;
  gateway: StripeGateway;
  repository: Pick<DeadLetterRepository, 'recordAttempt' | 'markResolved'>;
  clock: Clock;
  actor: string;
  dryRun: boolean;
  concurrency: number;
  /** Stop taking records after this many. */
  limit?: number;
  /** Skip records that already failed this many times. */
  maxAttempts?: number;
  signal?: AbortSignal;
  retry?: Omit<RetryOptions, 'shouldRetry' | 'retryAfterMs'>;
  onResult?: (result: RecordResult) => void;
}

export interface BulkRetryResult {
  summary: RetrySummary;
  /** Set when the run stopped early: Stripe refused our key, or was unreachable before anything succeeded. */
  fatalError: unknown;
  interrupted: boolean;
}

export function emptySummary(): RetrySummary {
  return { targeted: 0, patched: 0, alreadyCorrect: 0, wouldPatch: 0, conflict: 0, failedTransient: 0, failedPermanent: 0, skipped: 0 };
}

const SUMMARY_FIELD: Record<RetryOutcome, keyof RetrySummary> = {
  patched: 'patched',
  'already-correct': 'alreadyCorrect',
  'would-patch': 'wouldPatch',
  conflict: 'conflict',
  'failed-transient': 'failedTransient',
  'failed-permanent': 'failedPermanent',
  skipped: 'skipped',
};

export function countOutcome(summary: RetrySummary, outcome: RetryOutcome): void {
  summary.targeted++;
  summary[SUMMARY_FIELD[outcome]]++;
}

/** Runs one record: backfill, then stamp it. Shared by bulk runs and `resolve`'s "retry now". */
export async function retryRecord(
  record: DeadLetter,
  opts: Pick<BulkRetryOptions, 'gateway' | 'repository' | 'clock' | 'actor' | 'dryRun' | 'signal' | 'retry' | 'maxAttempts'>,
): Promise<RecordResult> {
  const result = (outcome: RetryOutcome, reason: string | null, error: ErrorDetails | null, b: BackfillOutcome | null, resolved = false): RecordResult => ({
    record,
    outcome,
    reason,
    error,
    backfill: b,
    resolved,
  });
  if (record.resolved) return result('skipped', `already resolved by ${record.resolvedBy ?? 'unknown'}`, null, null, true);
  const invalid = blockingProblems(record);
  if (invalid.length > 0) return result('failed-permanent', `invalid record: ${invalid.join('; ')}`, null, null);
  if (opts.maxAttempts !== undefined && record.attempts >= opts.maxAttempts) {
    return result('skipped', `already failed ${record.attempts} times (--max-attempts ${opts.maxAttempts})`, null, null);
  }

  const outcome = await backfill(record, {
    gateway: opts.gateway,
    dryRun: opts.dryRun,
    ...(opts.signal ? { signal: opts.signal } : {}),
    ...(opts.retry ? { retry: opts.retry } : {}),
  });
  if (opts.dryRun || outcome.kind === 'would-patch') return result(outcome.kind, outcome.reason, outcome.error, outcome);
  // Our key was refused: the record is not at fault, so nothing is stamped on it.
  if (isCredentialError(outcome.cause)) return result(outcome.kind, outcome.reason, outcome.error, outcome);

  const at = opts.clock.now();
  const base = { at, actor: opts.actor, action: 'retry' };
  if (outcome.kind === 'patched' || outcome.kind === 'already-correct') {
    const won = await opts.repository.markResolved(record.id, { ...base, outcome: outcome.kind, resolution: outcome.kind, error: null });
    // Another run resolved it between our read and our write: its history has the resolution.
    return won ? result(outcome.kind, null, null, outcome, true) : result('skipped', 'resolved meanwhile by another run', null, outcome, true);
  }
  const error: ErrorDetails = outcome.error ?? { type: 'conflict', code: null, message: outcome.reason ?? outcome.kind, requestId: null, status: null };
  await opts.repository.recordAttempt(record.id, {
    ...base,
    outcome: outcome.kind,
    error: error.message,
    lastError: error,
    countsAsAttempt: outcome.kind !== 'conflict',
  });
  return result(outcome.kind, outcome.reason, outcome.error, outcome);
}

export async function bulkRetry(opts: BulkRetryOptions): Promise<BulkRetryResult> {
  const summary = emptySummary();
  const iterator = opts.records[Symbol.asyncIterator]();
  let taken = 0;
  let exhausted = false;
  let fatalError: unknown = null;
  let progressed = false;
  let failure: unknown = null;
  let pulling: Promise<unknown> = Promise.resolve();

  // Serialises pulls: an async iterator must not be advanced concurrently.
  const nextRecord = (): Promise<DeadLetter | null> => {
    const pull = pulling.then(async () => {
      if (exhausted || opts.signal?.aborted || fatalError || failure) return null;
      if (opts.limit !== undefined && taken >= opts.limit) return null;
      const step = await iterator.next();
      if (step.done) {
        exhausted = true;
        return null;
      }
      taken++;
      return step.value;
    });
    pulling = pull.catch(() => undefined);
    return pull;
  };

  const worker = async () => {
    for (;;) {
      const record = await nextRecord();
      if (!record) return;
      let result: RecordResult;
      try {
        result = await retryRecord(record, opts);
      } catch (err) {
        if ((err as { name?: string }).name === 'AbortError') return;
        throw err;
      }
      const cause = result.backfill?.cause;
      if (isCredentialError(cause) || (!progressed && isConnectionError(cause))) {
        fatalError ??= cause;
        return;
      }
      if (result.backfill && !isConnectionError(cause)) progressed = true;
      countOutcome(summary, result.outcome);
      opts.onResult?.(result);
    }
  };

  const workers = Array.from({ length: Math.max(1, opts.concurrency) }, () =>
    worker().catch((err: unknown) => {
      failure ??= err;
    }),
  );
  await Promise.all(workers);
  await iterator.return?.();
  if (failure) throw failure;
  return { summary, fatalError, interrupted: Boolean(opts.signal?.aborted) };
}
