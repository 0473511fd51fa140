import { beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../../../test/helpers/cli.js';
import { useTestDatabase } from '../../../test/helpers/db.js';
import { buildScenario, upstreamDocument } from '../../sandbox/seed.js';

const database = useTestDatabase();
const NOW = new Date('2026-12-10T12:00:00Z');
const clock = { now: () => NOW };
const env = () => ({ MONGODB_URI: database.uri });

const A = 'An error occurred with our connection to Stripe.';
const B = 'Too many requests hit the API too quickly.';

/** Four unresolved failures (one outside the 14-day window) and two resolved ones. */
async function seed(): Promise<void> {
  const base = buildScenario({ fixable: 6 }, { now: NOW }).records.map(upstreamDocument);
  const docs = [
    { failedAt: '2026-12-10T08:00:00Z', error: A },
    { failedAt: '2026-12-10T09:00:00Z', error: A },
    { failedAt: '2026-12-09T10:00:00Z', error: B },
    { failedAt: '2026-11-01T10:00:00Z', error: A },
    { failedAt: '2026-12-08T10:00:00Z', error: 'resolved and forgotten' },
    { failedAt: '2026-12-09T11:00:00Z', error: B },
  ].map((d, i) => ({ ...base[i], failedAt: new Date(d.failedAt), error: d.error }));
  const records = database.db.collection('billing_failed_backfills');
  const { insertedIds } = await records.insertMany(docs);
  // Resolved the way the upstream runbook does it.
  for (const i of [4, 5]) await records.updateOne({ _id: insertedIds[i] }, { $set: { resolvedAt: new Date('2026-12-10T10:00:00Z'), resolvedBy: 'admin' } });
}

describe('stats', () => {
  beforeEach(async () => {
    await database.db.collection('billing_failed_backfills').deleteMany({});
  });

  it('--json reports counts, the oldest unresolved failure, failures per day and the top errors of unresolved records', async () => {
    await seed();
    const run = await runCli(['stats', '--json'], { env: env(), clock });
    expect(run.exitCode).toBe(0);
    const doc = JSON.parse(run.stdout);
    expect(Object.keys(doc)).toEqual(['unresolved', 'resolved', 'oldestUnresolvedAt', 'perDay', 'topErrors']);
    expect(doc).toMatchObject({ unresolved: 4, resolved: 2, oldestUnresolvedAt: '2026-11-01T10:00:00.000Z' });
    expect(doc.perDay).toHaveLength(14);
    expect(doc.perDay[0]).toEqual({ day: '2026-11-27', count: 0 });
    expect(doc.perDay.slice(-3)).toEqual([
      { day: '2026-12-08', count: 1 },
      { day: '2026-12-09', count: 2 },
      { day: '2026-12-10', count: 2 },
    ]);
    expect(doc.topErrors).toEqual([
      { error: A, count: 3 },
      { error: B, count: 1 },
    ]);
  });

  it('--days and --top bound the report', async () => {
    await seed();
    const doc = JSON.parse((await runCli(['stats', '--json', '--days', '2', '--top', '1'], { env: env(), clock })).stdout);
    expect(doc.perDay).toEqual([
      { day: '2026-12-09', count: 2 },
      { day: '2026-12-10', count: 2 },
    ]);
    expect(doc.topErrors).toEqual([{ error: A, count: 3 }]);
  });

  it('piped, prints one tab-separated fact per line', async () => {
    await seed();
    const run = await runCli(['stats', '--days', '3'], { env: env(), clock });
    expect(run.exitCode).toBe(0);
    expect(run.stdout.trim().split('\n')).toEqual([
      'unresolved\t4',
      'resolved\t2',
      'oldestUnresolvedAt\t2026-11-01T10:00:00.000Z',
      'day\t2026-12-08\t1',
      'day\t2026-12-09\t2',
      'day\t2026-12-10\t2',
      `error\t3\t${A}`,
      `error\t1\t${B}`,
    ]);
  });

  it('on a terminal, shows a summary, a bar per day and the error table', async () => {
    await seed();
    const run = await runCli(['stats', '--days', '3'], { env: { ...env(), NO_COLOR: '1' }, clock, tty: true });
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toMatch(/^unresolved\s+4\s+oldest failed 39d ago/m);
    expect(run.stdout).toMatch(/^resolved\s+2$/m);
    expect(run.stdout).toMatch(/^2026-12-09 {2}2 {2}█{40}$/m);
    expect(run.stdout).toMatch(/^2026-12-08 {2}1 {2}█{20}$/m);
    expect(run.stdout).toContain('most frequent errors');
    expect(run.stdout).toContain(A);
  });

  it('an empty collection is all zeros, with no oldest failure', async () => {
    const piped = await runCli(['stats', '--days', '1'], { env: env(), clock });
    expect(piped.stdout.trim().split('\n')).toEqual(['unresolved\t0', 'resolved\t0', 'oldestUnresolvedAt\t', 'day\t2026-12-10\t0']);
    const doc = JSON.parse((await runCli(['stats', '--json'], { env: env(), clock })).stdout);
    expect(doc).toMatchObject({ unresolved: 0, resolved: 0, oldestUnresolvedAt: null, topErrors: [] });
  });

  it('rejects --days outside 1–90 as a usage error', async () => {
    for (const days of ['0', '91', 'x']) {
      const run = await runCli(['stats', '--days', days], { env: env() });
      expect(run.exitCode).toBe(2);
      expect(run.stdout).toBe('');
    }
  });
});
