/**
 * The upstream billing service's rules for which Checkout Session events get
 * a PaymentIntent backfill, over the raw event object (any shape: it comes
 * off the wire, so nothing is assumed before it is checked).
 */
import { PURCHASE_KIND } from './metadata.js';
import type { CheckoutSessionSnapshot, Metadata } from './ports.js';
import { isRecordId } from './record.js';

/** Both mean "this session is paid now"; the async one follows a delayed payment method. */
export const HANDLED_EVENT_TYPES: readonly string[] = ['checkout.session.completed', 'checkout.session.async_payment_succeeded'];

export type Eligibility =
  | { eligible: true; target: { paymentIntentId: string; stripeSessionId: string }; session: CheckoutSessionSnapshot }
  | { eligible: false; reason: string };

type Raw = Record<string, unknown>;

function asObject(value: unknown): Raw | null {
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as Raw) : null;
}

function nonEmptyString(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? value : null;
}

function metadataOf(value: unknown): Metadata {
  const out: Metadata = {};
  for (const [key, v] of Object.entries(asObject(value) ?? {})) if (typeof v === 'string') out[key] = v;
  return out;
}

/** `payment_intent` is an id, or the whole object when the event was built with it expanded. */
function paymentIntentIdOf(value: unknown): string | null {
  return nonEmptyString(value) ?? nonEmptyString(asObject(value)?.id);
}

export function isHandledEventType(type: string): boolean {
  return HANDLED_EVENT_TYPES.includes(type);
}

export function checkoutSessionEligibility(object: unknown): Eligibility {
  const session = asObject(object);
  const id = nonEmptyString(session?.id);
  if (!session || !id) return { eligible: false, reason: 'the event carries no Checkout Session' };
  const metadata = metadataOf(session.metadata);
  const paymentStatus = nonEmptyString(session.payment_status);
  const paymentIntentId = paymentIntentIdOf(session.payment_intent);

  if (paymentStatus !== 'paid') return { eligible: false, reason: `payment_status is ${paymentStatus ?? 'missing'}, not paid` };
  if (metadata.kind !== PURCHASE_KIND) return { eligible: false, reason: `metadata.kind is ${metadata.kind ?? 'missing'}, not ${PURCHASE_KIND}` };
  if (!metadata.organizationId || !isRecordId(metadata.organizationId)) {
    return { eligible: false, reason: 'metadata.organizationId is missing or not an ObjectId' };
  }
  if (!metadata.packId) return { eligible: false, reason: 'metadata.packId is missing' };
  if (!paymentIntentId) return { eligible: false, reason: 'the session has no payment_intent' };

  return {
    eligible: true,
    target: { paymentIntentId, stripeSessionId: id },
    session: { id, paymentStatus, paymentIntentId, metadata },
  };
}
