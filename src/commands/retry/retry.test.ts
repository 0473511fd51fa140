import { describe, expect, it } from 'vitest';
import { runCli } from '../../../test/helpers/cli.js';
import { useWorld } from '../../../test/helpers/world.js';
import { upstreamDocument } from '../../sandbox/seed.js';

const world = useWorld();

async function postCount(): Promise<number> {
  return (await world.emulator.requests()).filter((r) => r.method === 'POST').length;
}

describe('retry', () => {
  it('retry --all fixes what can be fixed, reports the rest, and stamps every record', async () => {
    const s = await world.seed({ fixable: 3, 'fixable-needs-session': 1, 'already-correct': 1, conflict: 1, missing: 1 });
    const run = await runCli(['retry', '--all', '--json'], { env: world.env() });
    expect(run.exitCode).toBe(1);
    const doc = JSON.parse(run.stdout);
    expect(doc.dryRun).toBe(false);
    expect(doc.summary).toMatchObject({ targeted: 7, patched: 4, alreadyCorrect: 1, conflict: 1, failedTransient: 0, failedPermanent: 1, skipped: 0 });
    expect(doc.results).toHaveLength(7);

    const fixed = await world.emulator.paymentIntent('pi_seed0000000');
    expect(fixed?.metadata.stripeSessionId).toBe('cs_test_seed0000000');
    const needed = s.records.find((r) => r.kind === 'fixable-needs-session')!;
    const patched = await world.emulator.paymentIntent(needed.paymentIntentId);
    expect(patched?.metadata).toMatchObject({ stripeSessionId: needed.stripeSessionId, kind: 'extras', packId: expect.any(String) });

    const conflict = s.records.find((r) => r.kind === 'conflict')!;
    const pi = await world.emulator.paymentIntent(conflict.paymentIntentId);
    expect(pi?.metadata.stripeSessionId).toMatch(/^cs_test_other_/);
    const conflictDoc = await world.records().findOne({ paymentIntentId: conflict.paymentIntentId });
    expect(conflictDoc?.resolvedAt).toBeNull();
    expect(conflictDoc?.history?.[0]).toMatchObject({ action: 'retry', outcome: 'conflict', actor: 'tester' });

    const missing = await world.records().findOne({ paymentIntentId: s.records.find((r) => r.kind === 'missing')!.paymentIntentId });
    expect(missing).toMatchObject({ resolvedAt: null, attempts: 1, lastError: { code: 'resource_missing', status: 404 } });

    const resolved = await world.records().find({ resolvedAt: { $ne: null } }).toArray();
    expect(resolved).toHaveLength(5);
    for (const doc of resolved) {
      expect(doc.resolvedBy).toBe('tester');
      expect(['patched', 'already-correct']).toContain(doc.resolution);
      // upstream fields are untouched
      expect(doc.paymentIntentId).toMatch(/^pi_seed/);
      expect(doc.error).toEqual(expect.any(String));
    }

    // A second run finds only what is left, and writes nothing new to Stripe.
    const before = await postCount();
    const again = await runCli(['retry', '--all', '--json'], { env: world.env() });
    expect(JSON.parse(again.stdout).summary).toMatchObject({ targeted: 2, patched: 0, conflict: 1, failedPermanent: 1 });
    expect(await postCount()).toBe(before);
  });

  it('a PaymentIntent reset by hand after an earlier fix is patched again, not answered by a replay', async () => {
    const s = await world.seed({ fixable: 1 });
    const [record] = s.records;
    expect((await runCli(['retry', '--all', '--json'], { env: world.env() })).exitCode).toBe(0);
    // Within Stripe's 24 h key window someone resets the metadata, and upstream dead-letters the purchase again.
    const pi = s.stripe.payment_intents[0] as { id: string; metadata: Record<string, string> };
    await world.emulator.upsert({ payment_intents: [{ ...pi, metadata: { ...pi.metadata, stripeSessionId: '__pending__' } }] });
    await world.records().insertOne(upstreamDocument(record!));

    const run = await runCli(['retry', '--all', '--json'], { env: world.env() });
    expect(run.exitCode, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout).summary).toMatchObject({ targeted: 1, patched: 1 });
    expect((await world.emulator.paymentIntent(record!.paymentIntentId))?.metadata.stripeSessionId).toBe(record!.stripeSessionId);
    const posts = (await world.emulator.requests()).filter((r) => r.method === 'POST');
    expect(posts).toHaveLength(3); // the first fix, its replay, the write under the next key
    expect(new Set(posts.map((r) => r.idempotencyKey)).size).toBe(2);
  });

  it('--dry-run prints every plan, sends no POST and leaves MongoDB unchanged', async () => {
    await world.seed({ fixable: 2, conflict: 1 });
    const before = await world.records().find().sort({ _id: 1 }).toArray();
    const run = await runCli(['retry', '--all', '--dry-run'], { env: world.env() });
    expect(run.exitCode).toBe(1);
    const lines = run.stdout.trim().split('\n');
    expect(lines.filter((l) => l.includes('\twould-patch\t'))).toHaveLength(2);
    expect(lines.find((l) => l.includes('\twould-patch\t'))).toContain('stripeSessionId=cs_test_seed');
    expect(lines.filter((l) => l.includes('\tconflict\t'))).toHaveLength(1);
    expect(run.stdout).toContain('dry run (nothing written)');
    expect(await postCount()).toBe(0);
    expect(await world.records().find().sort({ _id: 1 }).toArray()).toEqual(before);
  });

  it('retries one record by id, and a resolved or unknown id is reported', async () => {
    const s = await world.seed({ fixable: 2 });
    const id = s.ids.get('pi_seed0000000')!;
    const run = await runCli(['retry', id], { env: world.env() });
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toMatch(new RegExp(`${id}\\tpi_seed0000000\\tpatched`));
    expect((await world.emulator.paymentIntent('pi_seed0000001'))?.metadata.stripeSessionId).toBe('__pending__');

    const twice = await runCli(['retry', id, '--json'], { env: world.env() });
    expect(JSON.parse(twice.stdout).results[0]).toMatchObject({ id, outcome: 'skipped' });
    expect(twice.exitCode).toBe(0);

    const unknown = await runCli(['retry', '0123456789abcdef01234567'], { env: world.env() });
    expect(unknown.exitCode).toBe(1);
    expect(unknown.stderr).toContain('no record with id 0123456789abcdef01234567');

    const bad = await runCli(['retry', 'not-an-id'], { env: world.env() });
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr.trim().split('\n')[0]).toBe('error: not a record id: not-an-id');
  });

  it('transient failures increment attempts and leave the record for the next run; --max-attempts skips it', async () => {
    await world.seed({ fixable: 1 });
    await world.emulator.addFaults([{ method: 'GET', path: '/v1/payment_intents/', status: 500, times: 3 }]);
    const run = await runCli(['retry', '--all', '--json'], { env: world.env() });
    expect(run.exitCode).toBe(1);
    expect(JSON.parse(run.stdout).summary).toMatchObject({ targeted: 1, failedTransient: 1 });
    const doc = await world.records().findOne({});
    expect(doc).toMatchObject({ attempts: 1, resolvedAt: null, lastError: { status: 500 } });

    const skipped = await runCli(['retry', '--all', '--max-attempts', '1', '--json'], { env: world.env() });
    expect(JSON.parse(skipped.stdout).summary).toMatchObject({ targeted: 1, skipped: 1 });
    expect(skipped.exitCode).toBe(1);

    const fixed = await runCli(['retry', '--all'], { env: world.env() });
    expect(fixed.exitCode).toBe(0);
    expect(fixed.stdout).toContain('patched 1');
  });

  it('a second --all run sees the lock, says who holds it, and exits 0', async () => {
    await world.seed({ fixable: 1 });
    const now = new Date();
    await world.db.collection('billing_backfill_locks').insertOne({
      _id: 'retry-all' as never,
      owner: 'cron@host-a pid:1',
      acquiredAt: now,
      expiresAt: new Date(now.getTime() + 60_000),
    });
    const run = await runCli(['retry', '--all'], { env: world.env() });
    expect(run.exitCode).toBe(0);
    expect(run.stderr).toContain('held by cron@host-a pid:1');
    expect(await postCount()).toBe(0);

    const bypass = await runCli(['retry', '--all', '--no-lock'], { env: world.env() });
    expect(bypass.exitCode).toBe(0);
    expect(bypass.stdout).toContain('patched 1');
  });

  it('an expired lock is taken over', async () => {
    await world.seed({ fixable: 1 });
    await world.db.collection('billing_backfill_locks').insertOne({
      _id: 'retry-all' as never,
      owner: 'dead-host',
      acquiredAt: new Date(Date.now() - 3_600_000),
      expiresAt: new Date(Date.now() - 1000),
    });
    const run = await runCli(['retry', '--all'], { env: world.env() });
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toContain('patched 1');
    expect(await world.db.collection('billing_backfill_locks').countDocuments()).toBe(0);
  });

  it('stops at once with exit 3 when Stripe refuses the key, writing nothing', async () => {
    await world.seed({ fixable: 3 });
    const before = await world.records().find().sort({ _id: 1 }).toArray();
    const run = await runCli(['retry', '--all'], { env: world.env({ STRIPE_SECRET_KEY: ['sk', 'live', 'notforthisemulator'].join('_') }), tty: false });
    expect(run.exitCode).toBe(3);
    expect(run.stderr).toContain('Stripe refused the API key');
    expect(run.stderr).not.toContain('notforthisemulator');
    expect(await world.records().find().sort({ _id: 1 }).toArray()).toEqual(before);
  });

  it('asks for confirmation with a live key on a terminal, and --yes skips it', async () => {
    await world.seed({ fixable: 1 });
    const { scriptedPrompter } = await import('../../../test/helpers/cli.js');
    const prompter = scriptedPrompter([false]);
    const run = await runCli(['retry', '--all'], { env: world.env({ STRIPE_SECRET_KEY: ['sk', 'live', 'x'].join('_') }), tty: true, prompter });
    expect(run.exitCode).toBe(0);
    expect(prompter.asked[0]).toMatch(/Retry 1 record\(s\) against LIVE Stripe at 95 requests\/s/);
    expect(await postCount()).toBe(0);
  });

  it('on a terminal: a progress bar on stderr, only records needing attention listed, and the summary', async () => {
    await world.seed({ fixable: 3, conflict: 1 });
    const run = await runCli(['retry', '--all'], { env: world.env(), tty: true });
    expect(run.exitCode).toBe(1);
    expect(run.stderr).toContain('retrying [');
    expect(run.stderr).toContain('4/4');
    const lines = run.stdout.trim().split('\n');
    expect(lines.filter((l) => l.includes('conflict ') && l.includes('pi_seed'))).toHaveLength(1);
    expect(lines.some((l) => /patched\s+\w{24}/.test(l))).toBe(false);
    expect(lines.at(-1)).toContain('targeted 4, patched 3');
  });

  it('usage errors: ids and --all together, nothing at all, bad numbers', async () => {
    const env = world.env();
    expect((await runCli(['retry'], { env })).exitCode).toBe(2);
    expect((await runCli(['retry', '--all', '0123456789abcdef01234567'], { env })).exitCode).toBe(2);
    for (const args of [['--limit', '-1'], ['--rate', '0'], ['--concurrency', '10000'], ['--since', 'yesterdayish']]) {
      const run = await runCli(['retry', '--all', ...args], { env });
      expect(run.exitCode, args.join(' ')).toBe(2);
      expect(run.stderr.trim().split('\n')).toHaveLength(1);
    }
  });
});
