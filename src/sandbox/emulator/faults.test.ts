import Stripe from 'stripe';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { EmulatorClient } from './client.js';
import { startStripeEmulator, type StripeEmulator } from './server.js';

let emulator: StripeEmulator;
let control: EmulatorClient;
let stripe: Stripe;

beforeAll(async () => {
  emulator = await startStripeEmulator();
  control = new EmulatorClient(emulator.url);
  stripe = new Stripe('sk_test_123', { host: '127.0.0.1', port: emulator.port, protocol: 'http', maxNetworkRetries: 0 });
});

afterAll(() => emulator.close());

beforeEach(async () => {
  await control.reset();
  await control.upsert({ payment_intents: [{ id: 'pi_1' }, { id: 'pi_2' }] });
});

async function caught(promise: Promise<unknown>): Promise<Stripe.errors.StripeError> {
  try {
    await promise;
  } catch (error) {
    return error as Stripe.errors.StripeError;
  }
  throw new Error('expected the call to fail');
}

async function timed<T>(run: () => Promise<T>): Promise<number> {
  const started = performance.now();
  await run();
  return performance.now() - started;
}

const update = (id: string, value: string) => stripe.paymentIntents.update(id, { metadata: { stripeSessionId: value } });

describe('injected faults', () => {
  it('answers the status for `times` matching requests, then processes normally', async () => {
    await control.addFaults([{ method: 'POST', path: '/v1/payment_intents', status: 500, times: 2 }]);
    await stripe.paymentIntents.retrieve('pi_1'); // GET does not match the fault
    for (let i = 0; i < 2; i++) {
      const error = await caught(update('pi_1', 'cs_1'));
      expect(error).toBeInstanceOf(Stripe.errors.StripeAPIError);
      expect(error.statusCode).toBe(500);
      expect(error.type).toBe('StripeAPIError');
      expect(error.requestId).toMatch(/^req_/);
    }
    expect((await control.paymentIntent('pi_1'))?.metadata).toEqual({});
    expect((await update('pi_1', 'cs_1')).metadata).toEqual({ stripeSessionId: 'cs_1' });
    expect((await control.requests()).map((entry) => entry.status)).toEqual([200, 500, 500, 200]);
  });

  it('matches in order on a path prefix and defaults the body to a Stripe error for the status', async () => {
    await control.addFaults([
      { path: '/v1/payment_intents/pi_2', status: 404 },
      { path: '/v1/payment_intents', status: 409 },
    ]);
    const missing = await caught(stripe.paymentIntents.retrieve('pi_2'));
    expect(missing).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
    expect(missing.code).toBe('resource_missing');
    const locked = await caught(stripe.paymentIntents.retrieve('pi_2'));
    expect(locked.statusCode).toBe(409);
    expect(locked.code).toBe('lock_timeout');
    await expect(stripe.paymentIntents.retrieve('pi_2')).resolves.toMatchObject({ id: 'pi_2' });
  });

  it('passes headers and a custom body through', async () => {
    await control.addFaults([
      { path: '/v1', status: 429, headers: { 'Retry-After': 3, 'Stripe-Should-Retry': 'false' } },
      { path: '/v1', status: 402, body: { error: { type: 'card_error', code: 'card_declined', message: 'declined' } } },
      { path: '/v1', status: 502, body: '<html>bad gateway</html>' },
    ]);
    const limited = await caught(stripe.paymentIntents.retrieve('pi_1'));
    expect(limited).toBeInstanceOf(Stripe.errors.StripeRateLimitError);
    expect(limited.code).toBe('rate_limit');
    expect(limited.headers?.['retry-after']).toBe('3');
    expect(limited.headers?.['stripe-should-retry']).toBe('false');
    const card = await caught(stripe.paymentIntents.retrieve('pi_1'));
    expect(card).toBeInstanceOf(Stripe.errors.StripeCardError);
    expect(card.message).toMatch(/declined$/);
    const gateway = await fetch(`${emulator.url}/v1/payment_intents/pi_1`, { headers: { Authorization: 'Bearer sk_test_1' } });
    expect(gateway.status).toBe(502);
    expect(gateway.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(gateway.headers.get('request-id')).toMatch(/^req_/);
    expect(await gateway.text()).toBe('<html>bad gateway</html>');
  });

  it('delays and then processes normally when the fault has no status', async () => {
    await control.addFaults([{ path: '/v1/payment_intents/pi_1', delayMs: 300 }]);
    const elapsed = await timed(() => update('pi_1', 'cs_1'));
    expect(elapsed).toBeGreaterThanOrEqual(290);
    expect((await control.paymentIntent('pi_1'))?.metadata).toEqual({ stripeSessionId: 'cs_1' });
    expect(await timed(() => stripe.paymentIntents.retrieve('pi_1'))).toBeLessThan(200);
  });

  it('drops the connection: the SDK throws StripeConnectionError', async () => {
    // stripe-node retries a reset connection once even with maxNetworkRetries: 0, so drop twice.
    await control.addFaults([{ path: '/v1/payment_intents/pi_1', dropConnection: true, times: 2 }]);
    const error = await caught(update('pi_1', 'cs_1'));
    expect(error).toBeInstanceOf(Stripe.errors.StripeConnectionError);
    expect((await control.requests()).map((entry) => entry.status)).toEqual([0, 0]);
    expect((await control.paymentIntent('pi_1'))?.metadata).toEqual({});
    await expect(update('pi_1', 'cs_1')).resolves.toMatchObject({ metadata: { stripeSessionId: 'cs_1' } });
  });

  it('keeps a times: -1 fault until the faults are cleared', async () => {
    await control.addFaults([{ path: '/v1', status: 503, times: -1 }]);
    for (let i = 0; i < 3; i++) expect((await caught(stripe.paymentIntents.retrieve('pi_1'))).statusCode).toBe(503);
    expect(await control.clearFaults()).toEqual({ cleared: 1 });
    await expect(stripe.paymentIntents.retrieve('pi_1')).resolves.toMatchObject({ id: 'pi_1' });
  });

  it('does not save injected failures under an idempotency key', async () => {
    await control.addFaults([{ path: '/v1', status: 500 }]);
    const options = { idempotencyKey: 'fault-key' };
    await caught(stripe.paymentIntents.update('pi_1', { metadata: { a: 'b' } }, options));
    const retried = await stripe.paymentIntents.update('pi_1', { metadata: { a: 'b' } }, options);
    expect(retried.metadata).toEqual({ a: 'b' });
    expect(retried.lastResponse.headers['idempotent-replayed']).toBeUndefined();
  });
});

describe('latency', () => {
  it('processes first, then delays the response by latencyMs', async () => {
    await control.configure({ latencyMs: 250 });
    const pending = update('pi_1', 'cs_1');
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect((await control.paymentIntent('pi_1'))?.metadata).toEqual({ stripeSessionId: 'cs_1' });
    const started = performance.now();
    await pending;
    expect(performance.now() - started).toBeGreaterThanOrEqual(100);
    expect(await timed(() => stripe.paymentIntents.retrieve('pi_1'))).toBeGreaterThanOrEqual(240);
  });

  it('serves concurrent requests in parallel, not one latency after another', async () => {
    await control.configure({ latencyMs: 200 });
    const elapsed = await timed(() => Promise.all(Array.from({ length: 50 }, () => stripe.paymentIntents.retrieve('pi_1'))));
    expect(elapsed).toBeGreaterThanOrEqual(195);
    expect(elapsed).toBeLessThan(1500);
  });
});

describe('rate limits', () => {
  const limit = 5;

  it('answers 429 rate_limit beyond writesPerSecond and logs the rejected requests', async () => {
    await control.configure({ writesPerSecond: limit });
    const results = await Promise.allSettled(Array.from({ length: limit + 5 }, (_, i) => update('pi_1', `cs_${i}`)));
    const limited = results.filter((r) => r.status === 'rejected').map((r) => (r as PromiseRejectedResult).reason as Stripe.errors.StripeError);
    expect(limited.length).toBe(5);
    for (const error of limited) {
      expect(error).toBeInstanceOf(Stripe.errors.StripeRateLimitError);
      expect(error.statusCode).toBe(429);
      expect(error.code).toBe('rate_limit');
    }
    expect((await control.requests()).filter((entry) => entry.status === 429)).toHaveLength(5);
    expect(await control.stats()).toMatchObject({ writes: limit + 5, rateLimited: 5, byStatus: { '200': limit, '429': 5 } });
  });

  it('counts reads and writes separately and admits again after a second', async () => {
    await control.configure({ writesPerSecond: limit, readsPerSecond: limit });
    const writes = await Promise.allSettled(Array.from({ length: limit }, (_, i) => update('pi_1', `cs_${i}`)));
    const reads = await Promise.allSettled(Array.from({ length: limit }, () => stripe.paymentIntents.retrieve('pi_1')));
    expect([...writes, ...reads].every((r) => r.status === 'fulfilled')).toBe(true);
    expect(await caught(stripe.paymentIntents.retrieve('pi_1'))).toBeInstanceOf(Stripe.errors.StripeRateLimitError);
    await new Promise((resolve) => setTimeout(resolve, 1050));
    await expect(stripe.paymentIntents.retrieve('pi_1')).resolves.toMatchObject({ id: 'pi_1' });
  });

  it('null means unlimited', async () => {
    await control.configure({ writesPerSecond: limit });
    expect(await control.configure({ writesPerSecond: null })).toEqual({ latencyMs: 0, readsPerSecond: null, writesPerSecond: null });
    const results = await Promise.allSettled(Array.from({ length: 40 }, (_, i) => update('pi_1', `cs_${i}`)));
    expect(results.every((r) => r.status === 'fulfilled')).toBe(true);
  });
});

describe('start options', () => {
  it('applies latency and limits given at start, and reset returns to them', async () => {
    const own = await startStripeEmulator({ latencyMs: 120, writesPerSecond: 2 });
    try {
      const client = new EmulatorClient(own.url);
      await client.configure({ latencyMs: 0, writesPerSecond: null });
      await client.reset();
      expect(await client.config()).toEqual({ latencyMs: 120, readsPerSecond: null, writesPerSecond: 2 });
      expect(own.url).toBe(`http://127.0.0.1:${own.port}`);
    } finally {
      await own.close();
    }
  });

  it('closes promptly although the SDK keeps its connection alive', async () => {
    const own = await startStripeEmulator();
    const client = new Stripe('sk_test_1', { host: '127.0.0.1', port: own.port, protocol: 'http', maxNetworkRetries: 0 });
    await new EmulatorClient(own.url).upsert({ payment_intents: [{ id: 'pi_1' }] });
    await client.paymentIntents.retrieve('pi_1');
    expect(await timed(() => own.close())).toBeLessThan(1000);
    await expect(own.close()).resolves.toBeUndefined();
  });
});
