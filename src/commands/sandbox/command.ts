import { Command } from 'commander';
import type { ProgramContext } from '../../program.js';
import { intInRange } from '../shared/parsers.js';

export interface SandboxFlags {
  seed?: number;
  mongoPort?: number;
  stripePort?: number;
}

export function declareSandbox(ctx: ProgramContext): Command {
  return new Command('sandbox')
    .description('run a throwaway MongoDB (embedded FerretDB) and Stripe emulator, optionally seeded with dead letters, until Ctrl-C')
    .option('--seed <n>', 'seed n dead letters with matching Stripe objects: fixable, needing the session, already correct, conflicts, deleted PaymentIntents, refunds (0–100000)', intInRange(0, 100_000))
    .option('--mongo-port <port>', 'port for MongoDB (default: a free one)', intInRange(1, 65535))
    .option('--stripe-port <port>', 'port for the Stripe emulator (default: a free one)', intInRange(1, 65535))
    .addHelpText(
      'after',
      `
Prints the environment to use, one shell line each, once both servers are
up and seeded (so whoever reads the first lines can use the data at once):
  export MONGODB_URI=mongodb://127.0.0.1:…/billing
  export STRIPE_API_BASE=http://127.0.0.1:…
  export STRIPE_SECRET_KEY=sk_test_billing_backfill_sandbox   (a fixed test key, not a secret)
With --json: one line {"MONGODB_URI":…,"STRIPE_API_BASE":…,"STRIPE_SECRET_KEY":…}.
Status goes to stderr. Ctrl-C (or SIGTERM) stops both servers, deletes the
data, and exits 0. The first run builds the database with Go (about a minute).

Examples:
  $ billing-backfill sandbox --seed 25                 # then paste the export lines in another shell
  $ billing-backfill sandbox --seed 25 > sandbox.env   # elsewhere: . ./sandbox.env && billing-backfill list
  $ billing-backfill sandbox --json --mongo-port 27018 --stripe-port 12111`,
    )
    .action(async (flags: SandboxFlags) => {
      ctx.stopsOnSignal = true;
      const { sandboxRun } = await import('./run.js');
      ctx.exitCode = (await sandboxRun(ctx.factory, flags)).exitCode;
    });
}
