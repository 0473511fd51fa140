import type { DeadLetter } from '../../core/record.js';
import { describeError, ExitCode } from '../../errors.js';
import type { Factory } from '../../factory.js';
import { isDependencyFailure, stripeViews, type StripeView } from '../shared/stripe-view.js';
import type { ShowFlags } from './command.js';
import { findRecords, noMatch } from './ref.js';
import { renderRecord, showJson } from './render.js';

export interface ShowResult {
  exitCode: number;
  records: DeadLetter[];
  views: Map<string, StripeView> | null;
}

export async function showRun(factory: Factory, ref: string, flags: ShowFlags): Promise<ShowResult> {
  const output = factory.output();
  const { repository } = await factory.database();
  const records = await findRecords(repository, ref);
  if (records.length === 0) {
    if (output.json) output.emitJson({ records: [] });
    throw noMatch(ref);
  }

  const online = !flags.offline && factory.hasStripe();
  const views = online ? await stripeViews(records, await factory.stripe(), factory.signal) : null;
  const stripeNote = flags.offline ? 'not checked (--offline)' : 'not checked: no Stripe key configured (--stripe-key / STRIPE_SECRET_KEY)';

  if (output.json) {
    output.emitJson({ records: records.map((r) => showJson(r, views?.get(r.id) ?? null)) });
  } else {
    if (records.length > 1) output.status(`${records.length} records match ${ref}`);
    const now = factory.clock.now();
    records.forEach((record, i) => {
      if (i > 0) output.line();
      renderRecord(output, record, views?.get(record.id) ?? null, now, stripeNote);
    });
  }

  // The stored record was still worth showing; the exit code says Stripe was not.
  const unreachable = [...(views?.values() ?? [])].find(isDependencyFailure);
  if (unreachable) {
    const described = describeError(unreachable.cause);
    output.error(described.message, described.hint);
    return { exitCode: ExitCode.dependency, records, views };
  }
  return { exitCode: ExitCode.ok, records, views };
}
