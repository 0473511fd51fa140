import { describe, expect, it } from 'vitest';
import { runCli } from '../../../test/helpers/cli.js';
import { useWorld } from '../../../test/helpers/world.js';

const world = useWorld();

// eslint-disable-next-line no-control-regex
const plain = (text: string) => text.replace(/\x1b\[[0-9;]*m/g, '');
const ESC = '\u001b[';

/** Seeds one record per kind used here: n = 0 fixable, 1 conflict, 2 missing, 3 refunded. */
async function seed() {
  const s = await world.seed({ fixable: 1, conflict: 1, missing: 1, refunded: 1 });
  return { ...s, id: (pi: string) => s.ids.get(pi)! };
}

function kv(stdout: string): Map<string, string[]> {
  const map = new Map<string, string[]>();
  for (const line of stdout.trim().split('\n')) {
    const [key = '', ...rest] = line.split('\t');
    map.set(key, [...(map.get(key) ?? []), rest.join('\t')]);
  }
  return map;
}

async function stripeRequests() {
  return (await world.emulator.requests()).filter((r) => r.path.startsWith('/v1/'));
}

describe('show', () => {
  it('piped: key<TAB>value lines with the metadata diff, the plan and the fixing command; writes nothing', async () => {
    const s = await seed();
    const id = s.id('pi_seed0000000');
    const run = await runCli(['show', id], { env: world.env() });
    expect(run.exitCode).toBe(0);
    expect(run.stdout).not.toContain(ESC);
    const lines = kv(run.stdout);
    expect(lines.get('id')).toEqual([id]);
    expect(lines.get('state')).toEqual(['unresolved']);
    expect(lines.get('paymentIntentId')).toEqual(['pi_seed0000000']);
    expect(lines.get('stripe.status')).toEqual(['succeeded']);
    expect(lines.get('stripe.metadata.stripeSessionId')).toEqual(['__pending__']);
    expect(lines.get('stripe.intended.stripeSessionId')).toEqual(['cs_test_seed0000000']);
    expect(lines.get('stripe.plan')).toEqual(['patch']);
    expect(lines.get('stripe.patch.stripeSessionId')).toEqual(['cs_test_seed0000000']);
    expect(lines.has('stripe.patch.packId')).toBe(false);
    expect(lines.get('next')).toEqual([`billing-backfill retry ${id}`]);
    expect(lines.has('warning')).toBe(false);
    expect((await stripeRequests()).filter((r) => r.method === 'POST')).toHaveLength(0);
    expect((await world.records().findOne({ paymentIntentId: 'pi_seed0000000' }))?.history).toBeUndefined();
  });

  it('terminal: a coloured sectioned view, and a warning naming each refund made while the metadata was missing', async () => {
    const s = await seed();
    const id = s.id('pi_seed0000003');
    const run = await runCli(['show', id], { env: world.env(), tty: true });
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toContain(ESC);
    const text = plain(run.stdout);
    expect(text).toContain(`Record ${id}  unresolved`);
    expect(text).toContain('History none');
    expect(text).toMatch(/stripeSessionId\s*│\s*__pending__\s*│\s*→\s*│\s*cs_test_seed0000003/);
    expect(text).toContain('patch: set stripeSessionId=cs_test_seed0000003');
    expect(text).toContain('1 refund happened while the metadata was missing');
    expect(text).toMatch(/re_seed0000003\s+\$49\.00\s+charge ch_seed0000003\s+\d{4}-\d\d-\d\dT/);
    expect(text).toContain('stripe events list --type charge.refunded');
    expect(text).toContain('stripe events resend <evt_…>');
    expect(text).toContain(`after \`billing-backfill retry ${id}\``);
    expect(text).toContain(`Next patch the PaymentIntent: billing-backfill retry ${id}`);
  });

  it('--json: the conflict plan, the refunds, and the error of a missing PaymentIntent instead of its Stripe block', async () => {
    const s = await seed();
    // History is shown oldest first, whatever order it was stored in.
    await world.records().updateOne(
      { paymentIntentId: 'pi_seed0000001' },
      {
        $set: {
          history: [
            { at: new Date('2026-02-02T00:00:00Z'), actor: 'b', action: 'retry', outcome: 'conflict', error: 'x' },
            { at: new Date('2026-01-01T00:00:00Z'), actor: 'a', action: 'retry', outcome: 'failed-transient', error: 'y' },
          ],
        },
      },
    );
    const conflict = await runCli(['show', s.id('pi_seed0000001'), '--json'], { env: world.env() });
    expect(conflict.exitCode).toBe(0);
    const [record] = JSON.parse(conflict.stdout).records;
    expect(record).toMatchObject({ id: s.id('pi_seed0000001'), paymentIntentId: 'pi_seed0000001', resolvedAt: null, attempts: 0 });
    expect(record.history.map((h: { actor: string }) => h.actor)).toEqual(['a', 'b']);
    expect(record.stripe).toMatchObject({
      status: 'succeeded',
      plan: 'conflict',
      metadata: { stripeSessionId: 'cs_test_other_seed0000001' },
      intended: { stripeSessionId: 'cs_test_seed0000001' },
      refunds: [],
    });
    expect(record.stripe.reason).toContain('cs_test_other_seed0000001');

    const missing = await runCli(['show', 'pi_seed0000002', '--json'], { env: world.env() });
    expect(missing.exitCode).toBe(0);
    const stripe = JSON.parse(missing.stdout).records[0].stripe;
    expect(stripe).toMatchObject({ plan: null, status: null, errorDetails: { code: 'resource_missing', status: 404 } });
    expect(stripe.error).toContain('pi_seed0000002');

    const refunded = JSON.parse((await runCli(['show', 'pi_seed0000003', '--json'], { env: world.env() })).stdout).records[0].stripe;
    expect(refunded.plan).toBe('patch');
    expect(refunded.refunds).toEqual([
      { id: 're_seed0000003', amount: 4900, currency: 'usd', chargeId: 'ch_seed0000003', created: expect.any(String), status: 'succeeded', beforeFix: true },
    ]);

    const missingView = await runCli(['show', 'pi_seed0000002'], { env: world.env() });
    expect(kv(missingView.stdout).get('stripe.error')?.[0]).toMatch(/resource_missing/);
    expect(kv(missingView.stdout).get('next')).toEqual([`billing-backfill resolve ${s.id('pi_seed0000002')} --force --note "…"`]);
  });

  it('a pi_ with two records shows both, reading Stripe once for the PaymentIntent', async () => {
    const s = await seed();
    const duplicate = await world.records().insertOne({
      paymentIntentId: 'pi_seed0000003',
      stripeSessionId: 'cs_test_seed0000003',
      error: 'replayed event',
      failedAt: new Date(),
      resolvedAt: null,
      resolvedBy: null,
    });
    const run = await runCli(['show', 'pi_seed0000003', '--json'], { env: world.env() });
    expect(run.exitCode).toBe(0);
    const { records } = JSON.parse(run.stdout);
    expect(records.map((r: { id: string }) => r.id)).toEqual([s.id('pi_seed0000003'), String(duplicate.insertedId)]);
    for (const r of records) expect(r.stripe.plan).toBe('patch');
    const requests = await stripeRequests();
    expect(requests.filter((r) => r.path === '/v1/payment_intents/pi_seed0000003')).toHaveLength(1);
    expect(requests.filter((r) => r.path === '/v1/refunds')).toHaveLength(1);

    const piped = await runCli(['show', 'pi_seed0000003'], { env: world.env() });
    expect(piped.stderr).toContain('2 records match pi_seed0000003');
    expect(kv(piped.stdout).get('id')).toHaveLength(2);
  });

  it('--offline (or no Stripe key) shows the stored record only and never calls Stripe', async () => {
    const s = await seed();
    const id = s.id('pi_seed0000000');
    const offline = await runCli(['show', id, '--offline', '--json'], { env: world.env() });
    expect(offline.exitCode).toBe(0);
    expect(JSON.parse(offline.stdout).records[0]).toMatchObject({ id, stripe: null, history: [] });

    const noKey = await runCli(['show', id], { env: world.env({ STRIPE_SECRET_KEY: '' }) });
    expect(noKey.exitCode).toBe(0);
    expect(kv(noKey.stdout).get('stripe')?.[0]).toContain('no Stripe key configured');
    expect(kv(noKey.stdout).get('next')).toEqual([`billing-backfill retry ${id}`]);
    expect(await stripeRequests()).toHaveLength(0);
  });

  it('a resolved record says who resolved it and suggests nothing', async () => {
    const s = await seed();
    const id = s.id('pi_seed0000000');
    await world.records().updateOne({ paymentIntentId: 'pi_seed0000000' }, { $set: { resolvedAt: new Date(), resolvedBy: 'admin' } });
    const run = await runCli(['show', id], { env: world.env() });
    const lines = kv(run.stdout);
    expect(lines.get('state')).toEqual(['resolved']);
    expect(lines.get('resolvedBy')).toEqual(['admin']);
    expect(lines.has('next')).toBe(false);
  });

  it('Stripe refusing the key still shows the stored record, then exits 3', async () => {
    const s = await seed();
    const run = await runCli(['show', s.id('pi_seed0000000')], { env: world.env({ STRIPE_SECRET_KEY: ['sk', 'live', 'refusedkey123'].join('_') }) });
    expect(run.exitCode).toBe(3);
    expect(kv(run.stdout).get('paymentIntentId')).toEqual(['pi_seed0000000']);
    expect(kv(run.stdout).get('stripe.error')?.[0]).toContain('StripeAuthenticationError');
    expect(kv(run.stdout).has('next')).toBe(false);
    expect(run.stderr).toContain('Stripe refused the API key');
    expect(run.stdout + run.stderr).not.toContain('refusedkey123');
  });

  it('a malformed ref is a usage error (exit 2); an unknown one exits 1', async () => {
    const bad = await runCli(['show', 'ch_123'], { env: world.env() });
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toContain('not a record id, PaymentIntent or Checkout Session id');
    const unknown = await runCli(['show', '0123456789abcdef01234567', '--json'], { env: world.env() });
    expect(unknown.exitCode).toBe(1);
    expect(unknown.stderr).toContain('no record matches 0123456789abcdef01234567');
    expect(JSON.parse(unknown.stdout)).toEqual({ records: [] });
  });
});
