/**
 * Scenario 8: bad input. Every refusal is one line (plus at most a hint),
 * carries its documented exit code (2 usage, 1 not found, 3 dependency) and
 * writes nothing to MongoDB or Stripe; records written by other writers in
 * odd shapes never crash a command; a patch over Stripe's metadata limits is
 * refused before it is sent; the webhook rejects every malformed delivery.
 */
import Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import { buildScenario, loadStripeObjects } from '../../src/sandbox/seed.js';
import { WEBHOOK_EVENT_COLLECTION } from '../../src/store/index.js';
import { runCli, type CliRun } from '../helpers/cli.js';
import { checkoutCompletedPayload, useWorld, type SeededSession } from '../helpers/world.js';
import { report } from './invariants.js';
import { useInProcessWebhook } from './webhook-server.js';

const world = useWorld();
const UNKNOWN_ID = '0123456789abcdef01234567';

/** Everything a bad input could have changed. */
async function snapshot() {
  return {
    records: await world.records().find({}).sort({ _id: 1 }).toArray(),
    locks: await world.db.collection('billing_backfill_locks').countDocuments(),
    stripeWrites: (await world.emulator.requests()).filter((r) => r.method !== 'GET').length,
  };
}

function errorLines(run: CliRun): string[] {
  return run.stderr.split('\n').filter((line) => line.startsWith('error:'));
}

