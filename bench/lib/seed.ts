/** Bench-sized data: seed scenarios through the sandbox's own seeding, and bulk history documents. */
import type { Collection } from 'mongodb';
import { buildScenario, loadStripeObjects, upstreamDocument, type Scenario } from '../../src/sandbox/seed.js';

const INSERT_BATCH = 10_000;

export async function insertInBatches(collection: Collection, total: number, make: (i: number) => Record<string, unknown>): Promise<void> {
  for (let start = 0; start < total; start += INSERT_BATCH) {
    const docs: Record<string, unknown>[] = [];
    for (let i = start; i < Math.min(total, start + INSERT_BATCH); i++) docs.push(make(i));
    await collection.insertMany(docs, { ordered: false });
  }
}

/**
 * `n` records of the common case (the PaymentIntent carries the purchase keys,
 * only stripeSessionId is __pending__), in MongoDB and in the emulator.
 */
export async function seedFixable(collection: Collection, emulatorUrl: string, n: number, prefix: string): Promise<Scenario> {
  const scenario = buildScenario({ fixable: n }, { now: new Date(), prefix });
  await loadStripeObjects(emulatorUrl, scenario.stripe);
  await insertInBatches(collection, n, (i) => upstreamDocument(scenario.records[i] as Scenario['records'][number]));
  return scenario;
}

/**
 * A long history in the upstream shape: one record in `unresolvedEvery` is
 * still open, the rest were resolved by a cron run five minutes after failing.
 */
export function historyDocument(i: number, opts: { unresolvedEvery: number; start: number }): Record<string, unknown> {
  const failedAt = new Date(opts.start + i * 1000);
  const open = i % opts.unresolvedEvery === 0;
  const id = String(i).padStart(8, '0');
  return {
    paymentIntentId: `pi_hist${id}`,
    stripeSessionId: `cs_test_hist${id}`,
    error: 'An error occurred with our connection to Stripe. Request was retried 2 times.',
    failedAt,
    resolvedAt: open ? null : new Date(failedAt.getTime() + 300_000),
    resolvedBy: open ? null : 'cron',
  };
}
