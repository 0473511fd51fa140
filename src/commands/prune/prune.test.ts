import { beforeEach, describe, expect, it } from 'vitest';
import { runCli, scriptedPrompter } from '../../../test/helpers/cli.js';
import { useTestDatabase } from '../../../test/helpers/db.js';
import { buildScenario, upstreamDocument } from '../../sandbox/seed.js';

const database = useTestDatabase();
const NOW = new Date('2026-12-10T12:00:00Z');
const clock = { now: () => NOW };
const env = () => ({ MONGODB_URI: database.uri });
const records = () => database.db.collection('billing_failed_backfills');

/** Two resolved in August, one resolved last week, one unresolved since January. */
async function seed(): Promise<void> {
  const docs = buildScenario({ fixable: 4 }, { now: NOW }).records.map(upstreamDocument);
  const { insertedIds } = await records().insertMany(docs);
  const resolve = (i: number, at: string) => records().updateOne({ _id: insertedIds[i] }, { $set: { resolvedAt: new Date(at), resolvedBy: 'admin' } });
  await resolve(0, '2026-08-01T00:00:00Z');
  await resolve(1, '2026-08-15T00:00:00Z');
  await resolve(2, '2026-12-03T00:00:00Z');
  await records().updateOne({ _id: insertedIds[3] }, { $set: { failedAt: new Date('2026-01-01T00:00:00Z') } });
}

async function remaining(): Promise<Array<string | null>> {
  const docs = await records().find().sort({ resolvedAt: 1 }).toArray();
  return docs.map((d) => (d.resolvedAt instanceof Date ? d.resolvedAt.toISOString() : null));
}

describe('prune', () => {
  beforeEach(async () => {
    await records().deleteMany({});
    await seed();
  });

  it('deletes only resolved records resolved before the cut-off; unresolved and recent ones stay', async () => {
    const run = await runCli(['prune', '--resolved-before', '90d'], { env: env(), clock });
    expect(run.exitCode).toBe(0);
    expect(run.stdout.trim()).toBe('deleted 2 resolved records (resolved before 2026-09-11T12:00:00.000Z)');
    expect(await remaining()).toEqual([null, '2026-12-03T00:00:00.000Z']);
    expect(await records().countDocuments({ resolvedAt: null, failedAt: new Date('2026-01-01T00:00:00Z') })).toBe(1);
  });

  it('--dry-run counts and deletes nothing', async () => {
    const run = await runCli(['prune', '--resolved-before', '2026-08-10', '--dry-run'], { env: env(), clock, tty: true });
    expect(run.exitCode).toBe(0);
    expect(run.stdout.trim()).toBe('would delete 1 resolved record (resolved before 2026-08-10T00:00:00.000Z)');
    expect(await records().countDocuments()).toBe(4);
  });

  it('--json reports deleted, dryRun and the cut-off', async () => {
    const dry = await runCli(['prune', '--resolved-before', '2026-09-01', '--dry-run', '--json'], { env: env(), clock });
    expect(JSON.parse(dry.stdout)).toEqual({ deleted: 2, dryRun: true, resolvedBefore: '2026-09-01T00:00:00.000Z' });
    const run = await runCli(['prune', '--resolved-before', '2026-09-01', '--json'], { env: env(), clock });
    expect(run.exitCode).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual({ deleted: 2, dryRun: false, resolvedBefore: '2026-09-01T00:00:00.000Z' });
    expect(await records().countDocuments()).toBe(2);
  });

  it('on a terminal, asks first with the count; no deletes nothing', async () => {
    const prompter = scriptedPrompter([false]);
    const run = await runCli(['prune', '--resolved-before', '2026-09-01'], { env: env(), clock, tty: true, prompter });
    expect(run.exitCode).toBe(0);
    expect(prompter.asked).toEqual(['Delete 2 resolved records resolved before 2026-09-01T00:00:00.000Z? This cannot be undone.']);
    expect(run.stderr).toContain('cancelled');
    expect(await records().countDocuments()).toBe(4);

    const yes = await runCli(['prune', '--resolved-before', '2026-09-01'], { env: env(), clock, tty: true, prompter: scriptedPrompter([true]) });
    expect(yes.stdout).toContain('deleted 2 resolved records');
    expect(await records().countDocuments()).toBe(2);
  });

  it('never asks with --yes, or without a terminal', async () => {
    // scriptedPrompter([]) fails the run on any question
    const yes = await runCli(['prune', '--resolved-before', '2026-08-10', '--yes'], { env: env(), clock, tty: true, prompter: scriptedPrompter([]) });
    expect(yes.stdout).toContain('deleted 1 resolved record ');
    const piped = await runCli(['prune', '--resolved-before', '2026-09-01'], { env: env(), clock, prompter: scriptedPrompter([]) });
    expect(piped.stdout).toContain('deleted 1 resolved record ');
    expect(await records().countDocuments()).toBe(2);
  });

  it('a missing or unreadable --resolved-before is a usage error, and nothing is deleted', async () => {
    expect((await runCli(['prune'], { env: env(), clock })).exitCode).toBe(2);
    const bad = await runCli(['prune', '--resolved-before', 'last tuesday'], { env: env(), clock });
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
    expect(await records().countDocuments()).toBe(4);
  });

  it('--json on a terminal still asks (on stderr) and keeps stdout one JSON document', async () => {
    const prompter = scriptedPrompter([false]);
    const json = await runCli(['prune', '--resolved-before', '90d', '--json'], { env: env(), clock, tty: true, prompter });
    expect(json.exitCode).toBe(0);
    expect(prompter.asked).toHaveLength(1);
    expect(JSON.parse(json.stdout)).toMatchObject({ deleted: 0, cancelled: true });
    expect(await records().countDocuments()).toBe(4);
  });
});
