import { describe, expect, it } from 'vitest';
import { runCli, scriptedPrompter } from '../../../test/helpers/cli.js';
import { useWorld } from '../../../test/helpers/world.js';
import type { Choice } from '../../io/prompter.js';

const world = useWorld();

// eslint-disable-next-line no-control-regex
const plain = (text: string) => text.replace(/\x1b\[[0-9;]*m/g, '');

async function doc(pi: string) {
  return world.records().findOne({ paymentIntentId: pi });
}

describe('resolve <ref>', () => {
  it('refuses while the PaymentIntent lacks the session id (exit 1), leaving the record untouched', async () => {
    const s = await world.seed({ fixable: 1 });
    const id = s.ids.get('pi_seed0000000')!;
    const before = await doc('pi_seed0000000');
    const run = await runCli(['resolve', id, '--note', 'looks fine'], { env: world.env() });
    expect(run.exitCode).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain('PaymentIntent pi_seed0000000 metadata has stripeSessionId __pending__, not cs_test_seed0000000');
    expect(run.stderr).toContain(`run \`billing-backfill retry ${id}\` to patch it, or --force if it was fixed another way`);
    expect(await doc('pi_seed0000000')).toEqual(before);

    const json = await runCli(['resolve', id, '--json'], { env: world.env() });
    expect(json.exitCode).toBe(1);
    expect(JSON.parse(json.stdout)).toEqual({ resolved: [], refused: [{ id, reason: expect.stringContaining('__pending__') }] });
    expect((await world.emulator.requests()).filter((r) => r.method === 'POST')).toHaveLength(0);
  });

  it('--force resolves anyway, stamping actor, note and history', async () => {
    const s = await world.seed({ fixable: 1 });
    const id = s.ids.get('pi_seed0000000')!;
    const run = await runCli(['resolve', id, '--force', '--note', 'patched in the Dashboard', '--json'], { env: world.env() });
    expect(run.exitCode).toBe(0);
    expect(run.stderr).toContain('--force: PaymentIntent pi_seed0000000 metadata has stripeSessionId __pending__');
    const out = JSON.parse(run.stdout);
    expect(out).toEqual({ resolved: [{ id, resolvedAt: expect.any(String), resolvedBy: 'tester', resolution: 'manual' }], refused: [] });
    const stored = await doc('pi_seed0000000');
    expect(stored).toMatchObject({ resolvedBy: 'tester', resolution: 'manual', resolutionNote: 'patched in the Dashboard' });
    expect(stored?.resolvedAt?.toISOString()).toBe(out.resolved[0].resolvedAt);
    expect(stored?.history).toEqual([expect.objectContaining({ actor: 'tester', action: 'resolve', outcome: 'manual', note: 'patched in the Dashboard' })]);
  });

  it('an already resolved record exits 1, saying by whom and when', async () => {
    const s = await world.seed({ 'already-correct': 1 });
    const id = s.ids.get('pi_seed0000000')!;
    const first = await runCli(['resolve', id], { env: world.env() });
    expect(first.exitCode).toBe(0);
    expect(first.stdout).toMatch(new RegExp(`^${id}\\t\\d{4}-[^\\t]+\\ttester\\tmanual\\n$`));
    const resolvedAt = (await doc('pi_seed0000000'))?.resolvedAt as Date;
    const again = await runCli(['resolve', id], { env: world.env() });
    expect(again.exitCode).toBe(1);
    expect(again.stderr).toContain(`record ${id} is already resolved, by tester at ${resolvedAt.toISOString()} (manual)`);
  });

  it('after `retry` patched the PaymentIntent, its duplicate record resolves without --force', async () => {
    const s = await world.seed({ fixable: 1 });
    const first = s.ids.get('pi_seed0000000')!;
    const duplicate = String(
      (
        await world.records().insertOne({
          paymentIntentId: 'pi_seed0000000',
          stripeSessionId: 'cs_test_seed0000000',
          error: 'replayed',
          failedAt: new Date(),
          resolvedAt: null,
          resolvedBy: null,
        })
      ).insertedId,
    );
    expect((await runCli(['retry', first], { env: world.env() })).exitCode).toBe(0);
    const run = await runCli(['resolve', duplicate, '--json'], { env: world.env() });
    expect(run.exitCode).toBe(0);
    expect(JSON.parse(run.stdout).resolved).toEqual([expect.objectContaining({ id: duplicate, resolution: 'manual' })]);
    const retried = await runCli(['resolve', first], { env: world.env() });
    expect(retried.exitCode).toBe(1);
    expect(retried.stderr).toContain('already resolved, by tester');
    expect(retried.stderr).toContain('(patched)');
  });

  it('a pi_ resolves all of its unresolved records, after one confirmation that lists them', async () => {
    await world.seed({ 'already-correct': 1 });
    const extra = await world.records().insertOne({ paymentIntentId: 'pi_seed0000000', stripeSessionId: 'cs_test_seed0000000', error: null, failedAt: new Date(), resolvedAt: null, resolvedBy: null });
    const declined = scriptedPrompter([false]);
    const no = await runCli(['resolve', 'pi_seed0000000'], { env: world.env(), tty: true, prompter: declined });
    expect(no.exitCode).toBe(0);
    expect(no.stderr).toContain('pi_seed0000000 matches 2 records: resolving its 2 unresolved');
    expect(declined.asked[0]).toContain(String(extra.insertedId));
    expect(await world.records().countDocuments({ resolvedAt: null })).toBe(2);

    const yes = await runCli(['resolve', 'pi_seed0000000'], { env: world.env(), tty: true, prompter: scriptedPrompter([true]) });
    expect(yes.exitCode).toBe(0);
    expect(plain(yes.stdout).match(/^resolved /gm)).toHaveLength(2);
    expect(await world.records().countDocuments({ resolvedAt: null })).toBe(0);
  });

  it('a missing PaymentIntent needs --force; without a Stripe key it resolves with a warning', async () => {
    const s = await world.seed({ missing: 1, fixable: 1 });
    const missing = s.records.find((r) => r.kind === 'missing')!.paymentIntentId;
    const refused = await runCli(['resolve', missing, '--yes'], { env: world.env() });
    expect(refused.exitCode).toBe(1);
    expect(refused.stderr).toMatch(/resource_missing/);
    expect(refused.stderr).toContain('--force');
    const forced = await runCli(['resolve', missing, '--yes', '--force', '--note', 'deleted PI'], { env: world.env() });
    expect(forced.exitCode).toBe(0);

    const offline = await runCli(['resolve', 'pi_seed0000000', '--yes'], { env: world.env({ STRIPE_SECRET_KEY: '' }) });
    expect(offline.exitCode).toBe(0);
    expect(offline.stderr).toContain('not verified: no Stripe key configured');
  });

  it('Stripe refusing the key refuses the resolve with exit 3', async () => {
    const s = await world.seed({ 'already-correct': 1 });
    const run = await runCli(['resolve', s.ids.get('pi_seed0000000')!, '--yes'], { env: world.env({ STRIPE_SECRET_KEY: ['sk', 'live', 'refusedkey123'].join('_') }) });
    expect(run.exitCode).toBe(3);
    expect(run.stderr).toContain('Stripe refused the API key');
    expect(await doc('pi_seed0000000')).toMatchObject({ resolvedAt: null });
  });

  it('usage errors: no ref without a terminal (exit 2), a malformed ref (exit 2); an unknown one exits 1', async () => {
    const none = await runCli(['resolve'], { env: world.env() });
    expect(none.exitCode).toBe(2);
    expect(none.stderr).toContain('needs a record id or a terminal');
    const bad = await runCli(['resolve', 'nope'], { env: world.env() });
    expect(bad.exitCode).toBe(2);
    const unknown = await runCli(['resolve', 'cs_test_unknown'], { env: world.env() });
    expect(unknown.exitCode).toBe(1);
    expect(unknown.stderr).toContain('no record matches cs_test_unknown');
  });
});

describe('resolve (interactive)', () => {
  type Source = (term: string | undefined) => Promise<Array<Choice<string | null>>>;

  it('pick → show → mark resolved with a note (forced past the check) → quit', async () => {
    const s = await world.seed({ fixable: 3 });
    const target = s.ids.get('pi_seed0000001')!;
    let offered: Array<Choice<string | null>> = [];
    const prompter = scriptedPrompter([
      async (source: Source) => {
        expect((await source(undefined)).length).toBe(4);
        offered = await source('SEED0000001');
        return offered[0]?.value;
      },
      'resolve',
      'refund issued by support',
      true,
      true,
      async () => null,
    ]);
    const run = await runCli(['resolve'], { env: world.env(), tty: true, prompter });
    expect(run.exitCode).toBe(0);
    expect(offered.map((c) => c.value)).toEqual([target, null]);
    expect(plain(run.stdout)).toContain(`Record ${target}  unresolved`);
    expect(plain(run.stdout)).toContain('patch: set stripeSessionId=cs_test_seed0000001');
    expect(plain(run.stderr)).toContain('metadata has stripeSessionId __pending__');
    expect(prompter.asked).toEqual([
      expect.stringContaining('Pick an unresolved record'),
      `${target}: what now?`,
      expect.stringContaining('Note'),
      `Mark ${target} (pi_seed0000001) resolved by hand?`,
      'Resolve it anyway (--force)?',
      expect.stringContaining('Pick an unresolved record'),
    ]);
    expect(await doc('pi_seed0000001')).toMatchObject({ resolvedBy: 'tester', resolution: 'manual', resolutionNote: 'refund issued by support' });
    expect(await world.records().countDocuments({ resolvedAt: null })).toBe(2);
  });

  it('pick → retry now patches through the same code as `retry`, and the loop ends when nothing is left', async () => {
    const s = await world.seed({ refunded: 1 });
    const id = s.ids.get('pi_seed0000000')!;
    const prompter = scriptedPrompter([id, 'retry']);
    const run = await runCli(['resolve'], { env: world.env(), tty: true, prompter });
    expect(run.exitCode).toBe(0);
    expect(plain(run.stdout)).toContain(`patched: ${id} is resolved`);
    expect(plain(run.stderr)).toContain('1 refund happened while the metadata was missing');
    expect(plain(run.stderr)).toContain("Replay each refund's charge.refunded event now that the metadata is right");
    expect(plain(run.stderr)).toContain('re_seed0000000');
    expect(plain(run.stderr)).toContain('no unresolved records left');
    expect((await world.emulator.paymentIntent('pi_seed0000000'))?.metadata.stripeSessionId).toBe('cs_test_seed0000000');
    expect(await doc('pi_seed0000000')).toMatchObject({ resolution: 'patched', resolvedBy: 'tester' });
  });

  it('skip removes a record from the picks; nothing to do ends at once', async () => {
    const s = await world.seed({ fixable: 1 });
    const run = await runCli(['resolve'], { env: world.env(), tty: true, prompter: scriptedPrompter([s.ids.get('pi_seed0000000'), 'skip']) });
    expect(run.exitCode).toBe(0);
    expect(run.stderr).toContain('no other unresolved records (1 skipped)');

    await world.records().deleteMany({});
    const empty = await runCli(['resolve'], { env: world.env(), tty: true, prompter: scriptedPrompter([]) });
    expect(empty.exitCode).toBe(0);
    expect(empty.stderr).toContain('no unresolved records left');
  });
});
