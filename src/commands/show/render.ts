/**
 * How one record looks in `show` (and in `resolve`'s interactive mode): a
 * sectioned, coloured view on a terminal, `key<TAB>value` lines when piped,
 * and the JSON shape for --json.
 */
import type { DeadLetter, HistoryEntry } from '../../core/record.js';
import { isoOrNull, relativeAge } from '../../io/format.js';
import type { Output } from '../../io/output.js';
import { historyJson, recordJson, stateOf } from '../shared/record-json.js';
import { isDependencyFailure, isMissingObject, refundsToReplay, stripeViewJson, type RefundView, type StripeView } from '../shared/stripe-view.js';

export interface NextStep {
  why: string;
  command: string;
}

/** The command that fixes the record, given what Stripe says; null when nothing is left to do. */
export function nextStep(record: DeadLetter, view: StripeView | null): NextStep | null {
  if (record.resolved) return null;
  const retry = `billing-backfill retry ${record.id}`;
  const force = `billing-backfill resolve ${record.id} --force --note "…"`;
  if (!view) return { why: 'check and patch the PaymentIntent', command: retry };
  if (view.error) {
    if (isDependencyFailure(view)) return null;
    if (view.error.type === 'invalid-record') return { why: 'the record cannot be retried; once settled by hand', command: force };
    if (isMissingObject(view)) return { why: 'the Stripe object no longer exists; if the purchase was settled another way', command: force };
    return { why: 'try again', command: retry };
  }
  if (view.plan?.action === 'conflict') return { why: 'investigate the other session first; once settled', command: force };
  if (view.plan?.action === 'already-correct') return { why: 'the PaymentIntent is already correct; record it', command: retry };
  return { why: 'patch the PaymentIntent', command: retry };
}

export function showJson(record: DeadLetter, view: StripeView | null) {
  return { ...recordJson(record), history: sortedHistory(record).map(historyJson), stripe: view ? stripeViewJson(view) : null };
}

export function formatAmount(amount: number, currency: string): string {
  try {
    const format = new Intl.NumberFormat('en-US', { style: 'currency', currency: currency.toUpperCase() });
    return format.format(amount / 10 ** (format.resolvedOptions().maximumFractionDigits ?? 2));
  } catch {
    return `${amount} ${currency}`;
  }
}

function sortedHistory(record: DeadLetter): HistoryEntry[] {
  return [...record.history].sort((a, b) => a.at.getTime() - b.at.getTime());
}

/** `patchPending`: the metadata is still wrong, so replaying now would fail the same way. */
export function replayWarning(record: DeadLetter, refunds: RefundView[], patchPending: boolean): string {
  const when = patchPending ? `after \`billing-backfill retry ${record.id}\`` : 'now that the metadata is right';
  return (
    `${refunds.length} refund${refunds.length === 1 ? '' : 's'} happened while the metadata was missing, so the customer's credits were never adjusted. ` +
    `Replay each refund's charge.refunded event ${when}: find it with \`stripe events list --type charge.refunded\`, then \`stripe events resend <evt_…>\``
  );
}

function refundText(r: RefundView): string {
  return `${r.id}  ${formatAmount(r.amount, r.currency)}  charge ${r.chargeId ?? '(none)'}  ${r.created.toISOString()}${r.status && r.status !== 'succeeded' ? `  ${r.status}` : ''}`;
}

function errorText(e: { message: string; type: string | null; code: string | null; status: number | null; requestId: string | null }): string {
  const tags = [e.type, e.code, e.status === null ? null : String(e.status), e.requestId].filter(Boolean);
  return tags.length ? `${e.message} [${tags.join(' ')}]` : e.message;
}

// ---------------------------------------------------------------- terminal

const LABEL_WIDTH = 18;

function terminalView(output: Output, record: DeadLetter, view: StripeView | null, now: Date, stripeNote: string): void {
  const t = output.theme;
  const field = (label: string, value: string) => output.line(`  ${t.dim(label.padEnd(LABEL_WIDTH))}${value}`);
  const when = (date: Date | null) => (date ? `${date.toISOString()} (${relativeAge(date, now)})` : '—');

  output.line(`${t.bold('Record')} ${record.id}  ${record.resolved ? t.green(stateOf(record)) : t.red(stateOf(record))}`);
  field('PaymentIntent', record.paymentIntentId || t.red('(missing)'));
  field('Checkout Session', record.stripeSessionId || t.red('(missing)'));
  field('failed', when(record.failedAt));
  field('upstream error', record.error ?? '—');
  field('attempts', record.attempts > 0 ? `${record.attempts}, last ${when(record.lastAttemptAt)}` : String(record.attempts));
  if (record.lastError) field('last error', errorText(record.lastError));
  if (record.resolved) field('resolved', `${when(record.resolvedAt)} by ${record.resolvedBy ?? 'unknown'}${record.resolution ? ` (${record.resolution})` : ''}`);
  if (record.resolutionNote) field('note', record.resolutionNote);
  for (const problem of record.problems) field('problem', t.red(problem));

  const history = sortedHistory(record);
  output.line();
  output.line(`${t.bold('History')} ${t.dim(history.length ? `(${history.length}, most recent last)` : 'none')}`);
  for (const h of history) {
    const detail = [h.error ? t.red(h.error) : '', h.note ? `note: ${h.note}` : ''].filter(Boolean).join('  ');
    output.line(`  ${h.at.toISOString()}  ${h.actor}  ${h.action} → ${h.outcome}${detail ? `  ${detail}` : ''}`);
  }

  output.line();
  if (!view) {
    output.line(`${t.bold('Stripe')} ${t.dim(stripeNote)}`);
  } else if (view.error) {
    output.line(`${t.bold('Stripe')} PaymentIntent ${view.paymentIntentId}`);
    field('error', t.red(errorText(view.error)));
  } else {
    terminalStripe(output, record, view, field);
  }

  const next = nextStep(record, view);
  if (next) {
    output.line();
    output.line(`${t.bold('Next')} ${next.why}: ${t.cyan(next.command)}`);
  }
}

