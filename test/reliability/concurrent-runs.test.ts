/**
 * Scenario 3: two cron hosts start `retry --all` on the same records at the
 * same moment. Without the lock both work, and correctness must come from the
 * idempotency keys and the resolve-only-if-unresolved guard; with the lock
 * the second run leaves at once, saying who holds it.
 */
import { describe, expect, it } from 'vitest';
import { mixedCounts } from '../../src/sandbox/seed.js';
import { useWorld } from '../helpers/world.js';
import { baseRequests, checkInvariants, report, RESOLVABLE, unresolvedSeeds } from './invariants.js';
import { spawnCli, waitUntil } from './processes.js';
import { scaled, timeoutFor } from './scale.js';

const world = useWorld();
const RECORDS = scaled(2000, 300);

function summaryOf(stdout: string) {
  return JSON.parse(stdout).summary as Record<string, number>;
}

describe('scenario 3: two retry --all runs at once', () => {
  it(`--no-lock: ${RECORDS} records, every fixable one resolved once and written at most once`, async () => {
    const seeded = await world.seed(mixedCounts(RECORDS));
    const args = ['retry', '--all', '--no-lock', '--rate', '1000', '--concurrency', '8', '--json'];
    const [a, b] = await Promise.all([
      spawnCli(args, world.env({ BILLING_BACKFILL_ACTOR: 'cron@host-a' })),
      spawnCli(args, world.env({ BILLING_BACKFILL_ACTOR: 'cron@host-b' })),
    ]);
    // Exit 1 for the conflicts and missing PaymentIntents left, and no error that cut a run short.
    for (const run of [a, b]) {
      expect(run.exitCode, run.stderr).toBe(1);
      expect(JSON.parse(run.stdout).error, run.stderr).toBeUndefined();
    }

    const open = await unresolvedSeeds(world, seeded.records);
    expect(open.filter((r) => RESOLVABLE.has(r.kind)).map((r) => r.paymentIntentId)).toEqual([]);
    // Each run targets a record at most once (one already resolved when its cursor gets there is not
    // targeted at all); what one resolved while the other was on it, the other skips.
    const [sa, sb] = [summaryOf(a.stdout), summaryOf(b.stdout)];
    expect(sa.targeted).toBeLessThanOrEqual(RECORDS);
    expect(sb.targeted).toBeLessThanOrEqual(RECORDS);
    const resolvedByA = await world.records().countDocuments({ resolvedBy: 'cron@host-a' });
    const resolvedByB = await world.records().countDocuments({ resolvedBy: 'cron@host-b' });
    expect(resolvedByA + resolvedByB).toBe(seeded.records.filter((r) => RESOLVABLE.has(r.kind)).length);

    const figures = await checkInvariants(world, { seeded: seeded.records, budget: 2 * baseRequests(seeded.records) });
    report('3 no-lock', { ...figures, resolvedByA, resolvedByB, skippedA: sa.skipped, skippedB: sb.skipped });
  }, timeoutFor(120_000));

  it('with the lock: the second run exits 0 at once, naming the holder', async () => {
    const seeded = await world.seed(mixedCounts(RECORDS), { prefix: 'lock' });
    const args = ['retry', '--all', '--rate', '1000', '--concurrency', '8'];
    const first = spawnCli(args, world.env({ BILLING_BACKFILL_ACTOR: 'cron@host-a' }));
    const runLock = () => world.db.collection('billing_backfill_locks').findOne({ _id: 'retry-all' as never });
    await waitUntil('the first run to take the lock', async () => (await runLock()) !== null);

    const started = Date.now();
    const second = await spawnCli(args, world.env({ BILLING_BACKFILL_ACTOR: 'cron@host-b' }));
    const secondSeconds = (Date.now() - started) / 1000;
    expect(second.exitCode).toBe(0);
    expect(second.stderr).toMatch(/another retry --all is running: held by cron@host-a pid:\d+@\S+ [0-9a-f]+ since \S+Z/);
    expect(second.stdout).toBe('');
    expect(first.exitCode, 'the first run was still going').toBeNull();
    expect(await world.records().countDocuments({ resolvedBy: 'cron@host-b' })).toBe(0);

    const done = await first;
    expect(done.exitCode, done.stderr).toBe(1);
    expect(await runLock(), 'the lock is released').toBeNull();
    const figures = await checkInvariants(world, { seeded: seeded.records, budget: baseRequests(seeded.records) });
    report('3 with lock', { ...figures, secondRunSeconds: secondSeconds.toFixed(1) });
  }, timeoutFor(120_000));
});
