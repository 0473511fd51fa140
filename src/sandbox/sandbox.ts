/**
 * The whole sandbox as one unit: the embedded database and the Stripe
 * emulator, started together, seeded consistently, stopped together. The
 * `sandbox` and `demo` commands, tests and benchmarks share it.
 */
import { DEFAULT_COLLECTION } from '../config.js';
import type { NewDeadLetter } from '../core/ports.js';
import { startStripeEmulator, type StripeEmulator } from './emulator/server.js';
import { startMongoSandbox, type MongoSandbox } from './mongo-launcher.js';
import { buildScenario, loadStripeObjects, type Scenario, type SeedCounts, type SeedRecord } from './seed.js';

/**
 * Not a secret: the emulator accepts any test-mode key and holds only
 * made-up data, so a fixed one lets scripts and docs name it.
 */
export const SANDBOX_STRIPE_KEY = 'sk_test_billing_backfill_sandbox';

/** The upstream service's database name, so the URI reads like a real one. */
const DATABASE = 'billing';

/** Parallel inserts while seeding: enough to hide round trips, few enough for a 2-core machine. */
const INSERT_BATCH = 16;

// A type, not an interface, so it passes as a plain Record<string, string> env.
export type SandboxEnv = {
  MONGODB_URI: string;
  STRIPE_API_BASE: string;
  STRIPE_SECRET_KEY: string;
};

export interface Sandbox {
  env: SandboxEnv;
  mongo: MongoSandbox;
  emulator: StripeEmulator;
  /** Stops both and removes the database's temp dir; safe to call twice. */
  stop(): Promise<void>;
}

export interface SandboxOptions {
  /** Omitted: a free port. */
  mongoPort?: number;
  stripePort?: number;
}

function withDatabase(uri: string): string {
  return uri.endsWith('/') ? `${uri}${DATABASE}` : uri;
}

export async function startSandbox(opts: SandboxOptions = {}): Promise<Sandbox> {
  const [mongo, emulator] = await Promise.allSettled([
    startMongoSandbox(opts.mongoPort === undefined ? {} : { port: opts.mongoPort }),
    startStripeEmulator(opts.stripePort === undefined ? {} : { port: opts.stripePort }),
  ]);
  if (mongo.status === 'rejected' || emulator.status === 'rejected') {
    // Whichever half did start must not outlive the failure.
    await Promise.allSettled([
      mongo.status === 'fulfilled' ? mongo.value.stop() : undefined,
      emulator.status === 'fulfilled' ? emulator.value.close() : undefined,
    ]);
    throw mongo.status === 'rejected' ? mongo.reason : (emulator as PromiseRejectedResult).reason;
  }
  let stopping: Promise<void> | undefined;
  return {
    env: { MONGODB_URI: withDatabase(mongo.value.uri), STRIPE_API_BASE: emulator.value.url, STRIPE_SECRET_KEY: SANDBOX_STRIPE_KEY },
    mongo: mongo.value,
    emulator: emulator.value,
    stop: () =>
      (stopping ??= Promise.allSettled([mongo.value.stop(), emulator.value.close()]).then(([m, e]) => {
        if (m.status === 'rejected') throw m.reason;
        if (e.status === 'rejected') throw e.reason;
      })),
  };
}

export interface SeededRecord extends SeedRecord {
  /** The record id MongoDB assigned. */
  id: string;
}

export interface SeedOptions {
  now: Date;
  /** Id prefix, so several seeds can share one sandbox. */
  prefix?: string;
  collection?: string;
  signal?: AbortSignal;
}

/**
 * Loads a scenario into a running sandbox: the Stripe objects into the
 * emulator, the dead letters through the store, as the billing service
 * writes them.
 */
export async function seedSandbox(env: SandboxEnv, counts: SeedCounts, opts: SeedOptions): Promise<{ scenario: Scenario; records: SeededRecord[] }> {
  const scenario = buildScenario(counts, { now: opts.now, ...(opts.prefix ? { prefix: opts.prefix } : {}) });
  await loadStripeObjects(env.STRIPE_API_BASE, scenario.stripe);
  // Loaded only here, so `--help` and the emulator alone never pull in mongoose.
  const store = await import('../store/index.js');
  const connection = await store.openConnection(env.MONGODB_URI);
  try {
    const repository = new store.MongoDeadLetterRepository(connection, opts.collection ?? DEFAULT_COLLECTION);
    const records: SeededRecord[] = [];
    for (let i = 0; i < scenario.records.length; i += INSERT_BATCH) {
      opts.signal?.throwIfAborted();
      const batch = scenario.records.slice(i, i + INSERT_BATCH);
      records.push(...(await Promise.all(batch.map(async (r) => ({ ...r, id: (await repository.insert(upstreamFields(r))).id })))));
    }
    return { scenario, records };
  } finally {
    await store.closeConnection(connection);
  }
}

function upstreamFields(r: SeedRecord): NewDeadLetter {
  return { paymentIntentId: r.paymentIntentId, stripeSessionId: r.stripeSessionId, error: r.error, failedAt: r.failedAt };
}