function terminalStripe(output: Output, record: DeadLetter, view: StripeView, field: (label: string, value: string) => void): void {
  const t = output.theme;
  const current = view.metadata ?? {};
  const intended = view.intended ?? {};
  const plan = view.plan;
  output.line(`${t.bold('Stripe')} PaymentIntent ${view.paymentIntentId} · ${view.status ?? 'unknown'}`);

  const keys = [...new Set([...Object.keys(current), ...Object.keys(intended)])].sort();
  output.table(
    ['metadata', 'current', '', 'intended'],
    keys.map((key) => {
      const have = current[key];
      const want = intended[key];
      const changes = plan?.action === 'patch' && key in plan.patch;
      const clashes = plan?.action === 'conflict' && want !== undefined && have !== undefined && have !== want;
      return [
        key,
        have ?? t.dim('(none)'),
        changes ? t.yellow('→') : clashes ? t.red('≠') : '',
        want === undefined ? t.dim('(kept)') : changes ? t.yellow(want) : clashes ? t.red(want) : want,
      ];
    }),
  );

  if (plan?.action === 'patch') field('plan', t.yellow(`patch: set ${Object.entries(plan.patch).map(([k, v]) => `${k}=${v}`).join(' ')}`));
  else if (plan?.action === 'conflict') field('plan', t.red(`conflict: ${plan.reason}`));
  else field('plan', t.green('already-correct'));

  const replay = refundsToReplay(view);
  const others = view.refunds.filter((r) => !replay.includes(r)).map((r) => `${refundText(r)}${t.dim(r.beforeFix ? '' : '  (after the fix)')}`);
  const summary = replay.length > 0 ? [t.yellow(`${replay.length} while the metadata was missing (below)`), ...others] : others;
  if (view.refundsError) field('refunds', t.red(`could not list refunds: ${errorText(view.refundsError)}`));
  else field('refunds', summary.length > 0 ? summary.join(`\n${' '.repeat(LABEL_WIDTH + 2)}`) : 'none');

  if (replay.length > 0) {
    output.line();
    output.line(t.yellow(`⚠ ${replayWarning(record, replay, plan?.action === 'patch')}`));
    for (const r of replay) output.line(t.yellow(`    ${refundText(r)}`));
  }
}

// ---------------------------------------------------------------- piped

function pipedView(output: Output, record: DeadLetter, view: StripeView | null, stripeNote: string): void {
  const kv = (key: string, ...values: Array<string | number | null | undefined>) =>
    output.line([key, ...values.map((v) => (v === null || v === undefined ? '' : String(v).replace(/[\t\n\r]+/g, ' ')))].join('\t'));

  kv('id', record.id);
  kv('state', stateOf(record));
  kv('paymentIntentId', record.paymentIntentId);
  kv('stripeSessionId', record.stripeSessionId);
  kv('failedAt', isoOrNull(record.failedAt));
  kv('error', record.error);
  kv('attempts', record.attempts);
  kv('lastAttemptAt', isoOrNull(record.lastAttemptAt));
  kv('lastError', record.lastError ? errorText(record.lastError) : null);
  kv('resolvedAt', isoOrNull(record.resolvedAt));
  kv('resolvedBy', record.resolvedBy);
  kv('resolution', record.resolution);
  kv('resolutionNote', record.resolutionNote);
  for (const problem of record.problems) kv('problem', problem);
  for (const h of sortedHistory(record)) kv('history', h.at.toISOString(), h.actor, h.action, h.outcome, h.error, h.note);

  if (!view) {
    kv('stripe', stripeNote);
  } else if (view.error) {
    kv('stripe.error', errorText(view.error));
  } else {
    kv('stripe.status', view.status);
    for (const [k, v] of Object.entries(view.metadata ?? {})) kv(`stripe.metadata.${k}`, v);
    for (const [k, v] of Object.entries(view.intended ?? {})) kv(`stripe.intended.${k}`, v);
    kv('stripe.plan', view.plan?.action);
    if (view.plan?.action === 'patch') for (const [k, v] of Object.entries(view.plan.patch)) kv(`stripe.patch.${k}`, v);
    if (view.plan?.action === 'conflict') kv('stripe.reason', view.plan.reason);
    if (view.refundsError) kv('stripe.refunds.error', errorText(view.refundsError));
    for (const r of view.refunds) kv('stripe.refund', r.id, r.amount, r.currency, r.chargeId, r.created.toISOString(), r.status, r.beforeFix ? 'before-fix' : 'after-fix');
    const replay = refundsToReplay(view);
    if (replay.length > 0) kv('warning', replayWarning(record, replay, view.plan?.action === 'patch'));
  }
  const next = nextStep(record, view);
  if (next) kv('next', next.command);
}

/** One record's view; `stripeNote` says why there is no Stripe side when `view` is null. */
export function renderRecord(output: Output, record: DeadLetter, view: StripeView | null, now: Date, stripeNote: string): void {
  if (output.io.stdoutIsTTY) terminalView(output, record, view, now, stripeNote);
  else pipedView(output, record, view, stripeNote);
}
