/**
 * Signs a payload the way Stripe signs a webhook delivery, with the SDK's own
 * test helper, so the demo can send an event the real verifier accepts.
 */
import Stripe from 'stripe';

/** The Stripe-Signature header for `payload`, signed now with `secret` (whsec_…). */
export function signTestPayload(payload: string, secret: string): string {
  return Stripe.webhooks.generateTestHeaderString({ payload, secret });
}
