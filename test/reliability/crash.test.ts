/**
 * Scenarios 4 and 5: a run killed outright (SIGKILL: no cleanup at all) and
 * a run interrupted (SIGINT: stop taking records, finish what is in flight,
 * print the summary, exit 130). Runs are slowed with --rate so the signal
 * lands in the middle.
 */
import { describe, expect, it } from 'vitest';
import { mixedCounts } from '../../src/sandbox/seed.js';
import { useWorld } from '../helpers/world.js';
import { baseRequests, checkInvariants, report, RESOLVABLE, unresolvedSeeds } from './invariants.js';
import { spawnCli, waitUntil } from './processes.js';
import { scaled, timeoutFor } from './scale.js';

const world = useWorld();
const RECORDS = scaled(500, 120);
// Long enough for the blocked run to start before it expires on a loaded machine.
const LOCK_TTL_MS = 6000;
const SLOW = ['--rate', '15'];

const resolvedCount = () => world.records().countDocuments({ resolvedAt: { $ne: null } });
const lockDoc = () => world.db.collection('billing_backfill_locks').findOne({ _id: 'retry-all' as never });

describe('scenario 4: SIGKILL in the middle of retry --all', () => {
  it('a new run completes the work; a dead run’s lock is taken over after its expiry, or at once on its own host', async () => {
    const seeded = await world.seed(mixedCounts(RECORDS));
    const env = { BILLING_BACKFILL_LOCK_TTL_MS: String(LOCK_TTL_MS) };
    const doomed = spawnCli(['retry', '--all', ...SLOW], world.env({ ...env, BILLING_BACKFILL_ACTOR: 'cron@host-a' }));
    await waitUntil('the first run to resolve some records', async () => (await resolvedCount()) >= 20);
    doomed.kill('SIGKILL');
    expect((await doomed).signal).toBe('SIGKILL');
    const resolvedBeforeKill = await resolvedCount();
    expect(resolvedBeforeKill).toBeLessThan(seeded.records.length);

    // As if it had died on another cron host, where nobody can see its process: its lock, renewed no
    // more, holds until it expires; a run now is told who holds it and leaves. The lock is dated as if
    // renewed just before the kill, so a loaded machine's slow spawn cannot outlast it.
    const lock = await lockDoc();
    expect(lock?.owner).toMatch(new RegExp(`^cron@host-a pid:${doomed.pid}@\\S+ [0-9a-f]+$`));
    const elsewhere = String(lock?.owner).replace(/ pid:(\d+)@\S+ /, ' pid:$1@another-host ');
    const expiresAt = Date.now() + LOCK_TTL_MS;
    await world.db.collection('billing_backfill_locks').updateOne({ _id: 'retry-all' as never }, { $set: { owner: elsewhere, expiresAt: new Date(expiresAt) } });
    const early = await spawnCli(['retry', '--all'], world.env({ ...env, BILLING_BACKFILL_ACTOR: 'cron@host-b' }));
    expect(early.exitCode, early.stderr).toBe(0);
    expect(early.stderr).toContain(`held by ${elsewhere} since`);
    expect(await resolvedCount()).toBe(resolvedBeforeKill);

    // Once expired, the next run takes it over (and is killed in turn).
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, expiresAt - Date.now() + 100)));
    let budget = baseRequests(seeded.records) + baseRequests(await unresolvedSeeds(world, seeded.records));
    const second = spawnCli(['retry', '--all', ...SLOW], world.env({ ...env, BILLING_BACKFILL_ACTOR: 'cron@host-b' }));
    await waitUntil('the second run to resolve more records', async () => (await resolvedCount()) >= resolvedBeforeKill + 10);
    expect((await lockDoc())?.owner).toMatch(/^cron@host-b /);
    second.kill('SIGKILL');
    await second;

    // On the host where the holder died, the next run sees its process is gone and takes over at once.
    const targets = await unresolvedSeeds(world, seeded.records);
    budget += baseRequests(targets);
    const recovery = await spawnCli(['retry', '--all', '--rate', '1000', '--concurrency', '8', '--json'], world.env({ ...env, BILLING_BACKFILL_ACTOR: 'cron@host-c' }));
    expect(recovery.exitCode, recovery.stderr).toBe(1);
    expect(recovery.stderr).toContain(`took over the lock of cron@host-b pid:${second.pid}@`);
    const summary = JSON.parse(recovery.stdout).summary;
    expect(summary.targeted).toBe(targets.length);
    expect((await unresolvedSeeds(world, seeded.records)).filter((r) => RESOLVABLE.has(r.kind))).toEqual([]);
    expect(await lockDoc(), 'the recovery run released the lock').toBeNull();

    const figures = await checkInvariants(world, { seeded: seeded.records, budget });
    // A PaymentIntent patched just before a kill, its record not yet stamped, is found already correct: never patched twice.
    const patchedNotStamped = summary.alreadyCorrect - targets.filter((r) => r.kind === 'already-correct').length;
    report('4 sigkill', { ...figures, resolvedBeforeKill, patchedNotStamped });
  }, timeoutFor(90_000));
});

describe('scenario 5: SIGINT', () => {
  it('prints the summary, exits 130, and leaves no record half-written (piped, then --json)', async () => {
    const seeded = await world.seed(mixedCounts(RECORDS), { prefix: 'int' });
    const piped = spawnCli(['retry', '--all', ...SLOW], world.env());
    await waitUntil('some records resolved', async () => (await resolvedCount()) >= 15);
    piped.kill('SIGINT');
    const first = await piped;
    expect(first.exitCode).toBe(130);
    const line = first.stdout.trim().split('\n').at(-1) ?? '';
    const counts = Object.fromEntries([...line.matchAll(/([a-z-]+) (\d+)/g)].map((m) => [m[1], Number(m[2])]));
    expect(line).toMatch(/^targeted \d+, patched \d+, already-correct \d+, conflict \d+, failed-transient \d+, failed-permanent \d+, skipped \d+$/);
    expect(first.stderr).toContain('interrupted');
    // The summary is honest: what it calls fixed is exactly what the database holds as resolved.
    expect((counts.patched ?? 0) + (counts['already-correct'] ?? 0)).toBe(await resolvedCount());
    expect(counts.targeted).toBeLessThan(seeded.records.length);
    await checkInvariants(world, { seeded: seeded.records, budget: baseRequests(seeded.records) });

    const before = await resolvedCount();
    const json = spawnCli(['retry', '--all', '--json', ...SLOW], world.env());
    await waitUntil('more records resolved', async () => (await resolvedCount()) >= before + 15);
    json.kill('SIGINT');
    const second = await json;
    expect(second.exitCode).toBe(130);
    const doc = JSON.parse(second.stdout);
    expect(doc.interrupted).toBe(true);
    expect(doc.summary.patched + doc.summary.alreadyCorrect).toBe((await resolvedCount()) - before);
    expect(doc.results).toHaveLength(doc.summary.targeted);

    const figures = await checkInvariants(world, { seeded: seeded.records, budget: 2 * baseRequests(seeded.records) });
    expect(await lockDoc(), 'an interrupted run releases its lock').toBeNull();
    report('5 sigint', { ...figures, firstRunTargeted: counts.targeted, secondRunTargeted: doc.summary.targeted });
  }, timeoutFor(90_000));
});