describe('scenario 8: bad input', () => {
  it('refuses bad arguments and configuration with one line, its exit code, and nothing written', async () => {
    const seeded = await world.seed({ fixable: 2, conflict: 1 });
    const id = seeded.ids.get('pi_seed0000000') as string;
    const cases: Array<{ args: string[]; env?: NodeJS.ProcessEnv; exit: number; says: RegExp }> = [
      { args: ['show', 'not-an-id'], exit: 2, says: /is not a record id/ },
      { args: ['retry', 'not-an-id'], exit: 2, says: /not a record id: not-an-id/ },
      { args: ['resolve', 'not-an-id', '--yes'], exit: 2, says: /not a record id/ },
      { args: ['show', 'ch_3PqNotAPaymentIntent'], exit: 2, says: /not a record id/ },
      { args: ['list', '--pi', 'ch_3PqNotAPaymentIntent'], exit: 2, says: /PaymentIntent id \(pi_…\)/ },
      { args: ['show', UNKNOWN_ID], exit: 1, says: /no record matches/ },
      { args: ['retry', UNKNOWN_ID], exit: 1, says: /no record with id/ },
      { args: ['resolve', UNKNOWN_ID, '--yes'], exit: 1, says: /no record/ },
      { args: ['list'], env: { MONGODB_URI: 'mongodb//127.0.0.1/x' }, exit: 2, says: /MongoDB URI is malformed/ },
      { args: ['list'], env: { MONGODB_URI: 'mongodb://127.0.0.1:99999/x' }, exit: 2, says: /invalid MongoDB URI/ },
      { args: ['list'], env: { MONGODB_URI: 'mongodb://127.0.0.1:1/x' }, exit: 3, says: /MongoDB is unreachable/ },
      { args: ['retry', '--all'], env: { STRIPE_SECRET_KEY: '' }, exit: 2, says: /no Stripe key configured/ },
      { args: ['retry', '--all'], env: { STRIPE_SECRET_KEY: 'sk_nope' }, exit: 2, says: /Stripe key is malformed/ },
      { args: ['retry', '--all'], env: { STRIPE_SECRET_KEY: 'pk_test_publishable' }, exit: 2, says: /Stripe key is malformed/ },
      { args: ['retry', '--all'], env: { STRIPE_SECRET_KEY: 'sk_live_realLookingKey0123456789' }, exit: 3, says: /Stripe refused the API key/ },
      { args: ['retry', id], env: { STRIPE_SECRET_KEY: 'sk_live_realLookingKey0123456789' }, exit: 3, says: /Stripe refused the API key/ },
      { args: ['show', id], env: { STRIPE_SECRET_KEY: 'sk_live_realLookingKey0123456789' }, exit: 3, says: /Stripe refused the API key/ },
      { args: ['list', '--limit', '-1'], exit: 2, says: /--limit/ },
      { args: ['retry', '--all', '--limit', '-1'], exit: 2, says: /--limit/ },
      { args: ['list', '--since', 'yesterdayish'], exit: 2, says: /--since/ },
      { args: ['retry', '--all', '--since', 'yesterdayish'], exit: 2, says: /--since/ },
      { args: ['retry', '--all', '--rate', '0'], exit: 2, says: /--rate/ },
      { args: ['retry', '--all', '--concurrency', '10000'], exit: 2, says: /--concurrency/ },
      { args: ['retry', '--all'], env: { BILLING_BACKFILL_LOCK_TTL_MS: 'soon' }, exit: 2, says: /BILLING_BACKFILL_LOCK_TTL_MS/ },
      { args: ['webhook'], env: { STRIPE_WEBHOOK_SECRET: '' }, exit: 2, says: /no webhook signing secret/ },
      { args: ['webhook', '--secret', 'not-a-secret'], exit: 2, says: /webhook signing secret is malformed/ },
    ];
    const before = await snapshot();
    const seen: string[] = [];
    for (const c of cases) {
      const label = `${c.args.join(' ')} ${JSON.stringify(c.env ?? {})}`;
      const run = await runCli(c.args, { env: world.env(c.env) });
      expect(run.exitCode, `${label}\n${run.stderr}`).toBe(c.exit);
      const errors = errorLines(run);
      expect(errors, label).toHaveLength(1);
      expect(errors[0], label).toMatch(c.says);
      // One line of error, at most a hint under it, and never a stack trace.
      expect(run.stderr.trim().split('\n').length, `${label}\n${run.stderr}`).toBeLessThanOrEqual(2);
      expect(run.stderr, label).not.toMatch(/^\s+at /m);
      seen.push(`${c.exit}`);
    }
    expect(await snapshot(), 'bad input wrote something').toEqual(before);
    report('8 bad arguments', { cases: cases.length, exit2: seen.filter((e) => e === '2').length, exit1: seen.filter((e) => e === '1').length, exit3: seen.filter((e) => e === '3').length, written: 0 });
  }, 60_000);

  it('records written by other writers in odd shapes: list, show, stats and retry do not crash', async () => {
    const now = new Date();
    const odd = [
      {},
      { paymentIntentId: 12345, stripeSessionId: ['cs_x'], failedAt: 'last tuesday', resolvedAt: 'not a date', attempts: 'three', history: 'none', lastError: 42 },
      { paymentIntentId: 'ch_3PqNotAPaymentIntent', stripeSessionId: 'cs_test_odd1', failedAt: now, error: null, extra: { nested: true }, tags: [1, 2] },
      { paymentIntentId: 'pi_odd_valid', stripeSessionId: 'cs_test_odd2', failedAt: now, unknown: 'x', history: [null, 5, { at: 'garbage' }], lastError: { message: 7 } },
      { _id: 'a-string-id', paymentIntentId: 'pi_odd_string_id', stripeSessionId: 'cs_test_odd3', failedAt: now.getTime() },
      { paymentIntentId: null, stripeSessionId: null, failedAt: null, resolvedAt: null, resolvedBy: { who: 'admin' } },
    ];
    const inserted = await world.records().insertMany(odd.map((doc) => ({ ...doc })) as never[]);
    const ids = Object.values(inserted.insertedIds).map(String);

    const runs: Array<[string, CliRun]> = [];
    const cli = async (args: string[], tty = false) => runs.push([args.join(' '), await runCli(args, { env: world.env(), tty })]);
    await cli(['list', '--any']);
    await cli(['list', '--any'], true);
    await cli(['list', '--any', '--json']);
    await cli(['list', '--any', '--oldest-first', '--limit', '2']);
    for (const id of ids.filter((i) => /^[0-9a-f]{24}$/.test(i))) {
      await cli(['show', id]);
      await cli(['show', id, '--json']);
    }
    await cli(['show', 'pi_odd_string_id', '--offline']);
    await cli(['stats']);
    await cli(['stats', '--json']);
    const beforeRetry = (await world.emulator.requests()).length;
    await cli(['retry', '--all', '--json']);
    for (const [label, run] of runs) {
      expect(run.stderr, label).not.toMatch(/unexpected error|TypeError|^\s+at /m);
      expect([0, 1], `${label}\n${run.stderr}`).toContain(run.exitCode);
    }
    const listed = JSON.parse((runs.find(([l]) => l === 'list --any --json') as [string, CliRun])[1].stdout);
    expect(listed.total).toBe(odd.length);

    // Every unresolved record is targeted, undated ones included (only the one whose resolvedAt is set,
    // if mistyped, counts as resolved); those that cannot go to Stripe are reported, never sent.
    const retry = JSON.parse((runs.find(([l]) => l === 'retry --all --json') as [string, CliRun])[1].stdout);
    expect(retry.summary).toMatchObject({ targeted: 5, failedPermanent: 5 });
    const invalid = retry.results.filter((r: { error?: string }) => r.error?.startsWith('invalid record'));
    expect(invalid).toHaveLength(3);
    const paths = (await world.emulator.requests()).slice(beforeRetry).map((r) => r.path).sort();
    expect(paths).toEqual(['/v1/payment_intents/pi_odd_string_id', '/v1/payment_intents/pi_odd_valid']);
    expect(await world.records().findOne({ _id: 'a-string-id' as never })).toMatchObject({ attempts: 1, lastError: { code: 'resource_missing' } });
    report('8 odd records', { records: odd.length, commands: runs.length, crashes: 0, invalidReported: invalid.length, stripeRequests: paths.length });
  }, 60_000);

  it('refuses a patch over Stripe’s metadata limits before sending it', async () => {
    const scenario = buildScenario({ 'fixable-needs-session': 2 }, { now: new Date(), prefix: 'limits' });
    const [full, long] = scenario.stripe.payment_intents as Array<{ id: string; metadata: Record<string, string> }>;
    // 49 keys already: adding organizationId, packId and kind would make 52 (Stripe allows 50).
    for (let i = 0; i < 48; i++) (full as { metadata: Record<string, string> }).metadata[`legacy_key_${i}`] = 'x';
    // A packId longer than Stripe's 500-character value limit.
    const session = scenario.stripe.checkout_sessions.find((s) => s.payment_intent === long?.id) as { metadata: Record<string, string> };
    session.metadata.packId = 'p'.repeat(501);
    await loadStripeObjects(world.emulatorUrl, scenario.stripe);
    await world.records().insertMany(scenario.records.map((r) => ({ paymentIntentId: r.paymentIntentId, stripeSessionId: r.stripeSessionId, error: r.error, failedAt: r.failedAt, resolvedAt: null, resolvedBy: null })));

    const run = await runCli(['retry', '--all', '--json'], { env: world.env() });
    expect(run.exitCode).toBe(1);
    const doc = JSON.parse(run.stdout);
    expect(doc.summary).toMatchObject({ targeted: 2, failedPermanent: 2, patched: 0 });
    for (const r of doc.results) expect(r.error).toMatch(/metadata|50|500/i);
    expect((await world.emulator.requests()).filter((r) => r.method === 'POST')).toEqual([]);
    expect(Object.keys((await world.emulator.paymentIntent(full?.id as string))?.metadata ?? {})).toHaveLength(49);
    const stored = await world.records().find({}).toArray();
    for (const record of stored) expect(record).toMatchObject({ resolvedAt: null, attempts: 1, lastError: { type: 'plan' } });
    report('8 metadata limits', { records: 2, refused: doc.summary.failedPermanent, posts: 0, reasons: JSON.stringify(doc.results.map((r: { error: string }) => r.error.slice(0, 60))) });
  });
});

