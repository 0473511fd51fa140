import type { SeedObject } from './contract.js';
import { emptyMap } from './form.js';

// Turns control-API seeds into objects shaped like Stripe's, so code under test reads the same fields
// it would read from api.stripe.com. Seed fields win over defaults; `object` always names the type.

export interface StripeObject {
  id: string;
  object: string;
  [field: string]: unknown;
}

export interface Refund extends StripeObject {
  object: 'refund';
  amount: number;
  charge: string;
  created: number;
}

const nowSeconds = (): number => Math.floor(Date.now() / 1000);

export function paymentIntentFrom(seed: SeedObject): StripeObject {
  return {
    amount: 1000,
    currency: 'usd',
    status: 'succeeded',
    created: nowSeconds(),
    latest_charge: null,
    livemode: false,
    ...seed,
    object: 'payment_intent',
    metadata: metadataFrom(seed.metadata),
  };
}

export function checkoutSessionFrom(seed: SeedObject): StripeObject {
  return {
    status: 'complete',
    payment_status: 'paid',
    payment_intent: null,
    created: nowSeconds(),
    livemode: false,
    ...seed,
    object: 'checkout.session',
    metadata: metadataFrom(seed.metadata),
  };
}

/**
 * A charge's refunds may be seeded as a Stripe list (`{ data: [...] }`) or a plain array; both become
 * full refund objects in a list, and amount_refunded/refunded follow from them unless seeded.
 */
export function chargeFrom(seed: SeedObject): StripeObject {
  const amount = typeof seed.amount === 'number' ? seed.amount : 1000;
  const currency = typeof seed.currency === 'string' ? seed.currency : 'usd';
  const created = typeof seed.created === 'number' ? seed.created : nowSeconds();
  const paymentIntent = typeof seed.payment_intent === 'string' ? seed.payment_intent : null;
  const refunds = refundSeeds(seed.refunds).map((raw, index): Refund => ({
    id: `re_${seed.id}_${index}`,
    amount,
    currency,
    created,
    status: 'succeeded',
    metadata: {},
    ...raw,
    object: 'refund',
    charge: seed.id,
    payment_intent: paymentIntent,
  }));
  const amountRefunded = refunds
    .filter((refund) => refund.status !== 'failed' && refund.status !== 'canceled')
    .reduce((sum, refund) => sum + refund.amount, 0);
  return {
    amount,
    currency,
    created,
    status: 'succeeded',
    paid: true,
    amount_refunded: amountRefunded,
    refunded: amountRefunded > 0 && amountRefunded >= amount,
    livemode: false,
    ...seed,
    object: 'charge',
    payment_intent: paymentIntent,
    metadata: metadataFrom(seed.metadata),
    refunds: { object: 'list', data: refunds, has_more: false, total_count: refunds.length, url: `/v1/charges/${seed.id}/refunds` },
  };
}

export function refundsOf(charge: StripeObject): Refund[] {
  return (charge.refunds as { data: Refund[] }).data;
}

function refundSeeds(value: unknown): Record<string, unknown>[] {
  const list = Array.isArray(value) ? value : (value as { data?: unknown } | undefined)?.data;
  return Array.isArray(list) ? list.filter((item): item is Record<string, unknown> => typeof item === 'object' && item !== null) : [];
}

function metadataFrom(value: unknown): Record<string, string> {
  const metadata = emptyMap() as Record<string, string>;
  if (typeof value === 'object' && value !== null) {
    for (const [key, entry] of Object.entries(value)) metadata[key] = String(entry);
  }
  return metadata;
}
