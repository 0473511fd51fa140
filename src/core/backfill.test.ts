import Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import { backfill } from './backfill.js';
import type { CheckoutSessionSnapshot, Metadata, PaymentIntentSnapshot, StripeGateway } from './ports.js';

// The pure core is tested with an in-memory gateway; the SDK gateway is
// tested against the emulator and stripe-mock elsewhere.
function memoryGateway(init: { metadata?: Metadata; session?: Partial<CheckoutSessionSnapshot>; failures?: unknown[] }) {
  const calls: string[] = [];
  const failures = [...(init.failures ?? [])];
  // Like Stripe: a key seen before gets the stored answer back, and nothing is written.
  const answered = new Map<string, PaymentIntentSnapshot>();
  let metadata: Metadata = { ...(init.metadata ?? {}) };
  const pi = (): PaymentIntentSnapshot => ({ id: 'pi_1', status: 'succeeded', metadata: { ...metadata } });
  const maybeFail = () => {
    const f = failures.shift();
    if (f) throw f;
  };
  const gateway: StripeGateway = {
    async retrievePaymentIntent() {
      calls.push('GET pi');
      maybeFail();
      return pi();
    },
    async retrieveCheckoutSession(id) {
      calls.push('GET cs');
      return { id, paymentStatus: 'paid', paymentIntentId: 'pi_1', metadata: { organizationId: 'org', packId: 'pack', kind: 'extras' }, ...init.session };
    },
    async updatePaymentIntentMetadata(_id, patch, opts) {
      calls.push(`POST pi ${opts.idempotencyKey}`);
      maybeFail();
      const prior = answered.get(opts.idempotencyKey);
      if (prior) return { paymentIntent: prior, replayed: true };
      metadata = { ...metadata, ...patch };
      answered.set(opts.idempotencyKey, pi());
      return { paymentIntent: pi(), replayed: false };
    },
    async listRefunds() {
      return [];
    },
  };
  /** Someone edits the metadata in the Dashboard. */
  const setMetadata = (next: Metadata) => {
    metadata = { ...next };
  };
  return { gateway, calls, metadata: () => metadata, setMetadata };
}

const target = { paymentIntentId: 'pi_1', stripeSessionId: 'cs_1' };
const creation = { organizationId: 'org', packId: 'pack', kind: 'extras', stripeSessionId: '__pending__' };
const fast = { baseMs: 1 };
const E = Stripe.errors;

describe('backfill', () => {
  it('costs one read and one write in the common case', async () => {
    const g = memoryGateway({ metadata: creation });
    const outcome = await backfill(target, { gateway: g.gateway, retry: fast });
    expect(outcome.kind).toBe('patched');
    expect(g.calls).toHaveLength(2);
    expect(g.calls[0]).toBe('GET pi');
    expect(g.calls[1]).toMatch(/^POST pi billing-backfill-/);
    expect(g.metadata().stripeSessionId).toBe('cs_1');
    expect(outcome.attempts).toBe(1);
  });

  it('reads the Checkout Session only when the PaymentIntent lacks the purchase keys', async () => {
    const g = memoryGateway({ metadata: { stripeSessionId: '__pending__' } });
    const outcome = await backfill(target, { gateway: g.gateway, retry: fast });
    expect(outcome.kind).toBe('patched');
    expect(g.calls.map((c) => c.slice(0, 7))).toEqual(['GET pi', 'GET cs', 'POST pi']);
    expect(g.metadata()).toEqual({ organizationId: 'org', packId: 'pack', kind: 'extras', stripeSessionId: 'cs_1' });
  });

  it('refuses a session that belongs to another PaymentIntent, without writing', async () => {
    const g = memoryGateway({ metadata: {}, session: { paymentIntentId: 'pi_other' } });
    const outcome = await backfill(target, { gateway: g.gateway, retry: fast });
    expect(outcome.kind).toBe('failed-permanent');
    expect(outcome.reason).toContain('pi_other');
    expect(g.calls.some((c) => c.startsWith('POST'))).toBe(false);
  });

  it('writes nothing when already correct, on conflict, or in a dry run', async () => {
    const correct = memoryGateway({ metadata: { ...creation, stripeSessionId: 'cs_1' } });
    expect((await backfill(target, { gateway: correct.gateway })).kind).toBe('already-correct');
    const conflict = memoryGateway({ metadata: { ...creation, stripeSessionId: 'cs_other' } });
    const c = await backfill(target, { gateway: conflict.gateway });
    expect(c.kind).toBe('conflict');
    expect(c.reason).toContain('cs_other');
    const dry = memoryGateway({ metadata: creation });
    const d = await backfill(target, { gateway: dry.gateway, dryRun: true });
    expect(d.kind).toBe('would-patch');
    expect(d.plan).toEqual({ action: 'patch', patch: { stripeSessionId: 'cs_1' } });
    for (const g of [correct, conflict, dry]) expect(g.calls.filter((x) => x.startsWith('POST'))).toEqual([]);
  });

  it('retries transient errors as a whole and reports the attempts', async () => {
    const g = memoryGateway({ metadata: creation, failures: [new E.StripeAPIError({ message: 'down', statusCode: 500 } as never)] });
    const outcome = await backfill(target, { gateway: g.gateway, retry: fast });
    expect(outcome.kind).toBe('patched');
    expect(outcome.attempts).toBe(2);
  });

  it('gives up after 3 transient failures as failed-transient with the error details', async () => {
    const err = () => new E.StripeRateLimitError({ message: 'slow down', statusCode: 429, code: 'rate_limit', requestId: 'req_9' } as never);
    const g = memoryGateway({ metadata: creation, failures: [err(), err(), err()] });
    const outcome = await backfill(target, { gateway: g.gateway, retry: fast });
    expect(outcome.kind).toBe('failed-transient');
    expect(outcome.attempts).toBe(3);
    expect(outcome.error).toMatchObject({ code: 'rate_limit', status: 429, requestId: 'req_9' });
  });

  it('does not retry a permanent error', async () => {
    const g = memoryGateway({
      failures: [new E.StripeInvalidRequestError({ message: 'No such payment_intent', statusCode: 404, code: 'resource_missing' } as never)],
    });
    const outcome = await backfill(target, { gateway: g.gateway, retry: fast });
    expect(outcome.kind).toBe('failed-permanent');
    expect(outcome.attempts).toBe(1);
    expect(outcome.error?.code).toBe('resource_missing');
    expect(g.calls).toEqual(['GET pi']);
  });

  it('refuses a patch over Stripe metadata limits without sending it', async () => {
    const full = Object.fromEntries(Array.from({ length: 49 }, (_, i) => [`k${i}`, 'v']));
    const g = memoryGateway({ metadata: { ...full, organizationId: 'o' } });
    const outcome = await backfill(target, { gateway: g.gateway, session: { id: 'cs_1', paymentStatus: 'paid', paymentIntentId: 'pi_1', metadata: { packId: 'p' } } });
    expect(outcome.kind).toBe('failed-permanent');
    expect(outcome.reason).toMatch(/metadata keys/);
    expect(g.calls.filter((c) => c.startsWith('POST'))).toEqual([]);
  });
});

