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
  stripe = sdk('sk_test_123');
});

afterAll(() => emulator.close());

beforeEach(async () => {
  await control.reset();
  await control.upsert({
    payment_intents: [{ id: 'pi_1', amount: 4900, metadata: { stripeSessionId: '__pending__', packId: 'p1', kind: 'extras' } }],
    checkout_sessions: [{ id: 'cs_1', payment_intent: 'pi_1', metadata: { kind: 'extras' } }],
    charges: [
      { id: 'ch_1', payment_intent: 'pi_1', amount: 4900, created: 100, refunds: { data: [{ id: 're_1', amount: 900, currency: 'usd', created: 200, status: 'succeeded' }] } },
      { id: 'ch_2', payment_intent: 'pi_1', amount: 100, created: 300, refunds: [{ id: 're_2', amount: 100, created: 400 }] },
      { id: 'ch_other', payment_intent: 'pi_other', refunds: [{ id: 're_other', amount: 1 }] },
    ],
  });
});

function sdk(key: string): Stripe {
  return new Stripe(key, { host: '127.0.0.1', port: emulator.port, protocol: 'http', maxNetworkRetries: 0 });
}

async function caught(promise: Promise<unknown>): Promise<Stripe.errors.StripeError> {
  try {
    await promise;
  } catch (error) {
    return error as Stripe.errors.StripeError;
  }
  throw new Error('expected the call to fail');
}

