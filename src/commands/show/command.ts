import { Command } from 'commander';
import type { ProgramContext } from '../../program.js';

export interface ShowFlags {
  offline?: boolean;
}

export function declareShow(ctx: ProgramContext): Command {
  return new Command('show')
    .description('show a record, its history and its PaymentIntent in Stripe: the metadata diff, the plan, refunds to replay, and the command that fixes it')
    .argument('<ref>', 'record id (24 hex), PaymentIntent (pi_…) or Checkout Session (cs_…): every matching record is shown')
    .option('--offline', 'do not ask Stripe: only what MongoDB stores')
    .addHelpText(
      'after',
      `
Examples:
  $ billing-backfill show 665f1c2e9b1e8a0012345678
  $ billing-backfill show pi_3Pq…              # every record of this PaymentIntent
  $ billing-backfill show cs_test_a1… --offline
  $ billing-backfill show pi_3Pq… --json | jq '.records[].stripe.plan'`,
    )
    .action(async (ref: string, flags: ShowFlags) => {
      const { showRun } = await import('./run.js');
      ctx.exitCode = (await showRun(ctx.factory, ref, flags)).exitCode;
    });
}
