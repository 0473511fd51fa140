/**
 * The built binary over 1,000 seeded records with every kind of outcome,
 * including transient 500s that outlast the retry policy: the exact summary,
 * then a second run that finds only what is left.
 */
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { useWorld } from '../helpers/world.js';

const world = useWorld();
const bin = ['bin/billing-backfill.cjs'];

function retryAll(...extra: string[]) {
  return execa('node', [...bin, 'retry', '--all', '--rate', '1000', '--concurrency', '16', ...extra], {
    cwd: `${import.meta.dirname}/../..`,
    env: world.env(),
    reject: false,
  });
}

describe('retry --all (binary, 1,000 records)', () => {
  it('gives the exact summary, and a second run finds only what is left', async () => {
    const s = await world.seed({ fixable: 700, 'fixable-needs-session': 100, 'already-correct': 80, conflict: 50, missing: 50, refunded: 20 });
    // Ten fixable PaymentIntents answer 500 to every read in this run: 3 attempts each, then failed-transient.
    const flaky = s.records.filter((r) => r.kind === 'fixable').slice(0, 10);
    await world.emulator.addFaults(flaky.map((r) => ({ method: 'GET', path: `/v1/payment_intents/${r.paymentIntentId}`, status: 500, times: 3 })));

    const first = await retryAll('--json');
    expect(first.exitCode).toBe(1);
    const doc = JSON.parse(first.stdout);
    expect(doc.summary).toEqual({
      targeted: 1000,
      patched: 810,
      alreadyCorrect: 80,
      conflict: 50,
      failedTransient: 10,
      failedPermanent: 50,
      skipped: 0,
      wouldPatch: 0,
    });
    expect(new Set(doc.results.map((r: { id: string }) => r.id)).size).toBe(1000);
    const transient = doc.results.filter((r: { outcome: string }) => r.outcome === 'failed-transient').map((r: { paymentIntentId: string }) => r.paymentIntentId);
    expect(transient.sort()).toEqual(flaky.map((r) => r.paymentIntentId).sort());

    // Requests stay within budget: a fixable record costs 1 read + 1 write (+1 read when the session is needed).
    const stats = await world.emulator.stats();
    expect(stats.writes).toBe(810);
    expect(stats.reads).toBe(1000 - 10 + 10 * 3 + 100);

    // Piped, the second run prints one line per record and the summary.
    const second = await retryAll();
    expect(second.exitCode).toBe(1);
    expect(second.stdout).toContain('targeted 110, patched 10, already-correct 0, conflict 50, failed-transient 0, failed-permanent 50, skipped 0');
    expect(second.stdout.split('\n').filter((l) => l.split('\t')[2] === 'patched')).toHaveLength(10);
    expect(await world.records().countDocuments({ resolvedAt: null })).toBe(100);
  }, 120_000);
});
