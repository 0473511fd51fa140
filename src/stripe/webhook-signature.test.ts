import Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../errors.js';
import { createWebhookVerifier, parseWebhookSecret } from './webhook-signature.js';

const SECRET = 'whsec_unit_secret';
const NOW = new Date('2026-03-01T12:00:00Z');
const verifier = createWebhookVerifier(SECRET);

function signed(payload: string, at = NOW, secret = SECRET): [Buffer, string] {
  return [Buffer.from(payload), Stripe.webhooks.generateTestHeaderString({ payload, secret, timestamp: Math.floor(at.getTime() / 1000) })];
}

describe('parseWebhookSecret', () => {
  it('accepts whsec_ secrets, trimmed', () => {
    expect(parseWebhookSecret(' whsec_abc123+/= ')).toBe('whsec_abc123+/=');
  });

  it.each(['sk_test_abc', 'whsec_', 'whsec_has space', ''])('refuses %j without quoting it', (value) => {
    expect(() => parseWebhookSecret(value)).toThrow(UsageError);
    try {
      parseWebhookSecret(value);
    } catch (err) {
      expect((err as Error).message).not.toContain(value || '\u0000');
    }
  });
});

describe('createWebhookVerifier', () => {
  const event = JSON.stringify({ id: 'evt_1', object: 'event', type: 'checkout.session.completed', data: { object: { id: 'cs_1' } } });

  it('returns the event id, type and data.object of a signed body', () => {
    expect(verifier.verify(...signed(event), NOW)).toEqual({ ok: true, event: { id: 'evt_1', type: 'checkout.session.completed', object: { id: 'cs_1' } } });
  });

  it('measures the 300 s tolerance from the arrival time it is given', () => {
    const body = signed(event, new Date(NOW.getTime() - 299_000));
    expect(verifier.verify(...body, NOW).ok).toBe(true);
    expect(verifier.verify(...body, new Date(NOW.getTime() + 2_000))).toEqual({ ok: false, reason: expect.stringMatching(/tolerance/) });
  });

  it.each([
    ['no header', () => verifier.verify(Buffer.from(event), undefined, NOW), /no Stripe-Signature/],
    ['another secret', () => verifier.verify(...signed(event, NOW, 'whsec_other'), NOW), /does not match/],
    ['a changed body', () => verifier.verify(Buffer.from(event.replace('cs_1', 'cs_2')), signed(event)[1], NOW), /does not match/],
    ['a body that is not JSON', () => verifier.verify(...signed('{oops'), NOW), /not a JSON event/],
    ['JSON that is not an event', () => verifier.verify(...signed('{"object":"event"}'), NOW), /not a Stripe event/],
  ])('refuses %s, in its own words', (_name, run, reason) => {
    const result = run();
    expect(result.ok).toBe(false);
    expect(!result.ok && result.reason).toMatch(reason);
    expect(!result.ok && result.reason).not.toMatch(/whsec_/);
  });
});
