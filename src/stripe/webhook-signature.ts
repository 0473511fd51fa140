/**
 * The one place that checks a webhook's Stripe-Signature, with the SDK's own
 * constructEvent (HMAC over the raw body plus the timestamp tolerance). The
 * SDK's messages can quote part of the secret, so callers get our own words.
 */
import Stripe from 'stripe';
import { UsageError } from '../errors.js';
import type { Verification, WebhookVerifier } from '../webhook/ports.js';

export const SIGNATURE_TOLERANCE_SECONDS = 300;

// The characters redactSecrets recognises, so a valid secret is always redacted.
const WEBHOOK_SECRET = /^whsec_[A-Za-z0-9_+/=]+$/;

export function parseWebhookSecret(value: string): string {
  const secret = value.trim();
  if (!WEBHOOK_SECRET.test(secret)) {
    // Never echo the value: it may be a real secret with a typo.
    throw new UsageError('the webhook signing secret is malformed', 'expected whsec_… (--secret / STRIPE_WEBHOOK_SECRET)');
  }
  return secret;
}

function isSignatureError(err: unknown): boolean {
  return err instanceof Stripe.errors.StripeSignatureVerificationError;
}

function reasonOf(err: unknown): string {
  if (!isSignatureError(err)) return 'the body is not a JSON event';
  return /tolerance/i.test((err as Error).message) ? 'the signature timestamp is outside the 300 s tolerance' : 'the signature does not match the body';
}

export function createWebhookVerifier(secret: string, toleranceSeconds = SIGNATURE_TOLERANCE_SECONDS): WebhookVerifier {
  return {
    verify(payload, signatureHeader, now): Verification {
      if (!signatureHeader) return { ok: false, reason: 'no Stripe-Signature header' };
      let event: unknown;
      try {
        event = Stripe.webhooks.constructEvent(payload, signatureHeader, secret, toleranceSeconds, undefined, now.getTime());
      } catch (err) {
        return { ok: false, reason: reasonOf(err) };
      }
      const e = event && typeof event === 'object' ? (event as { id?: unknown; type?: unknown; data?: { object?: unknown } }) : {};
      if (typeof e.id !== 'string' || e.id === '' || typeof e.type !== 'string') return { ok: false, reason: 'the body is not a Stripe event (no id or type)' };
      return { ok: true, event: { id: e.id, type: e.type, object: e.data?.object } };
    },
  };
}
