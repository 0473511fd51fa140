/** StripeGateway over the stripe SDK: maps Stripe's objects to the core's snapshots. */
import type Stripe from 'stripe';
import type { CallOptions, CheckoutSessionSnapshot, Metadata, PaymentIntentSnapshot, RefundSnapshot, StripeGateway } from '../core/ports.js';
import { abortError } from '../core/retry.js';

function metadataOf(value: Stripe.Metadata | null | undefined): Metadata {
  const out: Metadata = {};
  for (const [key, v] of Object.entries(value ?? {})) if (typeof v === 'string') out[key] = v;
  return out;
}

function idOf(value: string | { id: string } | null | undefined): string | null {
  if (!value) return null;
  return typeof value === 'string' ? value : value.id;
}

function toPaymentIntent(pi: Stripe.PaymentIntent): PaymentIntentSnapshot {
  return { id: pi.id, status: pi.status, metadata: metadataOf(pi.metadata) };
}

function guard(opts?: CallOptions): void {
  if (opts?.signal?.aborted) throw abortError(opts.signal);
}

export function createStripeGateway(stripe: Stripe): StripeGateway {
  return {
    async retrievePaymentIntent(id, opts) {
      guard(opts);
      return toPaymentIntent(await stripe.paymentIntents.retrieve(id));
    },
    async retrieveCheckoutSession(id, opts): Promise<CheckoutSessionSnapshot> {
      guard(opts);
      const session = await stripe.checkout.sessions.retrieve(id);
      return {
        id: session.id,
        paymentStatus: session.payment_status ?? null,
        paymentIntentId: idOf(session.payment_intent),
        metadata: metadataOf(session.metadata),
      };
    },
    async updatePaymentIntentMetadata(id, metadata, opts) {
      guard(opts);
      const pi = await stripe.paymentIntents.update(id, { metadata }, { idempotencyKey: opts.idempotencyKey });
      return { paymentIntent: toPaymentIntent(pi), replayed: pi.lastResponse.headers['idempotent-replayed'] === 'true' };
    },
    async listRefunds(paymentIntentId, opts): Promise<RefundSnapshot[]> {
      guard(opts);
      const refunds: RefundSnapshot[] = [];
      // A PaymentIntent has few refunds; one bounded page set is enough.
      for await (const refund of stripe.refunds.list({ payment_intent: paymentIntentId, limit: 100 })) {
        refunds.push({
          id: refund.id,
          chargeId: idOf(refund.charge),
          amount: refund.amount,
          currency: refund.currency,
          status: refund.status ?? null,
          created: new Date(refund.created * 1000),
        });
        if (refunds.length >= 1000) break;
      }
      return refunds;
    },
  };
}
