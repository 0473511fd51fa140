import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../../test/helpers/cli.js';
import { useWorld } from '../../../test/helpers/world.js';

const world = useWorld();
const now = new Date('2026-12-01T12:00:00Z');
const clock = { now: () => now };

async function seedWithDuplicate() {
  const s = await world.seed({ fixable: 3, conflict: 1 }, { now });
  // An event replay dead-lettered the first PaymentIntent twice.
  await world.records().insertOne({ paymentIntentId: 'pi_seed0000000', stripeSessionId: 'cs_test_seed0000000', error: 'replayed', failedAt: now, resolvedAt: null, resolvedBy: null });
  return s;
}

describe('list', () => {
  it('on a terminal: a table with relative ages, shared PaymentIntents marked, a footer', async () => {
    await seedWithDuplicate();
    const run = await runCli(['list'], { env: world.env(), tty: true, clock });
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toContain('PaymentIntent');
    expect(run.stdout).toMatch(/pi_seed0000000 \S*\*/);
    expect(run.stdout).toMatch(/\d+h ago/);
    expect(run.stderr).toContain('5 of 5 matching records');
    expect(run.stderr).toContain('several records share this PaymentIntent');
  });

  it('piped: tab-separated lines, newest first, no colour and no table borders', async () => {
    await seedWithDuplicate();
    const run = await runCli(['list'], { env: world.env(), clock });
    const lines = run.stdout.trim().split('\n');
    expect(lines).toHaveLength(5);
    for (const line of lines) expect(line.split('\t')).toHaveLength(7);
    expect(run.stdout).not.toContain(String.fromCharCode(27));
    expect(run.stdout).not.toMatch(/[│┌]/);
    const failedAt = lines.map((l) => l.split('\t')[3]!);
    expect([...failedAt].sort().reverse()).toEqual(failedAt);
    expect(lines[0]!.split('\t')[5]).toBe('replayed');
  });

  it('--json: the contract shape, with cursor pagination over (failedAt, _id)', async () => {
    const s = await world.seed({ fixable: 5 }, { now });
    const first = JSON.parse((await runCli(['list', '--json', '--limit', '2', '--oldest-first'], { env: world.env(), clock })).stdout);
    expect(first.total).toBe(5);
    expect(first.items).toHaveLength(2);
    expect(Object.keys(first.items[0])).toEqual(
      expect.arrayContaining(['id', 'paymentIntentId', 'stripeSessionId', 'failedAt', 'resolvedAt', 'resolvedBy', 'attempts', 'error', 'lastError']),
    );
    expect(first.items[0].paymentIntentId).toBe(s.records[0]!.paymentIntentId);
    const seen = [...first.items];
    let cursor = first.nextCursor;
    while (cursor) {
      const page = JSON.parse((await runCli(['list', '--json', '--limit', '2', '--oldest-first', '--after', cursor], { env: world.env(), clock })).stdout);
      seen.push(...page.items);
      cursor = page.nextCursor;
    }
    expect(seen.map((r) => r.paymentIntentId)).toEqual(s.records.map((r) => r.paymentIntentId));
  });

  it('filters by state, PaymentIntent, error text and time', async () => {
    const s = await world.seed({ fixable: 3 }, { now });
    await world.records().updateOne({ paymentIntentId: 'pi_seed0000002' }, { $set: { resolvedAt: now, resolvedBy: 'admin', error: 'Rate LIMIT hit' } });
    const json = async (...args: string[]) => JSON.parse((await runCli(['list', '--json', ...args], { env: world.env(), clock })).stdout);
    expect((await json()).total).toBe(2);
    expect((await json('--resolved')).items.map((r: { resolvedBy: string }) => r.resolvedBy)).toEqual(['admin']);
    expect((await json('--any')).total).toBe(3);
    expect((await json('--any', '--error', 'rate limit')).total).toBe(1);
    expect((await json('--pi', 'pi_seed0000001')).items[0].id).toBe(s.ids.get('pi_seed0000001'));
    expect((await json('--since', '1h')).total).toBe(0);
    expect((await json('--until', '2026-12-31')).total).toBe(2);
  });

  it('bad input is a one-line usage error (exit 2)', async () => {
    for (const args of [['--limit', '0'], ['--limit', '1001'], ['--after', 'not-a-cursor'], ['--since', 'yesterdayish'], ['--pi', 'ch_1'], ['--resolved', '--any']]) {
      const run = await runCli(['list', ...args], { env: world.env(), clock });
      expect(run.exitCode, args.join(' ')).toBe(2);
      expect(run.stderr.trim().split('\n')[0], args.join(' ')).toMatch(/^error: /);
      expect(run.stdout).toBe('');
    }
  });

  it('the built binary lists as JSON and exits 0 on an empty collection', async () => {
    const run = await execa('node', ['bin/billing-backfill.cjs', 'list', '--json'], { cwd: `${import.meta.dirname}/../../..`, env: world.env(), reject: false });
    expect(run.exitCode).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual({ items: [], total: 0, nextCursor: null });
  });
});
