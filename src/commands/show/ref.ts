/** The `<ref>` argument of `show` and `resolve`: a record id, a pi_… or a cs_…. */
import type { DeadLetterRepository } from '../../core/ports.js';
import { parseRef, type DeadLetter } from '../../core/record.js';
import { RecordsFailedError, UsageError } from '../../errors.js';

/** Every record the ref designates, oldest first (possibly none); a malformed ref is a usage error. */
export function findRecords(repository: DeadLetterRepository, ref: string): Promise<DeadLetter[]> {
  const parsed = parseRef(ref);
  if (!parsed) {
    throw new UsageError(`"${ref}" is not a record id, PaymentIntent or Checkout Session id`, 'expected 24 hex characters (see `billing-backfill list`), pi_… or cs_…');
  }
  return repository.findByRef(parsed.value);
}

export function noMatch(ref: string): RecordsFailedError {
  return new RecordsFailedError(`no record matches ${ref}`, 'search with `billing-backfill list --any` (--pi, --session)');
}
