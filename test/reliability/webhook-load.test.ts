/**
 * Scenario 7: the webhook under a burst of 500 concurrent deliveries: unique
 * events, duplicates (some racing their original), bad signatures, and
 * Stripe 500s pinned to PaymentIntents so the expected dead letters are
 * known exactly. Like Stripe, any delivery not acknowledged (non-2xx) is
 * delivered again, a bounded number of times.
 */
import { randomBytes } from 'node:crypto';
import Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import type { FaultSpec } from '../../src/sandbox/emulator/contract.js';
import { buildScenario, loadStripeObjects } from '../../src/sandbox/seed.js';
import { WEBHOOK_EVENT_COLLECTION } from '../../src/store/index.js';
import type { WebhookLogLine } from '../../src/webhook/server.js';
import { useWorld } from '../helpers/world.js';
import { checkInvariants, report } from './invariants.js';
import { timeoutFor } from './scale.js';
import { useInProcessWebhook } from './webhook-server.js';

const SECRET = 'whsec_reliability_load';
const world = useWorld();
// The numbers: cheap enough for every run.
const DELIVERIES = 500;
const DUPLICATES = 100;
const BAD_SIGNATURES = 50;
const UNIQUE = DELIVERIES - DUPLICATES - BAD_SIGNATURES;
/** 10% of the events meet Stripe 500s: half outlast the 3 attempts (dead letter), half clear on the retry. */
const EXHAUSTED = Math.round(UNIQUE * 0.05);
const RECOVERED = Math.round(UNIQUE * 0.05);
const MAX_DELIVERY_ROUNDS = 5;

const lines: WebhookLogLine[] = [];
const hook = useInProcessWebhook(world, SECRET, (line) => lines.push(line));

interface Delivery {
  payload: string;
  secret: string;
  eventId: string;
}

type Session = { id: string; payment_intent: string; metadata: Record<string, string> };

function event(session: Session): { payload: string; eventId: string } {
  const eventId = `evt_${randomBytes(8).toString('hex')}`;
  const object = { id: session.id, object: 'checkout.session', payment_status: 'paid', payment_intent: session.payment_intent, metadata: session.metadata };
  return { eventId, payload: JSON.stringify({ id: eventId, object: 'event', type: 'checkout.session.completed', data: { object } }) };
}

async function deliver(d: Delivery): Promise<number> {
  // Each delivery is signed when sent, as Stripe does (a redelivery carries a fresh timestamp).
  const signature = Stripe.webhooks.generateTestHeaderString({ payload: d.payload, secret: d.secret });
  const res = await fetch(hook.server.url, { method: 'POST', headers: { 'content-type': 'application/json', 'stripe-signature': signature }, body: d.payload });
  await res.arrayBuffer();
  return res.status;
}

/** Deterministic shuffle, so a failure replays the same order. */
function shuffle<T>(items: T[]): T[] {
  return items.map((item, i) => ({ item, k: (i * 7919) % items.length })).sort((a, b) => a.k - b.k).map(({ item }) => item);
}

