/**
 * What the PaymentIntent's metadata should say, and the smallest change that
 * gets it there without ever overwriting another session's id.
 */
import { PENDING_SESSION_ID } from './record.js';
import type { CheckoutSessionSnapshot, Metadata } from './ports.js';

export const PURCHASE_KIND = 'extras';
/** Copied from the Checkout Session when the PaymentIntent lacks them. */
export const SESSION_KEYS = ['organizationId', 'packId', 'kind'] as const;

export const METADATA_LIMITS = { maxKeys: 50, maxKeyLength: 40, maxValueLength: 500 } as const;

export type Plan =
  | { action: 'patch'; patch: Metadata }
  | { action: 'already-correct' }
  | { action: 'conflict'; reason: string };

/** True when the PaymentIntent still needs the Checkout Session to know the purchase keys. */
export function needsSession(current: Metadata): boolean {
  return SESSION_KEYS.some((key) => !current[key]);
}

/**
 * The metadata the upstream backfill would have written:
 * { organizationId, packId, kind: 'extras', stripeSessionId }. Values already
 * on the PaymentIntent win over the session's (they were set at creation).
 */
export function intendedMetadata(stripeSessionId: string, current: Metadata, session?: CheckoutSessionSnapshot | null): Metadata {
  const intended: Metadata = {};
  for (const key of SESSION_KEYS) {
    const value = current[key] || session?.metadata[key];
    if (value) intended[key] = value;
  }
  if (!intended.kind) intended.kind = PURCHASE_KIND;
  intended.stripeSessionId = stripeSessionId;
  return intended;
}

export function planMetadata(current: Metadata, intended: Metadata): Plan {
  const have = current.stripeSessionId;
  if (have && have !== PENDING_SESSION_ID && have !== intended.stripeSessionId) {
    return {
      action: 'conflict',
      reason: `PaymentIntent already carries stripeSessionId ${have}, not ${intended.stripeSessionId}`,
    };
  }
  if (current.kind && current.kind !== PURCHASE_KIND) {
    return { action: 'conflict', reason: `PaymentIntent kind is "${current.kind}", not "${PURCHASE_KIND}"` };
  }
  const patch: Metadata = {};
  for (const [key, value] of Object.entries(intended)) {
    if (current[key] !== value) patch[key] = value;
  }
  return Object.keys(patch).length === 0 ? { action: 'already-correct' } : { action: 'patch', patch };
}

/** Stripe's metadata limits, checked before sending so a bad record never costs a request. */
export function metadataLimitViolations(current: Metadata, patch: Metadata): string[] {
  const problems: string[] = [];
  const merged = new Set(Object.keys(current));
  for (const [key, value] of Object.entries(patch)) {
    if (value === '') merged.delete(key);
    else merged.add(key);
    if (key.length > METADATA_LIMITS.maxKeyLength) problems.push(`metadata key "${key.slice(0, 50)}" is longer than ${METADATA_LIMITS.maxKeyLength} characters`);
    if (/[[\]]/.test(key)) problems.push(`metadata key "${key}" contains [ or ]`);
    if (value.length > METADATA_LIMITS.maxValueLength) problems.push(`metadata value for "${key}" is longer than ${METADATA_LIMITS.maxValueLength} characters`);
  }
  if (merged.size > METADATA_LIMITS.maxKeys) problems.push(`the PaymentIntent would carry ${merged.size} metadata keys (Stripe allows ${METADATA_LIMITS.maxKeys})`);
  return problems;
}
