import { Command } from 'commander';
import type { ProgramContext } from '../../program.js';

export interface ResolveFlags {
  note?: string;
  force?: boolean;
  yes?: boolean;
}

export function declareResolve(ctx: ProgramContext): Command {
  return new Command('resolve')
    .description('mark records resolved by hand, once Stripe confirms the PaymentIntent carries the session id; without <ref>, triage interactively')
    .argument('[ref]', 'record id, PaymentIntent (pi_…) or Checkout Session (cs_…): all of its unresolved records')
    .option('--note <text>', 'why it is resolved (kept on the record and in its history)')
    .option('--force', 'resolve even when the PaymentIntent lacks the session id or no longer exists')
    .option('-y, --yes', 'do not ask for confirmation')
    .addHelpText(
      'after',
      `
Examples:
  $ billing-backfill resolve                                  # pick, inspect, retry or resolve, in a loop
  $ billing-backfill resolve 665f1c2e9b1e8a0012345678 --note "patched in the Dashboard"
  $ billing-backfill resolve pi_3Pq… --yes                    # every unresolved record of this PaymentIntent
  $ billing-backfill resolve 665f… --force --note "PaymentIntent deleted; refunded via support" --yes

Without a Stripe key the check is skipped (with a warning). Exit 1 when a record was refused.`,
    )
    .action(async (ref: string | undefined, flags: ResolveFlags) => {
      const { resolveRun } = await import('./run.js');
      ctx.exitCode = (await resolveRun(ctx.factory, ref, flags)).exitCode;
    });
}
