import { Command } from 'commander';
import type { ProgramContext } from '../../program.js';
import { CONCURRENCY_RANGE, DEFAULT_RATE_SHARE, defaultConcurrency, defaultRate, STRIPE_RATE_LIMIT } from '../../core/pace.js';
import { addFilterOptions, type FilterFlags } from '../shared/filters.js';
import { intInRange, numberInRange } from '../shared/parsers.js';

export interface RetryFlags extends FilterFlags {
  all?: boolean;
  dryRun?: boolean;
  limit?: number;
  maxAttempts?: number;
  /** Unset: scaled to the rate (see defaultConcurrency). */
  concurrency?: number;
  rate?: number;
  lock: boolean;
  yes?: boolean;
}

export function declareRetry(ctx: ProgramContext): Command {
  const cmd = new Command('retry')
    .description('re-patch the PaymentIntent metadata in Stripe and resolve the records (one, several, or --all)')
    .argument('[ids...]', 'record ids to retry')
    .option('--all', 'every unresolved record matching the filters')
    .option('--dry-run', 'compute and print every plan; write nothing to Stripe or MongoDB')
    .option('--limit <n>', 'retry at most n records in this run', intInRange(1, 10_000_000))
    .option('--max-attempts <n>', 'skip records that already failed n times', intInRange(1, 1_000_000))
    .option(
      '--concurrency <n>',
      `records in flight at once, 1–${CONCURRENCY_RANGE.max} (default: enough to keep --rate busy, ${defaultConcurrency(defaultRate('live'))} live, ${defaultConcurrency(defaultRate('test'))} with a test key)`,
      intInRange(1, CONCURRENCY_RANGE.max),
    )
    .option(
      '--rate <r>',
      `Stripe requests per second for reads, and for writes; slowed further by 429s (default ${defaultRate('live')} live, ${defaultRate('test')} with a test key: ${Math.round(DEFAULT_RATE_SHARE * 100)}% of Stripe's ${STRIPE_RATE_LIMIT.live}/s and ${STRIPE_RATE_LIMIT.test}/s)`,
      numberInRange(0.1, 1000),
    )
    .option('--no-lock', 'do not take the advisory lock that keeps two --all runs from doing the same work')
    .option('-y, --yes', 'do not ask for confirmation (live key on a terminal)')
    .addHelpText(
      'after',
      `
Examples:
  $ billing-backfill retry 665f1c2e9b1e8a0012345678
  $ billing-backfill retry --all --dry-run
  $ billing-backfill retry --all --since 7d --max-attempts 10
  $ billing-backfill retry --all --actor cron --yes          # from cron
  $ billing-backfill retry --all --rate 10 --concurrency 4   # during a Stripe incident`,
    );
  addFilterOptions(cmd, { states: false });
  return cmd.action(async (ids: string[], flags: RetryFlags) => {
    if (flags.all) (await import('./heap.js')).boundHeapForBatch();
    const { retryRun } = await import('./run.js');
    ctx.exitCode = (await retryRun(ctx.factory, ids, flags)).exitCode;
  });
}
