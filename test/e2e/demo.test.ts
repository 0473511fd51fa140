/**
 * `billing-backfill demo --no-pause` as the built binary (run `npm run build`
 * first), as `npm run demo` runs it: every step's output, exit 0, and no
 * process left behind.
 */
import { existsSync } from 'node:fs';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { isRunning, watchSandboxChildren } from '../helpers/sandbox-processes.js';

describe('billing-backfill demo (binary)', () => {
  it('walks through every step, exits 0 and leaves nothing running', async () => {
    const started = Date.now();
    const child = execa(process.execPath, ['bin/billing-backfill.cjs', 'demo', '--no-pause'], { reject: false });
    const watcher = watchSandboxChildren(child.pid!);
    const result = await child;
    watcher.stop();
    const stdout = String(result.stdout);
    const stderr = String(result.stderr);

    expect(result.exitCode, stderr).toBe(0);
    expect(Date.now() - started).toBeLessThan(60_000);
    expect(stderr).not.toMatch(/error:|the demo broke/);

    const headings = [...stdout.matchAll(/^━━ (\d+)\. (.+)$/gm)].map((m) => m[2]);
    expect(headings).toEqual([
      'What is dead-lettered?',
      'A closer look at one record',
      'What would fixing everything do?',
      'Fix everything that can be fixed',
      'Where do we stand?',
      'What is left for a human',
      'Resolving by hand',
      'New payments: the webhook',
    ]);
    for (const command of ['list --unresolved', 'show pi_', 'retry --all --dry-run', 'retry --all\n', 'stats', 'resolve\n', 'webhook --port']) {
      expect(stdout).toContain(`billing-backfill ${command}`);
    }
    expect(stdout).toMatch(/^[0-9a-f]{24}\tpi_seed\d+\tcs_test_seed\d+\t.*\tunresolved$/m);
    expect(stdout).toMatch(/stripe\.refund\tre_seed\d+.*before-fix/);
    expect(stdout).toMatch(/\twould-patch\tset stripeSessionId=cs_test_seed\d+/);
    expect(stdout).toMatch(/^dry run \(nothing written\): targeted \d+, would-patch \d+/m);
    expect(stdout).toMatch(/^targeted \d+, patched [1-9]\d*, already-correct \d+, conflict 2, .*failed-permanent 2/m);
    expect(stdout).toMatch(/→ exit 1 \(expected: 2 conflicting sessions and 2 deleted PaymentIntents need a human\)/);
    expect(stdout).toMatch(/^unresolved\t4$/m);
    expect(stdout).toMatch(/resolve [0-9a-f]{24} --force --yes --note 'PaymentIntent deleted in Stripe; nothing to patch'\n[0-9a-f]{24}\t\S+\tdemo\tmanual\n→ exit 0/);
    expect(stdout).toMatch(/metadata before: .*stripeSessionId=__pending__/);
    expect(stdout).toMatch(/POST \/webhook → 200 \{"received":true,"outcome":"patched"\}/);
    expect(stdout).toMatch(/metadata after: .*stripeSessionId=cs_test_new0000000/);
    expect(stderr).toMatch(/"outcome":"patched"/);
    expect(stdout + stderr).not.toMatch(/whsec_(?!…|\[redacted\])|sk_test_(?!\[redacted\]|billing_backfill_sandbox\b)/);

    const databases = [...watcher.seen.values()];
    expect(databases).toHaveLength(1);
    for (const db of databases) {
      expect(isRunning(db.pid)).toBe(false);
      expect(db.dataDir && existsSync(db.dataDir)).toBe(false);
    }
  }, 90_000);
});
