import type { DeadLetterRepository, Order, Page, RecordQuery } from '../../core/ports.js';
import { ExitCode } from '../../errors.js';
import { relativeAge, truncate } from '../../io/format.js';
import type { Output } from '../../io/output.js';
import { lastErrorText, recordJson, stateOf } from '../shared/record-json.js';

export interface ListOptions {
  repository: DeadLetterRepository;
  output: Output;
  now: Date;
  query: RecordQuery;
  limit: number;
  after: string | null;
  order: Order;
}

export interface ListResult {
  page: Page;
  exitCode: number;
}

export async function listRun(opts: ListOptions): Promise<ListResult> {
  const { output, now } = opts;
  const page = await opts.repository.findPage(opts.query, { limit: opts.limit, after: opts.after, order: opts.order });

  if (output.json) {
    output.emitJson({ items: page.items.map(recordJson), total: page.total, nextCursor: page.nextCursor });
    return { page, exitCode: ExitCode.ok };
  }

  const perPaymentIntent = new Map<string, number>();
  for (const r of page.items) perPaymentIntent.set(r.paymentIntentId, (perPaymentIntent.get(r.paymentIntentId) ?? 0) + 1);
  const shared = (pi: string) => (perPaymentIntent.get(pi) ?? 0) > 1;
  const t = output.theme;

  output.table(
    ['id', 'PaymentIntent', 'session', 'failed', 'attempts', 'last error', 'state'],
    page.items.map((r) => [
      r.id,
      shared(r.paymentIntentId) ? `${r.paymentIntentId} ${t.yellow('*')}` : r.paymentIntentId,
      r.stripeSessionId,
      output.io.stdoutIsTTY ? relativeAge(r.failedAt, now) : (r.failedAt?.toISOString() ?? ''),
      String(r.attempts),
      truncate(lastErrorText(r), output.io.stdoutIsTTY ? 48 : 500),
      r.resolved ? t.green(stateOf(r)) : t.red(stateOf(r)),
    ]),
  );

  const shown = page.items.length;
  if (shown === 0) output.status(`no ${opts.query.state === 'any' ? '' : `${opts.query.state} `}records match`);
  else output.status(`${shown} of ${page.total} matching record${page.total === 1 ? '' : 's'}`);
  if (page.items.some((r) => shared(r.paymentIntentId))) output.status(t.yellow('* several records share this PaymentIntent: one retry fixes them all'));
  if (page.nextCursor) output.status(`next page: --after ${page.nextCursor}`);
  return { page, exitCode: ExitCode.ok };
}
