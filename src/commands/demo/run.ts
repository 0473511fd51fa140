import { ExitCode, UsageError } from '../../errors.js';
import type { Factory } from '../../factory.js';
import { seededRecordId, seedSandbox, type SandboxEnv } from '../../sandbox/sandbox.js';
import { DEMO_INCIDENT } from '../../sandbox/seed.js';
import { environmentText } from '../sandbox/environment.js';
import { describeSeedCounts } from '../sandbox/seed-summary.js';
import { startSandboxForCli } from '../sandbox/start.js';
import type { DemoFlags } from './command.js';
import { Narrator } from './narrator.js';
import { walkThrough } from './script.js';

const DEMO_ACTOR = 'demo';

function commandEnv(sandbox: SandboxEnv): Record<string, string> {
  return { ...sandbox, BILLING_BACKFILL_ACTOR: DEMO_ACTOR };
}

export async function demoRun(factory: Factory, flags: DemoFlags): Promise<{ exitCode: number }> {
  const output = factory.output();
  if (output.json) throw new UsageError('the demo is a walkthrough for people: it has no --json output', 'for machine-readable sandbox settings: billing-backfill sandbox --json');
  output.status('starting the sandbox: MongoDB (embedded FerretDB) and the Stripe emulator…');
  const sandbox = await startSandboxForCli();
  try {
    const now = factory.clock.now();
    const { records } = await seedSandbox(sandbox.env, DEMO_INCIDENT, { now, signal: factory.signal });
    const recordId = (paymentIntentId: string) => seededRecordId(sandbox.env, paymentIntentId);
    const env = commandEnv(sandbox.env);
    const narrator = new Narrator(factory, { ...env, ...(output.options.color ? {} : { NO_COLOR: '1' }) }, flags.pause);

    output.line(output.theme.bold('billing-backfill demo: a dead-letter incident on a throwaway sandbox'));
    narrator.explain(
      `Stripe was flaky for three days and ${records.length} checkout.session.completed backfills were dead-lettered in`,
      'billing_failed_backfills. Until its PaymentIntent carries the stripeSessionId, a refund cannot find the credits to take back.',
      `The incident: ${describeSeedCounts(DEMO_INCIDENT)}.`,
      'Every command below is the real CLI, run with the environment `billing-backfill sandbox` prints (keys are redacted):',
    );
    output.line(environmentText(env, false).trimEnd());
    await walkThrough(narrator, { sandbox: sandbox.env, records, now, recordId });

    output.line();
    output.line(output.theme.bold('That was the tour.'));
    narrator.explain('Explore on your own with `billing-backfill sandbox --seed 25`; the procedures are in RUNBOOK.md.');
  } finally {
    await sandbox.stop();
  }
  output.status('sandbox stopped; nothing is left running');
  return { exitCode: ExitCode.ok };
}
