import { describe, expect, it } from 'vitest';
import { runCli } from '../../../test/helpers/cli.js';
import { itMongoOnly, serverKind } from '../../../test/helpers/db.js';
import { useWorld } from '../../../test/helpers/world.js';

const world = useWorld();
const onFerretDB = serverKind() === 'ferretdb';

/** Piped output: one `status\tcheck\tdetail` line per check, keyed by check. */
function checksOf(stdout: string): Map<string, { status: string; detail: string }> {
  const checks = new Map<string, { status: string; detail: string }>();
  for (const line of stdout.trim().split('\n')) {
    const [status = '', name = '', detail = ''] = line.split('\t');
    checks.set(name, { status, detail });
  }
  return checks;
}

describe('doctor', () => {
  it('checks the server, the collection, its indexes and the Stripe key (warnings: exit 1)', async () => {
    await world.seed({ fixable: 2 });
    const run = await runCli(['doctor'], { env: world.env() });
    expect(run.exitCode).toBe(1);
    const checks = checksOf(run.stdout);
    expect([...checks.keys()]).toEqual(['mongodb', 'server', 'collection', 'unresolved', 'index paymentIntentId_1', 'index resolvedAt_1', 'stripe key', 'stripe access']);
    expect(checks.get('mongodb')).toEqual({ status: 'ok', detail: 'connected' });
    if (onFerretDB) expect(checks.get('server')).toEqual({ status: 'warn', detail: expect.stringMatching(/^FerretDB .*test database; partial indexes and transactions are unavailable/) });
    else expect(checks.get('server')).toEqual({ status: 'ok', detail: expect.stringMatching(/^MongoDB \d/) });
    expect(checks.get('collection')).toEqual({ status: 'ok', detail: 'billing_failed_backfills: 2 records' });
    expect(checks.get('unresolved')).toEqual({ status: 'ok', detail: '2 unresolved records' });
    for (const index of ['index paymentIntentId_1', 'index resolvedAt_1']) {
      expect(checks.get(index)).toEqual({ status: 'warn', detail: expect.stringContaining('billing-backfill doctor --create-indexes') });
    }
    expect(checks.get('stripe key')).toEqual({ status: 'ok', detail: 'test mode secret key' });
    expect(checks.get('stripe access')).toEqual({ status: 'ok', detail: 'key accepted: can read PaymentIntents' });
    expect((await world.emulator.requests()).map((r) => `${r.method} ${r.path} ${r.status}`)).toEqual(['GET /v1/payment_intents/pi_billing_backfill_doctor_probe 404']);
    // doctor inspects; it builds nothing unless asked
    expect((await world.records().listIndexes().toArray()).map((i) => i.name)).toEqual(['_id_']);
  });

  it('--json gives the checks and the server kind; a terminal gets a table', async () => {
    const json = await runCli(['doctor', '--json'], { env: world.env() });
    expect(json.exitCode).toBe(1);
    const doc = JSON.parse(json.stdout);
    expect(doc.server).toEqual({ kind: serverKind(), version: expect.any(String) });
    expect(doc.checks[0]).toEqual({ name: 'mongodb', status: 'ok', detail: 'connected' });
    for (const c of doc.checks) expect(['ok', 'warn', 'fail']).toContain(c.status);

    const tty = await runCli(['doctor'], { env: world.env({ NO_COLOR: '1' }), tty: true });
    expect(tty.exitCode).toBe(1);
    expect(tty.stdout).toMatch(/│ ok +│ stripe access +│ key accepted/);
    expect(tty.stderr).toMatch(/0 failed, \d warnings/);
  });

  it.skipIf(!onFerretDB)('--create-indexes creates paymentIntentId_1 and reports the partial index unsupported on FerretDB', async () => {
    const env = world.env();
    const run = await runCli(['--collection', 'doctor_ferret', 'doctor', '--create-indexes'], { env });
    expect(run.exitCode).toBe(1);
    const checks = checksOf(run.stdout);
    expect(checks.get('index paymentIntentId_1')).toEqual({ status: 'ok', detail: 'created' });
    expect(checks.get('index resolvedAt_1')).toEqual({ status: 'warn', detail: expect.stringMatching(/^unsupported: the server cannot build .*partialFilterExpression/) });
    const names = (await world.db.collection('doctor_ferret').listIndexes().toArray()).map((i) => i.name);
    expect(names).toContain('paymentIntentId_1');

    const again = checksOf((await runCli(['--collection', 'doctor_ferret', 'doctor', '--create-indexes'], { env })).stdout);
    expect(again.get('index paymentIntentId_1')).toEqual({ status: 'ok', detail: 'exists' });
  });

  itMongoOnly('FerretDB cannot build partial indexes', '--create-indexes creates both upstream indexes', async () => {
    const env = world.env();
    const run = await runCli(['--collection', 'doctor_mongo', 'doctor', '--create-indexes'], { env });
    const checks = checksOf(run.stdout);
    expect(checks.get('index paymentIntentId_1')).toEqual({ status: 'ok', detail: 'created' });
    expect(checks.get('index resolvedAt_1')).toEqual({ status: 'ok', detail: 'created' });
    const partial = (await world.db.collection('doctor_mongo').listIndexes().toArray()).find((i) => i.name === 'resolvedAt_1');
    expect(partial?.partialFilterExpression).toEqual({ resolvedAt: null });

    const again = await runCli(['--collection', 'doctor_mongo', 'doctor'], { env });
    expect(again.exitCode).toBe(0);
    expect(checksOf(again.stdout).get('index resolvedAt_1')).toEqual({ status: 'ok', detail: 'exists' });
  });

  it('a key Stripe refuses, or an unreachable Stripe, is a failure (exit 3)', async () => {
    const refused = await runCli(['doctor'], { env: world.env({ STRIPE_SECRET_KEY: ['sk', 'live', 'doctorprobe'].join('_') }) });
    expect(refused.exitCode).toBe(3);
    const checks = checksOf(refused.stdout);
    expect(checks.get('stripe key')).toEqual({ status: 'ok', detail: 'live mode secret key' });
    expect(checks.get('stripe access')).toEqual({ status: 'fail', detail: expect.stringContaining('Stripe refused the API key') });
    expect(refused.stdout + refused.stderr).not.toContain('doctorprobe');

    const unreachable = await runCli(['doctor'], { env: world.env({ STRIPE_API_BASE: 'http://127.0.0.1:1' }) });
    expect(unreachable.exitCode).toBe(3);
    expect(checksOf(unreachable.stdout).get('stripe access')).toEqual({ status: 'fail', detail: expect.stringContaining('Stripe is unreachable') });
  });

  it('without a Stripe key, warns that retry/show cannot reach Stripe', async () => {
    const run = await runCli(['doctor'], { env: world.env({ STRIPE_SECRET_KEY: '' }) });
    expect(checksOf(run.stdout).get('stripe key')).toEqual({ status: 'warn', detail: expect.stringContaining('no Stripe key: retry/show cannot reach Stripe') });
    expect(checksOf(run.stdout).has('stripe access')).toBe(false);
    expect(await world.emulator.requests()).toEqual([]);
  });

  it('an unreachable MongoDB is one failed check, quickly, and the other database checks are skipped (exit 3)', async () => {
    const started = Date.now();
    const run = await runCli(['doctor'], { env: world.env({ MONGODB_URI: 'mongodb://127.0.0.1:1/x' }) });
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(run.exitCode).toBe(3);
    const checks = checksOf(run.stdout);
    expect([...checks.keys()]).toEqual(['mongodb', 'stripe key', 'stripe access']);
    expect(checks.get('mongodb')).toEqual({ status: 'fail', detail: expect.stringContaining('MongoDB is unreachable') });

    const unset = await runCli(['doctor', '--json'], { env: world.env({ MONGODB_URI: '' }) });
    expect(unset.exitCode).toBe(3);
    const doc = JSON.parse(unset.stdout);
    expect(doc.server).toBeNull();
    expect(doc.checks[0]).toEqual({ name: 'mongodb', status: 'fail', detail: 'no MongoDB URI configured (pass --mongo-uri or set MONGODB_URI)' });
  }, 30_000);

  it('checks the webhook secret format without ever printing it', async () => {
    for (const secret of ['wh_XYZZYVALUE42', 'whsec_XYZZY VALUE42']) {
      const run = await runCli(['doctor', '--webhook-secret', secret], { env: world.env() });
      expect(run.exitCode).toBe(3);
      expect(checksOf(run.stdout).get('webhook secret')).toEqual({ status: 'fail', detail: expect.stringContaining('malformed (from --webhook-secret)') });
      expect(run.stdout + run.stderr).not.toContain('XYZZY');
    }
    const padded = await runCli(['doctor'], { env: world.env({ STRIPE_WEBHOOK_SECRET: 'whsec_XYZZYVALUE42\n' }) });
    expect(checksOf(padded.stdout).get('webhook secret')).toEqual({ status: 'fail', detail: 'has leading or trailing whitespace (from STRIPE_WEBHOOK_SECRET)' });

    const good = await runCli(['doctor'], { env: world.env({ STRIPE_WEBHOOK_SECRET: 'whsec_XYZZYVALUE42+/=' }) });
    expect(good.exitCode).toBe(1);
    expect(checksOf(good.stdout).get('webhook secret')).toEqual({ status: 'ok', detail: 'well-formed (from STRIPE_WEBHOOK_SECRET)' });
    expect(good.stdout + good.stderr).not.toContain('XYZZY');
  });
});