describe('scenario 8: malformed webhook deliveries', () => {
  const SECRET = 'whsec_reliability_bad_input';
  const hook = useInProcessWebhook(world, SECRET);

  async function post(body: string | Buffer, signature: string | null): Promise<number> {
    const res = await fetch(hook.server.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(signature ? { 'stripe-signature': signature } : {}) },
      body,
    });
    await res.arrayBuffer();
    return res.status;
  }

  it('answers 400 or 413 to every malformed delivery and writes nothing', async () => {
    const scenario = buildScenario({ fixable: 1 }, { now: new Date(), prefix: 'hookbad' });
    await loadStripeObjects(world.emulatorUrl, scenario.stripe);
    const session = scenario.stripe.checkout_sessions[0] as SeededSession;
    const event = checkoutCompletedPayload(session, 'evt_reliability_bad_input');
    const sign = (payload: string, opts: { secret?: string; timestamp?: number } = {}) =>
      Stripe.webhooks.generateTestHeaderString({ payload, secret: opts.secret ?? SECRET, ...(opts.timestamp ? { timestamp: opts.timestamp } : {}) });
    const notJson = 'this is not JSON {';
    const huge = Buffer.alloc(10 * 1024 * 1024, 'a');
    const tenMinutesAgo = Math.floor(Date.now() / 1000) - 600;

    const cases: Array<[string, () => Promise<number>, number]> = [
      ['not JSON, validly signed', () => post(notJson, sign(notJson)), 400],
      ['not JSON, unsigned', () => post(notJson, null), 400],
      ['JSON without an event id', () => post('{"type":"checkout.session.completed"}', sign('{"type":"checkout.session.completed"}')), 400],
      ['10 MB body', () => post(huge, sign('x')), 413],
      ['replayed old signature (10 min)', () => post(event, sign(event, { timestamp: tenMinutesAgo })), 400],
      ['wrong secret', () => post(event, sign(event, { secret: 'whsec_someone_elses_endpoint' })), 400],
      ['no signature', () => post(event, null), 400],
      ['signature of another body', () => post(event, sign(event.replace('paid', 'unpaid'))), 400],
    ];
    const answers: Record<string, number> = {};
    for (const [label, send, expected] of cases) {
      answers[label] = await send();
      expect(answers[label], label).toBe(expected);
    }
    expect(await world.records().countDocuments()).toBe(0);
    expect(await hook.connection.db?.collection(WEBHOOK_EVENT_COLLECTION).countDocuments({ _id: 'evt_reliability_bad_input' as never })).toBe(0);
    expect(await world.emulator.requests()).toEqual([]);
    expect((await world.emulator.paymentIntent(session.payment_intent))?.metadata.stripeSessionId).toBe('__pending__');

    // The same event, correctly signed, is then handled: the rejections held nothing back.
    expect(await post(event, sign(event))).toBe(200);
    expect((await world.emulator.paymentIntent(session.payment_intent))?.metadata.stripeSessionId).toBe(session.id);
    report('8 webhook bodies', { cases: cases.length, answers: JSON.stringify(Object.values(answers)), written: 0 });
  });
});
