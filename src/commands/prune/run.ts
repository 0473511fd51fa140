import { ExitCode } from '../../errors.js';
import type { Factory } from '../../factory.js';
import { canPrompt } from '../../io/streams.js';
import type { PruneFlags } from './command.js';

export interface PruneResult {
  deleted: number;
  exitCode: number;
}

function records(n: number): string {
  return `${n} resolved record${n === 1 ? '' : 's'}`;
}

export async function pruneRun(factory: Factory, flags: PruneFlags): Promise<PruneResult> {
  const output = factory.output();
  const before = flags.resolvedBefore;
  const dryRun = Boolean(flags.dryRun);
  const ask = !dryRun && !flags.yes && canPrompt(factory.io);

  const { repository } = await factory.database();
  const report = (deleted: number) => {
    if (output.json) output.emitJson({ deleted, dryRun, resolvedBefore: before.toISOString() });
    else output.line(`${dryRun ? 'would delete' : 'deleted'} ${records(deleted)} (resolved before ${before.toISOString()})`);
    return { deleted, exitCode: ExitCode.ok };
  };

  if (dryRun) return report(await repository.pruneResolved(before, { dryRun: true }));
  if (ask) {
    const matching = await repository.pruneResolved(before, { dryRun: true });
    if (matching === 0) return report(0);
    if (!(await factory.prompter().confirm(`Delete ${records(matching)} resolved before ${before.toISOString()}? This cannot be undone.`, false))) {
      if (output.json) output.emitJson({ deleted: 0, dryRun, resolvedBefore: before.toISOString(), cancelled: true });
      output.status('cancelled; nothing was deleted');
      return { deleted: 0, exitCode: ExitCode.ok };
    }
  }
  return report(await repository.pruneResolved(before, { dryRun: false }));
}
