import { Command } from 'commander';
import type { ProgramContext } from '../../program.js';
import { addFilterOptions, type FilterFlags } from '../shared/filters.js';
import { intInRange } from '../shared/parsers.js';

interface ListFlags extends FilterFlags {
  limit: number;
  after?: string;
  oldestFirst?: boolean;
}

export function declareList(ctx: ProgramContext): Command {
  const cmd = new Command('list')
    .description('list dead-letter records (unresolved by default), newest first')
    .option('--limit <n>', 'records per page (1–1000)', intInRange(1, 1000), 50)
    .option('--after <cursor>', 'continue after this cursor (printed in the footer)')
    .option('--oldest-first', 'oldest records first')
    .addHelpText(
      'after',
      `
Examples:
  $ billing-backfill list --unresolved
  $ billing-backfill list --since 24h --error "rate limit"
  $ billing-backfill list --any --pi pi_3Pq… --json
  $ billing-backfill list --limit 100 --after <cursor from the previous page>`,
    );
  addFilterOptions(cmd, { states: true });
  return cmd.action(async (flags: ListFlags) => {
    const { factory } = ctx;
    const { listRun } = await import('./run.js');
    const { toRecordQuery } = await import('../shared/filters.js');
    const now = factory.clock.now();
    const query = toRecordQuery(flags, now);
    const { repository } = await factory.database();
    ctx.exitCode = (
      await listRun({
        repository,
        output: factory.output(),
        now,
        query,
        limit: flags.limit,
        after: flags.after ?? null,
        order: flags.oldestFirst ? 'oldest' : 'newest',
      })
    ).exitCode;
  });
}