describe('backfill after an idempotent replay', () => {
  it('writes again when the PaymentIntent was reset after an earlier write under the same key', async () => {
    const g = memoryGateway({ metadata: creation });
    expect((await backfill(target, { gateway: g.gateway, retry: fast })).kind).toBe('patched');
    g.setMetadata(creation); // reset by hand, within Stripe's 24 h key window
    g.calls.length = 0;

    const outcome = await backfill(target, { gateway: g.gateway, retry: fast });
    expect(outcome.kind).toBe('patched');
    expect(g.metadata().stripeSessionId).toBe('cs_1');
    // read, replayed write, read again, write under the next key
    expect(g.calls.map((c) => c.split(' ').slice(0, 2).join(' '))).toEqual(['GET pi', 'POST pi', 'GET pi', 'POST pi']);
    expect(g.calls[1]).not.toBe(g.calls[3]);
    expect(outcome.idempotencyKey).toBe(g.calls[3]?.split(' ')[2]);
  });

  it('reports patched without writing again when the replayed write is in place (a concurrent run made it)', async () => {
    const g = memoryGateway({ metadata: creation });
    const racing = await backfill(target, { gateway: g.gateway, retry: fast });
    expect(racing.kind).toBe('patched');
    // This run read before the other's write landed: it sends the same key and gets the replay.
    let read = 0;
    const staleFirstRead: StripeGateway = {
      ...g.gateway,
      retrievePaymentIntent: async (id) => (read++ === 0 ? { id, status: 'succeeded', metadata: creation } : g.gateway.retrievePaymentIntent(id)),
    };
    g.calls.length = 0;
    const outcome = await backfill(target, { gateway: staleFirstRead, retry: fast });
    expect(outcome.kind).toBe('patched');
    expect(g.calls.map((c) => c.split(' ').slice(0, 2).join(' '))).toEqual(['POST pi', 'GET pi']);
  });

  it('gives up, permanently and without looping, when the PaymentIntent keeps being reset', async () => {
    const g = memoryGateway({ metadata: creation });
    await backfill(target, { gateway: g.gateway, retry: fast });
    const resetting = {
      ...g.gateway,
      async updatePaymentIntentMetadata(...args: Parameters<StripeGateway['updatePaymentIntentMetadata']>) {
        const update = await g.gateway.updatePaymentIntentMetadata(...args);
        g.setMetadata(creation);
        return update;
      },
    };
    // Every write is undone at once. Two more runs use up the next two keys;
    // the third run then meets a replay under every key it may try.
    for (let round = 1; round < 3; round++) {
      g.setMetadata(creation);
      await backfill(target, { gateway: resetting, retry: fast });
    }
    g.setMetadata(creation);
    g.calls.length = 0;
    const outcome = await backfill(target, { gateway: resetting, retry: fast });
    expect(outcome.kind).toBe('failed-permanent');
    expect(outcome.reason).toMatch(/replayed 3 earlier writes/);
    expect(g.calls.filter((c) => c.startsWith('POST'))).toHaveLength(3);
  });
});
