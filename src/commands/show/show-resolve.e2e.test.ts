/** The built binary (npm run build first): `show --json`, then a forced `resolve`, as a script would run them. */
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { useWorld } from '../../../test/helpers/world.js';

const world = useWorld();
const BIN = new URL('../../../bin/billing-backfill.cjs', import.meta.url).pathname;

describe('show and resolve (built binary)', () => {
  it('show --json prints one document; resolve --yes --force --note resolves the record', async () => {
    const s = await world.seed({ refunded: 1 });
    const id = s.ids.get('pi_seed0000000')!;
    const env = world.env();

    const show = await execa('node', [BIN, 'show', id, '--json'], { env, reject: false });
    expect(show.exitCode).toBe(0);
    const { records } = JSON.parse(show.stdout);
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({ id, stripe: { plan: 'patch', refunds: [{ id: 're_seed0000000', beforeFix: true }] } });

    const resolve = await execa('node', [BIN, 'resolve', id, '--yes', '--force', '--note', 'x'], { env, reject: false });
    expect(resolve.exitCode).toBe(0);
    expect(resolve.stdout).toMatch(new RegExp(`^${id}\\t\\S+\\ttester\\tmanual$`));
    expect(resolve.stderr).toContain('re_seed0000000');
    expect(await world.records().findOne({ paymentIntentId: 'pi_seed0000000' })).toMatchObject({ resolvedBy: 'tester', resolutionNote: 'x', resolution: 'manual' });
  });
});
