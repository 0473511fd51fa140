import { Command } from 'commander';
import type { ProgramContext } from '../../program.js';

export interface DoctorFlags {
  createIndexes?: boolean;
  webhookSecret?: string;
}

export function declareDoctor(ctx: ProgramContext): Command {
  return new Command('doctor')
    .description('check MongoDB, the collection and its indexes, the Stripe key and the webhook secret')
    .option('--create-indexes', "create upstream's missing indexes (the CLI never builds indexes otherwise)")
    .option('--webhook-secret <whsec_…>', 'also check this webhook signing secret (env: STRIPE_WEBHOOK_SECRET, preferred: arguments show in ps)')
    .addHelpText(
      'after',
      `
Examples:
  $ billing-backfill doctor
  $ billing-backfill doctor --create-indexes
  $ STRIPE_WEBHOOK_SECRET=whsec_… billing-backfill doctor --json

Each check prints ok, warn or fail. Exit codes: 0 all ok, 1 a warning, 3 a failure.`,
    )
    .action(async (flags: DoctorFlags) => {
      const { doctorRun } = await import('./run.js');
      ctx.exitCode = (await doctorRun(ctx.factory, flags)).exitCode;
    });
}
