/**
 * The whole sandbox as one unit: the embedded database and the Stripe
 * emulator, started together, seeded consistently, stopped together. The
 * `sandbox` and `demo` commands, tests and benchmarks share it.
 */
import { DEFAULT_COLLECTION } from '../config.js';
import type { DeadLetterRepository, NewDeadLetter } from '../core/ports.js';
import { startStripeEmulator, type StripeEmulator } from './emulator/server.js';
import { startMongoSandbox, type MongoSandbox } from './mongo-launcher.js';
import { buildScenario, loadStripeObjects, type Scenario, type SeedCounts, type SeedRecord } from './seed.js';
import { PUBLIC_SANDBOX_KEY } from '../errors.js';

/**
 * Not a secret: the emulator accepts any test-mode key and holds only
 * made-up data, so a fixed one lets scripts and docs name it.
 */
export const SANDBOX_STRIPE_KEY = PUBLIC_SANDBOX_KEY;

/** The upstream service's database name, so the URI reads like a real one. */
const DATABASE = 'billing';

/** Records per insertMany: bounded memory and a progress tick per chunk, even for 100,000. */
const INSERT_CHUNK = 1000;

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

export interface SeedOptions {
  now: Date;
  /** Id prefix, so several seeds can share one sandbox. */
  prefix?: string;
  collection?: string;
  signal?: AbortSignal;
  /** Called with the number of records stored so far. */
  onProgress?: (stored: number) => void;
}

// Loaded only when used, so `--help` and the emulator alone never pull in mongoose.
async function withRepository<T>(env: SandboxEnv, collection: string | undefined, use: (repository: DeadLetterRepository) => Promise<T>): Promise<T> {
  const store = await import('../store/index.js');
  const connection = await store.openConnection(env.MONGODB_URI);
  try {
    return await use(new store.MongoDeadLetterRepository(connection, collection ?? DEFAULT_COLLECTION));
  } finally {
    await store.closeConnection(connection);
  }
}

/**
 * Loads a scenario into a running sandbox: the Stripe objects into the
 * emulator, the dead letters through the store, as the billing service
 * writes them.
 */
export async function seedSandbox(env: SandboxEnv, counts: SeedCounts, opts: SeedOptions): Promise<Scenario> {
  const scenario = buildScenario(counts, { now: opts.now, ...(opts.prefix ? { prefix: opts.prefix } : {}) });
  await loadStripeObjects(env.STRIPE_API_BASE, scenario.stripe);
  await withRepository(env, opts.collection, async (repository) => {
    for (let i = 0; i < scenario.records.length; i += INSERT_CHUNK) {
      opts.signal?.throwIfAborted();
      await repository.insertMany(scenario.records.slice(i, i + INSERT_CHUNK).map(upstreamFields));
      opts.onProgress?.(Math.min(i + INSERT_CHUNK, scenario.records.length));
    }
  });
  return scenario;
}

/** The id MongoDB gave the (first) record of a seeded PaymentIntent. */
export async function seededRecordId(env: SandboxEnv, paymentIntentId: string, collection?: string): Promise<string> {
  const [record] = await withRepository(env, collection, (repository) => repository.findByRef(paymentIntentId));
  if (!record) throw new Error(`no seeded record for ${paymentIntentId}`);
  return record.id;
}

function upstreamFields(r: SeedRecord): NewDeadLetter {
  return { paymentIntentId: r.paymentIntentId, stripeSessionId: r.stripeSessionId, error: r.error, failedAt: r.failedAt };
}
