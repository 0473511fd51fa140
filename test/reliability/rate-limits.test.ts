/**
 * Scenario 2: the emulator enforces Stripe's test-mode limits (25 reads/s and
 * 25 writes/s, counted separately); `retry --all --rate 20` must stay under
 * both, so not a single request is answered 429. And when the room is not
 * there (the billing service's own traffic takes it, or --rate is set too
 * high), the 429s must slow the run down rather than storm: a fixed pace of
 * four times the limit saw more than half its requests refused.
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
/** Low enough that even a slow database cannot keep the run under it by itself. */
const CONTENDED_LIMIT = 10;
const OVERSHOOT_RATE = 4 * CONTENDED_LIMIT;
const CONTENDED_RECORDS = scaled(300, 100);
/** Of all requests sent, the share a contended run may see refused (8% measured; at a fixed pace 57% were, and 40 of 100 records failed). */
const MAX_429_SHARE = 0.2;

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

  it(`retry --all --rate ${OVERSHOOT_RATE} against a ${CONTENDED_LIMIT}/s emulator backs off on 429s instead of storming`, async () => {
    const seeded = await world.seed({ fixable: CONTENDED_RECORDS });
    await world.emulator.configure({ readsPerSecond: CONTENDED_LIMIT, writesPerSecond: CONTENDED_LIMIT });

    const started = Date.now();
    const run = await spawnCli(['retry', '--all', '--rate', String(OVERSHOOT_RATE), '--json'], world.env());
    const seconds = (Date.now() - started) / 1000;
    expect(run.exitCode, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout).summary).toMatchObject({ targeted: CONTENDED_RECORDS, patched: CONTENDED_RECORDS, failedTransient: 0 });
    expect(run.stderr).toMatch(/Stripe rate-limited our (reads|writes) \(429\): slowing them to [\d.]+\/s/);

    const stats = await world.emulator.stats();
    const figures = await checkInvariants(world, { seeded: seeded.records, budget: Math.ceil(baseRequests(seeded.records) * (1 + 2 * MAX_429_SHARE)) });
    expect(stats.rateLimited).toBeGreaterThan(0);
    expect(stats.rateLimited / figures.requests).toBeLessThanOrEqual(MAX_429_SHARE);
    report('2 rate limits, overshoot', { ...figures, rateLimited: stats.rateLimited, share429: (stats.rateLimited / figures.requests).toFixed(3), seconds: Math.round(seconds) });
  }, timeoutFor(60_000, 3));
});