describe('scenario 7: webhook under load', () => {
  it(`${DELIVERIES} concurrent deliveries (${DUPLICATES} duplicates, ${BAD_SIGNATURES} bad signatures, 10% Stripe 500s): exactly the expected dead letters`, async () => {
    const started = Date.now();
    const scenario = buildScenario({ fixable: UNIQUE + BAD_SIGNATURES }, { now: new Date(), prefix: 'hook' });
    await loadStripeObjects(world.emulatorUrl, scenario.stripe);
    const sessions = scenario.stripe.checkout_sessions as Session[];
    const valid = sessions.slice(0, UNIQUE).map((session) => ({ session, ...event(session) }));
    const forged = sessions.slice(UNIQUE).map((session) => ({ session, ...event(session) }));

    const exhausted = valid.slice(0, EXHAUSTED);
    const recovered = valid.slice(EXHAUSTED, EXHAUSTED + RECOVERED);
    const faults: FaultSpec[] = [
      ...exhausted.map((e) => ({ method: 'GET', path: `/v1/payment_intents/${e.session.payment_intent}`, status: 500, times: 3 })),
      ...recovered.map((e) => ({ method: 'GET', path: `/v1/payment_intents/${e.session.payment_intent}`, status: 500 })),
      // A forged event, were it accepted, would be dead-lettered too.
      ...forged.map((e) => ({ method: 'GET', path: `/v1/payment_intents/${e.session.payment_intent}`, status: 500, times: 3 })),
    ];
    await world.emulator.addFaults(faults);

    // Duplicates of every kind of event, dead-lettered ones included, racing their originals.
    const duplicates = Array.from({ length: DUPLICATES }, (_, i) => valid[(i * 3) % UNIQUE] as (typeof valid)[number]);
    const deliveries: Delivery[] = shuffle([
      ...valid.map((e) => ({ payload: e.payload, secret: SECRET, eventId: e.eventId })),
      ...duplicates.map((e) => ({ payload: e.payload, secret: SECRET, eventId: e.eventId })),
      ...forged.map((e, i) => ({ payload: e.payload, secret: i % 2 ? 'whsec_not_the_endpoint_secret' : `${SECRET}x`, eventId: e.eventId })),
    ]);
    expect(deliveries).toHaveLength(DELIVERIES);

    let pending = deliveries;
    const statuses: Record<string, number> = {};
    let rounds = 0;
    while (pending.length > 0 && rounds < MAX_DELIVERY_ROUNDS) {
      rounds++;
      const answers = await Promise.all(pending.map(deliver));
      answers.forEach((s) => (statuses[s] = (statuses[s] ?? 0) + 1));
      // Stripe gives up on a 4xx only after retrying too; a forged signature stays 400 forever, so stop there.
      pending = pending.filter((_, i) => answers[i] !== 200 && answers[i] !== 400);
    }
    expect(pending, 'deliveries never acknowledged').toEqual([]);
    expect(statuses['400']).toBe(BAD_SIGNATURES);

    // Exactly the expected dead letters: one per exhausted event, none for a duplicate or a forged event.
    const figures = await checkInvariants(world, {
      seeded: [],
      expectedNew: exhausted.map((e) => ({ paymentIntentId: e.session.payment_intent, stripeSessionId: e.session.id })),
      budget: 2 * UNIQUE + 3 * (EXHAUSTED * 3 + RECOVERED),
    });
    for (const e of exhausted) {
      const doc = await world.records().findOne({ stripeSessionId: e.session.id });
      expect(doc?.history?.[0]?.note).toBe(`event ${e.eventId}`);
    }
    for (const e of forged) {
      expect((await world.emulator.paymentIntent(e.session.payment_intent))?.metadata.stripeSessionId, 'forged event acted on').toBe('__pending__');
    }
    const touched = new Set((await world.emulator.requests()).map((r) => r.path));
    expect(forged.filter((e) => touched.has(`/v1/payment_intents/${e.session.payment_intent}`))).toEqual([]);
    for (const e of valid.slice(EXHAUSTED)) {
      expect((await world.emulator.paymentIntent(e.session.payment_intent))?.metadata.stripeSessionId).toBe(e.session.id);
    }

    // One outcome per event, recorded once.
    const events = await hook.connection.db?.collection(WEBHOOK_EVENT_COLLECTION).find({}).toArray();
    expect(events).toHaveLength(UNIQUE);
    const outcomes: Record<string, number> = {};
    for (const doc of events ?? []) outcomes[`${doc.state}:${doc.outcome}`] = (outcomes[`${doc.state}:${doc.outcome}`] ?? 0) + 1;
    expect(outcomes).toEqual({ 'done:patched': UNIQUE - EXHAUSTED, 'done:dead-lettered': EXHAUSTED });

    const logged: Record<string, number> = {};
    for (const line of lines) logged[line.outcome] = (logged[line.outcome] ?? 0) + 1;
    report('7 webhook load', {
      deliveries: DELIVERIES,
      rounds,
      statuses: JSON.stringify(statuses),
      outcomes: JSON.stringify(logged),
      deadLetters: figures.records,
      requests: figures.requests,
      budget: figures.budget,
      faultsSeen: figures.faultsSeen,
      effectiveWrites: figures.effectiveWrites,
      duplicates: figures.duplicates,
      losses: figures.losses,
      seconds: Math.round((Date.now() - started) / 1000),
    });
  }, timeoutFor(120_000, 2));
});
