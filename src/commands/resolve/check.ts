/**
 * What `resolve` must know before marking a record fixed by hand: does the
 * PaymentIntent really carry the record's session id? A record marked
 * resolved while the metadata is wrong hides a customer whose refunds will
 * never be credited, so the answer decides, not the operator's memory.
 */
import type { DeadLetterRepository } from '../../core/ports.js';
import type { DeadLetter } from '../../core/record.js';
import { describeError } from '../../errors.js';
import type { Output } from '../../io/output.js';
import { isDependencyFailure, isMissingObject, refundsToReplay, type StripeView } from '../shared/stripe-view.js';
import { replayWarning } from '../show/render.js';

/** Long enough for a ticket link and a sentence; a record is not a wiki. */
export const NOTE_MAX = 2000;

export interface Refusal {
  reason: string;
  hint: string;
}

const FORCE_HINT = '--force if it was fixed another way';

function metadataGap(record: DeadLetter, view: StripeView): string {
  const pi = `PaymentIntent ${record.paymentIntentId}`;
  const have = view.metadata?.stripeSessionId;
  if (have !== record.stripeSessionId) {
    return have ? `${pi} metadata has stripeSessionId ${have}, not ${record.stripeSessionId}` : `${pi} metadata has no stripeSessionId (expected ${record.stripeSessionId})`;
  }
  if (view.plan?.action === 'conflict') return `${pi}: ${view.plan.reason}`;
  const keys = view.plan?.action === 'patch' ? Object.keys(view.plan.patch) : [];
  return `${pi} metadata still lacks ${keys.join(', ')}`;
}

/** Why the record must not be resolved as things stand in Stripe; null when it may. */
export function refusalFor(record: DeadLetter, view: StripeView): Refusal | null {
  if (view.error) {
    if (isDependencyFailure(view)) {
      const described = describeError(view.cause);
      return { reason: `could not check ${record.paymentIntentId}: ${described.message}`, hint: described.hint ?? `try again, or ${FORCE_HINT}` };
    }
    if (isMissingObject(view)) {
      return { reason: `${view.error.message} (resource_missing): nothing in Stripe shows the purchase was settled`, hint: `pass --force (with --note) if it was settled another way` };
    }
    return { reason: `could not check ${record.paymentIntentId}: ${view.error.message}`, hint: `try again, or ${FORCE_HINT}` };
  }
  if (view.plan?.action === 'already-correct') return null;
  const hint =
    view.plan?.action === 'conflict'
      ? `the PaymentIntent belongs to another purchase: investigate, then ${FORCE_HINT}`
      : `run \`billing-backfill retry ${record.id}\` to patch it, or ${FORCE_HINT}`;
  return { reason: metadataGap(record, view), hint };
}

export function alreadyResolvedText(record: DeadLetter): string {
  const when = record.resolvedAt ? record.resolvedAt.toISOString() : 'an unknown time';
  return `record ${record.id} is already resolved, by ${record.resolvedBy ?? 'unknown'} at ${when}${record.resolution ? ` (${record.resolution})` : ''}`;
}

/** The manual resolution, stamped like every other state change (history, actor, note). */
export function markManual(repository: DeadLetterRepository, record: DeadLetter, opts: { at: Date; actor: string; note: string | null }): Promise<boolean> {
  return repository.markResolved(record.id, {
    at: opts.at,
    actor: opts.actor,
    action: 'resolve',
    outcome: 'manual',
    resolution: 'manual',
    resolutionNote: opts.note,
    note: opts.note,
    error: null,
  });
}

/**
 * Once a record is resolved nobody looks at it again: say now if a refund
 * still needs replaying. `patched`: this run just fixed the metadata.
 */
export function warnUnreplayedRefunds(output: Output, record: DeadLetter, view: StripeView | null | undefined, patched = false): void {
  const refunds = view ? refundsToReplay(view) : [];
  if (!view || refunds.length === 0) return;
  const pending = !patched && view.plan?.action === 'patch';
  output.warn(`${record.id}: ${replayWarning(record, refunds, pending)} (${refunds.map((r) => r.id).join(', ')})`);
}
