/**
 * Scenario 1: a Stripe incident during `retry --all`. Faults are pinned to
 * PaymentIntents (deterministic, so the expected end state is known) and
 * cover 500s on reads and writes, 429s with Retry-After, dropped
 * connections, 2 s latency spikes, resource_missing and conflicts. Repeated
 * runs must converge, within a bounded number of runs and requests.
 */
import { describe, expect, it } from 'vitest';
import type { FaultSpec } from '../../src/sandbox/emulator/contract.js';
import { mixedCounts, type SeedRecord } from '../../src/sandbox/seed.js';
import { runCli } from '../helpers/cli.js';
import { useWorld } from '../helpers/world.js';
import { baseRequests, checkInvariants, report, RESOLVABLE, unresolvedSeeds } from './invariants.js';
import { scaled, timeoutFor } from './scale.js';

const world = useWorld();
const RECORDS = scaled(2000, 400);
const MAX_RUNS = 3;
/** Our retry makes at most 3 attempts of at most 3 requests per record and run. */
const PER_RECORD_RUN_CEILING = 9;

const piPath = (r: SeedRecord) => `/v1/payment_intents/${r.paymentIntentId}`;
const writes = (r: SeedRecord) => r.kind === 'fixable' || r.kind === 'fixable-needs-session' || r.kind === 'refunded';

/** Every 100 records: 15 GET 500s, 3 POST 500s, 2 GET 500s that outlast a run, 2 429s, 2 drops (1 on POST), 1 latency spike. */
function incident(records: SeedRecord[]): FaultSpec[] {
  const faults: FaultSpec[] = [];
  records.forEach((r, i) => {
    const slot = i % 100;
    const path = piPath(r);
    if (slot < 15) faults.push({ method: 'GET', path, status: 500 });
    else if (slot < 18) faults.push(writes(r) ? { method: 'POST', path, status: 500 } : { method: 'GET', path, status: 500 });
    else if (slot < 20) faults.push({ method: 'GET', path, status: 500, times: 3 });
    else if (slot < 22) faults.push({ method: 'GET', path, status: 429, headers: { 'Retry-After': '1' } });
    // stripe-node retries a reset socket once on its own: two drops reach our retry as one connection error.
    else if (slot === 22) faults.push({ method: 'GET', path, dropConnection: true, times: 2 });
    else if (slot === 23) faults.push({ method: writes(r) ? 'POST' : 'GET', path, dropConnection: true, times: 2 });
    else if (slot === 24) faults.push({ method: 'GET', path, delayMs: 2000 });
  });
  return faults;
}

describe('scenario 1: Stripe faults during retry --all', () => {
  it(`${RECORDS} records converge to the correct final state within ${MAX_RUNS} runs`, async () => {
    const started = Date.now();
    const seeded = await world.seed(mixedCounts(RECORDS));
    const records = seeded.records;
    // Interleave kinds so every fault type hits every kind.
    const shuffled = records.map((r, i) => ({ r, k: (i * 7919) % records.length })).sort((a, b) => a.k - b.k).map(({ r }) => r);
    await world.emulator.addFaults(incident(shuffled));

    let budget = 0;
    let base = 0;
    let runs = 0;
    const summaries: unknown[] = [];
    for (; runs < MAX_RUNS; ) {
      const targets = await unresolvedSeeds(world, records);
      if (targets.every((r) => !RESOLVABLE.has(r.kind)) && runs > 0) break;
      budget += PER_RECORD_RUN_CEILING * targets.length;
      base += baseRequests(targets);
      runs++;
      const run = await runCli(['retry', '--all', '--json', '--rate', '1000', '--concurrency', '8'], { env: world.env() });
      expect(run.exitCode, run.stderr).toBe(1);
      summaries.push(JSON.parse(run.stdout).summary);
    }

    // Converged: every fixable record resolved; conflicts and missing PaymentIntents left with their reason.
    const open = await unresolvedSeeds(world, records);
    expect(open.filter((r) => RESOLVABLE.has(r.kind)).map((r) => r.paymentIntentId)).toEqual([]);
    expect(open.length).toBe(records.filter((r) => !RESOLVABLE.has(r.kind)).length);
    const leftovers = await world.records().find({ resolvedAt: null }).toArray();
    for (const doc of leftovers) {
      const kind = records.find((r) => r.paymentIntentId === doc.paymentIntentId)?.kind;
      expect(doc.lastError, String(doc.paymentIntentId)).toMatchObject(kind === 'missing' ? { code: 'resource_missing', status: 404 } : { type: 'conflict' });
    }

    // A further run is stable: nothing to write, the same records left.
    const logBefore = (await world.emulator.requests()).length;
    budget += baseRequests(open);
    base += baseRequests(open);
    const again = await runCli(['retry', '--all', '--json', '--rate', '1000', '--concurrency', '8'], { env: world.env() });
    const summary = JSON.parse(again.stdout).summary;
    expect(summary).toMatchObject({ targeted: open.length, patched: 0, alreadyCorrect: 0, failedTransient: 0 });
    const stableRequests = (await world.emulator.requests()).slice(logBefore);
    expect(stableRequests.filter((e) => e.method === 'POST')).toEqual([]);

    const figures = await checkInvariants(world, { seeded: records, budget });
    // Tighter than the ceiling: each failing fault costs at most one wasted attempt (≤ 3 requests).
    const tight = base + 3 * figures.faultsSeen;
    expect(figures.requests).toBeLessThanOrEqual(tight);
    report('1 stripe faults', { ...figures, runs, tightBudget: tight, seconds: Math.round((Date.now() - started) / 1000) });
    console.log(`[reliability] 1 summaries: ${JSON.stringify(summaries)}`);
  }, timeoutFor(150_000));
});
