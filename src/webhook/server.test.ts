import { randomBytes } from 'node:crypto';
import type { Connection } from 'mongoose';
import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../test/helpers/cli.js';
import { useWorld } from '../../test/helpers/world.js';
import { systemClock } from '../core/ports.js';
import { startMongoSandbox } from '../sandbox/mongo-launcher.js';
import { closeConnection, MongoDeadLetterRepository, MongoWebhookEventStore, openConnection } from '../store/index.js';
import { StoreAdmin } from '../store/admin.js';
import { createStripeClient } from '../stripe/client.js';
import { createStripeGateway } from '../stripe/gateway.js';
import { createWebhookVerifier } from '../stripe/webhook-signature.js';
import { startWebhookServer, type RunningWebhookServer, type WebhookLogLine, type WebhookServerDeps } from './server.js';

const SECRET = 'whsec_test_secret';
const world = useWorld();
const connections: Connection[] = [];
const servers: RunningWebhookServer[] = [];
const lines: WebhookLogLine[] = [];

afterAll(async () => {
  await Promise.all(servers.map((s) => s.close()));
  await Promise.all(connections.map((c) => closeConnection(c)));
});

async function storesOn(uri: string, opts: { serverSelectionTimeoutMS?: number } = {}) {
  const connection = await openConnection(uri, opts);
  connections.push(connection);
  return {
    repository: new MongoDeadLetterRepository(connection),
    events: new MongoWebhookEventStore(connection),
    pingDatabase: () => new StoreAdmin(connection, 'billing_failed_backfills').serverInfo(),
  };
}

async function start(overrides: Partial<WebhookServerDeps> = {}): Promise<RunningWebhookServer> {
  const server = await startWebhookServer(
    {
      verifier: createWebhookVerifier(SECRET),
      gateway: createStripeGateway(createStripeClient({ secretKey: 'sk_test_webhook', apiBase: world.emulatorUrl })),
      clock: systemClock,
      log: (line) => lines.push(line),
      ...(await storesOn(world.uri)),
      ...overrides,
    },
    { host: '127.0.0.1', port: 0, path: '/webhook' },
  );
  servers.push(server);
  return server;
}

let server: RunningWebhookServer;
beforeAll(async () => {
  server = await start();
});

/** A seeded purchase: its PaymentIntent (with `__pending__`) in the emulator, and its Checkout Session. */
async function purchase(kind: 'fixable' | 'conflict' | 'missing' = 'fixable') {
  const seeded = await world.seed({ [kind]: 1 }, { prefix: randomBytes(4).toString('hex') });
  await world.records().deleteMany({});
  const session = seeded.stripe.checkout_sessions[0] as { id: string; payment_intent: string; metadata: Record<string, string> };
  return { session, paymentIntentId: session.payment_intent };
}

function eventFor(object: unknown, type = 'checkout.session.completed'): string {
  return JSON.stringify({ id: `evt_${randomBytes(8).toString('hex')}`, object: 'event', type, data: { object } });
}

function sessionObject(session: { id: string; payment_intent: string; metadata: Record<string, string> }, changes: Record<string, unknown> = {}) {
  return { id: session.id, object: 'checkout.session', payment_status: 'paid', payment_intent: session.payment_intent, metadata: session.metadata, ...changes };
}

