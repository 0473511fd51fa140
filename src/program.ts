/**
 * The commander root: global flags, help, and the command list. Each command
 * declares its flags in src/commands/<verb>/command.ts and loads its run
 * function only when invoked.
 */
import { Command } from 'commander';
import type { Factory } from './factory.js';
import { commands } from './commands/index.js';

export interface ProgramContext {
  factory: Factory;
  /** Set by the command that ran. */
  exitCode: number;
  /** Set by long-running commands (webhook, sandbox) whose normal end is SIGINT/SIGTERM. */
  stopsOnSignal?: boolean;
}

export function buildProgram(ctx: ProgramContext, version: string): Command {
  const program = new Command('billing-backfill')
    .description('Triage and fix dead-lettered Stripe PaymentIntent metadata backfills (billing_failed_backfills).')
    .version(version, '-V, --version', 'print the version')
    // Environment fallbacks are resolved in config.ts from the injected env
    // (not commander's .env()), so in-process tests control them.
    .option('--mongo-uri <uri>', 'MongoDB connection string (env: MONGODB_URI)')
    .option('--stripe-key <key>', 'Stripe secret or restricted key: sk_test_…, sk_live_…, rk_… (env: STRIPE_SECRET_KEY)')
    .option('--stripe-api-base <url>', 'send Stripe API calls elsewhere, e.g. the emulator (env: STRIPE_API_BASE)')
    .option('--collection <name>', 'dead-letter collection', 'billing_failed_backfills')
    .option('--actor <name>', 'who is acting, recorded in audit fields (env: BILLING_BACKFILL_ACTOR; default user@host)')
    .option('--json', 'machine-readable output: exactly one JSON document on stdout')
    .option('--no-color', 'no colour (also NO_COLOR, and whenever stdout is not a terminal)')
    .showSuggestionAfterError(true)
    .configureHelp({ sortSubcommands: false, showGlobalOptions: true })
    .addHelpText(
      'after',
      `
Examples:
  $ billing-backfill list --unresolved
  $ billing-backfill show pi_3Pq…
  $ billing-backfill retry --all --dry-run
  $ billing-backfill retry --all --actor cron --yes
  $ billing-backfill resolve
  $ billing-backfill sandbox --seed 25

Exit codes: 0 done or nothing to do, 1 some records could not be fixed,
2 usage or configuration error, 3 MongoDB or Stripe unreachable or refused us,
130 interrupted.`,
    );

  // Flags arrive before the action runs; the factory reads them lazily.
  program.hook('preAction', async (_root, actionCommand) => {
    ctx.factory.setFlags(actionCommand.optsWithGlobals());
    await ctx.factory.loadOutput();
  });

  for (const declare of commands) program.addCommand(declare(ctx));
  return program;
}
