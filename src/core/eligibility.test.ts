import { describe, expect, it } from 'vitest';
import { checkoutSessionEligibility, isHandledEventType } from './eligibility.js';

const paid = {
  id: 'cs_test_1',
  object: 'checkout.session',
  payment_status: 'paid',
  payment_intent: 'pi_1',
  metadata: { kind: 'extras', organizationId: '65f0000000000000000000aa', packId: 'pack_100' },
};

describe('checkoutSessionEligibility', () => {
  it('accepts a paid extras session and keeps what the backfill needs', () => {
    expect(checkoutSessionEligibility(paid)).toEqual({
      eligible: true,
      target: { paymentIntentId: 'pi_1', stripeSessionId: 'cs_test_1' },
      session: { id: 'cs_test_1', paymentStatus: 'paid', paymentIntentId: 'pi_1', metadata: paid.metadata },
    });
  });

  it('reads an expanded payment_intent object', () => {
    const result = checkoutSessionEligibility({ ...paid, payment_intent: { id: 'pi_2', object: 'payment_intent' } });
    expect(result.eligible && result.target.paymentIntentId).toBe('pi_2');
  });

  it.each([
    ['unpaid', { ...paid, payment_status: 'unpaid' }, /payment_status is unpaid/],
    ['a subscription', { ...paid, metadata: { ...paid.metadata, kind: 'subscription' } }, /kind is subscription/],
    ['no kind', { ...paid, metadata: { organizationId: paid.metadata.organizationId, packId: 'p' } }, /kind is missing/],
    ['a bad organizationId', { ...paid, metadata: { ...paid.metadata, organizationId: 'org_1' } }, /organizationId/],
    ['a 12-character organizationId', { ...paid, metadata: { ...paid.metadata, organizationId: 'abcdefghijkl' } }, /organizationId/],
    ['no packId', { ...paid, metadata: { ...paid.metadata, packId: '' } }, /packId/],
    ['no payment_intent', { ...paid, payment_intent: null }, /payment_intent/],
    ['an expanded payment_intent without id', { ...paid, payment_intent: {} }, /payment_intent/],
    ['no session at all', null, /no Checkout Session/],
    ['a session without id', { ...paid, id: 42 }, /no Checkout Session/],
  ])('refuses %s, with the reason', (_name, object, reason) => {
    const result = checkoutSessionEligibility(object);
    expect(result.eligible).toBe(false);
    expect(!result.eligible && result.reason).toMatch(reason);
  });

  it('drops non-string metadata values instead of trusting them', () => {
    const result = checkoutSessionEligibility({ ...paid, metadata: { ...paid.metadata, extra: 5 } });
    expect(result.eligible && result.session.metadata).toEqual(paid.metadata);
  });
});

describe('isHandledEventType', () => {
  it('handles both paid-session events and nothing else', () => {
    expect(isHandledEventType('checkout.session.completed')).toBe(true);
    expect(isHandledEventType('checkout.session.async_payment_succeeded')).toBe(true);
    expect(isHandledEventType('checkout.session.async_payment_failed')).toBe(false);
    expect(isHandledEventType('charge.refunded')).toBe(false);
  });
});