async function deliver(
  payload: string,
  opts: { secret?: string; timestamp?: number; signature?: string | null; to?: RunningWebhookServer } = {},
): Promise<{ status: number; body: Record<string, unknown> }> {
  const signature =
    opts.signature === undefined
      ? Stripe.webhooks.generateTestHeaderString({ payload, secret: opts.secret ?? SECRET, ...(opts.timestamp ? { timestamp: opts.timestamp } : {}) })
      : opts.signature;
  const res = await fetch((opts.to ?? server).url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(signature === null ? {} : { 'stripe-signature': signature }) },
    body: payload,
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

async function stripeCalls(method?: string) {
  return (await world.emulator.requests()).filter((r) => r.path.startsWith('/v1/') && (!method || r.method === method));
}

function lineFor(eventPayload: string): WebhookLogLine | undefined {
  const id = (JSON.parse(eventPayload) as { id: string }).id;
  return lines.findLast((l) => l.eventId === id);
}

describe('webhook: patching', () => {
  it('patches the PaymentIntent from a paid extras session and writes no dead letter', async () => {
    const { session, paymentIntentId } = await purchase();
    const event = eventFor(sessionObject(session));

    const reply = await deliver(event);

    expect(reply).toEqual({ status: 200, body: { received: true, outcome: 'patched' } });
    expect((await world.emulator.paymentIntent(paymentIntentId))?.metadata).toMatchObject({ stripeSessionId: session.id, kind: 'extras' });
    expect(await world.records().countDocuments()).toBe(0);
    expect(lineFor(event)).toMatchObject({ type: 'checkout.session.completed', outcome: 'patched', paymentIntentId, status: 200, attempts: 1 });
    expect(lineFor(event)?.durationMs).toBeGreaterThanOrEqual(0);
  });

  it('handles checkout.session.async_payment_succeeded and an expanded payment_intent', async () => {
    const { session, paymentIntentId } = await purchase();
    const event = eventFor(sessionObject(session, { payment_intent: { id: paymentIntentId, object: 'payment_intent' } }), 'checkout.session.async_payment_succeeded');
    expect((await deliver(event)).body.outcome).toBe('patched');
  });

  it('retries transient Stripe failures with the shared backfill and then patches', async () => {
    const { session, paymentIntentId } = await purchase();
    await world.emulator.addFaults([{ method: 'POST', path: '/v1/payment_intents', status: 500, times: 2 }]);

    const reply = await deliver(eventFor(sessionObject(session)));

    expect(reply.body.outcome).toBe('patched');
    expect((await world.emulator.paymentIntent(paymentIntentId))?.metadata.stripeSessionId).toBe(session.id);
    expect(await stripeCalls('POST')).toHaveLength(3);
    // one idempotency key for every try: the same intended change
    expect(new Set((await stripeCalls('POST')).map((r) => r.idempotencyKey)).size).toBe(1);
    expect(await world.records().countDocuments()).toBe(0);
  });

  it('dead-letters exhaustion once, in the upstream shape plus our fields, visible to `list`', async () => {
    const { session, paymentIntentId } = await purchase();
    await world.emulator.addFaults([{ method: 'POST', path: '/v1/payment_intents', status: 500, times: 3 }]);
    const event = eventFor(sessionObject(session));

    const reply = await deliver(event);

    expect(reply).toEqual({ status: 200, body: { received: true, outcome: 'dead-lettered' } });
    const docs = await world.records().find().toArray();
    expect(docs).toHaveLength(1);
    expect(docs[0]).toMatchObject({
      paymentIntentId,
      stripeSessionId: session.id,
      error: expect.any(String),
      failedAt: expect.any(Date),
      resolvedAt: null,
      resolvedBy: null,
      attempts: 1,
      lastAttemptAt: expect.any(Date),
      lastError: { type: 'StripeAPIError', status: 500 },
      history: [{ actor: 'webhook', action: 'webhook', outcome: 'failed-transient', error: expect.any(String), note: `event ${lineFor(event)?.eventId}` }],
    });
    expect(await stripeCalls('POST')).toHaveLength(3);

    const listed = await runCli(['list', '--json'], { env: world.env() });
    expect(listed.exitCode).toBe(0);
    const items = (JSON.parse(listed.stdout) as { items: Array<{ paymentIntentId: string; stripeSessionId: string }> }).items;
    expect(items.map((i) => [i.paymentIntentId, i.stripeSessionId])).toEqual([[paymentIntentId, session.id]]);
  });

  it('dead-letters a permanent error after one call, without retrying', async () => {
    const { session, paymentIntentId } = await purchase('missing');

    const reply = await deliver(eventFor(sessionObject(session)));

    expect(reply.body.outcome).toBe('dead-lettered');
    expect((await stripeCalls()).map((r) => `${r.method} ${r.path}`)).toEqual([`GET /v1/payment_intents/${paymentIntentId}`]);
    const docs = await world.records().find().toArray();
    expect(docs).toHaveLength(1);
    expect(docs[0]).toMatchObject({ paymentIntentId, lastError: { code: 'resource_missing', status: 404 }, history: [{ outcome: 'failed-permanent' }] });
  });

  it('dead-letters a conflict (another session id on the PaymentIntent) for an operator, and answers 200', async () => {
    const { session } = await purchase('conflict');

    const reply = await deliver(eventFor(sessionObject(session)));

    expect(reply).toEqual({ status: 200, body: { received: true, outcome: 'conflict' } });
    expect(await stripeCalls('POST')).toHaveLength(0);
    const docs = await world.records().find().toArray();
    expect(docs).toHaveLength(1);
    expect(docs[0]).toMatchObject({ attempts: 0, lastError: { type: 'conflict' }, history: [{ outcome: 'conflict' }] });
  });
});

describe('webhook: what is ignored', () => {
  it.each([
    ['a subscription session', { metadata: { kind: 'subscription', organizationId: '65f000000000000000000001', packId: 'p' } }, /kind is subscription/],
    ['an unpaid session', { payment_status: 'unpaid' }, /unpaid/],
  ])('answers 200 to %s, touching neither Stripe nor MongoDB', async (_name, changes, reason) => {
    const { session } = await purchase();
    const event = eventFor(sessionObject(session, changes));

    expect(await deliver(event)).toEqual({ status: 200, body: { received: true, outcome: 'ignored' } });
    expect(await stripeCalls()).toHaveLength(0);
    expect(await world.records().countDocuments()).toBe(0);
    expect(await world.db.collection('billing_backfill_webhook_events').countDocuments({ _id: lineFor(event)?.eventId as never })).toBe(0);
    expect(lineFor(event)?.reason).toMatch(reason);
  });

  it('answers 200 to event types it does not handle', async () => {
    const event = eventFor({ id: 'ch_1', object: 'charge' }, 'charge.refunded');
    expect((await deliver(event)).body.outcome).toBe('ignored');
    expect(lineFor(event)).toMatchObject({ outcome: 'ignored', reason: 'event type not handled', status: 200 });
  });
});

describe('webhook: one outcome per event', () => {
  it('answers a redelivered event from its recorded outcome, without a second dead letter', async () => {
    const { session } = await purchase();
    await world.emulator.addFaults([{ method: 'POST', path: '/v1/payment_intents', status: 500, times: 3 }]);
    const event = eventFor(sessionObject(session));

    expect((await deliver(event)).body.outcome).toBe('dead-lettered');
    const calls = (await stripeCalls()).length;
    expect(await deliver(event)).toEqual({ status: 200, body: { received: true, outcome: 'dead-lettered', duplicate: true } });

    expect(await world.records().countDocuments()).toBe(1);
    expect(await stripeCalls()).toHaveLength(calls);
    expect(lineFor(event)).toMatchObject({ outcome: 'duplicate', status: 200 });
  });

  it('makes a concurrent delivery of the same event wait for the first one’s outcome', async () => {
    const { session } = await purchase();
    await world.emulator.addFaults([{ method: 'POST', path: '/v1/payment_intents', status: 500, times: 3 }]);
    const event = eventFor(sessionObject(session));

    const replies = await Promise.all([deliver(event), deliver(event)]);

    expect(replies.map((r) => r.status)).toEqual([200, 200]);
    expect(replies.map((r) => Boolean(r.body.duplicate)).sort()).toEqual([false, true]);
    expect(await world.records().countDocuments()).toBe(1);
    expect(await stripeCalls('POST')).toHaveLength(3);
  });

  it('takes over when the other delivery gives its claim back, and answers 409 when it never finishes', async () => {
    const { session, paymentIntentId } = await purchase();
    const quick = await start({ deadlineMs: 1000 });
    const events = new MongoWebhookEventStore(connections[0] as Connection);
    const payload = eventFor(sessionObject(session));
    const { id } = JSON.parse(payload) as { id: string };
    await events.claim(id, { type: 'checkout.session.completed', owner: 'other', now: new Date(), leaseMs: 60_000 });

    expect((await deliver(payload, { to: quick })).status).toBe(409);
    expect(await stripeCalls()).toHaveLength(0);

    const waiting = deliver(payload, { to: quick });
    await new Promise((resolve) => setTimeout(resolve, 300));
    await events.release(id, 'other');
    expect((await waiting).body.outcome).toBe('patched');
    expect((await world.emulator.paymentIntent(paymentIntentId))?.metadata.stripeSessionId).toBe(session.id);
  });
});

describe('webhook: deadline', () => {
  it('answers 503 at the deadline even while a Stripe call hangs, and the redelivery patches', async () => {
    const { session, paymentIntentId } = await purchase();
    const quick = await start({ deadlineMs: 1000 });
    await world.emulator.addFaults([{ method: 'GET', path: '/v1/payment_intents', delayMs: 2500 }]);
    const event = eventFor(sessionObject(session));

    const startedAt = Date.now();
    const reply = await deliver(event, { to: quick });
    expect(reply.status).toBe(503);
    expect(Date.now() - startedAt).toBeLessThan(2500);

    // once the hung call returns, the aborted handler gives its claim back
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect((await deliver(event, { to: quick })).body.outcome).toBe('patched');
    expect((await world.emulator.paymentIntent(paymentIntentId))?.metadata.stripeSessionId).toBe(session.id);
  });
});

describe('webhook: what is refused', () => {
  it.each([
    ['a signature made with another secret', { secret: 'whsec_other_secret' }, /does not match/],
    ['no signature', { signature: null }, /no Stripe-Signature/],
    ['a garbled signature header', { signature: 'nonsense' }, /does not match/],
    ['a 10-minute-old signature', { timestamp: Math.floor(Date.now() / 1000) - 600 }, /tolerance/],
  ])('answers 400 to %s and writes nothing', async (_name, opts, reason) => {
    const { session } = await purchase();
    const reply = await deliver(eventFor(sessionObject(session)), opts);

    expect(reply.status).toBe(400);
    expect(reply.body.error).toMatch(reason);
    expect(await stripeCalls()).toHaveLength(0);
    expect(await world.records().countDocuments()).toBe(0);
  });

  it('answers 400 to a correctly signed body that is not JSON', async () => {
    const reply = await deliver('not json at all');
    expect(reply).toEqual({ status: 400, body: { error: 'the body is not a JSON event' } });
  });

  it('answers 413 to a 2 MB body without reading it all', async () => {
    const reply = await deliver(JSON.stringify({ id: 'evt_big', padding: 'x'.repeat(2 * 1024 * 1024) }));
    expect(reply.status).toBe(413);
  });

  it('answers 413 to an oversized chunked body (no Content-Length) too', async () => {
    const chunk = new TextEncoder().encode('x'.repeat(64 * 1024));
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent++ < 32) controller.enqueue(chunk);
        else controller.close();
      },
    });
    const res = await fetch(server.url, { method: 'POST', body, duplex: 'half' } as RequestInit);
    expect(res.status).toBe(413);
  });

  it('serves only POST on its path', async () => {
    const base = new URL(server.url).origin;
    expect((await fetch(server.url)).status).toBe(405);
    expect((await fetch(`${base}/other`, { method: 'POST', body: '{}' })).status).toBe(404);
  });
});

