import { Command } from 'commander';
import type { ProgramContext } from '../../program.js';
import { parseWhen } from '../shared/parsers.js';

export interface PruneFlags {
  resolvedBefore: Date;
  dryRun?: boolean;
  yes?: boolean;
}

export function declarePrune(ctx: ProgramContext): Command {
  return new Command('prune')
    .description('retention: delete resolved records resolved before a date (unresolved records are never touched)')
    .requiredOption('--resolved-before <when>', 'ISO date (2026-09-01) or duration ago (90d, 12w)', (value) => parseWhen(value, ctx.factory.clock.now()))
    .option('--dry-run', 'only count what would be deleted')
    .option('-y, --yes', 'do not ask for confirmation on a terminal')
    .addHelpText(
      'after',
      `
Examples:
  $ billing-backfill prune --resolved-before 90d --dry-run
  $ billing-backfill prune --resolved-before 2026-09-01
  $ billing-backfill prune --resolved-before 180d --yes --json   # from cron

Without a terminal (cron, scripts) it never asks.`,
    )
    .action(async (flags: PruneFlags) => {
      const { pruneRun } = await import('./run.js');
      ctx.exitCode = (await pruneRun(ctx.factory, flags)).exitCode;
    });
}