function post(path: string, body: string, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${emulator.url}${path}`, {
    method: 'POST',
    headers: { Authorization: 'Bearer sk_test_123', 'Content-Type': 'application/x-www-form-urlencoded', ...headers },
    body,
  });
}

describe('retrieving objects', () => {
  it('returns a seeded PaymentIntent in Stripe shape with defaults', async () => {
    const pi = await stripe.paymentIntents.retrieve('pi_1');
    expect(pi).toMatchObject({ id: 'pi_1', object: 'payment_intent', status: 'succeeded', amount: 4900, currency: 'usd', latest_charge: null });
    expect(pi.metadata).toEqual({ stripeSessionId: '__pending__', packId: 'p1', kind: 'extras' });
    expect(pi.lastResponse.requestId).toMatch(/^req_\w+$/);
  });

  it('returns checkout sessions and charges, and expands references', async () => {
    const session = await stripe.checkout.sessions.retrieve('cs_1', { expand: ['payment_intent'] });
    expect(session).toMatchObject({ id: 'cs_1', object: 'checkout.session', payment_status: 'paid', metadata: { kind: 'extras' } });
    expect(session.payment_intent).toMatchObject({ id: 'pi_1', object: 'payment_intent' });
    const charge = await stripe.charges.retrieve('ch_1');
    expect(charge).toMatchObject({ id: 'ch_1', object: 'charge', payment_intent: 'pi_1', amount_refunded: 900, refunded: false });
  });

  it('rejects expanding a property that holds no reference', async () => {
    const error = await caught(stripe.paymentIntents.retrieve('pi_1', { expand: ['amount'] }));
    expect(error).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
    expect(error.param).toBe('expand');
  });

  it('answers 404 resource_missing like Stripe for an unknown id', async () => {
    const error = await caught(stripe.paymentIntents.retrieve('pi_missing'));
    expect(error).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
    expect(error.statusCode).toBe(404);
    expect(error.code).toBe('resource_missing');
    expect(error.param).toBe('id');
    // stripe-node prefixes messages with the request id.
    expect(error.message).toMatch(/No such payment_intent: 'pi_missing'$/);
    expect(error.requestId).toMatch(/^req_/);
    const session = await caught(stripe.checkout.sessions.retrieve('cs_missing'));
    expect(session.message).toMatch(/No such checkout.session: 'cs_missing'$/);
  });

  it('answers 404 for routes it does not serve', async () => {
    const response = await fetch(`${emulator.url}/v1/customers/cus_1`, { headers: { Authorization: 'Bearer sk_test_1' } });
    expect(response.status).toBe(404);
    expect(((await response.json()) as { error: { type: string } }).error.type).toBe('invalid_request_error');
    expect(response.headers.get('request-id')).toMatch(/^req_/);
  });
});

describe('lists', () => {
  it('derives refunds from the charges of a PaymentIntent, newest first', async () => {
    const refunds = await stripe.refunds.list({ payment_intent: 'pi_1' });
    expect(refunds.object).toBe('list');
    expect(refunds.has_more).toBe(false);
    expect(refunds.url).toBe('/v1/refunds');
    expect(refunds.data).toEqual([
      expect.objectContaining({ id: 're_2', object: 'refund', amount: 100, charge: 'ch_2', payment_intent: 'pi_1', created: 400, status: 'succeeded', currency: 'usd' }),
      expect.objectContaining({ id: 're_1', object: 'refund', amount: 900, charge: 'ch_1', payment_intent: 'pi_1', created: 200, status: 'succeeded' }),
    ]);
    expect((await stripe.refunds.list({ payment_intent: 'pi_none' })).data).toEqual([]);
  });

  it('pages with limit and starting_after, and lists charges by PaymentIntent', async () => {
    const first = await stripe.refunds.list({ payment_intent: 'pi_1', limit: 1 });
    expect(first.data.map((r) => r.id)).toEqual(['re_2']);
    expect(first.has_more).toBe(true);
    const all: string[] = [];
    for await (const refund of stripe.refunds.list({ payment_intent: 'pi_1', limit: 1 })) all.push(refund.id);
    expect(all).toEqual(['re_2', 're_1']);
    const charges = await stripe.charges.list({ payment_intent: 'pi_1' });
    expect(charges.data.map((c) => c.id)).toEqual(['ch_2', 'ch_1']);
  });
});

describe('updating PaymentIntent metadata', () => {
  it('merges keys and deletes keys set to an empty string', async () => {
    const updated = await stripe.paymentIntents.update('pi_1', { metadata: { stripeSessionId: 'cs_1', organizationId: 'org', kind: '' } });
    expect(updated.metadata).toEqual({ stripeSessionId: 'cs_1', packId: 'p1', organizationId: 'org' });
    expect((await control.paymentIntent('pi_1'))?.metadata).toEqual(updated.metadata);
  });

  it('clears the whole map with metadata=""', async () => {
    const updated = await stripe.paymentIntents.update('pi_1', { metadata: '' as unknown as Stripe.MetadataParam });
    expect(updated.metadata).toEqual({});
  });

  it('stores keys that look like prototype properties as plain data', async () => {
    const response = await post('/v1/payment_intents/pi_1', 'metadata[__proto__]=x&metadata[constructor]=y');
    expect(response.status).toBe(200);
    expect((await control.paymentIntent('pi_1'))?.metadata).toMatchObject({ __proto__: 'x', constructor: 'y' });
  });

  it.each([
    ['a key longer than 40 characters', { ['k'.repeat(41)]: 'v' }, `metadata[${'k'.repeat(41)}]`],
    ['a value longer than 500 characters', { big: 'v'.repeat(501) }, 'metadata[big]'],
    ['more than 50 keys after the merge', Object.fromEntries(Array.from({ length: 48 }, (_, i) => [`k${i}`, 'v'])), 'metadata'],
  ])('rejects %s with 400 and changes nothing', async (_label, metadata, param) => {
    const error = await caught(stripe.paymentIntents.update('pi_1', { metadata }));
    expect(error).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
    expect(error.statusCode).toBe(400);
    expect(error.param).toBe(param);
    expect((await control.paymentIntent('pi_1'))?.metadata).toEqual({ stripeSessionId: '__pending__', packId: 'p1', kind: 'extras' });
  });

  it('accepts exactly 50 keys, 40-character keys and 500-character values', async () => {
    const metadata = Object.fromEntries(Array.from({ length: 46 }, (_, i) => [`k${i}`, 'v']));
    metadata['k'.repeat(40)] = 'v'.repeat(500);
    const updated = await stripe.paymentIntents.update('pi_1', { metadata });
    expect(Object.keys(updated.metadata)).toHaveLength(50);
  });

  it('rejects keys containing brackets', async () => {
    const response = await post('/v1/payment_intents/pi_1', 'metadata[a[b]]=x');
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: { type: 'invalid_request_error', param: 'metadata[a[b]]' } });
  });

  it('rejects an unknown parameter with parameter_unknown', async () => {
    const error = await caught(stripe.paymentIntents.update('pi_1', { description: 'nope' }));
    expect(error).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
    expect(error.code).toBe('parameter_unknown');
    expect(error.param).toBe('description');
  });

  it('answers 404 for an unknown PaymentIntent', async () => {
    const error = await caught(stripe.paymentIntents.update('pi_missing', { metadata: { a: 'b' } }));
    expect(error.code).toBe('resource_missing');
  });
});

describe('idempotency', () => {
  it('replays the stored response for the same key and body, changing state once', async () => {
    const first = await stripe.paymentIntents.update('pi_1', { metadata: { stripeSessionId: 'cs_1' } }, { idempotencyKey: 'key-1' });
    // Change the object behind the key's back: a replay must answer the stored response anyway.
    await control.upsert({ payment_intents: [{ id: 'pi_1', metadata: { stripeSessionId: 'changed' } }] });
    const again = await stripe.paymentIntents.update('pi_1', { metadata: { stripeSessionId: 'cs_1' } }, { idempotencyKey: 'key-1' });
    expect(again.metadata).toEqual(first.metadata);
    expect(again.lastResponse.headers['idempotent-replayed']).toBe('true');
    expect(first.lastResponse.headers['idempotent-replayed']).toBeUndefined();
    expect((await control.paymentIntent('pi_1'))?.metadata).toEqual({ stripeSessionId: 'changed' });
  });

  it('replays stored errors too', async () => {
    const body = 'metadata[a]=b';
    const first = await post('/v1/payment_intents/pi_missing', body, { 'Idempotency-Key': 'key-404' });
    await control.upsert({ payment_intents: [{ id: 'pi_missing' }] });
    const again = await post('/v1/payment_intents/pi_missing', body, { 'Idempotency-Key': 'key-404' });
    expect([first.status, again.status]).toEqual([404, 404]);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
  });

  it('does not save a request rejected by parameter validation', async () => {
    const invalid = await post('/v1/payment_intents/pi_1', 'bogus=1', { 'Idempotency-Key': 'key-invalid' });
    expect(invalid.status).toBe(400);
    const corrected = await post('/v1/payment_intents/pi_1', 'bogus=1', { 'Idempotency-Key': 'key-invalid' });
    expect(corrected.headers.get('idempotent-replayed')).toBeNull();
  });

  it('rejects reusing a key with another body with StripeIdempotencyError', async () => {
    await stripe.paymentIntents.update('pi_1', { metadata: { stripeSessionId: 'cs_1' } }, { idempotencyKey: 'key-2' });
    const error = await caught(stripe.paymentIntents.update('pi_1', { metadata: { stripeSessionId: 'cs_2' } }, { idempotencyKey: 'key-2' }));
    expect(error).toBeInstanceOf(Stripe.errors.StripeIdempotencyError);
    expect(error.type).toBe('StripeIdempotencyError');
    expect(error.statusCode).toBe(400);
    expect((await control.paymentIntent('pi_1'))?.metadata.stripeSessionId).toBe('cs_1');
  });
});

describe('authentication', () => {
  it.each([
    ['no key', undefined],
    ['a malformed key', 'Bearer nonsense'],
    ['a live key', 'Bearer sk_live_123'],
  ])('answers 401 authentication_error for %s', async (_label, authorization) => {
    const response = await fetch(`${emulator.url}/v1/payment_intents/pi_1`, { headers: authorization ? { Authorization: authorization } : {} });
    expect(response.status).toBe(401);
    expect(response.headers.get('request-id')).toMatch(/^req_/);
    const body = (await response.json()) as { error: { type: string; message: string } };
    expect(body.error.type).toBe('authentication_error');
    if (authorization?.includes('live')) expect(body.error.message).toMatch(/test-mode/);
  });

  it('surfaces as StripeAuthenticationError in the SDK, for live keys too', async () => {
    expect(await caught(sdk('sk_live_abc').paymentIntents.retrieve('pi_1'))).toBeInstanceOf(Stripe.errors.StripeAuthenticationError);
    expect(await caught(sdk('pk_test_abc').paymentIntents.retrieve('pi_1'))).toBeInstanceOf(Stripe.errors.StripeAuthenticationError);
  });

  it('accepts restricted test keys and Basic auth as curl -u sends it', async () => {
    await expect(sdk('rk_test_abc').paymentIntents.retrieve('pi_1')).resolves.toMatchObject({ id: 'pi_1' });
    const basic = Buffer.from('sk_test_abc:').toString('base64');
    const response = await fetch(`${emulator.url}/v1/payment_intents/pi_1`, { headers: { Authorization: `Basic ${basic}` } });
    expect(response.status).toBe(200);
  });
});

describe('control API', () => {
  it('logs /v1 requests with status and idempotency key, and counts them', async () => {
    await stripe.paymentIntents.retrieve('pi_1');
    await stripe.paymentIntents.update('pi_1', { metadata: { a: 'b' } }, { idempotencyKey: 'log-key' });
    await caught(stripe.paymentIntents.retrieve('pi_missing'));
    await control.config();
    const log = await control.requests();
    expect(log.map(({ method, path, status, idempotencyKey }) => ({ method, path, status, idempotencyKey }))).toEqual([
      { method: 'GET', path: '/v1/payment_intents/pi_1', status: 200, idempotencyKey: null },
      { method: 'POST', path: '/v1/payment_intents/pi_1', status: 200, idempotencyKey: 'log-key' },
      { method: 'GET', path: '/v1/payment_intents/pi_missing', status: 404, idempotencyKey: null },
    ]);
    expect(new Date(log[0]?.at ?? '').getTime()).toBeGreaterThan(Date.now() - 60_000);
    expect(await control.stats()).toEqual({ reads: 2, writes: 1, byStatus: { '200': 2, '404': 1 }, rateLimited: 0 });
  });

  it('reset clears objects, the log, faults, idempotency keys and config', async () => {
    await stripe.paymentIntents.update('pi_1', { metadata: { a: 'b' } }, { idempotencyKey: 'reset-key' });
    await control.addFaults([{ path: '/v1', status: 500 }]);
    await control.configure({ latencyMs: 50, writesPerSecond: 3 });
    await control.reset();
    expect(await control.paymentIntent('pi_1')).toBeNull();
    expect(await control.requests()).toEqual([]);
    expect(await control.config()).toEqual({ latencyMs: 0, readsPerSecond: null, writesPerSecond: null });
    await control.upsert({ payment_intents: [{ id: 'pi_1' }] });
    const fresh = await stripe.paymentIntents.update('pi_1', { metadata: { a: 'b' } }, { idempotencyKey: 'reset-key' });
    expect(fresh.lastResponse.headers['idempotent-replayed']).toBeUndefined();
  });

  it('upserts by id, replacing the stored object', async () => {
    expect(await control.upsert({ payment_intents: [{ id: 'pi_1', status: 'requires_payment_method' }, { id: 'pi_2' }] })).toEqual({ upserted: 2 });
    expect(await control.paymentIntent('pi_1')).toMatchObject({ status: 'requires_payment_method', metadata: {} });
    expect(await control.paymentIntent('pi_2')).toMatchObject({ object: 'payment_intent', status: 'succeeded' });
  });

  it('rejects malformed control payloads with 400', async () => {
    await expect(control.upsert({ paymentIntents: [] } as never)).rejects.toThrow(/400.*unknown field/);
    await expect(control.upsert({ payment_intents: [{ amount: 1 }] } as never)).rejects.toThrow(/id must be a non-empty string/);
    await expect(control.addFaults([{ status: 500 }] as never)).rejects.toThrow(/path/);
    await expect(control.configure({ latencyMs: -1 })).rejects.toThrow(/latencyMs/);
    const response = await fetch(`${emulator.url}/__emulator/objects`, { method: 'POST', body: '{nope' });
    expect(response.status).toBe(400);
  });

  it('seeds 100,000 objects in one call', async () => {
    const payment_intents = Array.from({ length: 100_000 }, (_, i) => ({ id: `pi_bulk_${i}`, metadata: { stripeSessionId: '__pending__' } }));
    const started = performance.now();
    expect(await control.upsert({ payment_intents })).toEqual({ upserted: 100_000 });
    expect(performance.now() - started).toBeLessThan(10_000);
    expect((await stripe.paymentIntents.retrieve('pi_bulk_99999')).metadata).toEqual({ stripeSessionId: '__pending__' });
  });
});