describe('webhook: shutdown', () => {
  it('finishes a request in flight before closing', async () => {
    const { session, paymentIntentId } = await purchase();
    const closing = await start();
    await world.emulator.addFaults([{ method: 'GET', path: '/v1/payment_intents', delayMs: 1500 }]);

    const reply = deliver(eventFor(sessionObject(session)), { to: closing });
    await new Promise((resolve) => setTimeout(resolve, 300));
    const closed = closing.close();

    expect((await reply).body.outcome).toBe('patched');
    await closed;
    expect((await world.emulator.paymentIntent(paymentIntentId))?.metadata.stripeSessionId).toBe(session.id);
    await expect(fetch(closing.url, { method: 'POST', body: '{}' })).rejects.toThrow();
  });
});

describe('webhook: health and MongoDB outages', () => {
  it('reports the database up on /healthz', async () => {
    const res = await fetch(new URL('/healthz', server.url));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true, database: 'up' });
  });

  describe('with MongoDB down', () => {
    let down: Awaited<ReturnType<typeof storesOn>>;
    beforeAll(async () => {
      const sandbox = await startMongoSandbox();
      try {
        down = await storesOn(sandbox.uri, { serverSelectionTimeoutMS: 300 });
      } finally {
        await sandbox.stop();
      }
    });

    it('reports 503 on /healthz', async () => {
      const outage = await start(down);
      const res = await fetch(new URL('/healthz', outage.url));
      expect(res.status).toBe(503);
      expect(await res.json()).toEqual({ ok: false, database: 'down' });
    });

    it('still acknowledges a patch (durable in Stripe) but answers 500 when the dead letter cannot be stored', async () => {
      const outage = await start(down);
      const patched = await purchase();
      expect((await deliver(eventFor(sessionObject(patched.session)), { to: outage })).body.outcome).toBe('patched');

      const failing = await purchase();
      await world.emulator.addFaults([{ method: 'POST', path: '/v1/payment_intents', status: 500, times: 3 }]);
      const reply = await deliver(eventFor(sessionObject(failing.session)), { to: outage });
      expect(reply.status).toBe(500);
      expect(lines.at(-1)).toMatchObject({ outcome: 'not-durable', status: 500 });
    });

    it('gives the claim back after a 500 so the redelivery is processed', async () => {
      const live = await storesOn(world.uri);
      const halfDown = await start({ ...live, repository: down.repository });
      const { session } = await purchase();
      await world.emulator.addFaults([{ method: 'POST', path: '/v1/payment_intents', status: 500, times: 6 }]);
      const event = eventFor(sessionObject(session));

      expect((await deliver(event, { to: halfDown })).status).toBe(500);
      expect(await world.db.collection('billing_backfill_webhook_events').countDocuments({ _id: lineFor(event)?.eventId as never })).toBe(0);

      expect((await deliver(event)).body.outcome).toBe('dead-lettered');
      expect(await world.records().countDocuments()).toBe(1);
    });
  });
});
