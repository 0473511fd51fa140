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

/**
 * How many times one backfill may find its write replayed and write again. A
 * replay after our own read showed the patch missing means the PaymentIntent
 * went back (say, reset by hand) after an earlier write under the same key.
 */
const MAX_WRITE_ROUNDS = 3;

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
  const base = { paymentIntent, intended, reason: null, error: null, idempotencyKey: null };

  let current = paymentIntent;
  for (let round = 0; ; round++) {
    const plan = planMetadata(current.metadata, intended);
    if (plan.action === 'already-correct') {
      // After a replay, someone did write this patch since our first read (a concurrent run).
      return round === 0 ? { ...base, plan, kind: 'already-correct' } : { ...base, plan, paymentIntent: current, kind: 'patched' };
    }
    if (plan.action === 'conflict') return { ...base, plan, paymentIntent: current, kind: 'conflict', reason: plan.reason };

    const violations = metadataLimitViolations(current.metadata, plan.patch);
    if (violations.length > 0) throw new PlanRefusal(violations.join('; '));
    const key = idempotencyKey(target.paymentIntentId, plan.patch, round);
    if (opts.dryRun) return { ...base, plan, kind: 'would-patch', idempotencyKey: key };

    const update = await gateway.updatePaymentIntentMetadata(target.paymentIntentId, plan.patch, { idempotencyKey: key, signal });
    if (!update.replayed) {
      if (update.paymentIntent.metadata.stripeSessionId !== target.stripeSessionId) {
        throw new PlanRefusal(`Stripe answered the update but the PaymentIntent carries stripeSessionId ${update.paymentIntent.metadata.stripeSessionId ?? '(none)'}`);
      }
      return { ...base, plan, paymentIntent: update.paymentIntent, kind: 'patched', idempotencyKey: key };
    }
    // A replay is Stripe's copy of an earlier write, not a write now, and its
    // body shows the state back then: read the PaymentIntent again to know.
    if (round + 1 >= MAX_WRITE_ROUNDS) {
      throw new PlanRefusal(`Stripe replayed ${MAX_WRITE_ROUNDS} earlier writes of this patch: the PaymentIntent keeps losing its metadata; find out what resets it`);
    }
    current = await gateway.retrievePaymentIntent(target.paymentIntentId, { signal });
  }
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
