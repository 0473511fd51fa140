import { Command } from 'commander';
import type { ProgramContext } from '../../program.js';
import { intInRange } from '../shared/parsers.js';

interface StatsFlags {
  days: number;
  top: number;
}

export function declareStats(ctx: ProgramContext): Command {
  return new Command('stats')
    .description('counts by state, oldest unresolved failure, failures per day, most frequent errors')
    .option('--days <n>', 'days of per-day failure counts, today included (1–90)', intInRange(1, 90), 14)
    .option('--top <n>', 'most frequent errors of unresolved records to show (0–100)', intInRange(0, 100), 5)
    .addHelpText(
      'after',
      `
Examples:
  $ billing-backfill stats
  $ billing-backfill stats --days 30 --top 10
  $ billing-backfill stats --json          # for monitoring: unresolved, oldestUnresolvedAt, perDay, topErrors
  $ billing-backfill stats | awk -F'\\t' '$1 == "unresolved" { print $2 }'`,
    )
    .action(async (flags: StatsFlags) => {
      const { factory } = ctx;
      const { statsRun } = await import('./run.js');
      const { repository } = await factory.database();
      ctx.exitCode = (await statsRun({ repository, output: factory.output(), now: factory.clock.now(), days: flags.days, top: flags.top })).exitCode;
    });
}
