/**
 * A test file's world: its own database on the shared test server, its own
 * Stripe emulator, and a way to seed both consistently.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { EmulatorClient } from '../../src/sandbox/emulator/client.js';
import { startStripeEmulator, type StripeEmulator } from '../../src/sandbox/emulator/server.js';
import { buildScenario, loadStripeObjects, upstreamDocument, type Scenario, type SeedCounts } from '../../src/sandbox/seed.js';
import { useTestDatabase } from './db.js';

export const COLLECTION = 'billing_failed_backfills';

export function useWorld() {
  const database = useTestDatabase();
  let emulator: StripeEmulator | null = null;
  let client: EmulatorClient | null = null;

  beforeAll(async () => {
    emulator = await startStripeEmulator();
    client = new EmulatorClient(emulator.url);
  });
  afterAll(async () => {
    await emulator?.close();
  });
  afterEach(async () => {
    await client?.reset();
    await database.db.collection(COLLECTION).deleteMany({});
    await database.db.collection('billing_backfill_locks').deleteMany({});
  });

  return {
    get db() {
      return database.db;
    },
    get uri() {
      return database.uri;
    },
    get emulator(): EmulatorClient {
      if (!client) throw new Error('emulator not started');
      return client;
    },
    get emulatorUrl(): string {
      if (!emulator) throw new Error('emulator not started');
      return emulator.url;
    },
    records() {
      return database.db.collection(COLLECTION);
    },
    /** The environment a CLI run needs to reach this world. */
    env(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
      return { MONGODB_URI: database.uri, STRIPE_SECRET_KEY: 'sk_test_world', STRIPE_API_BASE: this.emulatorUrl, BILLING_BACKFILL_ACTOR: 'tester', ...extra };
    },
    async seed(counts: SeedCounts, opts: { now?: Date; prefix?: string } = {}): Promise<Scenario & { ids: Map<string, string> }> {
      const scenario = buildScenario(counts, { now: opts.now ?? new Date(), ...(opts.prefix ? { prefix: opts.prefix } : {}) });
      await loadStripeObjects(this.emulatorUrl, scenario.stripe);
      const ids = new Map<string, string>();
      for (let i = 0; i < scenario.records.length; i += 5000) {
        const batch = scenario.records.slice(i, i + 5000);
        const inserted = await database.db.collection(COLLECTION).insertMany(batch.map(upstreamDocument));
        batch.forEach((r, j) => ids.set(r.paymentIntentId, String(inserted.insertedIds[j])));
      }
      return { ...scenario, ids };
    },
  };
}

export type World = ReturnType<typeof useWorld>;

/** A fresh, eligible checkout.session.completed event for a newly seeded fixable PaymentIntent (no dead letter). */
// A type literal, not an interface: the seeded objects are Record<string, unknown>.
export type SeededSession = { id: string; payment_intent: string; metadata: Record<string, string> };

/** The body Stripe delivers when a seeded Checkout Session has been paid. */
export function checkoutCompletedPayload(session: SeededSession, eventId = `evt_${randomBytes(6).toString('hex')}`): string {
  const object = { id: session.id, object: 'checkout.session', payment_status: 'paid', payment_intent: session.payment_intent, metadata: session.metadata };
  return JSON.stringify({ id: eventId, object: 'event', type: 'checkout.session.completed', data: { object } });
}

export async function paidCheckoutEvent(world: World): Promise<{ payload: string; paymentIntentId: string; sessionId: string }> {
  const seeded = await world.seed({ fixable: 1 }, { prefix: randomBytes(4).toString('hex') });
  await world.records().deleteMany({});
  const session = seeded.stripe.checkout_sessions[0] as SeededSession;
  return { payload: checkoutCompletedPayload(session), paymentIntentId: session.payment_intent, sessionId: session.id };
}
