/**
 * The one backfill operation shared by `retry`, `show`, `resolve` and the
 * webhook: read the PaymentIntent (and the Checkout Session only when the
 * PaymentIntent lacks the purchase keys), plan, and patch with a
 * deterministic idempotency key — retried as a whole on transient errors.
 */
import { idempotencyKey } from './idempotency.js';
import { intendedMetadata, metadataLimitViolations, needsSession, planMetadata, type Plan } from './metadata.js';
import type { CheckoutSessionSnapshot, Metadata, PaymentIntentSnapshot, StripeGateway } from './ports.js';
import type { ErrorDetails } from './record.js';
import { DEFAULT_RETRY, retryWithBackoff, type RetryOptions } from './retry.js';
import { errorDetails, isAbortError, isTransientStripeError, retryAfterMs } from './stripe-errors.js';

export type BackfillOutcomeKind =
  | 'patched'
  | 'already-correct'
  | 'would-patch'
  | 'conflict'
  | 'failed-transient'
  | 'failed-permanent';

export interface BackfillTarget {
  paymentIntentId: string;
  stripeSessionId: string;
}

export interface BackfillOutcome {
  kind: BackfillOutcomeKind;
  paymentIntent: PaymentIntentSnapshot | null;
  intended: Metadata | null;
  plan: Plan | null;
  idempotencyKey: string | null;
  /** Why a conflict or permanent failure happened, in words. */
  reason: string | null;
  error: ErrorDetails | null;
  /** Calls of the whole operation (1 unless a transient error was retried). */
  attempts: number;
  /** The raw error of a failure, for callers that must stop on credential errors. */
  cause?: unknown;
}

export interface BackfillOptions {
  gateway: StripeGateway;
  dryRun?: boolean;
  /** The session from a webhook event: saves the read when the PaymentIntent lacks the keys. */
  session?: CheckoutSessionSnapshot;
  retry?: Omit<RetryOptions, 'shouldRetry' | 'retryAfterMs'>;
  signal?: AbortSignal;
}

/** A failure the plan itself found (no Stripe error involved): never retried. */
class PlanRefusal extends Error {
  override name = 'PlanRefusal';
}

async function attempt(target: BackfillTarget, opts: BackfillOptions): Promise<Omit<BackfillOutcome, 'attempts'>> {
  const { gateway, signal } = opts;
  const paymentIntent = await gateway.retrievePaymentIntent(target.paymentIntentId, { signal });
  let session: CheckoutSessionSnapshot | null = null;
  if (needsSession(paymentIntent.metadata)) {
    session = opts.session ?? (await gateway.retrieveCheckoutSession(target.stripeSessionId, { signal }));
    if (session.paymentIntentId && session.paymentIntentId !== target.paymentIntentId) {
      throw new PlanRefusal(`Checkout Session ${session.id} belongs to PaymentIntent ${session.paymentIntentId}, not ${target.paymentIntentId}`);
    }
  }
  const intended = intendedMetadata(target.stripeSessionId, paymentIntent.metadata, session);
  const plan = planMetadata(paymentIntent.metadata, intended);
  const base = { paymentIntent, intended, plan, reason: null, error: null, idempotencyKey: null };

  if (plan.action === 'already-correct') return { ...base, kind: 'already-correct' };
  if (plan.action === 'conflict') return { ...base, kind: 'conflict', reason: plan.reason };

  const violations = metadataLimitViolations(paymentIntent.metadata, plan.patch);
  if (violations.length > 0) throw new PlanRefusal(violations.join('; '));
  const key = idempotencyKey(target.paymentIntentId, plan.patch);
  if (opts.dryRun) return { ...base, kind: 'would-patch', idempotencyKey: key };

  const updated = await gateway.updatePaymentIntentMetadata(target.paymentIntentId, plan.patch, { idempotencyKey: key, signal });
  // A replayed idempotent response reflects the state when it was first
  // written; trust only metadata that actually carries our session id.
  if (updated.metadata.stripeSessionId !== target.stripeSessionId) {
    throw new PlanRefusal(`Stripe answered the update but the PaymentIntent carries stripeSessionId ${updated.metadata.stripeSessionId ?? '(none)'}`);
  }
  return { ...base, paymentIntent: updated, kind: 'patched', idempotencyKey: key };
}

export async function backfill(target: BackfillTarget, opts: BackfillOptions): Promise<BackfillOutcome> {
  let attempts = 0;
  try {
    const outcome = await retryWithBackoff(
      (n) => {
        attempts = n;
        return attempt(target, opts);
      },
      {
        ...DEFAULT_RETRY,
        ...opts.retry,
        signal: opts.signal,
        shouldRetry: (err) => !(err instanceof PlanRefusal) && isTransientStripeError(err),
        retryAfterMs: (err) => retryAfterMs(err),
      },
    );
    return { ...outcome, attempts };
  } catch (err) {
    if (isAbortError(err)) throw err;
    const refused = err instanceof PlanRefusal;
    const transient = !refused && isTransientStripeError(err);
    const details = refused
      ? { type: 'plan', code: null, message: err.message, requestId: null, status: null }
      : errorDetails(err);
    return {
      kind: transient ? 'failed-transient' : 'failed-permanent',
      paymentIntent: null,
      intended: null,
      plan: null,
      idempotencyKey: null,
      reason: details.message,
      error: details,
      attempts,
      cause: err,
    };
  }
}
