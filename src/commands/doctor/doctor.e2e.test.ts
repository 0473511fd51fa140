import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { useWorld } from '../../../test/helpers/world.js';

const world = useWorld();

describe('doctor (built binary)', () => {
  it('prints one tab-separated check per line and exits 1 on warnings (fresh database: no indexes)', async () => {
    await world.seed({ fixable: 1 });
    const run = await execa('node', ['bin/billing-backfill.cjs', 'doctor'], { env: world.env(), reject: false });
    expect(run.exitCode).toBe(1);
    const lines = run.stdout.split('\n');
    expect(lines[0]).toBe('ok\tmongodb\tconnected');
    expect(lines).toContain('ok\tstripe access\tkey accepted: can read PaymentIntents');
    expect(lines.every((l) => /^(ok|warn|fail)\t[a-z_ 0-9]+\t/i.test(l))).toBe(true);
    expect(run.stderr).toMatch(/0 failed, \d+ warnings?/);
  });
});
