import { describe, expect, it } from 'vitest';
import { idempotencyKey } from './idempotency.js';
import { intendedMetadata, metadataLimitViolations, needsSession, planMetadata } from './metadata.js';

const creation = { organizationId: '65f000000000000000000001', packId: 'pack_100', kind: 'extras', stripeSessionId: '__pending__' };

describe('intended metadata and plan', () => {
  it('patches only stripeSessionId when the PaymentIntent carries the purchase keys from creation', () => {
    expect(needsSession(creation)).toBe(false);
    const intended = intendedMetadata('cs_test_1', creation);
    expect(intended).toEqual({ ...creation, stripeSessionId: 'cs_test_1' });
    expect(planMetadata(creation, intended)).toEqual({ action: 'patch', patch: { stripeSessionId: 'cs_test_1' } });
  });

  it('takes missing keys from the Checkout Session and patches them all', () => {
    const current = { stripeSessionId: '__pending__' };
    expect(needsSession(current)).toBe(true);
    const session = { id: 'cs_test_1', paymentStatus: 'paid', paymentIntentId: 'pi_1', metadata: { organizationId: 'org', packId: 'p', kind: 'extras' } };
    const intended = intendedMetadata('cs_test_1', current, session);
    expect(planMetadata(current, intended)).toEqual({
      action: 'patch',
      patch: { organizationId: 'org', packId: 'p', kind: 'extras', stripeSessionId: 'cs_test_1' },
    });
  });

  it('prefers the PaymentIntent values over the session values', () => {
    const session = { id: 'cs_1', paymentStatus: 'paid', paymentIntentId: 'pi_1', metadata: { organizationId: 'other', packId: 'p2' } };
    const intended = intendedMetadata('cs_1', { organizationId: 'org', stripeSessionId: '__pending__' }, session);
    expect(intended.organizationId).toBe('org');
    expect(intended.packId).toBe('p2');
    expect(intended.kind).toBe('extras');
  });

  it('is already-correct when nothing differs', () => {
    const current = { ...creation, stripeSessionId: 'cs_test_1', unrelated: 'x' };
    expect(planMetadata(current, intendedMetadata('cs_test_1', current))).toEqual({ action: 'already-correct' });
  });

  it('never overwrites another session id (conflict), but treats empty and __pending__ as missing', () => {
    const other = { ...creation, stripeSessionId: 'cs_other' };
    const plan = planMetadata(other, intendedMetadata('cs_mine', other));
    expect(plan.action).toBe('conflict');
    expect(plan.action === 'conflict' && plan.reason).toContain('cs_other');
    expect(planMetadata({ ...creation, stripeSessionId: '' }, intendedMetadata('cs_mine', creation)).action).toBe('patch');
  });

  it('refuses to relabel a PaymentIntent of another kind', () => {
    const sub = { ...creation, kind: 'subscription' };
    expect(planMetadata(sub, intendedMetadata('cs_1', sub)).action).toBe('conflict');
  });

  it('checks Stripe metadata limits before anything is sent', () => {
    expect(metadataLimitViolations(creation, { stripeSessionId: 'cs_1' })).toEqual([]);
    expect(metadataLimitViolations({}, { stripeSessionId: 'x'.repeat(501) })[0]).toMatch(/longer than 500/);
    expect(metadataLimitViolations({}, { ['k'.repeat(41)]: 'v' })[0]).toMatch(/longer than 40/);
    expect(metadataLimitViolations({}, { 'a[b]': 'v' })[0]).toMatch(/\[ or \]/);
    const full = Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`k${i}`, 'v']));
    expect(metadataLimitViolations(full, { stripeSessionId: 'cs_1' })[0]).toMatch(/51 metadata keys/);
    expect(metadataLimitViolations(full, { k0: '', stripeSessionId: 'cs_1' })).toEqual([]);
  });
});

describe('idempotency key', () => {
  it('is deterministic per PaymentIntent and patch, independent of key order', () => {
    const a = idempotencyKey('pi_1', { stripeSessionId: 'cs_1', packId: 'p' });
    expect(idempotencyKey('pi_1', { packId: 'p', stripeSessionId: 'cs_1' })).toBe(a);
    expect(idempotencyKey('pi_2', { stripeSessionId: 'cs_1', packId: 'p' })).not.toBe(a);
    expect(idempotencyKey('pi_1', { stripeSessionId: 'cs_2', packId: 'p' })).not.toBe(a);
    expect(a).toMatch(/^billing-backfill-[0-9a-f]{40}$/);
    expect(a.length).toBeLessThanOrEqual(255);
  });
});
