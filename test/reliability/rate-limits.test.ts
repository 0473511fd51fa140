/**
 * Scenario 2: the emulator enforces Stripe's test-mode limits (25 reads/s and
 * 25 writes/s, counted separately); `retry --all --rate 20` must stay under
 * both, so not a single request is answered 429. And when the room is not
 * there (the billing service's own traffic takes it, or --rate is set too
 * high), the 429s must slow the run down rather than storm: a fixed pace of
 * twice the limit would see every other request refused.
 */
import { describe, expect, it } from 'vitest';
import { mixedCounts } from '../../src/sandbox/seed.js';
import { useWorld } from '../helpers/world.js';
import { baseRequests, checkInvariants, report } from './invariants.js';
import { spawnCli } from './processes.js';
import { scaled, timeoutFor } from './scale.js';

const world = useWorld();
const RECORDS = scaled(500, 200);
const RATE = 20;
const STRIPE_LIMIT = 25;
const OVERSHOOT_RATE = 2 * STRIPE_LIMIT;
/** Of all requests sent, the share a contended run may see refused (a fixed pace would see ~50%). */
const MAX_429_SHARE = 0.1;

describe('scenario 2: rate limits', () => {
  it(`retry --all --rate ${RATE} over ${RECORDS} records gets zero 429s from a ${STRIPE_LIMIT}/s emulator`, async () => {
    const seeded = await world.seed(mixedCounts(RECORDS));
    await world.emulator.configure({ readsPerSecond: STRIPE_LIMIT, writesPerSecond: STRIPE_LIMIT });

    const started = Date.now();
    const run = await spawnCli(['retry', '--all', '--rate', String(RATE), '--json'], world.env());
    const seconds = (Date.now() - started) / 1000;
    expect(run.exitCode, run.stderr).toBe(1);
    const summary = JSON.parse(run.stdout).summary;
    expect(summary).toMatchObject({ targeted: RECORDS, failedTransient: 0 });

    const stats = await world.emulator.stats();
    expect(stats.rateLimited).toBe(0);
    expect(stats.byStatus['429'] ?? 0).toBe(0);
    // Without a single retry, the run sent exactly what the records need.
    const figures = await checkInvariants(world, { seeded: seeded.records, budget: baseRequests(seeded.records) });
    expect(figures.requests).toBe(baseRequests(seeded.records));
    const readsPerSecond = figures.reads / seconds;
    expect(readsPerSecond).toBeLessThanOrEqual(RATE);
    report('2 rate limits', { ...figures, rateLimited: stats.rateLimited, seconds: Math.round(seconds), readsPerSecond: readsPerSecond.toFixed(1) });
  }, timeoutFor(60_000, 3));

  it(`retry --all --rate ${OVERSHOOT_RATE} against the ${STRIPE_LIMIT}/s emulator backs off on 429s instead of storming`, async () => {
    const seeded = await world.seed({ fixable: RECORDS });
    await world.emulator.configure({ readsPerSecond: STRIPE_LIMIT, writesPerSecond: STRIPE_LIMIT });

    const run = await spawnCli(['retry', '--all', '--rate', String(OVERSHOOT_RATE), '--json'], world.env());
    expect(run.exitCode, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout).summary).toMatchObject({ targeted: RECORDS, patched: RECORDS, failedTransient: 0 });
    expect(run.stderr).toMatch(/Stripe rate-limited our (reads|writes) \(429\): slowing them to [\d.]+\/s/);

    const stats = await world.emulator.stats();
    const figures = await checkInvariants(world, { seeded: seeded.records, budget: Math.ceil(baseRequests(seeded.records) * (1 + 2 * MAX_429_SHARE)) });
    expect(stats.rateLimited).toBeGreaterThan(0);
    expect(stats.rateLimited / figures.requests).toBeLessThanOrEqual(MAX_429_SHARE);
    report('2 rate limits, overshoot', { ...figures, rateLimited: stats.rateLimited, share429: (stats.rateLimited / figures.requests).toFixed(3) });
  }, timeoutFor(60_000, 3));
});
