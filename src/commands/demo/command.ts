import { Command } from 'commander';
import type { ProgramContext } from '../../program.js';

export interface DemoFlags {
  /** false with --no-pause */
  pause: boolean;
}

export function declareDemo(ctx: ProgramContext): Command {
  return new Command('demo')
    .description('walk through a realistic incident on a throwaway sandbox with the real commands (nothing to configure)')
    .option('--no-pause', 'run straight through (it only pauses between steps when stdin and stderr are terminals)')
    .addHelpText(
      'after',
      `
Starts a sandbox (embedded MongoDB and the Stripe emulator), seeds two dozen
dead letters (most fixable, some already patched by hand, conflicting sessions,
deleted PaymentIntents, refunds made while the metadata was missing), then runs:
  list --unresolved, show, retry --all --dry-run, retry --all, stats,
  list --unresolved (what is left), resolve, and webhook with a signed event.
Your MONGODB_URI, STRIPE_SECRET_KEY and flags are ignored: the demo only
touches its sandbox, and stops it before exiting (exit 0 unless a step breaks).

Examples:
  $ billing-backfill demo
  $ npm run demo
  $ billing-backfill demo --no-pause > demo.txt`,
    )
    .action(async (flags: DemoFlags) => {
      const { demoRun } = await import('./run.js');
      ctx.exitCode = (await demoRun(ctx.factory, flags)).exitCode;
    });
}
