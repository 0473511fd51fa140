/**
 * Contract check: the exact SDK calls our core makes are accepted by Stripe's
 * official stripe-mock, which validates every parameter against Stripe's
 * OpenAPI spec. (stripe-mock is stateless: it checks request shape, not state.)
 */
import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { idempotencyKey } from '../../src/core/idempotency.js';
import { createStripeClient, STRIPE_API_VERSION } from '../../src/stripe/client.js';
import { createStripeGateway } from '../../src/stripe/gateway.js';
import { startStripeMock } from '../helpers/stripe-mock.js';

let mock: Awaited<ReturnType<typeof startStripeMock>>;

beforeAll(async () => {
  mock = await startStripeMock();
}, 300_000);
afterAll(async () => {
  await mock?.stop();
});

describe('stripe-mock contract', () => {
  const gateway = () => createStripeGateway(createStripeClient({ secretKey: 'sk_test_contract', apiBase: mock.url }));

  it('accepts retrieving a PaymentIntent', async () => {
    const pi = await gateway().retrievePaymentIntent('pi_contract');
    expect(pi.id).toMatch(/^pi_/);
    expect(typeof pi.status).toBe('string');
  });

  it('accepts a metadata update with an idempotency key', async () => {
    const patch = { stripeSessionId: 'cs_test_contract', organizationId: '65f000000000000000000001', packId: 'pack_100', kind: 'extras' };
    const update = await gateway().updatePaymentIntentMetadata('pi_contract', patch, { idempotencyKey: idempotencyKey('pi_contract', patch) });
    expect(update.paymentIntent.id).toMatch(/^pi_/);
    expect(update.replayed).toBe(false);
  });

  it('accepts retrieving a Checkout Session', async () => {
    const session = await gateway().retrieveCheckoutSession('cs_test_contract');
    expect(session.id).toMatch(/^cs_/);
  });

  it('accepts listing the refunds of a PaymentIntent', async () => {
    const refunds = await gateway().listRefunds('pi_contract');
    expect(Array.isArray(refunds)).toBe(true);
    expect(refunds[0]?.id).toMatch(/^re_/);
  });

  it('really validates: a parameter Stripe does not know is refused', async () => {
    const stripe = createStripeClient({ secretKey: 'sk_test_contract', apiBase: mock.url });
    await expect(stripe.paymentIntents.update('pi_contract', { not_a_stripe_param: 'x' } as never)).rejects.toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
  });

  it('pins the API version the client sends', async () => {
    const stripe = createStripeClient({ secretKey: 'sk_test_contract', apiBase: mock.url });
    const versions: string[] = [];
    stripe.on('request', (event: { api_version?: string }) => versions.push(String(event.api_version)));
    await stripe.paymentIntents.retrieve('pi_contract');
    expect(versions).toEqual([STRIPE_API_VERSION]);
  });
});
