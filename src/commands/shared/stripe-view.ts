/**
 * The Stripe side of a dead letter, as `show` and `resolve` present it: the
 * dry-run plan of the shared backfill (so what we show is exactly what
 * `retry` would do), and the refunds that happened while the PaymentIntent's
 * metadata could not route them to the purchase.
 */
import { backfill } from '../../core/backfill.js';
import type { Plan } from '../../core/metadata.js';
import type { CallOptions, Metadata, RefundSnapshot, StripeGateway } from '../../core/ports.js';
import { blockingProblems, type DeadLetter, type ErrorDetails } from '../../core/record.js';
import { DEFAULT_RETRY, retryWithBackoff } from '../../core/retry.js';
import { errorDetails, isAbortError, isConnectionError, isCredentialError, isTransientStripeError, retryAfterMs } from '../../core/stripe-errors.js';
import { isoOrNull } from '../../io/format.js';

export interface RefundView extends RefundSnapshot {
  /** Created while the metadata was still missing: its charge.refunded event was not credited. */
  beforeFix: boolean;
}

export interface StripeView {
  paymentIntentId: string;
  status: string | null;
  metadata: Metadata | null;
  intended: Metadata | null;
  plan: Plan | null;
  refunds: RefundView[];
  /** The dry run failed (e.g. resource_missing): status, metadata and plan are unknown. */
  error: ErrorDetails | null;
  refundsError: ErrorDetails | null;
  /** The raw failure behind `error` or `refundsError`, for callers that stop on credential or network errors. */
  cause: unknown;
}

type Read<T> = (id: string, opts?: CallOptions) => Promise<T>;

/**
 * Keeps a transient failure out of the cache: the backfill's own retry must
 * reach Stripe again, not replay the cached rejection.
 */
function memoized<T>(read: Read<T>): Read<T> {
  const cache = new Map<string, Promise<T>>();
  return (id, opts) => {
    let hit = cache.get(id);
    if (!hit) {
      hit = read(id, opts);
      cache.set(id, hit);
      hit.catch((err: unknown) => {
        if (isTransientStripeError(err) || isAbortError(err)) cache.delete(id);
      });
    }
    return hit;
  };
}

/** Reads memoized per object id, so records sharing a PaymentIntent cost one fetch. Writes pass through. */
function cachingReads(gateway: StripeGateway): StripeGateway {
  return {
    retrievePaymentIntent: memoized((id, opts) => gateway.retrievePaymentIntent(id, opts)),
    retrieveCheckoutSession: memoized((id, opts) => gateway.retrieveCheckoutSession(id, opts)),
    listRefunds: memoized((id, opts) => gateway.listRefunds(id, opts)),
    updatePaymentIntentMetadata: (id, metadata, opts) => gateway.updatePaymentIntentMetadata(id, metadata, opts),
  };
}

function listRefunds(gateway: StripeGateway, paymentIntentId: string, signal?: AbortSignal): Promise<RefundSnapshot[]> {
  return retryWithBackoff(() => gateway.listRefunds(paymentIntentId, signal ? { signal } : {}), {
    ...DEFAULT_RETRY,
    ...(signal ? { signal } : {}),
    shouldRetry: (err) => isTransientStripeError(err),
    retryAfterMs: (err) => retryAfterMs(err),
  });
}

function failedView(record: DeadLetter, error: ErrorDetails, cause: unknown): StripeView {
  return { paymentIntentId: record.paymentIntentId, status: null, metadata: null, intended: null, plan: null, refunds: [], error, refundsError: null, cause };
}

export async function stripeView(record: DeadLetter, gateway: StripeGateway, signal?: AbortSignal): Promise<StripeView> {
  const invalid = blockingProblems(record);
  if (invalid.length > 0) {
    return failedView(record, { type: 'invalid-record', code: null, message: `not sent to Stripe: ${invalid.join('; ')}`, requestId: null, status: null }, null);
  }
  // A dry run reads and plans but never writes, whatever the plan says.
  const outcome = await backfill(record, { gateway, dryRun: true, ...(signal ? { signal } : {}) });
  if (!outcome.paymentIntent || outcome.error) {
    const error = outcome.error ?? { type: null, code: null, message: outcome.reason ?? outcome.kind, requestId: null, status: null };
    return failedView(record, error, outcome.cause);
  }

  let refunds: RefundView[] = [];
  let refundsError: ErrorDetails | null = null;
  let cause: unknown = null;
  try {
    const fixedAt = record.resolvedAt;
    refunds = (await listRefunds(gateway, record.paymentIntentId, signal))
      .map((r) => ({ ...r, beforeFix: fixedAt ? r.created < fixedAt : true }))
      .sort((a, b) => a.created.getTime() - b.created.getTime());
  } catch (err) {
    if (isAbortError(err)) throw err;
    refundsError = errorDetails(err);
    cause = err;
  }
  return {
    paymentIntentId: record.paymentIntentId,
    status: outcome.paymentIntent.status,
    metadata: outcome.paymentIntent.metadata,
    intended: outcome.intended,
    plan: outcome.plan,
    refunds,
    error: null,
    refundsError,
    cause,
  };
}

/** One view per record, in order; Stripe is read once per PaymentIntent (and session). */
export async function stripeViews(records: DeadLetter[], gateway: StripeGateway, signal?: AbortSignal): Promise<Map<string, StripeView>> {
  const cached = cachingReads(gateway);
  const views = new Map<string, StripeView>();
  for (const record of records) views.set(record.id, await stripeView(record, cached, signal));
  return views;
}

/** Refunds whose charge.refunded event must be replayed once the metadata is right. */
export function refundsToReplay(view: StripeView): RefundView[] {
  return view.refunds.filter((r) => r.beforeFix && r.status !== 'failed' && r.status !== 'canceled');
}

/** Stripe refused our key or could not be reached: nothing about the record itself is known. */
export function isDependencyFailure(view: StripeView | null | undefined): boolean {
  return Boolean(view?.cause) && (isCredentialError(view?.cause) || isConnectionError(view?.cause));
}

export function isMissingObject(view: StripeView): boolean {
  return view.error?.code === 'resource_missing';
}

export function stripeViewJson(view: StripeView) {
  return {
    paymentIntentId: view.paymentIntentId,
    status: view.status,
    metadata: view.metadata,
    intended: view.intended,
    plan: view.plan?.action ?? null,
    patch: view.plan?.action === 'patch' ? view.plan.patch : null,
    reason: view.plan?.action === 'conflict' ? view.plan.reason : null,
    refunds: view.refunds.map((r) => ({
      id: r.id,
      amount: r.amount,
      currency: r.currency,
      chargeId: r.chargeId,
      created: isoOrNull(r.created),
      status: r.status,
      beforeFix: r.beforeFix,
    })),
    ...(view.error ? { error: view.error.message, errorDetails: view.error } : {}),
    ...(view.refundsError ? { refundsError: view.refundsError.message } : {}),
  };
}
